package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An org of 300 people the IdP created is adopted by
// examples/adopt-with-query: `terraform query -generate-config-out` lists
// them in pages and writes a resource and an import block per person with
// only user_name, which plans as a pure import, applies without a write,
// and then plans empty, also after the IdP edits what it owns.
func TestAccQuery_generateConfigAdoptsIdPOrg(t *testing.T) {
	t.Parallel()
	const people = 300
	w := newCLIWork(t, exampleConfig(t, "adopt-with-query"))
	w.cliAtLeast(1, 14)
	h := newHub(t)
	h.idpPeople(people)
	// Offboarded by the IdP: not adopted.
	for _, email := range []string{"left1@moby.example", "left2@moby.example"} {
		h.setActive(h.idpUser(email, "00u"+email[:5], "Left", "member"), false)
	}
	w.copyExample("people.tfquery.hcl", "adopt-with-query", "people.tfquery.hcl")
	w.env = append(w.env, h.scimEnv()...)

	lists, single := h.requestsTo("GET /v2/scim/2.0/Users"), h.requestsTo("GET /v2/scim/2.0/Users/{id}")
	w.mustRun("query", "-generate-config-out=people.tf", "-no-color")
	if got := h.requestsTo("GET /v2/scim/2.0/Users/{id}") - single; got != 0 {
		t.Fatalf("the query sent %d GETs of single users, want none", got)
	}
	if got := h.requestsTo("GET /v2/scim/2.0/Users") - lists; got != 2 {
		t.Fatalf("the query listed users in %d requests, want 2 pages of 200", got)
	}
	b, err := os.ReadFile(filepath.Join(w.dir, "people.tf"))
	if err != nil {
		t.Fatal(err)
	}
	generated := string(b)
	if n := strings.Count(generated, `resource "docker_scim_user"`); n != people {
		t.Fatalf("generated %d resources, want %d:\n%s", n, people, tail(generated, 2000))
	}
	if n := strings.Count(generated, "import {"); n != people {
		t.Fatalf("generated %d import blocks, want %d", n, people)
	}
	for _, owned := range []string{"given_name", "external_id", "role", "display_name", "left1@", "active", "on_destroy"} {
		if strings.Contains(generated, owned) {
			t.Fatalf("the generated configuration sets or names %q:\n%s", owned, tail(generated, 2000))
		}
	}
	if n := strings.Count(generated, "identity"); n != people || strings.Count(generated, `"person123@moby.example"`) != 2 {
		t.Fatalf("the people are not imported by identity (%d identities):\n%s", n, tail(generated, 2000))
	}

	lists, single = h.requestsTo("GET /v2/scim/2.0/Users"), h.requestsTo("GET /v2/scim/2.0/Users/{id}")
	plan := w.mustRun("plan", "-no-color", "-input=false").stdout
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", people)
	if !strings.Contains(plan, want) {
		t.Fatalf("the adoption plan is not a pure import (want %q):\n%s", want, tail(plan, 3000))
	}
	// A few lookups on their own, then one listing answers the rest of the
	// imports and every refresh.
	if got, gets := h.requestsTo("GET /v2/scim/2.0/Users")-lists, h.requestsTo("GET /v2/scim/2.0/Users/{id}")-single; got > 8 || gets > 3 {
		t.Fatalf("the adoption plan sent %d list or filter requests and %d GETs of single users, want at most 8 and 3", got, gets)
	}
	writes := h.scimWrites()
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if got := h.scimWrites() - writes; got != 0 {
		t.Fatalf("adopting sent %d SCIM writes", got)
	}
	w.expectEmptyPlan("after adopting")

	// The IdP changes a role and an external id: the generated
	// configuration does not set them, so they are the IdP's.
	id := h.userIDs()["person007@moby.example"]
	h.patchUser(id,
		map[string]any{"op": "replace", "path": "externalId", "value": "00uNEW"},
		map[string]any{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole", "value": "editor"})
	w.expectEmptyPlan("the IdP's edits show as drift")
}

// The teams an IdP pushes are adopted with the registry example of the
// docker_group_mapping list resource: the generated configuration names
// each team and leaves its membership the IdP's, so the plan is a pure
// import, the apply sends nothing, and the membership the IdP changes
// afterwards is not drift.
func TestAccQuery_generateConfigAdoptsTeams(t *testing.T) {
	t.Parallel()
	w := newCLIWork(t, `provider "docker" {}`)
	w.cliAtLeast(1, 14)
	h := newHub(t)
	ada := h.idpUser("ada@moby.example", "00uADA", "Ada", "member")
	bob := h.idpUser("bob@moby.example", "00uBOB", "Bob", "member")
	backend := h.idpGroup("moby:backend", ada, bob)
	h.idpGroup("moby:frontend", bob)
	h.idpGroup("moby:empty")
	w.copyExample("teams.tfquery.hcl", "list-resources", "docker_group_mapping", "list-resource.tfquery.hcl")
	w.env = append(w.env, h.scimEnv()...)

	out := w.mustRun("query", "-generate-config-out=teams.tf", "-no-color").stdout
	for _, team := range []string{"moby:backend", "moby:frontend", "moby:empty"} {
		if !strings.Contains(out, team) {
			t.Fatalf("the query does not list %s:\n%s", team, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(w.dir, "teams.tf"))
	if err != nil {
		t.Fatal(err)
	}
	generated := string(b)
	if n := strings.Count(generated, `resource "docker_group_mapping"`); n != 3 || strings.Contains(generated, "member") {
		t.Fatalf("generated %d mappings, want 3 without membership:\n%s", n, generated)
	}
	if plan := w.mustRun("plan", "-no-color", "-input=false").stdout; !strings.Contains(plan, "Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the adoption plan is not a pure import:\n%s", tail(plan, 3000))
	}
	writes := h.scimWrites()
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if got := h.scimWrites() - writes; got != 0 {
		t.Fatalf("adopting sent %d SCIM writes", got)
	}
	// The IdP removes bob from backend: the membership is the IdP's.
	if status, body := h.scim(http.MethodPatch, "/Groups/"+backend, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "remove", "path": fmt.Sprintf("members[value eq %q]", bob)}},
	}); status/100 != 2 {
		t.Fatalf("the IdP's PATCH: status %d: %v", status, body)
	}
	w.expectEmptyPlan("after adopting the teams")
}
