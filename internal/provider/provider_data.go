package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/hub"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
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

	scimOnce sync.Once
	scim     *scim.Client
	scimErr  error

	hubOnce sync.Once
	hub     *hub.Client
	hubErr  error

	users  *userCache
	groups *groupCache

	// explained tells each shared cause of failure in full once.
	explained explainOnce
	// plannedUserNames finds two docker_scim_user resources for one person.
	plannedUserNames userNameClaims
}

func newProviderData(s clientSettings) *providerData {
	return &providerData{settings: s, users: newUserCache(), groups: newGroupCache()}
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

// scimClient returns the SCIM client, or nil after adding a diagnostic that
// names the missing setting and its environment variable.
func (d *providerData) scimClient(diags *diag.Diagnostics, neededFor string) *scim.Client {
	if d == nil {
		diags.AddError("Provider not configured", neededFor+" was called before the provider was configured. This is a bug in the provider.")
		return nil
	}
	s := d.settings
	switch {
	case s.scimBaseURL.unknown:
		diagnostics.AddUnknownSetting(diags, "scim_base_url", neededFor)
		return nil
	case s.scimToken.unknown:
		diagnostics.AddUnknownSetting(diags, "scim_token", neededFor)
		return nil
	case s.scimBaseURL.value == "":
		diagnostics.AddMissingSetting(diags, "scim_base_url", EnvSCIMBaseURL, neededFor)
		return nil
	case s.scimToken.value == "":
		diagnostics.AddMissingSetting(diags, "scim_token", EnvSCIMToken, neededFor)
		return nil
	}
	d.scimOnce.Do(func() {
		d.scim, d.scimErr = scim.New(scim.Config{
			BaseURL: s.scimBaseURL.value,
			Token:   s.scimToken.value,
			HTTP:    d.httpOptions(s.scimToken.value),
		})
	})
	if d.scimErr != nil {
		diags.AddAttributeError(path.Root("scim_base_url"), "Invalid SCIM settings", d.scimErr.Error())
		return nil
	}
	return d.scim
}

// hubClient returns the management API client, or nil after adding a
// diagnostic that names the missing setting and its environment variable.
func (d *providerData) hubClient(diags *diag.Diagnostics, neededFor string) *hub.Client {
	if d == nil {
		diags.AddError("Provider not configured", neededFor+" was called before the provider was configured. This is a bug in the provider.")
		return nil
	}
	s := d.settings
	switch {
	case s.host.unknown:
		diagnostics.AddUnknownSetting(diags, "host", neededFor)
		return nil
	case s.username.unknown:
		diagnostics.AddUnknownSetting(diags, "username", neededFor)
		return nil
	case s.password.unknown:
		diagnostics.AddUnknownSetting(diags, "password", neededFor)
		return nil
	case s.username.value == "":
		diagnostics.AddMissingSetting(diags, "username", EnvUsername, neededFor)
		return nil
	case s.password.value == "":
		diagnostics.AddMissingSetting(diags, "password", EnvPassword, neededFor)
		return nil
	}
	d.hubOnce.Do(func() {
		d.hub, d.hubErr = hub.New(hub.Config{
			Host:     s.host.value,
			Username: s.username.value,
			Password: s.password.value,
			HTTP:     d.httpOptions(s.password.value),
		})
	})
	if d.hubErr != nil {
		diags.AddAttributeError(path.Root("host"), "Invalid Docker Hub settings", d.hubErr.Error())
		return nil
	}
	return d.hub
}

// tflogLogger sends the clients' logs to Terraform's log, with every secret
// masked in messages and fields alike.
type tflogLogger struct {
	secrets []string
}

func (l tflogLogger) mask(ctx context.Context) context.Context {
	for _, s := range l.secrets {
		if s != "" {
			ctx = tflog.MaskMessageStrings(ctx, s)
			ctx = tflog.MaskAllFieldValuesStrings(ctx, s)
		}
	}
	return tflog.SetField(ctx, "@module", "docker.http")
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}

// privateState is the part of private state the provider reads back:
// resp.Private and req.Private both have these methods.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

const etagKey = "etag"

// setETag remembers the version of the object last read or written, so that
// the next update can be made conditional on it.
func setETag(ctx context.Context, p privateState, etag string) diag.Diagnostics {
	if p == nil {
		return nil
	}
	if etag == "" {
		return p.SetKey(ctx, etagKey, nil)
	}
	b, _ := json.Marshal(etag)
	return p.SetKey(ctx, etagKey, b)
}

func getETag(ctx context.Context, p interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}) (string, diag.Diagnostics) {
	if p == nil {
		return "", nil
	}
	b, diags := p.GetKey(ctx, etagKey)
	if len(b) == 0 {
		return "", diags
	}
	var etag string
	if err := json.Unmarshal(b, &etag); err != nil {
		return "", diags
	}
	return etag, diags
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func stringIfKnown(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return v.ValueString()
}

func boolPtr(b bool) *bool { return &b }

func quote(s string) string { return strconv.Quote(s) }

func parsePositiveFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if f <= 0 {
		return 0, fmt.Errorf("%v is not positive", f)
	}
	return f, nil
}
