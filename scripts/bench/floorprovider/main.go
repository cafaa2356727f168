// Command floorprovider is the plugin floor of `make bench`: the cheapest
// plugin resource we can write, so that the benchmark can tell the cost
// every plugin pays (the CLI's per-instance work for a plugin resource, the
// gRPC round trips, terraform-plugin-go's per-RPC setup) from the cost of
// docker_scim_user's own work.
//
// It serves dockerscim/benchfloor on terraform-plugin-go (protocol 6,
// tf6server) with one resource, benchfloor_person: four required strings
// (email, given_name, family_name, role) and a computed id, which apply
// sets to the email. It does no I/O: Read hands the state back, plan and
// apply decode a value only to fill in the id, and the state is upgraded
// without being decoded. Like the real provider it turns the SDK's logs
// off when the CLI asks for none and lets the heap grow before collecting,
// so that the two differ only in what the resources do.
//
// scripts/bench.sh builds it; the driver installs it with dev_overrides in
// the bench's CLI config, behind rsswrap like the real provider.
package main

import (
	"context"
	"errors"
	"log"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

const (
	address  = "registry.terraform.io/dockerscim/benchfloor"
	typeName = "benchfloor_person"
)

var personType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id": tftypes.String, "email": tftypes.String, "given_name": tftypes.String,
	"family_name": tftypes.String, "role": tftypes.String,
}}

func main() {
	quietLogs()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if err := tf6server.Serve(address, func() tfprotov6.ProviderServer { return server{} }); err != nil {
		log.Fatal(err)
	}
}

// quietLogs sets the SDK's log levels to OFF unless some TF_LOG setting
// (other than the CLI's own path and core level) asks for provider logs,
// as internal/provider.QuietLogsUnlessRequested does for the real provider.
func quietLogs() {
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_LOG") && v != "" && k != "TF_LOG_PATH" && k != "TF_LOG_PATH_MASK" && k != "TF_LOG_CORE" {
			return
		}
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_BENCHFLOOR"} {
		_ = os.Setenv(k, "OFF")
	}
}

// server serves benchfloor_person. The provider block is empty.
type server struct {
	tfproto.ResourcesOnly
}

var _ tfprotov6.ProviderServer = server{}

func (server) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return tfproto.Metadata(typeName), nil
}

func (server) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	str := func(name string, required bool) *tfprotov6.SchemaAttribute {
		return &tfprotov6.SchemaAttribute{Name: name, Type: tftypes.String, Required: required, Computed: !required}
	}
	resp := tfproto.Schemas(typeName, &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
		str("id", false), str("email", true), str("given_name", true), str("family_name", true), str("role", true),
	}}})
	// Served alone, this server owns the provider block: an empty one.
	resp.Provider = &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{}}
	return resp, nil
}

func (server) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}

func (server) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

func (server) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return tfproto.UpgradeState(typeName, req), nil
}

func (server) UpgradeResourceIdentity(context.Context, *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return nil, errors.New("no resource identities")
}

// ReadResource finds the person as it was: there is no server to ask.
func (server) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

// PlanResourceChange plans the proposed state, with an id known after
// apply for a new person; an existing person's proposed state, which keeps
// the prior id, is handed back without being encoded again.
func (server) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	planned, err := withID(req.ProposedNewState, func(map[string]tftypes.Value) tftypes.Value {
		return tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	})
	if err != nil {
		return &tfprotov6.PlanResourceChangeResponse{Diagnostics: tfproto.Error("Cannot plan", err.Error())}, nil
	}
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: planned, PlannedPrivate: req.PriorPrivate}, nil
}

// ApplyResourceChange makes the planned state the new one, the id of a new
// person being its email; a destroyed person's planned state is null.
func (server) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	state, err := withID(req.PlannedState, func(attrs map[string]tftypes.Value) tftypes.Value { return attrs["email"] })
	if err != nil {
		return &tfprotov6.ApplyResourceChangeResponse{Diagnostics: tfproto.Error("Cannot apply", err.Error())}, nil
	}
	return &tfprotov6.ApplyResourceChangeResponse{NewState: state, Private: req.PlannedPrivate}, nil
}

// withID returns v when it is null or its id is known, else v with the id
// that id returns.
func withID(v *tfprotov6.DynamicValue, id func(map[string]tftypes.Value) tftypes.Value) (*tfprotov6.DynamicValue, error) {
	attrs, err := tfproto.Attributes(v, personType)
	if err != nil || attrs == nil {
		return v, err
	}
	if attrs["id"].IsKnown() && !attrs["id"].IsNull() {
		return v, nil
	}
	attrs["id"] = id(attrs)
	return tfproto.Object(personType, attrs)
}

func (server) ImportResourceState(_ context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return &tfprotov6.ImportResourceStateResponse{Diagnostics: tfproto.Unsupported(req.TypeName, "import")}, nil
}
