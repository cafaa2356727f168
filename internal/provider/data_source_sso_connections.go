package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/hub"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
)

var _ datasource.DataSourceWithConfigure = &SSOConnectionsDataSource{}

// SSOConnectionsDataSource lists the SSO connections of an org or a company.
type SSOConnectionsDataSource struct {
	data *providerData
}

// NewSSOConnectionsDataSource returns the docker_sso_connections data source.
func NewSSOConnectionsDataSource() datasource.DataSource { return &SSOConnectionsDataSource{} }

type ssoConnectionsModel struct {
	OrgName     types.String         `tfsdk:"org_name"`
	CompanyName types.String         `tfsdk:"company_name"`
	Connections []ssoConnectionModel `tfsdk:"connections"`
}

type ssoConnectionModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Type        types.String `tfsdk:"type"`
	Domains     types.List   `tfsdk:"domains"`
	SCIMEnabled types.Bool   `tfsdk:"scim_enabled"`
}

// Metadata names the data source.
func (d *SSOConnectionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sso_connections"
}

// Schema describes the data source.
func (d *SSOConnectionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	// On org_name only, so that a wrong combination is reported once.
	oneOf := stringvalidator.ExactlyOneOf(path.MatchRoot("org_name"), path.MatchRoot("company_name"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the SSO connections of a Docker organization or company, with whether SCIM is " +
			"enabled on each: the ids that `docker_scim_connection` takes. When an organization belongs to a company, " +
			"Docker manages its SSO connections at the company level, so list the company's. Needs the provider's " +
			"`username` and `password`: an owner's, or the organization's name and an organization access token (which " +
			"lists that organization's connections only, not its company's).",
		Attributes: map[string]schema.Attribute{
			"org_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Organization whose connections to list. Exactly one of `org_name` and `company_name` is set.",
				Validators:          []validator.String{validators.DockerName("organization"), oneOf},
			},
			"company_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Company whose connections to list. Exactly one of `org_name` and `company_name` is set.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"connections": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The connections, in the server's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "Id of the connection, for `docker_scim_connection.sso_connection_id`.",
					},
					"name": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "Name given to the connection in the Admin Console.",
					},
					"type": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "Protocol the identity provider signs in with: `SAML` or `OIDC` (Entra ID).",
					},
					"domains": schema.ListAttribute{
						Computed:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "Verified email domains whose users sign in through this connection.",
					},
					"scim_enabled": schema.BoolAttribute{
						Computed: true,
						MarkdownDescription: "Whether SCIM provisioning is enabled on the connection, by " +
							"`docker_scim_connection` or in the Admin Console.",
					},
				}},
			},
		},
	}
}

// Configure receives the provider's clients.
func (d *SSOConnectionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read lists the connections.
func (d *SSOConnectionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg ssoConnectionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.data.hubClient(&resp.Diagnostics, "data.docker_sso_connections")
	if client == nil {
		return
	}
	scope := hub.Scope{Org: cfg.OrgName.ValueString(), Company: cfg.CompanyName.ValueString()}

	conns, err := client.ListSSOConnections(ctx, scope)
	if err != nil {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.Management, Action: diagnostics.ActionList, What: "SSO connections of " + scope.String(), ID: ""}, err)
		return
	}
	cfg.Connections = make([]ssoConnectionModel, 0, len(conns))
	for _, c := range conns {
		domains, diags := types.ListValueFrom(ctx, types.StringType, nonNilStrings(c.Domains))
		resp.Diagnostics.Append(diags...)
		cfg.Connections = append(cfg.Connections, ssoConnectionModel{
			ID:          types.StringValue(c.ID),
			Name:        types.StringValue(c.Name),
			Type:        types.StringValue(c.Type),
			Domains:     domains,
			SCIMEnabled: types.BoolValue(c.SCIMEnabled),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// nonNilStrings turns a missing list into an empty one, so that domains is
// never null.
func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
