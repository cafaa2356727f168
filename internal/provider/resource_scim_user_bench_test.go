package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// BenchmarkSCIMUserRefreshingPlan is the provider's side of a refreshing
// plan of n docker_scim_user, in process and without the CLI: per
// resource, the RPCs the CLI sends (UpgradeResourceState, ReadResource,
// ValidateResourceConfig, PlanResourceChange), through the muxed server
// main.go serves, against mockhub. Each iteration is one plan with a
// freshly configured provider, as each CLI command starts one.
// ns/resource is the provider's own cost per resource; make bench
// measures the whole command beside Terraform's floor.
func BenchmarkSCIMUserRefreshingPlan(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchmarkRefreshingPlan(b, n) })
	}
}

func benchmarkRefreshingPlan(b *testing.B, n int) {
	mh, err := mockhub.New(mockhub.Options{SCIMToken: "bench-token"})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(mh)
	defer srv.Close()
	info := mh.Info(srv.URL)

	ctx := context.Background()
	states := make([]*tfprotov6.RawState, n)
	for i := range n {
		email := fmt.Sprintf("user%05d@moby.example", i)
		id := createBenchUser(b, info, email)
		st, _ := json.Marshal(map[string]any{
			"id": id, "user_name": email, "given_name": "Given", "family_name": "Family",
			"external_id": nil, "display_name": email, "active": true, "role": "member",
			"org_name": nil, "team_name": nil, "on_destroy": "delete", "adopt_existing": false,
		})
		states[i] = &tfprotov6.RawState{JSON: st}
	}
	config := func(email string) *tfprotov6.DynamicValue {
		a := map[string]tftypes.Value{}
		for name, t := range scimUserType.AttributeTypes {
			a[name] = tftypes.NewValue(t, nil)
		}
		a["user_name"] = tftypes.NewValue(tftypes.String, email)
		a["given_name"] = tftypes.NewValue(tftypes.String, "Given")
		a["family_name"] = tftypes.NewValue(tftypes.String, "Family")
		dv, _ := tfproto.Object(scimUserType, a)
		return dv
	}
	configs := make([]*tfprotov6.DynamicValue, n)
	for i := range n {
		configs[i] = config(fmt.Sprintf("user%05d@moby.example", i))
	}

	b.ResetTimer()
	start := time.Now()
	for range b.N {
		server := NewServer("bench")
		configureBenchProvider(b, server, info)
		for i := range n {
			up, _ := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: scimUserTypeName, RawState: states[i]})
			state := benchDynamicValue(b, up.UpgradedState)
			read, _ := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: scimUserTypeName, CurrentState: state})
			failOnDiagnostics(b, "ReadResource", read.Diagnostics)
			v, _ := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: scimUserTypeName, Config: configs[i]})
			failOnDiagnostics(b, "ValidateResourceConfig", v.Diagnostics)
			plan, _ := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: scimUserTypeName,
				PriorState: read.NewState, ProposedNewState: read.NewState, Config: configs[i], PriorPrivate: read.Private,
				PriorIdentity: read.NewIdentity})
			failOnDiagnostics(b, "PlanResourceChange", plan.Diagnostics)
		}
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*n), "ns/resource")
}

// benchDynamicValue turns the JSON UpgradeResourceState hands back into
// msgpack, as the CLI sends state in the RPCs that follow.
func benchDynamicValue(b *testing.B, dv *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	v, err := dv.Unmarshal(scimUserType)
	if err != nil {
		b.Fatal(err)
	}
	out, err := tfprotov6.NewDynamicValue(scimUserType, v)
	if err != nil {
		b.Fatal(err)
	}
	return &out
}

func failOnDiagnostics(tb testing.TB, rpc string, diags []*tfprotov6.Diagnostic) {
	tb.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			tb.Fatalf("%s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
}

func createBenchUser(b *testing.B, info mockhub.Info, email string) string {
	body, _ := json.Marshal(map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": email, "name": map[string]string{"givenName": "Given", "familyName": "Family"},
	})
	req, _ := http.NewRequest(http.MethodPost, info.SCIMBaseURL+"/Users", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+info.SCIMToken)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var u struct{ ID string }
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&u) != nil {
		b.Fatalf("creating %s: status %d", email, resp.StatusCode)
	}
	return u.ID
}

// configureBenchProvider configures server's provider block for SCIM.
func configureBenchProvider(b testing.TB, server tfprotov6.ProviderServer, info mockhub.Info) {
	ctx := context.Background()
	schema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	typ := schema.Provider.ValueType().(tftypes.Object)
	a := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		a[name] = tftypes.NewValue(t, nil)
	}
	a["scim_base_url"] = tftypes.NewValue(tftypes.String, info.SCIMBaseURL)
	a["scim_token"] = tftypes.NewValue(tftypes.String, info.SCIMToken)
	dv, err := tfproto.Object(typ, a)
	if err != nil {
		b.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dv})
	if err != nil {
		b.Fatal(err)
	}
	failOnDiagnostics(b, "ConfigureProvider", resp.Diagnostics)
}
