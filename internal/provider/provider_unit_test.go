package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// A user_name the server spells in another case is no change: state keeps
// the configuration's spelling. Another name is taken from the server.
func TestModelFromUserKeepsUserNameSpellingIgnoringCase(t *testing.T) {
	t.Parallel()
	cases := []struct {
		prior, server, want string
	}{
		{"jane@example.com", "JANE@example.com", "jane@example.com"},
		{"Jane.Doe@Example.COM", "jane.doe@example.com", "Jane.Doe@Example.COM"},
		{"jane@example.com", "jane2@example.com", "jane2@example.com"},
	}
	for _, tc := range cases {
		prior := &scimUserModel{UserName: tfproto.Known(tc.prior)}
		got := modelFromUser(&scim.User{ID: "1", UserName: tc.server}, prior).UserName.Value()
		if got != tc.want {
			t.Errorf("prior %q, server %q: state user_name %q, want %q", tc.prior, tc.server, got, tc.want)
		}
	}
}

// configure runs the provider's Configure with the given attribute values
// (nil means null, tftypes.UnknownValue means unknown).
func configure(t *testing.T, values map[string]tftypes.Value) (*providerData, diag.Diagnostics) {
	t.Helper()
	p := New("test")()
	var schemaResp provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &schemaResp)
	objType := schemaResp.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		if v, ok := values[name]; ok {
			attrs[name] = v
			continue
		}
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	req := provider.ConfigureRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, attrs)}}
	var resp provider.ConfigureResponse
	p.Configure(context.Background(), req, &resp)
	data, _ := resp.ResourceData.(*providerData)
	return data, resp.Diagnostics
}

func TestConfigureToleratesUnknownSCIMSettings(t *testing.T) {
	for _, env := range []string{EnvSCIMBaseURL, EnvSCIMToken, EnvUsername, EnvPassword, EnvHubHost, EnvRequestTimeout, EnvMaxRequestsRate} {
		t.Setenv(env, "")
	}
	data, diags := configure(t, map[string]tftypes.Value{
		"scim_base_url": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"scim_token":    tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	})
	if diags.HasError() {
		t.Fatalf("Configure with unknown SCIM settings failed: %v", diags)
	}
	var use diag.Diagnostics
	if c := data.scimClient(&use, "docker_scim_user"); c != nil {
		t.Fatal("a SCIM client was built from unknown settings")
	}
	if !use.HasError() || !strings.Contains(use[0].Summary(), "scim_base_url is not known yet") {
		t.Fatalf("using the SCIM client gave %v, want a diagnostic naming scim_base_url as unknown", use)
	}
}

func TestConfigureNamesMissingSettingAndEnvironment(t *testing.T) {
	for _, env := range []string{EnvSCIMBaseURL, EnvSCIMToken, EnvUsername, EnvPassword} {
		t.Setenv(env, "")
	}
	t.Setenv(EnvSCIMBaseURL, "https://scim.example/v2/scim/2.0")
	data, diags := configure(t, nil)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var use diag.Diagnostics
	data.scimClient(&use, "docker_scim_user")
	if !use.HasError() || !strings.Contains(use[0].Detail(), EnvSCIMToken) || !strings.Contains(use[0].Detail(), `"scim_token"`) {
		t.Fatalf("got %v, want a diagnostic naming scim_token and %s", use, EnvSCIMToken)
	}
	use = nil
	data.hubClient(&use, "docker_scim_connection")
	if !use.HasError() || !strings.Contains(use[0].Detail(), EnvUsername) {
		t.Fatalf("got %v, want a diagnostic naming username and %s", use, EnvUsername)
	}
	if data.settings.host.value != DefaultHubHost {
		t.Fatalf("host = %q, want the default %q", data.settings.host.value, DefaultHubHost)
	}
}

func TestConfigureRejectsBadEnvironmentValues(t *testing.T) {
	t.Setenv(EnvRequestTimeout, "soon")
	if _, diags := configure(t, nil); !diags.HasError() || !strings.Contains(diags[0].Detail(), `"soon"`) {
		t.Fatalf("got %v, want an error quoting the bad request timeout", diags)
	}
	t.Setenv(EnvRequestTimeout, "")
	t.Setenv(EnvMaxRequestsRate, "-1")
	if _, diags := configure(t, nil); !diags.HasError() || !strings.Contains(diags[0].Detail(), EnvMaxRequestsRate) {
		t.Fatalf("got %v, want an error naming %s", diags, EnvMaxRequestsRate)
	}
	t.Setenv(EnvMaxRequestsRate, "2.5")
	data, diags := configure(t, map[string]tftypes.Value{"request_timeout": tftypes.NewValue(tftypes.String, "15s")})
	if diags.HasError() || data.settings.requestsPerSecond != 2.5 || data.settings.timeout.String() != "15s" {
		t.Fatalf("got %v / %+v, want rate 2.5 and timeout 15s", diags, data.settings)
	}
}
