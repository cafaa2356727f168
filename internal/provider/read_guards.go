package provider

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// scimEndpoint says which SCIM API a resource was last seen through (see
// view.Endpoint), kept in the resource's private state under
// scimEndpointKey.
type scimEndpoint = view.Endpoint

const scimEndpointKey = view.EndpointKey

// scimEndpoint is the endpoint the provider's settings point at now.
func (d *providerData) scimEndpoint() scimEndpoint { return d.view.Endpoint() }

// scimSettingsPending reports whether scim_base_url or scim_token is only
// known after apply: the provider block takes them from a
// docker_scim_connection that this plan creates, replaces or rotates.
func (d *providerData) scimSettingsPending() bool {
	return d != nil && d.view.Pending()
}

// scimEndpointRecord is the JSON recordSCIMEndpoint stores for the current
// settings, worked out (a SHA-256 and an encoding) once per configured
// provider rather than once per object read.
func (d *providerData) scimEndpointRecord() []byte { return d.view.EndpointRecord() }

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
	return view.DecodeEndpoint(b)
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
	d.view.AddEndpointChanged(diags, was, fmt.Sprintf("%s %q", what, name), "")
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
