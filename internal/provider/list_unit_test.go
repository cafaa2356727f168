package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/roster"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// These tests call the RPCs of `terraform query` and of
// `-generate-config-out` on the server main.go serves, without a CLI, so
// that they run on every machine; the acceptance tests run them through
// Terraform 1.14 and later.

// listResults runs one ListResource on server and collects its results.
func listResults(t *testing.T, server tfprotov6.ProviderServer, typeName string, config map[string]tftypes.Value, include bool, limit int64) []tfprotov6.ListResourceResult {
	t.Helper()
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.ListResourceSchemas[typeName].ValueType().(tftypes.Object)
	a := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		a[name] = tftypes.NewValue(at, nil)
		if v, ok := config[name]; ok {
			a[name] = v
		}
	}
	dv, err := tfproto.Object(typ, a)
	if err != nil {
		t.Fatal(err)
	}
	lister, ok := server.(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatal("the provider's server does not serve list resources")
	}
	stream, err := lister.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: typeName, Config: dv, IncludeResource: include, Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	var out []tfprotov6.ListResourceResult
	for r := range stream.Results {
		for _, d := range r.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%s: %s: %s", typeName, d.Summary, d.Detail)
			}
		}
		out = append(out, r)
	}
	return out
}

func TestSCIMUserListResourceThroughMux(t *testing.T) {
	h := newHub(t)
	for i := range 6 {
		id := h.idpUser(fmt.Sprintf("Lister%d@moby.example", i), fmt.Sprintf("00uL%d", i), "Lister", "member")
		if i == 4 {
			h.setActive(id, false)
		}
	}
	server := NewServer("test")
	configureBenchProvider(t, server, h.info)

	active := map[string]tftypes.Value{"active": tftypes.NewValue(tftypes.Bool, true)}
	got := listResults(t, server, scimUserTypeName, active, true, 100)
	var names []string
	for _, r := range got {
		names = append(names, r.DisplayName)
		if identityUserName(r.Identity) != fmt.Sprintf("lister%c@moby.example", r.DisplayName[6]) {
			t.Errorf("%s has identity %q", r.DisplayName, identityUserName(r.Identity))
		}
		state, err := decodeSCIMUser(r.Resource)
		if err != nil || state == nil || state.UserName.V != r.DisplayName || !state.Active.V ||
			state.IdPOwned[person.ExternalID].V == "" || state.OnDestroy.V != onDestroyDelete {
			t.Errorf("%s: resource %+v (%v)", r.DisplayName, state, err)
		}
	}
	slices.Sort(names)
	want := []string{"Lister0@moby.example", "Lister1@moby.example", "Lister2@moby.example", "Lister3@moby.example", "Lister5@moby.example"}
	if !slices.Equal(names, want) {
		t.Fatalf("active users listed: %v, want %v", names, want)
	}

	// Without include_resource, no state; a filter combines with active.
	filtered := listResults(t, server, scimUserTypeName, map[string]tftypes.Value{
		"filter": tftypes.NewValue(tftypes.String, `userName sw "lister"`),
		"active": tftypes.NewValue(tftypes.Bool, false),
	}, false, 100)
	if len(filtered) != 1 || filtered[0].DisplayName != "Lister4@moby.example" || filtered[0].Resource != nil {
		t.Fatalf("inactive lister4: %+v", filtered)
	}

	// The limit ends the listing: one page of that size, no more.
	before := h.requestsTo("GET /v2/scim/2.0/Users")
	if got := listResults(t, server, scimUserTypeName, nil, false, 2); len(got) != 2 {
		t.Fatalf("limit 2 gave %d results", len(got))
	}
	if n := h.requestsTo("GET /v2/scim/2.0/Users") - before; n != 1 {
		t.Fatalf("limit 2 sent %d list requests, want 1", n)
	}
}

func TestGroupMappingListResourceThroughMux(t *testing.T) {
	h := newCompanyHub(t)
	ada := h.idpUser("ada@moby-inc.example", "00uADA", "Ada", "member")
	h.idpGroup("moby:backend", ada)
	h.idpGroup("whale:crew")
	server := NewServer("test")
	configureBenchProvider(t, server, h.info)

	got := listResults(t, server, groupMappingTypeName, map[string]tftypes.Value{
		"org_name": tftypes.NewValue(tftypes.String, "moby"),
	}, true, 100)
	if len(got) != 1 || got[0].DisplayName != "moby:backend" {
		t.Fatalf("moby's groups: %+v", got)
	}
	v, err := got[0].Resource.Unmarshal(groupMappingObjectType())
	if err != nil {
		t.Fatal(err)
	}
	var a map[string]tftypes.Value
	_ = v.As(&a)
	if want := tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
		[]tftypes.Value{tftypes.NewValue(tftypes.String, "ada@moby-inc.example")}); !a["member_user_names"].Equal(want) {
		t.Fatalf("member_user_names %v", a["member_user_names"])
	}
	if all := listResults(t, server, groupMappingTypeName, nil, false, 100); len(all) != 2 {
		t.Fatalf("every group: %+v", all)
	}
}

