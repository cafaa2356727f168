package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
)

var _ datasource.DataSourceWithConfigure = &GroupMappingDataSource{}

// GroupMappingDataSource looks up the SCIM group that maps onto one team.
type GroupMappingDataSource struct {
	data *providerData
}

// NewGroupMappingDataSource returns the docker_group_mapping data source.
func NewGroupMappingDataSource() datasource.DataSource { return &GroupMappingDataSource{} }

// Metadata names the data source.
func (d *GroupMappingDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_mapping"
}

// Schema describes the data source.
func (d *GroupMappingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up the SCIM group `<org_name>:<team_name>` of the SSO connection, which Docker maps " +
			"onto that team, and reports its members. Fails when no such group exists (a team made in Docker Hub " +
			"without a SCIM group has none). Needs the provider's `scim_base_url` and `scim_token`.",
		Attributes: map[string]schema.Attribute{
			"org_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Organization of the team.",
				Validators:          []validator.String{validators.DockerName("organization")},
			},
			"team_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the team.",
				Validators:          []validator.String{validators.DockerName("team")},
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "SCIM id of the group.",
			},
			"display_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group's SCIM `displayName`, `<org_name>:<team_name>`.",
			},
			"members": schema.SetAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "SCIM ids of the group's members, active or not. Active members are the team's " +
					"members through this group.",
			},
			"member_user_names": schema.SetAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The same members by SCIM `userName`, their email, as Docker spells it. A member " +
					"that is no user of the SSO connection is listed by its SCIM id.",
			},
		},
	}
}

// Configure receives the provider's clients.
func (d *GroupMappingDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read looks the group up by its display name.
func (d *GroupMappingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg groupMappingModel // the resource's attributes, all of them reported
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.data.scimClient(&resp.Diagnostics, "data.docker_group_mapping")
	if client == nil {
		return
	}
	name := groupDisplayName(cfg.OrgName.ValueString(), cfg.TeamName.ValueString())
	g, err := client.FindGroupByDisplayName(ctx, name)
	if errors.Is(err, httpx.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("team_name"), "SCIM group not found",
			fmt.Sprintf("No SCIM group named %q exists on this SSO connection, so no group maps onto team %q of "+
				"organization %q. Create one with the docker_group_mapping resource.",
				name, cfg.TeamName.ValueString(), cfg.OrgName.ValueString()))
		return
	}
	if err != nil {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionRead, What: "SCIM group", ID: name}, err)
		return
	}
	d.data.groups.Put(g)

	cfg.ID = types.StringValue(g.ID)
	cfg.DisplayName = types.StringValue(g.DisplayName)
	cfg.Members = memberSetOf(g)
	var diags diag.Diagnostics
	cfg.MemberUserNames, diags = memberUserNameSet(ctx, d.data, client, g, types.SetNull(types.StringType))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
