package tfproto

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Private state written by terraform-plugin-framework (a JSON object whose
// values are base64 JSON documents) reads the same here, and is written
// back byte for byte: users upgrading from a framework-served resource
// keep their endpoint records.
func TestPrivateReadsAndWritesTheFrameworkFormat(t *testing.T) {
	framework := []byte(`{"configured_attributes":"WyJnaXZlbl9uYW1lIl0=","scim_endpoint":"eyJ0b2tlbiI6ImFiIn0="}`)
	p := DecodePrivate(framework)
	got, _ := p.GetKey(context.Background(), "scim_endpoint")
	if string(got) != `{"token":"ab"}` {
		t.Fatalf("scim_endpoint = %q, want the JSON the framework stored", got)
	}
	if got, _ := p.GetKey(context.Background(), "configured_attributes"); string(got) != `["given_name"]` {
		t.Fatalf("configured_attributes = %q", got)
	}
	if enc := p.Encode(); string(enc) != string(framework) {
		t.Fatalf("Encode = %s, want %s", enc, framework)
	}
	p.SetKey(context.Background(), "scim_endpoint", nil)
	p.SetKey(context.Background(), "configured_attributes", nil)
	if enc := p.Encode(); enc != nil {
		t.Fatalf("an emptied private state encodes as %q, want nothing", enc)
	}
	if p := DecodePrivate([]byte("not json")); len(p) != 0 {
		t.Fatalf("unreadable private state decoded to %v, want empty", p)
	}
}

func TestValuesRoundTrip(t *testing.T) {
	for _, s := range []Str{Known("jane@moby.example"), NullStr(), UnknownStr(), OrNull("")} {
		if got := StrOf(s.Terraform()); got != s {
			t.Errorf("StrOf(%v.Terraform()) = %v", s, got)
		}
	}
	for _, b := range []Bool{KnownBool(true), KnownBool(false), {Null: true}, {Unknown: true}} {
		if got := BoolOf(b.Terraform()); got != b {
			t.Errorf("BoolOf(%v.Terraform()) = %v", b, got)
		}
	}
	for _, n := range []Int{{V: 64}, {Null: true}, {Unknown: true}} {
		if got := IntOf(n.Terraform()); got != n {
			t.Errorf("IntOf(%v.Terraform()) = %v", n, got)
		}
	}
}

// One diagnostic per framework diagnostic, with its severity and its
// attribute path, so that a validator's error points at the attribute.
func TestFromFrameworkKeepsSeverityAndPath(t *testing.T) {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("user").AtMapKey("jane@moby.example").AtName("role"), "Invalid role", "detail")
	diags.AddWarning("Heads up", "warning detail")
	got := FromFramework(diags)
	if len(got) != 2 {
		t.Fatalf("%d diagnostics, want 2", len(got))
	}
	want := tftypes.NewAttributePath().WithAttributeName("user").WithElementKeyString("jane@moby.example").WithAttributeName("role")
	if got[0].Severity != tfprotov6.DiagnosticSeverityError || got[0].Summary != "Invalid role" || !got[0].Attribute.Equal(want) {
		t.Errorf("first diagnostic = %+v (path %v), want an error at %v", got[0], got[0].Attribute, want)
	}
	if got[1].Severity != tfprotov6.DiagnosticSeverityWarning || got[1].Attribute != nil {
		t.Errorf("second diagnostic = %+v, want a warning without a path", got[1])
	}
	if FromFramework(nil) != nil {
		t.Error("no diagnostics should convert to nil")
	}
}

func TestUpgradeStatePassesJSONThroughAndRefusesOtherVersions(t *testing.T) {
	state := []byte(`{"id":"1"}`)
	resp := UpgradeState("docker_x", &tfprotov6.UpgradeResourceStateRequest{RawState: &tfprotov6.RawState{JSON: state}})
	if len(resp.Diagnostics) != 0 || string(resp.UpgradedState.JSON) != string(state) {
		t.Fatalf("version 0 state: %+v", resp)
	}
	resp = UpgradeState("docker_x", &tfprotov6.UpgradeResourceStateRequest{Version: 1, RawState: &tfprotov6.RawState{JSON: state}})
	if len(resp.Diagnostics) != 1 || resp.UpgradedState != nil {
		t.Fatalf("version 1 state was accepted: %+v", resp)
	}
}
