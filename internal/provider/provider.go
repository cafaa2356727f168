// Package provider implements the dockerscim/docker Terraform provider: Docker
// Business SCIM provisioning and SSO group mapping, declared in HCL.
package provider

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dockerscim/terraform-provider-docker/internal/hub"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/dockerscim/docker"

// DefaultHubHost is Docker Hub's API, used when neither host nor
// DOCKER_HUB_HOST is set.
const DefaultHubHost = hub.DefaultHost

// Environment variables read when the matching attribute is not set.
const (
	EnvHubHost         = "DOCKER_HUB_HOST"
	EnvUsername        = "DOCKER_USERNAME"
	EnvPassword        = "DOCKER_PASSWORD"
	EnvSCIMBaseURL     = "DOCKER_SCIM_BASE_URL"
	EnvSCIMToken       = "DOCKER_SCIM_TOKEN"
	EnvRequestTimeout  = "DOCKER_REQUEST_TIMEOUT"
	EnvMaxRequestsRate = "DOCKER_MAX_REQUESTS_PER_SECOND"
)

var _ provider.Provider = &DockerProvider{}

// DockerProvider is the dockerscim/docker provider.
type DockerProvider struct {
	version string
	// onConfigured, when set, receives the configured provider data, so
	// that resources served outside the framework share its clients (see
	// newMuxServer).
	onConfigured func(*providerData)
}

// New returns a constructor for the provider, as providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &DockerProvider{version: version}
	}
}

type providerModel struct {
	Host                 types.String  `tfsdk:"host"`
	Username             types.String  `tfsdk:"username"`
	Password             types.String  `tfsdk:"password"`
	SCIMBaseURL          types.String  `tfsdk:"scim_base_url"`
	SCIMToken            types.String  `tfsdk:"scim_token"`
	RequestTimeout       types.String  `tfsdk:"request_timeout"`
	MaxRequestsPerSecond types.Float64 `tfsdk:"max_requests_per_second"`
}

// Metadata names the provider.
func (p *DockerProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "docker"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *DockerProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Docker Business SCIM provisioning and SSO group mapping: " +
			"enabling SCIM on an SSO connection, provisioned users, and team membership through SCIM groups.\n\n" +
			"Two sets of credentials serve two APIs. `username` and `password` sign in to Docker Hub's management API " +
			"(needed by `docker_scim_connection` and `docker_sso_connections`). `scim_base_url` and `scim_token` call " +
			"the SCIM 2.0 API (needed by `docker_scim_user` and `docker_group_mapping`). Each is needed only by the " +
			"resources that use it, and each may be unknown at plan time, so one apply can enable SCIM and then " +
			"provision users through an aliased provider configured from the connection's outputs.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Docker Hub API URL. Defaults to `" + DefaultHubHost + "`, or the `" + EnvHubHost +
					"` environment variable. Must be https (plain http only for localhost or a loopback address).",
				Validators: []validator.String{validators.APIURL()},
			},
			"username": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Who signs in to the management API: the organization's name when `password` is an " +
					"organization access token (recommended for CI), or the Docker ID of an organization or company owner " +
					"with a personal access token or password. An organization access token reaches only its organization, " +
					"not its company's SSO connections. Defaults to the `" + EnvUsername + "` environment variable.",
			},
			"password": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Organization access token (with `username` the organization's name), or personal " +
					"access token or password (with `username` a Docker ID). Defaults to the `" + EnvPassword + "` environment variable.",
			},
			"scim_base_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "SCIM base URL shown by **Setup SCIM** in the Admin Console, or " +
					"`docker_scim_connection.base_url`. Defaults to the `" + EnvSCIMBaseURL + "` environment variable. " +
					"Must be https (plain http only for localhost or a loopback address); Docker's ends in `/v2/scim/2.0`.",
				Validators: []validator.String{validators.APIURL()},
			},
			"scim_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "SCIM API token of the SSO connection, or `docker_scim_connection.token`. " +
					"Defaults to the `" + EnvSCIMToken + "` environment variable.",
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Time limit for each HTTP request attempt, as a Go duration such as `30s`. " +
					"Defaults to `60s`, or the `" + EnvRequestTimeout + "` environment variable.",
				Validators: []validator.String{validators.Duration()},
			},
			"max_requests_per_second": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Client-side limit on requests per second to each API, shared by every resource " +
					"of this provider block. Unlimited by default, or the `" + EnvMaxRequestsRate + "` environment variable. " +
					"The provider also slows down by itself when the server reports an exhausted rate-limit budget.",
				Validators: []validator.Float64{float64validator.AtLeast(0.1)},
			},
		},
	}
}

