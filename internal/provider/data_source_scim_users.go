package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
)

var _ datasource.DataSourceWithConfigure = &SCIMUsersDataSource{}

// SCIMUsersDataSource lists the SCIM users of the connection, optionally filtered.
type SCIMUsersDataSource struct {
	data *providerData
}

// NewSCIMUsersDataSource returns the docker_scim_users data source.
func NewSCIMUsersDataSource() datasource.DataSource { return &SCIMUsersDataSource{} }

type scimUsersModel struct {
	Filter types.String        `tfsdk:"filter"`
	Users  []scimUserDataModel `tfsdk:"users"`
}

// Metadata names the data source.
func (d *SCIMUsersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_users"
}

// Schema describes the data source.
func (d *SCIMUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the SCIM-provisioned users of the SSO connection, every page of them, optionally " +
			"narrowed by a SCIM filter. Needs the provider's `scim_base_url` and `scim_token`.",
		Attributes: map[string]schema.Attribute{
			"filter": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A SCIM filter (RFC 7644 §3.4.2.2), such as `active eq false` or " +
					"`userName sw \"ops-\"`. Attribute names and operators are case-insensitive. All users when unset.",
			},
			"users": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The users, in the server's order.",
				NestedObject:        schema.NestedAttributeObject{Attributes: scimUserDataAttributes(false)},
			},
		},
	}
}

// Configure receives the provider's clients.
func (d *SCIMUsersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read lists every page of users matching the filter.
func (d *SCIMUsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimUsersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.data.scimClient(&resp.Diagnostics, "data.docker_scim_users")
	if client == nil {
		return
	}
	filter := strings.TrimSpace(cfg.Filter.ValueString())
	cfg.Users = []scimUserDataModel{}
	err := client.EachUser(ctx, filter, 0, func(u *scim.User) error {
		m, diags := userDataModel(u)
		resp.Diagnostics.Append(diags...)
		cfg.Users = append(cfg.Users, m)
		return nil
	})
	if err != nil {
		// The filter as written: it quotes its values, which %q would escape.
		what := "SCIM users"
		if filter != "" {
			what += " with filter " + filter
		}
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionList, What: what}, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// userDataModel maps a SCIM user onto the data sources' model: the
// person's settings as internal/person reads them, as docker_scim_user
// reports them.
func userDataModel(u *scim.User) (scimUserDataModel, diag.Diagnostics) {
	p := person.FromUser(u)
	groups := make([]attr.Value, 0, len(u.Groups))
	for _, g := range u.Groups {
		groups = append(groups, types.StringValue(g.Value))
	}
	groupIDs, diags := types.ListValue(types.StringType, groups)
	m := scimUserDataModel{
		ID:       stringOrNull(u.ID),
		UserName: types.StringValue(u.UserName),
		Active:   types.BoolValue(p.Active.V),
		GroupIDs: groupIDs,
	}
	for i, f := range m.settings() {
		*f = stringOrNull(p.Attrs[i].Value())
	}
	return m, diags
}
