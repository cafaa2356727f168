package roster

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// serverFor is the roster's protocol server on a provider block whose
// settings are baseURL and token, reaching the server through c.
func serverFor(baseURL, token string, c *scim.Client) *Server {
	p := view.New(view.Config{SCIMBaseURL: baseURL, SCIMToken: token,
		SCIM: func(*diag.Diagnostics, string) *scim.Client { return c }})
	return NewServer(func() *view.Provider { return p })
}

func dv(t *testing.T, r *Roster) *tfprotov6.DynamicValue {
	t.Helper()
	v, err := encode(r)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func errorsIn(ds []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out = append(out, d)
		}
	}
	return out
}

// The RPCs in process, through the DynamicValues the CLI sends: validate,
// plan, apply, read, import and upgrade; then another connection's token.
func TestProtocolRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, info, c := hub(t)
	s := serverFor(info.SCIMBaseURL, info.SCIMToken, c)

	outside := withNulls(&Roster{Filter: tfproto.Known(`userName ew "@moby.example"`),
		Users: map[string]*Person{"a@moby.example": testPerson("A"), "b@whale.example": testPerson("")}})
	vr, _ := s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: TypeName, Config: dv(t, outside)})
	want := tftypes.NewAttributePath().WithAttributeName("user").WithElementKeyString("b@whale.example")
	if len(vr.Diagnostics) != 1 || vr.Diagnostics[0].Summary != "Person outside the roster's filter" || !vr.Diagnostics[0].Attribute.Equal(want) {
		t.Fatalf("validate: %+v", vr.Diagnostics)
	}

	config := withNulls(&Roster{Users: map[string]*Person{"a@moby.example": testPerson("A"), "b@moby.example": testPerson("")}})
	pr, _ := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: TypeName,
		Config: dv(t, config), ProposedNewState: dv(t, config), PriorState: dv(t, nil)})
	if len(errorsIn(pr.Diagnostics)) > 0 || len(pr.Diagnostics) != 1 || !strings.HasPrefix(pr.Diagnostics[0].Summary, "Roster: 2 people to create") {
		t.Fatalf("plan: %+v", pr.Diagnostics)
	}
	ar, _ := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: TypeName,
		Config: dv(t, config), PlannedState: pr.PlannedState, PriorState: dv(t, nil), PlannedPrivate: pr.PlannedPrivate})
	if len(ar.Diagnostics) > 0 {
		t.Fatalf("apply: %+v", ar.Diagnostics)
	}
	state, err := decode(ar.NewState)
	if err != nil || len(state.IDs) != 2 || state.IDs["a@moby.example"].Unknown {
		t.Fatalf("state after apply: %v %+v", err, state)
	}
	if priv := decodePrivate(ar.Private); priv.Endpoint == nil || priv.Endpoint.BaseURL != info.SCIMBaseURL {
		t.Fatalf("private after apply: %s", ar.Private)
	}

	rr, _ := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: TypeName, CurrentState: ar.NewState, Private: ar.Private})
	if len(rr.Diagnostics) > 0 {
		t.Fatalf("read: %+v", rr.Diagnostics)
	}
	again, _ := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: TypeName,
		Config: dv(t, config), ProposedNewState: rr.NewState, PriorState: rr.NewState, PriorPrivate: rr.Private})
	if len(again.Diagnostics) > 0 {
		for _, d := range again.Diagnostics {
			t.Errorf("%s: %s", d.Summary, d.Detail)
		}
		t.FailNow()
	}

	im, _ := s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: TypeName, ID: AllUsers})
	if len(im.Diagnostics) > 0 || len(im.ImportedResources) != 1 || decodePrivate(im.ImportedResources[0].Private).Endpoint == nil {
		t.Fatalf("import: %+v", im)
	}
	up, _ := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: TypeName,
		RawState: &tfprotov6.RawState{JSON: []byte(`{"id":"*"}`)}})
	if len(up.Diagnostics) > 0 || string(up.UpgradedState.JSON) != `{"id":"*"}` {
		t.Fatalf("upgrade: %+v", up)
	}

	// Another connection's token: read and apply fail with the one full
	// explanation, and state stays as it was.
	whale := whaleToken(t, srv.URL)
	other := serverFor(info.SCIMBaseURL, whale, client(t, info.SCIMBaseURL, whale))
	rr, _ = other.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: TypeName, CurrentState: ar.NewState, Private: ar.Private})
	if len(rr.Diagnostics) != 1 || rr.Diagnostics[0].Summary != "SCIM settings changed: managed objects not found" || rr.NewState != ar.NewState {
		t.Fatalf("read through another connection: %+v", rr.Diagnostics)
	}
}

// Two rosters of one provider block that list one person: the second
// plan fails naming both, whichever plans first.
func TestProtocolClaims(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, info, c := hub(t)
	s := serverFor(info.SCIMBaseURL, info.SCIMToken, c)
	plan := func(r *Roster) []*tfprotov6.Diagnostic {
		resp, _ := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: TypeName,
			Config: dv(t, r), ProposedNewState: dv(t, r), PriorState: dv(t, nil)})
		return errorsIn(resp.Diagnostics)
	}
	first := withNulls(&Roster{Filter: tfproto.Known(`userName sw "a"`), Users: map[string]*Person{"ann@moby.example": testPerson("")}})
	second := withNulls(&Roster{Users: map[string]*Person{"ANN@moby.example": testPerson(""), "bob@moby.example": testPerson("")}})
	if got := plan(first); len(got) > 0 {
		t.Fatalf("first: %+v", got)
	}
	if got := plan(first); len(got) > 0 {
		t.Fatalf("the same roster planned again: %+v", got)
	}
	got := plan(second)
	want := tftypes.NewAttributePath().WithAttributeName("user").WithElementKeyString("ANN@moby.example")
	if len(got) != 1 || got[0].Summary != "One person declared by two resources" || !got[0].Attribute.Equal(want) ||
		!strings.Contains(got[0].Detail, `docker_scim_roster with filter userName sw "a" (1 person)`) ||
		!strings.Contains(got[0].Detail, "docker_scim_roster without a filter") {
		t.Fatalf("second: %+v", got)
	}
}
