package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// The docker_scim_user list resource, for `terraform query` (Terraform
// 1.14 and later): every SCIM user of the connection, as the resource
// would import them. It is served by scimUserServer, on the protocol like
// the resource, because a list result carries the resource's own state and
// identity, which only that server encodes. OpenTofu and older Terraform
// never ask for it.

// scimUserListType is the list block's config: a SCIM filter and an
// active switch.
var scimUserListType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"filter": tftypes.String,
	"active": tftypes.Bool,
}}

func scimUserListSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	return &tfprotov6.Schema{Version: 0, Block: &tfprotov6.SchemaBlock{
		DescriptionKind: md,
		Description: "Lists the SCIM users of the SSO connection, every page of them, as `docker_scim_user` " +
			"would import them: identity `user_name` (in lower case), display name the email. With " +
			"`include_resource = true` each result holds every attribute the resource reads. " +
			"`terraform query -generate-config-out` writes a `docker_scim_user` and an `import` block per user " +
			"with only `user_name` (and `active = false` for an inactive user): what the identity provider set " +
			"stays the IdP's, as with `examples/adopt-idp-org`. Needs Terraform 1.14 or later, and the provider's " +
			"`scim_base_url` and `scim_token`.",
		Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "filter", Type: tftypes.String, Optional: true, DescriptionKind: md,
				Description: "A SCIM filter (RFC 7644 §3.4.2.2), such as `userName ew \"@moby.example\"` or " +
					"`externalId pr`, evaluated by the server. Every user when unset."},
			{Name: "active", Type: tftypes.Bool, Optional: true, DescriptionKind: md,
				Description: "`true` lists only active users, `false` only deactivated ones; both when unset. " +
					"Combined with `filter` by `and`."},
		},
	}}
}

// ValidateListResourceConfig refuses a filter of only spaces, which the
// server would reject with a less helpful message.
func (s *scimUserServer) ValidateListResourceConfig(_ context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	resp := &tfprotov6.ValidateListResourceConfigResponse{}
	a, err := tfproto.Attributes(req.Config, scimUserListType)
	if err != nil {
		resp.Diagnostics = tfproto.Error("Invalid list configuration", err.Error())
		return resp, nil
	}
	if f := tfproto.StrOf(a["filter"]); a != nil && f.IsSet() && strings.TrimSpace(f.V) == "" {
		resp.Diagnostics = []*tfprotov6.Diagnostic{{
			Severity: tfprotov6.DiagnosticSeverityError, Summary: "Empty filter",
			Detail:    "filter is empty. Leave it out to list every user.",
			Attribute: tftypes.NewAttributePath().WithAttributeName("filter"),
		}}
	}
	return resp, nil
}

// ListResource streams the users page by page, as the server sends them:
// one listing, no request per user, stopping at the block's limit.
func (s *scimUserServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	a, err := tfproto.Attributes(req.Config, scimUserListType)
	if err != nil {
		return listError(tfproto.Error("Invalid list configuration", err.Error())), nil
	}
	filter := userListFilter(tfproto.StrOf(a["filter"]), tfproto.BoolOf(a["active"]))
	var diags diag.Diagnostics
	client := s.data().scimClient(&diags, "list.docker_scim_user")
	if client == nil {
		return listError(tfproto.FromFramework(diags)), nil
	}
	return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
		send := pushUpTo(push, req.Limit)
		err := client.EachUser(ctx, filter, listPageSize(req.Limit), func(u *scim.User) error {
			return send(scimUserListResult(u, req.IncludeResource))
		})
		if diags := listFailure(err, "SCIM users with filter", filter); diags.HasError() {
			push(tfprotov6.ListResourceResult{Diagnostics: tfproto.FromFramework(diags)})
		}
	}}, nil
}

// scimUserListResult is one user as a list result: what ImportResourceState
// would record for them.
func scimUserListResult(u *scim.User, includeResource bool) tfprotov6.ListResourceResult {
	r := tfprotov6.ListResourceResult{DisplayName: u.UserName}
	var err error
	if r.Identity, err = scimUserIdentity(u.UserName); err == nil && includeResource {
		r.Resource, err = importedSCIMUser(u).encode()
	}
	if err != nil {
		r.Diagnostics = tfproto.Error("Cannot encode list result", err.Error())
	}
	return r
}

// userListFilter is the SCIM filter for the list block's config.
func userListFilter(filter tfproto.Str, active tfproto.Bool) string {
	f := strings.TrimSpace(filter.Value())
	if !active.IsSet() {
		return f
	}
	a := fmt.Sprintf("active eq %t", active.V)
	if f == "" {
		return a
	}
	return "(" + f + ") and " + a
}

// GenerateResourceConfig writes the configuration of an imported user as
// examples/adopt-idp-org does: user_name, and active only for a
// deactivated user. The attributes the identity provider may set are left
// out, so that they stay the IdP's (see scimUserModel.IdPOwned), and so are the
// Terraform-only settings, which keep their defaults. Terraform 1.14 and
// later call it for `-generate-config-out`, from `plan` or `query`.
func (s *scimUserServer) GenerateResourceConfig(_ context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	resp := &tfprotov6.GenerateResourceConfigResponse{}
	state, err := decodeSCIMUser(req.State)
	if err != nil || state == nil {
		resp.Diagnostics = tfproto.Error("Cannot generate configuration", fmt.Sprintf("The state to generate from is unreadable or null: %v.", err))
		return resp, nil
	}
	config := &scimUserModel{ID: tfproto.NullStr(), UserName: state.UserName, Active: tfproto.Bool{Null: true},
		Adopt: tfproto.Bool{Null: true}, OnDestroy: tfproto.NullStr()}
	for i := range config.IdPOwned {
		config.IdPOwned[i] = tfproto.NullStr()
	}
	if state.Active.IsSet() && !state.Active.V {
		config.Active = state.Active
	}
	if resp.Config, err = config.encode(); err != nil {
		resp.Diagnostics = tfproto.Error("Cannot generate configuration", err.Error())
	}
	return resp, nil
}

// errListDone ends a listing early: the CLI has what it asked for.
var errListDone = errors.New("listing done")

// pushUpTo is push for a listing of at most limit results (0: no limit):
// it returns errListDone, which ends the listing, once the CLI stops
// reading or has limit results.
func pushUpTo[R any](push func(R) bool, limit int64) func(R) error {
	var sent int64
	return func(r R) error {
		if !push(r) {
			return errListDone
		}
		if sent++; limit > 0 && sent >= limit {
			return errListDone
		}
		return nil
	}
}

// listFailure is the diagnostic of a SCIM listing (of what, id) that
// failed with err; none when it ended because it was done.
func listFailure(err error, what, id string) diag.Diagnostics {
	var diags diag.Diagnostics
	if err != nil && !errors.Is(err, errListDone) {
		diagnostics.AddClientError(&diags, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionList, What: what, ID: id}, err)
	}
	return diags
}

// listPageSize asks for pages of no more than the block's limit (100
// unless it says otherwise), which the server may cap further; 0 leaves
// the page size to the server.
func listPageSize(limit int64) int {
	if limit > 0 && limit < 1000 {
		return int(limit)
	}
	return 0
}

// listError is a stream of one result holding diags.
func listError(diags []*tfprotov6.Diagnostic) *tfprotov6.ListResourceServerStream {
	return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
		push(tfprotov6.ListResourceResult{Diagnostics: diags})
	}}
}
