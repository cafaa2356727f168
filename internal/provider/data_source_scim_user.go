package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
)

var (
	_ datasource.DataSourceWithConfigure        = &SCIMUserDataSource{}
	_ datasource.DataSourceWithConfigValidators = &SCIMUserDataSource{}
)

// SCIMUserDataSource looks up one SCIM user by id or user_name.
type SCIMUserDataSource struct {
	data *providerData
}

// NewSCIMUserDataSource returns the docker_scim_user data source.
func NewSCIMUserDataSource() datasource.DataSource { return &SCIMUserDataSource{} }

// scimUserDataModel is one user as the data sources report it. The
// person's settings are internal/person's, by the same names.
type scimUserDataModel struct {
	ID          types.String `tfsdk:"id"`
	UserName    types.String `tfsdk:"user_name"`
	GivenName   types.String `tfsdk:"given_name"`
	FamilyName  types.String `tfsdk:"family_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	DisplayName types.String `tfsdk:"display_name"`
	Active      types.Bool   `tfsdk:"active"`
	Role        types.String `tfsdk:"role"`
	OrgName     types.String `tfsdk:"org_name"`
	TeamName    types.String `tfsdk:"team_name"`
	GroupIDs    types.List   `tfsdk:"group_ids"`
}

// settings are the model's fields for the person's settings, by index.
func (m *scimUserDataModel) settings() [person.NumAttrs]*types.String {
	return [person.NumAttrs]*types.String{
		person.GivenName: &m.GivenName, person.FamilyName: &m.FamilyName, person.DisplayName: &m.DisplayName,
		person.ExternalID: &m.ExternalID, person.Role: &m.Role, person.OrgName: &m.OrgName, person.TeamName: &m.TeamName,
	}
}

// scimUserDataAttributes are the attributes both user data sources report;
// lookup names the ones the caller may set.
func scimUserDataAttributes(lookup bool) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"id":        schema.StringAttribute{Computed: true, MarkdownDescription: "SCIM id of the user."},
		"user_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The user's email address (SCIM `userName`)."},
		"active":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user is active, and so a member of the organization."},
		"group_ids": schema.ListAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "SCIM ids of the groups (team mappings) the user belongs to.",
		},
	}
	for i, name := range person.Names {
		attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: person.Meaning(i)}
	}
	if lookup {
		attrs["id"] = schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "SCIM id of the user to look up. Exactly one of `id` and `user_name` must be set.",
		}
		attrs["user_name"] = schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Email address (SCIM `userName`) of the user to look up, matched ignoring case. " +
				"Exactly one of `id` and `user_name` must be set.",
			Validators: []validator.String{validators.Email()},
		}
	}
	return attrs
}

// Metadata names the data source.
func (d *SCIMUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

// Schema describes the data source.
func (d *SCIMUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one SCIM-provisioned user of the SSO connection, by SCIM id or by user_name. " +
			"Fails when no such user exists. Needs the provider's `scim_base_url` and `scim_token`.",
		Attributes: scimUserDataAttributes(true),
	}
}

// ConfigValidators requires exactly one of id and user_name, at plan time.
func (d *SCIMUserDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("user_name")),
	}
}

// Configure receives the provider's clients.
func (d *SCIMUserDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read looks the user up.
func (d *SCIMUserDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimUserDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.data.scimClient(&resp.Diagnostics, "data.docker_scim_user")
	if client == nil {
		return
	}

	var (
		user *scim.User
		err  error
		key  string
	)
	if !cfg.ID.IsNull() {
		key = cfg.ID.ValueString()
		user, err = client.GetUser(ctx, key)
	} else {
		key = cfg.UserName.ValueString()
		user, err = client.FindUserByUserName(ctx, key)
	}
	if errors.Is(err, httpx.ErrNotFound) {
		resp.Diagnostics.AddError("SCIM user not found",
			fmt.Sprintf("No SCIM user %q exists on this SSO connection.", key))
		return
	}
	if err != nil {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionRead, What: "SCIM user", ID: key}, err)
		return
	}
	m, diags := userDataModel(user)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