// generatedConfig runs GenerateResourceConfig on server for a state.
func generatedConfig(t *testing.T, server tfprotov6.ProviderServer, typeName string, typ tftypes.Object, state map[string]tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	for name, at := range typ.AttributeTypes {
		if _, ok := state[name]; !ok {
			state[name] = tftypes.NewValue(at, nil)
		}
	}
	dv, err := tfproto.Object(typ, state)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GenerateResourceConfig(context.Background(), &tfprotov6.GenerateResourceConfigRequest{TypeName: typeName, State: dv})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("%s: %s: %s", typeName, d.Summary, d.Detail)
	}
	a, err := tfproto.Attributes(resp.Config, typ)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Terraform 1.14 and later generate configuration through the provider:
// an adopted user or group leaves what the IdP owns unset, and the roster
// gets what earlier CLIs generated themselves.
func TestGenerateResourceConfig(t *testing.T) {
	server := NewServer("test")
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	user := func(active bool) map[string]tftypes.Value {
		return map[string]tftypes.Value{
			"id": str("u1"), "user_name": str("Ada@moby.example"), "given_name": str("Ada"),
			"external_id": str("00u1"), "role": str("owner"), "display_name": str("ada"),
			"active": tftypes.NewValue(tftypes.Bool, active), "adopt_existing": tftypes.NewValue(tftypes.Bool, false),
			"on_destroy": str("delete"),
		}
	}
	for _, active := range []bool{true, false} {
		cfg := generatedConfig(t, server, scimUserTypeName, scimUserType, user(active))
		for name, v := range cfg {
			switch {
			case name == "user_name":
				if !v.Equal(str("Ada@moby.example")) {
					t.Errorf("user_name %v", v)
				}
			case name == "active" && !active:
				if !v.Equal(tftypes.NewValue(tftypes.Bool, false)) {
					t.Errorf("inactive user: active %v", v)
				}
			case !v.IsNull():
				t.Errorf("active=%t: generated %s = %v, want it unset", active, name, v)
			}
		}
	}

	set := func(s ...string) tftypes.Value {
		var vs []tftypes.Value
		for _, e := range s {
			vs = append(vs, str(e))
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vs)
	}
	group := generatedConfig(t, server, groupMappingTypeName, groupMappingObjectType(), map[string]tftypes.Value{
		"id": str("g1"), "org_name": str("moby"), "team_name": str("backend"), "display_name": str("moby:backend"),
		"member_user_names": set("ada@moby.example"),
	})
	if !group["org_name"].Equal(str("moby")) || !group["team_name"].Equal(str("backend")) ||
		!group["member_user_names"].IsNull() || !group["id"].IsNull() || !group["display_name"].IsNull() {
		t.Errorf("group mapping config %v", group)
	}

	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	rosterType := schemas.ResourceSchemas[roster.TypeName].ValueType().(tftypes.Object)
	personType := rosterType.AttributeTypes["user"].(tftypes.Map).ElementType.(tftypes.Object)
	person := map[string]tftypes.Value{}
	for name, at := range personType.AttributeTypes {
		person[name] = tftypes.NewValue(at, nil)
	}
	person["given_name"], person["external_id"], person["display_name"] = str("Ada"), str(""), str("ada")
	cfg := generatedConfig(t, server, roster.TypeName, rosterType, map[string]tftypes.Value{
		"id": str("*"), "unmanaged": str("ignore"),
		"user": tftypes.NewValue(rosterType.AttributeTypes["user"], map[string]tftypes.Value{
			"ada@moby.example": tftypes.NewValue(personType, person)}),
		"ids": tftypes.NewValue(rosterType.AttributeTypes["ids"], map[string]tftypes.Value{"ada@moby.example": str("u1")}),
	})
	if !cfg["id"].IsNull() || !cfg["ids"].IsNull() || !cfg["unmanaged"].Equal(str("ignore")) {
		t.Errorf("roster config: id %v, ids %v, unmanaged %v", cfg["id"], cfg["ids"], cfg["unmanaged"])
	}
	var people map[string]tftypes.Value
	if err := cfg["user"].As(&people); err != nil || len(people) != 1 {
		t.Fatalf("roster config's people: %v (%v)", cfg["user"], err)
	}
	var ada map[string]tftypes.Value
	_ = people["ada@moby.example"].As(&ada)
	if !ada["given_name"].Equal(str("Ada")) || !ada["display_name"].Equal(str("ada")) || !ada["external_id"].IsNull() {
		t.Errorf("roster config's person: %v", ada)
	}
}
