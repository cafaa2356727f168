package provider

import (
	"context"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-mux/tf6muxserver"

	"github.com/dockerscim/terraform-provider-docker/internal/roster"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// newMuxServer combines the framework provider (wrapped by detachingServer,
// see server.go) with the resources served directly on terraform-plugin-go
// (docker_scim_roster, by internal/roster, and docker_scim_user, see
// resource_scim_user.go) into one protocol 6 server: the pattern of the
// Kubernetes provider's kubernetes_manifest.
//
// The provider block is the framework side's: it declares the schema,
// validates and resolves the settings, and its Configure hands the
// resulting providerData to those servers too (through configured), so that
// they use the very same SCIM client: one rate limiter, one retry
// policy, one outage report. terraform-plugin-mux calls ConfigureProvider
// on every server before Terraform sends any resource RPC, so they
// always find it set.
func newMuxServer(version string) tfprotov6.ProviderServer {
	var configured atomic.Pointer[providerData]
	p := New(version)().(*DockerProvider)
	p.onConfigured = configured.Store
	framework := providerserver.NewProtocol6(p)()
	rosterServer := roster.NewServer(func() *view.Provider {
		if d := configured.Load(); d != nil {
			return d.view
		}
		return nil
	})
	userServer := &scimUserServer{data: configured.Load}
	mux, err := tf6muxserver.NewMuxServer(context.Background(),
		func() tfprotov6.ProviderServer { return detachingServer{ProviderServer: framework} },
		func() tfprotov6.ProviderServer { return legacyConfigServer{rosterServer} },
		func() tfprotov6.ProviderServer { return userServer },
	)
	if err != nil {
		// NewMuxServer only fails on a nil server constructor.
		panic(err)
	}
	return mux.ProviderServer()
}

// legacyConfigServer answers GenerateResourceConfig for the resources of
// a server on terraform-plugin-go as Terraform did itself before 1.14
// (tfproto.LegacyConfig): terraform-plugin-mux announces the capability
// for every server, so Terraform 1.14 and later ask it of each resource
// for `-generate-config-out`.
type legacyConfigServer struct{ tfprotov6.ProviderServer }

func (s legacyConfigServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	resp := &tfprotov6.GenerateResourceConfigResponse{}
	if resp.Config, err = tfproto.LegacyConfig(schemas.ResourceSchemas[req.TypeName], req.State); err != nil {
		resp.Diagnostics = tfproto.Error("Cannot generate configuration", req.TypeName+": "+err.Error())
	}
	return resp, nil
}
