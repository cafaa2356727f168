package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// scimEndpoint says which SCIM API a resource was last seen through. It is
// kept in the resource's private state, so that a Read that no longer finds
// the object can tell "deleted outside Terraform" from "the provider now
// points somewhere else" (a base URL that changed, or the token of another
// SSO connection on the same host), and never empties state for the latter.
type scimEndpoint struct {
	BaseURL string `json:"base_url"`
	// Token is a fingerprint of the bearer token: 16 hex digits of a
	// SHA-256 over a high-entropy secret, which reveal nothing of it.
	Token string `json:"token"`
}

const scimEndpointKey = "scim_endpoint"

// tokenFingerprint is what scimEndpoint.Token records of a token.
func tokenFingerprint(token string) string {
	sum := sha256.Sum256([]byte("terraform-provider-docker scim token\x00" + token))
	return hex.EncodeToString(sum[:8])
}

// scimEndpoint is the endpoint the provider's settings point at now.
func (d *providerData) scimEndpoint() scimEndpoint {
	return scimEndpoint{
		BaseURL: d.settings.scimBaseURL.value,
		Token:   tokenFingerprint(d.settings.scimToken.value),
	}
}

// scimSettingsPending reports whether scim_base_url or scim_token is only
// known after apply: the provider block takes them from a
// docker_scim_connection that this plan creates, replaces or rotates.
func (d *providerData) scimSettingsPending() bool {
	return d != nil && (d.settings.scimBaseURL.unknown || d.settings.scimToken.unknown)
}

// scimEndpointRecord is the JSON recordSCIMEndpoint stores for the current
// settings, worked out (a SHA-256 and an encoding) once per configured
// provider rather than once per object read.
func (d *providerData) scimEndpointRecord() []byte {
	d.endpointOnce.Do(func() { d.endpointJSON, _ = json.Marshal(d.scimEndpoint()) })
	return d.endpointJSON
}

// recordSCIMEndpoint remembers, in p, that the object was just seen through
// the current settings.
func (d *providerData) recordSCIMEndpoint(ctx context.Context, p privateState) diag.Diagnostics {
	if p == nil || d == nil {
		return nil
	}
	return p.SetKey(ctx, scimEndpointKey, d.scimEndpointRecord())
}

// recordSCIMEndpointIfChanged is recordSCIMEndpoint for a resource served
// on terraform-plugin-go. It reports whether p changed, so that a refresh
// through the same settings re-encodes nothing.
func (d *providerData) recordSCIMEndpointIfChanged(p tfproto.Private) bool {
	if d == nil || bytes.Equal(p[scimEndpointKey], d.scimEndpointRecord()) {
		return false
	}
	p[scimEndpointKey] = d.scimEndpointRecord()
	return true
}

// recordedSCIMEndpoint returns what recordSCIMEndpoint stored; ok is false
// for state written before it was recorded (or by an import on an older
// version).
func recordedSCIMEndpoint(ctx context.Context, p privateState) (e scimEndpoint, ok bool) {
	if p == nil {
		return e, false
	}
	b, _ := p.GetKey(ctx, scimEndpointKey)
	if len(b) == 0 || json.Unmarshal(b, &e) != nil || e.BaseURL == "" {
		return scimEndpoint{}, false
	}
	return e, true
}

// explainOnce makes "one cause, one full explanation" hold across the
// resources of one configured provider block: the first resource to hit a
// cause gets the whole story, the others a line that points to it.
type explainOnce struct {
	mu   sync.Mutex
	told map[string]bool
}

// first reports whether cause is being told for the first time.
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

// confirmVanished decides what a Read that got "not found" for its object
// does. It returns true when the object may be dropped from state as
// deleted outside Terraform. When the settings no longer point where the
// object was last seen, it adds an error instead and returns false: state
// stays as it was, and nothing is planned for creation somewhere else.
func (d *providerData) confirmVanished(ctx context.Context, p privateState, diags *diag.Diagnostics, what, name string) bool {
	was, ok := recordedSCIMEndpoint(ctx, p)
	if !ok {
		return true
	}
	now := d.scimEndpoint()
	if was == now {
		return true
	}
	subject := fmt.Sprintf("%s %q", what, name)
	if !d.explained.first("endpoint changed") {
		diags.AddError("Not found through the changed SCIM settings",
			subject+" was not found through the provider's current SCIM settings, which differ from the ones it "+
				"was last read through. State is unchanged. See the first \"SCIM settings changed\" error for the cause "+
				"and what to do.")
		return false
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
			"  - If the token was rotated and the object really was deleted outside Terraform, remove it from state on "+
			"purpose (terraform state rm <address>, or tofu state rm) and apply again to re-create it.",
			subject, change))
	return false
}

// forget removes a resource that no longer exists from state. The framework
// wants an identity even for a removed resource when the CLI (Terraform <
// 1.12) did not send one, so it is set from what state held.
func forget(ctx context.Context, resp *resource.ReadResponse, identity any) {
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
	resp.State.RemoveResource(ctx)
}

// forgetIfVanished is forget for an object the SCIM API no longer finds,
// unless confirmVanished finds that the settings changed since it was last
// seen: then state stays as it was and the error says why.
func (d *providerData) forgetIfVanished(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse,
	identity any, what, name string) {
	if d.confirmVanished(ctx, req.Private, &resp.Diagnostics, what, name) {
		forget(ctx, resp, identity)
		return
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
}

// keptWhilePending leaves the state of a SCIM object as it is, and reports
// true, while the SCIM settings are only known after apply (the provider
// block takes them from a connection this plan creates, re-enables or
// rotates): the object is refreshed by the next plan, through the new
// settings, and nothing is planned for it meanwhile.
func (d *providerData) keptWhilePending(ctx context.Context, resp *resource.ReadResponse, identity any) bool {
	if !d.scimSettingsPending() {
		return false
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
	return true
}
