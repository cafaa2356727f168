package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/hub"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/snapshot"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// clientSettings is the provider block resolved against the environment.
type clientSettings struct {
	version           string
	host              setting
	username          setting
	password          setting
	scimBaseURL       setting
	scimToken         setting
	timeout           time.Duration
	requestsPerSecond float64
}

// providerData is what one configured provider block hands its resources:
// clients built on first use (so that unknown settings fail only the
// operations that need them), and the read-through caches they share.
type providerData struct {
	settings clientSettings

	scim lazyClient[scim.Client]
	hub  lazyClient[hub.Client]

	users  *snapshot.Users
	groups *snapshot.Groups

	// view is the block as every resource sees it, framework or protocol:
	// the endpoint guard, the explanations told once, the claims across
	// resources, and the snapshots above (the same ones).
	view *view.Provider
}

func newProviderData(s clientSettings) *providerData {
	d := &providerData{settings: s}
	d.view = view.New(view.Config{
		SCIMBaseURL: s.scimBaseURL.value,
		SCIMToken:   s.scimToken.value,
		Pending:     s.scimBaseURL.unknown || s.scimToken.unknown,
		SCIM:        d.scimClient,
	})
	d.users, d.groups = d.view.Users, d.view.Groups
	return d
}

// providerDataFrom unpacks what Configure handed over. It is nil before the
// provider is configured (validation), which the resources tolerate.
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", v))
		return nil
	}
	return data
}

// outageWindow is the retry budget one client shares across the command: a
// refused request is retried for at most this long, and when no request has
// succeeded for this long while they keep failing, the rest fail at once.
// It is twice the longest Retry-After the client honours
// (httpx.DefaultMaxRetryAfter), so a server that asks for one long pause
// and then answers never trips it.
const outageWindow = 2 * httpx.DefaultMaxRetryAfter

// httpOptions are the transport settings both clients share.
func (d *providerData) httpOptions(secrets ...string) httpx.Options {
	return httpx.Options{
		UserAgent:         httpx.UserAgent(d.settings.version),
		Timeout:           d.settings.timeout,
		RequestsPerSecond: d.settings.requestsPerSecond,
		// A 429 or 503 means the server did not act: under a storm of them a
		// run slows down, honouring Retry-After, rather than failing; but a
		// server that is down or refuses everything fails the run within
		// the window, not a window per object.
		OutageWindow: outageWindow,
		Logger:       tflogLogger{secrets: secrets},
		Secrets:      secrets,
	}
}

// modelSource is a plan or a state: what a CRUD method reads its model from.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// lazyClient builds a client the first time an operation needs it, so
// that settings unknown at plan time fail only the operations that use
// them, and every resource of the block then shares the one client.
type lazyClient[T any] struct {
	once   sync.Once
	client *T
	err    error
}

func (l *lazyClient[T]) get(build func() (*T, error)) (*T, error) {
	l.once.Do(func() { l.client, l.err = build() })
	return l.client, l.err
}

// requiredSetting is a provider setting an operation cannot do without.
type requiredSetting struct {
	attribute string
	env       string
	value     setting
	optional  bool // has a default, so only unknown is a problem
}

// requireSettings adds a diagnostic naming the first setting that is
// unknown (only known after apply) or missing, and reports whether all are
// usable.
func requireSettings(diags *diag.Diagnostics, neededFor string, settings ...requiredSetting) bool {
	for _, s := range settings {
		if s.value.unknown {
			diagnostics.AddUnknownSetting(diags, s.attribute, neededFor)
			return false
		}
	}
	for _, s := range settings {
		if !s.optional && s.value.value == "" {
			diagnostics.AddMissingSetting(diags, s.attribute, s.env, neededFor)
			return false
		}
	}
	return true
}

// configured reports whether the provider was configured, adding a bug
// diagnostic when it was not.
func (d *providerData) configured(diags *diag.Diagnostics, neededFor string) bool {
	if d == nil {
		diags.AddError("Provider not configured", neededFor+" was called before the provider was configured. This is a bug in the provider.")
		return false
	}
	return true
}

// scimClient returns the SCIM client, or nil after adding a diagnostic that
// names the unknown or missing setting and its environment variable.
func (d *providerData) scimClient(diags *diag.Diagnostics, neededFor string) *scim.Client {
	if !d.configured(diags, neededFor) {
		return nil
	}
	s := d.settings
	if !requireSettings(diags, neededFor,
		requiredSetting{attribute: "scim_base_url", env: EnvSCIMBaseURL, value: s.scimBaseURL},
		requiredSetting{attribute: "scim_token", env: EnvSCIMToken, value: s.scimToken}) {
		return nil
	}
	client, err := d.scim.get(func() (*scim.Client, error) {
		return scim.New(scim.Config{BaseURL: s.scimBaseURL.value, Token: s.scimToken.value, HTTP: d.httpOptions(s.scimToken.value)})
	})
	if err != nil {
		diags.AddAttributeError(path.Root("scim_base_url"), "Invalid SCIM settings", err.Error())
		return nil
	}
	return client
}

// hubClient returns the management API client, or nil after adding a
// diagnostic that names the unknown or missing setting and its environment
// variable.
func (d *providerData) hubClient(diags *diag.Diagnostics, neededFor string) *hub.Client {
	if !d.configured(diags, neededFor) {
		return nil
	}
	s := d.settings
	if !requireSettings(diags, neededFor,
		requiredSetting{attribute: "host", env: EnvHubHost, value: s.host, optional: true},
		requiredSetting{attribute: "username", env: EnvUsername, value: s.username},
		requiredSetting{attribute: "password", env: EnvPassword, value: s.password}) {
		return nil
	}
	client, err := d.hub.get(func() (*hub.Client, error) {
		return hub.New(hub.Config{Host: s.host.value, Username: s.username.value, Password: s.password.value,
			HTTP: d.httpOptions(s.password.value)})
	})
	if err != nil {
		diags.AddAttributeError(path.Root("host"), "Invalid Docker Hub settings", err.Error())
		return nil
	}
	return client
}
