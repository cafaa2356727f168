// Package view is the configured provider as every resource sees it,
// framework or protocol: the SCIM client, whether its settings are pending,
// the read-through snapshots, the endpoint guard and the claims across
// resources. One Provider is built per configured provider block (per
// command and walk: the CLI starts the provider afresh for each), and every
// resource of the block reaches the same one, so a new resource gets the
// safety guards by construction.
//
// It sits below internal/provider and the resources served on
// terraform-plugin-go, and knows nothing of either.
package view

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/snapshot"
)

// Endpoint says which SCIM API an object was last seen through. Resources
// keep it in private state, so that a Read that no longer finds an object
// can tell "deleted outside Terraform" from "the provider now points
// somewhere else" (a base URL that changed, or the token of another SSO
// connection on the same host), and never empty state for the latter.
type Endpoint struct {
	BaseURL string `json:"base_url"`
	// Token is a fingerprint of the bearer token: 16 hex digits of a
	// SHA-256 over a high-entropy secret, which reveal nothing of it.
	Token string `json:"token"`
}

// EndpointKey is the private state key under which framework-format
// private state keeps an Endpoint.
const EndpointKey = "scim_endpoint"

// Fingerprint is what Endpoint.Token records of a token.
func Fingerprint(token string) string {
	sum := sha256.Sum256([]byte("terraform-provider-docker scim token\x00" + token))
	return hex.EncodeToString(sum[:8])
}

// DecodeEndpoint reads what Provider.EndpointRecord wrote; ok is false for
// nothing (state written before endpoints were recorded) or garbage.
func DecodeEndpoint(b []byte) (e Endpoint, ok bool) {
	if len(b) == 0 || json.Unmarshal(b, &e) != nil || e.BaseURL == "" {
		return Endpoint{}, false
	}
	return e, true
}

// Config is what a configured provider block hands to New.
type Config struct {
	SCIMBaseURL string
	SCIMToken   string
	// Pending says scim_base_url or scim_token is known only after apply:
	// the provider block takes them from a docker_scim_connection that this
	// plan creates, replaces or rotates.
	Pending bool
	// SCIM returns the shared SCIM client, or nil after adding a
	// diagnostic that names the missing or unknown setting.
	SCIM func(diags *diag.Diagnostics, neededFor string) *scim.Client
}

// Provider is one configured provider block as its resources see it.
type Provider struct {
	cfg      Config
	endpoint Endpoint

	// Users and Groups are the read-through snapshots of the command.
	Users  *snapshot.Users
	Groups *snapshot.Groups
	// Claims finds two resources of the configuration that declare one
	// person or one team (see claims.go).
	Claims Claims

	explained explainOnce

	recordOnce sync.Once
	record     []byte
}

// New returns the view of a provider block configured with c.
func New(c Config) *Provider {
	return &Provider{
		cfg:      c,
		endpoint: Endpoint{BaseURL: c.SCIMBaseURL, Token: Fingerprint(c.SCIMToken)},
		Users:    snapshot.NewUsers(),
		Groups:   snapshot.NewGroups(),
	}
}

// Pending reports whether the SCIM settings are only known after apply.
// Nil-safe: a provider not configured yet has nothing pending.
func (p *Provider) Pending() bool { return p != nil && p.cfg.Pending }

// SCIM returns the shared SCIM client (one rate limiter, retry policy and
// outage budget for every resource of the block), or nil after adding a
// diagnostic that says why.
func (p *Provider) SCIM(diags *diag.Diagnostics, neededFor string) *scim.Client {
	if p == nil || p.cfg.SCIM == nil {
		diags.AddError("Provider not configured", neededFor+" was called before the provider was configured. This is a bug in the provider.")
		return nil
	}
	return p.cfg.SCIM(diags, neededFor)
}

// Endpoint is the endpoint the settings point at now.
func (p *Provider) Endpoint() Endpoint { return p.endpoint }

// EndpointRecord is the JSON of Endpoint, worked out (a SHA-256 and an
// encoding) once per configured provider rather than once per object.
func (p *Provider) EndpointRecord() []byte {
	p.recordOnce.Do(func() { p.record, _ = json.Marshal(p.endpoint) })
	return p.record
}

// ExplainFirst reports whether cause is being told for the first time by
// this provider block: "one cause, one full explanation" across its
// resources. The first resource to hit a cause gives the whole story, the
// others a line that points to it.
func (p *Provider) ExplainFirst(cause string) bool { return p.explained.first(cause) }

type explainOnce struct {
	mu   sync.Mutex
	told map[string]bool
}

func (e *explainOnce) first(cause string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.told == nil {
		e.told = map[string]bool{}
	}
	if e.told[cause] {
		return false
	}
	e.told[cause] = true
	return true
}

// AddEndpointChanged adds the error for an object (subject, e.g. `SCIM user
// "a@x.example"`) that was last seen through was and is not found through
// the current settings: they point at another connection or URL, so
// removing it from state would re-create it through the wrong one. The
// first such error of the provider block explains the cause and the way
// forward in full, every later one refers to it. way says how to go on
// when the token was rotated and the object really was deleted; "" for an
// object a resource holds alone (state rm, then apply).
func (p *Provider) AddEndpointChanged(diags *diag.Diagnostics, was Endpoint, subject, way string) {
	if way == "" {
		way = "remove it from state on purpose (terraform state rm <address>, or tofu state rm) and apply again " +
			"to re-create it"
	}
	now := p.endpoint
	if !p.ExplainFirst("endpoint changed") {
		diags.AddError("Not found through the changed SCIM settings",
			subject+" was not found through the provider's current SCIM settings, which differ from the ones it "+
				"was last read through. State is unchanged. See the first \"SCIM settings changed\" error for the cause "+
				"and what to do.")
		return
	}
	var change string
	switch {
	case was.BaseURL != now.BaseURL:
		change = fmt.Sprintf("scim_base_url was %q and is now %q", was.BaseURL, now.BaseURL)
	default:
		change = "scim_token is not the token it was last read with (same scim_base_url)"
	}
	diags.AddError("SCIM settings changed: managed objects not found",
		fmt.Sprintf("%s was not found through the provider's current SCIM settings, and those settings differ "+
			"from the ones it was last read through: %s.\n\n"+
			"This usually means the provider now points at another SSO connection (another organization's base URL or "+
			"token), not that the object was deleted. Removing it from state would make the next apply create it "+
			"again through the wrong connection, so state is left as it was and nothing is planned.\n\n"+
			"To proceed:\n"+
			"  - If the settings are wrong, correct scim_base_url and scim_token (or DOCKER_SCIM_BASE_URL and "+
			"DOCKER_SCIM_TOKEN) and plan again.\n"+
			"  - If the token was rotated and the object really was deleted outside Terraform, %s.",
			subject, change, way))
}
