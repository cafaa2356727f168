package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/snapshot"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
)

var (
	_ list.ListResource              = &GroupMappingListResource{}
	_ list.ListResourceWithConfigure = &GroupMappingListResource{}
)

const groupMappingTypeName = "docker_group_mapping"

// GroupMappingListResource lists the SCIM groups "org:team" of the
// connection for `terraform query` (Terraform 1.14 and later), as
// docker_group_mapping would import them.
type GroupMappingListResource struct {
	data *providerData
}

// NewGroupMappingListResource returns the docker_group_mapping list resource.
func NewGroupMappingListResource() list.ListResource { return &GroupMappingListResource{} }

type groupMappingListModel struct {
	OrgName types.String `tfsdk:"org_name"`
}

// Metadata names the list resource after the resource it lists.
func (r *GroupMappingListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_mapping"
}

// ListResourceConfigSchema describes the list block's config.
func (r *GroupMappingListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the SCIM groups of the SSO connection that Docker maps onto teams (those named " +
			"`<org>:<team>`), every page of them, as `docker_group_mapping` would import them: identity `org_name` " +
			"and `team_name`, display name `<org>:<team>`. With `include_resource = true` each result holds the " +
			"group's members by email in `member_user_names` (the users are listed once for all groups). " +
			"`terraform query -generate-config-out` writes a `docker_group_mapping` and an `import` block per group " +
			"with `org_name` and `team_name` only: the membership the identity provider pushes stays the IdP's " +
			"until the configuration sets `member_user_names`. Needs Terraform 1.14 or later, and the provider's " +
			"`scim_base_url` and `scim_token`.",
		Attributes: map[string]listschema.Attribute{
			"org_name": listschema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the groups of this organization. Every organization's when unset.",
				Validators:          []validator.String{validators.DockerName("organization")},
			},
		},
	}
}

// Configure receives the provider's clients.
func (r *GroupMappingListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// List streams the groups page by page. The members' emails come from one
// listing of the users, taken only when the results include the resource,
// never from a request per member.
func (r *GroupMappingListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg groupMappingListModel
	diags := req.Config.Get(ctx, &cfg)
	client := r.data.scimClient(&diags, "list.docker_group_mapping")
	if diags.HasError() || client == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	// One organization's groups are picked here rather than by a filter
	// (displayName sw "org:"): SCIM servers are only required to support
	// filtering if they say so, and a connection's groups are its teams,
	// a few pages at most.
	org := strings.ToLower(cfg.OrgName.ValueString())
	stream.Results = func(push func(list.ListResult) bool) {
		send := pushUpTo(push, req.Limit)
		usersListed := false
		err := client.EachGroup(ctx, "", req.IncludeResource, listPageSize(req.Limit), func(g *scim.Group) error {
			gOrg, team, ok := splitGroupDisplayName(g.DisplayName)
			if !ok || (org != "" && !strings.EqualFold(gOrg, org)) {
				return nil // not a team mapping, or another org's
			}
			result := req.NewListResult(ctx)
			result.DisplayName = g.DisplayName
			result.Diagnostics.Append(result.Identity.Set(ctx, groupIdentity(gOrg, team))...)
			if req.IncludeResource {
				if !usersListed && len(g.Members) > 0 {
					// One listing answers every member's email below.
					if _, err := r.data.users.All(ctx, client); err != nil && !errors.Is(err, snapshot.ErrNoSnapshot) {
						return err
					}
					usersListed = true
				}
				m := modelFromGroup(g)
				var d diag.Diagnostics
				m.MemberUserNames, d = memberUserNameSet(ctx, r.data, client, g, types.SetNull(types.StringType))
				result.Diagnostics.Append(d...)
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
			return send(result)
		})
		if diags := listFailure(err, "SCIM groups", ""); diags.HasError() {
			push(list.ListResult{Diagnostics: diags})
		}
	}
}

// groupMappingGeneratedConfig is the configuration Terraform 1.14 and
// later write for an imported docker_group_mapping (`-generate-config-out`,
// from plan or query): the framework's, which would also set the
// membership the state tracks, without member_user_names and members, so
// that the membership an identity provider pushes is not taken over by an
// adoption. (With neither set, plans keep what state holds: see
// planMembership.)
func groupMappingGeneratedConfig(resp *tfprotov6.GenerateResourceConfigResponse) {
	if resp == nil || resp.Config == nil || hasErrorDiag(resp.Diagnostics) {
		return
	}
	t := groupMappingObjectType()
	v, err := resp.Config.Unmarshal(t)
	if err != nil || v.IsNull() {
		return
	}
	var a map[string]tftypes.Value
	if v.As(&a) != nil {
		return
	}
	for _, name := range []string{"member_user_names", "members"} {
		a[name] = tftypes.NewValue(t.AttributeTypes[name], nil)
	}
	if dv, err := tfprotov6.NewDynamicValue(t, tftypes.NewValue(t, a)); err == nil {
		resp.Config = &dv
	}
}

// groupMappingObjectType is docker_group_mapping's state type on the wire.
func groupMappingObjectType() tftypes.Object {
	set := tftypes.Set{ElementType: tftypes.String}
	return tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "org_name": tftypes.String, "team_name": tftypes.String, "display_name": tftypes.String,
		"members": set, "member_user_names": set,
	}}
}

func hasErrorDiag(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
