package provider

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// frameworkResource is a resource the framework side serves.
const frameworkResource = "docker_group_mapping"

// configValue is a frameworkResource configuration as the CLI sends it:
// each required string "moby", everything else null.
func configValue(t *testing.T, srv tfprotov6.ProviderServer) *tfprotov6.DynamicValue {
	t.Helper()
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	schema := resp.ResourceSchemas[frameworkResource]
	typ := schema.ValueType()
	vals := map[string]tftypes.Value{}
	for name, at := range typ.(tftypes.Object).AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for _, a := range schema.Block.Attributes {
		if a.Required && a.Type.Is(tftypes.String) {
			vals[a.Name] = tftypes.NewValue(tftypes.String, "moby")
		}
	}
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &cfg
}

// retainsRPCContext reports whether srv still references what an RPC's
// context carried after the RPC returned and its context was cancelled, as
// gRPC does when an RPC ends.
func retainsRPCContext(t *testing.T, srv tfprotov6.ProviderServer) bool {
	t.Helper()
	cfg := configValue(t, srv)
	type payloadKey struct{}
	payload := new([1 << 16]byte)
	alive := weak.Make(payload)

	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, payload))
	resp, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: frameworkResource, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("ValidateResourceConfig: %s: %s", d.Summary, d.Detail)
		}
	}
	cancel()
	payload, ctx, cancel = nil, nil, nil //nolint:ineffassign,staticcheck,wastedassign // drop our own references before collecting
	runtime.GC()
	runtime.GC()
	retained := alive.Value() != nil
	runtime.KeepAlive(srv) // the server lives as long as the provider process
	return retained
}

func TestServerDoesNotRetainRPCContexts(t *testing.T) {
	if retainsRPCContext(t, NewServer("test")) {
		t.Fatal("the provider still references an RPC's context after the RPC returned: " +
			"every RPC of a run would stay in memory")
	}
}

// TestFrameworkRetainsRPCContexts shows why NewServer wraps the framework's
// server. When it fails, the framework no longer keeps RPC contexts and the
// wrapper in server.go can go.
func TestFrameworkRetainsRPCContexts(t *testing.T) {
	if !retainsRPCContext(t, providerserver.NewProtocol6(New("test")())()) {
		t.Fatal("terraform-plugin-framework no longer retains RPC contexts: remove detachingServer from server.go")
	}
}
