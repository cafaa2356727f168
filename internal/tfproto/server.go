package tfproto

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ResourcesOnly answers the RPCs of a protocol 6 server that serves
// managed resources and nothing else: the provider block is the framework
// side's, and terraform-plugin-mux routes no data source, function or
// ephemeral resource to it. Embed it and implement the resource RPCs.
type ResourcesOnly struct{}

// ValidateProviderConfig leaves the provider block to the framework side.
func (ResourcesOnly) ValidateProviderConfig(_ context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{PreparedConfig: req.Config}, nil
}

// ConfigureProvider does nothing: the clients are the framework side's.
func (ResourcesOnly) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

// StopProvider does nothing: writes in flight finish, as on the framework side.
func (ResourcesOnly) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

// GenerateResourceConfig leaves configuration generation to the CLI.
func (ResourcesOnly) GenerateResourceConfig(_ context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return &tfprotov6.GenerateResourceConfigResponse{Diagnostics: Unsupported(req.TypeName, "provider-generated configuration")}, nil
}

func (ResourcesOnly) ValidateDataResourceConfig(context.Context, *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return nil, errors.New("no data sources")
}

func (ResourcesOnly) ReadDataSource(context.Context, *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return nil, errors.New("no data sources")
}

func (ResourcesOnly) CallFunction(context.Context, *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return nil, errors.New("no functions")
}

func (ResourcesOnly) GetFunctions(context.Context, *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return &tfprotov6.GetFunctionsResponse{Functions: map[string]*tfprotov6.Function{}}, nil
}

func (ResourcesOnly) ValidateEphemeralResourceConfig(context.Context, *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return nil, errors.New("no ephemeral resources")
}

func (ResourcesOnly) OpenEphemeralResource(context.Context, *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return nil, errors.New("no ephemeral resources")
}

func (ResourcesOnly) RenewEphemeralResource(context.Context, *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return nil, errors.New("no ephemeral resources")
}

func (ResourcesOnly) CloseEphemeralResource(context.Context, *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return nil, errors.New("no ephemeral resources")
}

// MoveResourceState is not supported: no resource served here accepts
// moved blocks from another resource type.
func (ResourcesOnly) MoveResourceState(_ context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: Unsupported(req.TargetTypeName, "moved blocks from other resource types")}, nil
}

// UpgradeState hands the stored JSON back as it is: each resource served
// here has one schema version, and Terraform decodes JSON as well as
// msgpack, so state is not decoded and encoded again for nothing. (An
// attribute a newer schema added is null in older state: Terraform fills
// in missing attributes when it decodes.)
func UpgradeState(typeName string, req *tfprotov6.UpgradeResourceStateRequest) *tfprotov6.UpgradeResourceStateResponse {
	if req.RawState == nil || len(req.RawState.JSON) == 0 {
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: Error("Cannot read state",
			typeName+" state holds no JSON; it was not written by this provider.")}
	}
	if req.Version != 0 {
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: Error("Cannot read state",
			fmt.Sprintf("%s state has schema version %d; this provider knows version 0", typeName, req.Version))}
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &tfprotov6.DynamicValue{JSON: req.RawState.JSON}}
}

// Metadata is the GetMetadata answer of a server that serves the one
// resource typeName.
func Metadata(typeName string) *tfprotov6.GetMetadataResponse {
	return &tfprotov6.GetMetadataResponse{
		ServerCapabilities: &tfprotov6.ServerCapabilities{GetProviderSchemaOptional: true},
		Resources:          []tfprotov6.ResourceMetadata{{TypeName: typeName}},
	}
}

// Schemas is the GetProviderSchema answer of a server that serves the one
// resource typeName with schema s. It declares no provider schema: the
// provider block is the framework side's.
func Schemas(typeName string, s *tfprotov6.Schema) *tfprotov6.GetProviderSchemaResponse {
	return &tfprotov6.GetProviderSchemaResponse{
		ServerCapabilities: &tfprotov6.ServerCapabilities{GetProviderSchemaOptional: true},
		ResourceSchemas:    map[string]*tfprotov6.Schema{typeName: s},
	}
}
