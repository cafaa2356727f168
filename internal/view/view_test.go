package view

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestFingerprintRevealsNothing(t *testing.T) {
	const token = "dckr_scim_0123456789abcdef"
	fp := Fingerprint(token)
	if fp != Fingerprint(token) || fp == Fingerprint(token+"x") {
		t.Fatal("the fingerprint is not a stable function of the token")
	}
	if strings.Contains(fp, "0123") || len(fp) != 16 {
		t.Fatalf("fingerprint %q", fp)
	}
}

// The first endpoint change a provider block reports is explained in full,
// every later one refers to it.
func TestAddEndpointChangedExplainsOnce(t *testing.T) {
	p := New(Config{SCIMBaseURL: "https://hub.example/v2/scim/2.0", SCIMToken: "b"})
	was := Endpoint{BaseURL: "https://hub.example/v2/scim/2.0", Token: Fingerprint("a")}
	var first, second diag.Diagnostics
	p.AddEndpointChanged(&first, was, `SCIM user "a@x.example"`, "")
	p.AddEndpointChanged(&second, was, `SCIM user "b@x.example"`, "")
	if !strings.Contains(first[0].Detail(), "scim_token is not the token") || !strings.Contains(first[0].Detail(), "state rm") {
		t.Fatalf("first: %v", first)
	}
	if strings.Contains(second[0].Detail(), "state rm") || !strings.Contains(second[0].Detail(), `"b@x.example"`) {
		t.Fatalf("second: %v", second)
	}
	if _, ok := DecodeEndpoint(p.EndpointRecord()); !ok {
		t.Fatal("the record does not decode")
	}
	if _, ok := DecodeEndpoint(nil); ok {
		t.Fatal("no record decoded as one")
	}
}

func TestClaims(t *testing.T) {
	user := func(name string) Claimant {
		return Claimant{ID: ClaimantID("docker_scim_user", []byte(name)), Name: "docker_scim_user with user_name " + name}
	}
	roster := Claimant{ID: ClaimantID("docker_scim_roster", []byte("r")), Name: "docker_scim_roster r"}
	wide := Claimant{ID: ClaimantID("docker_scim_roster", []byte("w")), Name: "docker_scim_roster w"}

	var c Claims
	if got := c.DeclarePerson("dup@x.example", user("dup")); got != nil {
		t.Fatalf("first claim: %+v", got)
	}
	if got := c.DeclarePerson("dup@x.example", user("dup")); got != nil {
		t.Fatalf("the same resource planned again conflicts with itself: %+v", got)
	}
	if got := c.DeclarePerson("DUP@x.example", user("DUP")); got == nil || got.Kind != DeclaredTwice || got.Spelling != "dup@x.example" {
		t.Fatalf("another spelling by another resource: %+v", got)
	}
	if got := c.DeclarePerson("Dup@x.example", roster); got == nil || got.Other != user("dup") {
		t.Fatalf("a roster declaring a person a user declares: %+v", got)
	}

	// Either order of a policy and a declaration conflicts.
	var a, b Claims
	if got := a.ActOnPerson("safe@x.example", "deactivate", wide); got != nil {
		t.Fatalf("acting on nobody's person: %+v", got)
	}
	if got := a.DeclarePerson("safe@x.example", roster); got == nil || got.Kind != DeclaredActedOn || got.Other != wide || got.Verb != "deactivate" {
		t.Fatalf("declared after the policy: %+v", got)
	}
	b.DeclarePerson("safe@x.example", roster)
	if got := b.ActOnPerson("SAFE@x.example", "delete", wide); got == nil || got.Kind != ActsOnDeclared || got.Other != roster {
		t.Fatalf("policy after the declaration: %+v", got)
	}
	if got := b.ActOnPerson("stranger@x.example", "delete", roster); got != nil {
		t.Fatalf("two policies on one stranger: %+v", got)
	}

	var teams Claims
	teams.DeclareTeam("moby:backend", roster)
	got := teams.DeclareTeam("MOBY:backend", wide)
	if got == nil || !got.Team {
		t.Fatalf("a team declared twice: %+v", got)
	}
	var diags diag.Diagnostics
	AddConflict(&diags, path.Root("teams").AtMapKey("MOBY:backend"), wide, "MOBY:backend", got)
	if d := diags[0]; d.Summary() != "One team declared by two resources" ||
		!strings.Contains(d.Detail(), "docker_scim_roster w") || !strings.Contains(d.Detail(), "docker_scim_roster r") {
		t.Fatalf("the error does not name both: %s: %s", d.Summary(), d.Detail())
	}
}