// Configure resolves the provider block and the environment into the
// settings that the resources' clients are built from. Values that are
// unknown at plan time are not errors: clients are built when first needed.
func (p *DockerProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings := clientSettings{
		version:     p.version,
		host:        resolve(cfg.Host, EnvHubHost, DefaultHubHost),
		username:    resolve(cfg.Username, EnvUsername, ""),
		password:    resolve(cfg.Password, EnvPassword, ""),
		scimBaseURL: resolve(cfg.SCIMBaseURL, EnvSCIMBaseURL, ""),
		scimToken:   resolve(cfg.SCIMToken, EnvSCIMToken, ""),
		timeout:     60 * time.Second,
	}

	// The attributes are checked by their validators; values from the
	// environment are checked here, as early, with the variable named.
	for _, u := range []struct {
		attr, env string
		value     setting
		fromEnv   bool
	}{
		{"host", EnvHubHost, settings.host, cfg.Host.IsNull()},
		{"scim_base_url", EnvSCIMBaseURL, settings.scimBaseURL, cfg.SCIMBaseURL.IsNull()},
	} {
		if !u.fromEnv || u.value.unknown || u.value.value == "" || u.value.value == DefaultHubHost {
			continue
		}
		if err := validators.CheckAPIURL(u.value.value); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(u.attr), "Invalid URL", u.env+" (used for "+u.attr+") "+err.Error())
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	timeout := resolve(cfg.RequestTimeout, EnvRequestTimeout, "")
	if timeout.value != "" {
		d, err := time.ParseDuration(timeout.value)
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout",
				"request_timeout (or "+EnvRequestTimeout+") must be a positive Go duration such as \"30s\", got "+
					quote(timeout.value)+".")
			return
		}
		settings.timeout = d
	}

	switch {
	case !cfg.MaxRequestsPerSecond.IsNull() && !cfg.MaxRequestsPerSecond.IsUnknown():
		settings.requestsPerSecond = cfg.MaxRequestsPerSecond.ValueFloat64()
	case os.Getenv(EnvMaxRequestsRate) != "":
		rate, err := parsePositiveFloat(os.Getenv(EnvMaxRequestsRate))
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("max_requests_per_second"), "Invalid request rate",
				EnvMaxRequestsRate+" must be a positive number, got "+quote(os.Getenv(EnvMaxRequestsRate))+".")
			return
		}
		settings.requestsPerSecond = rate
	}

	data := newProviderData(settings)
	resp.ResourceData = data
	resp.DataSourceData = data
	if p.onConfigured != nil {
		p.onConfigured(data)
	}
}

// Resources lists the provider's managed resources.
func (p *DockerProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewGroupMappingResource,
		NewSCIMConnectionResource,
	}
}

// DataSources lists the provider's data sources.
func (p *DockerProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSCIMUserDataSource,
		NewSCIMUsersDataSource,
		NewGroupMappingDataSource,
		NewSSOConnectionsDataSource,
	}
}

// setting is one resolved provider setting: its value, and whether it is
// still unknown (configured from a value Terraform computes during apply).
type setting struct {
	value   string
	unknown bool
}

// resolve prefers the configured value, then the environment, then def.
func resolve(v types.String, env, def string) setting {
	if v.IsUnknown() {
		return setting{unknown: true}
	}
	if !v.IsNull() {
		return setting{value: v.ValueString()}
	}
	if e := strings.TrimSpace(os.Getenv(env)); e != "" {
		return setting{value: e}
	}
	return setting{value: def}
}
