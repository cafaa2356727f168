package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The tests in this file bring an organization that an identity provider
// already provisions under Terraform, live beside that IdP, and hand SCIM
// back, through the example folders a user would copy.

// cliAtLeast skips the test unless the CLI is at least major.minor (both
// OpenTofu and Terraform number from the same line).
func (w *cliWork) cliAtLeast(major, minor int) {
	w.t.Helper()
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("version", "-json").stdout), &v); err != nil {
		w.t.Fatalf("reading the CLI version: %v", err)
	}
	parts := strings.SplitN(v.Version, ".", 3)
	if len(parts) < 2 {
		w.t.Fatalf("CLI version %q", v.Version)
	}
	gotMajor, _ := strconv.Atoi(parts[0])
	gotMinor, _ := strconv.Atoi(parts[1])
	if gotMajor < major || (gotMajor == major && gotMinor < minor) {
		w.t.Skipf("needs a CLI >= %d.%d, have %s", major, minor, v.Version)
	}
}

// exampleConfig reads an example folder's main.tf without its terraform
// block, which newCLIWork adds.
func exampleConfig(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", name, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`(?s)terraform \{\n  required_providers \{.*?\n\}\n`).ReplaceAllString(string(b), "")
}

// idpUser creates a SCIM user as an IdP's push would: with an external id,
// names, and Docker's attributes.
func (h *testHub) idpUser(email, externalID, given, role string) string {
	h.t.Helper()
	return h.scimCreate("/Users", map[string]any{
		"schemas": []string{
			"urn:ietf:params:scim:schemas:core:2.0:User",
			"urn:ietf:params:scim:schemas:extension:docker:2.0:User",
		},
		"userName":   email,
		"externalId": externalID,
		"name":       map[string]any{"givenName": given, "familyName": "Idp"},
		"active":     true,
		"urn:ietf:params:scim:schemas:extension:docker:2.0:User": map[string]any{"dockerRole": role},
	})
}

// idpPeople has the IdP create n people, person000@moby.example and on,
// every 50th an owner.
func (h *testHub) idpPeople(n int) {
	for i := range n {
		role := "member"
		if i%50 == 0 {
			role = "owner"
		}
		h.idpUser(fmt.Sprintf("person%03d@moby.example", i), fmt.Sprintf("00u%06d", i), fmt.Sprintf("Person%d", i), role)
	}
}

// scimEnv points the provider block at h's SCIM API through the
// environment.
func (h *testHub) scimEnv() []string {
	return []string{"DOCKER_SCIM_BASE_URL=" + h.info.SCIMBaseURL, "DOCKER_SCIM_TOKEN=" + h.info.SCIMToken}
}

// copyExample copies a file of examples/ (its path below it) into the
// working directory as name.
func (w *cliWork) copyExample(name string, path ...string) {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "..", "examples"}, path...)...))
	if err != nil {
		w.t.Fatal(err)
	}
	writeFile(w.t, filepath.Join(w.dir, name), string(b))
}

// An org of 300 people the IdP created is adopted by examples/adopt-idp-org
// in one pure import, then plans empty, and the IdP's later edits to what
// the configuration does not set are not drift.
func TestAccAdopt_idpProvisionedOrgIsPureImport(t *testing.T) {
	t.Parallel()
	const people = 300
	h := newHub(t)
	h.idpPeople(people)
	w := newCLIWork(t, exampleConfig(t, "adopt-idp-org"))
	w.cliAtLeast(1, 7)
	w.env = append(w.env, h.scimEnv()...)

	plan := w.mustRun("plan", "-no-color", "-input=false").stdout
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", people)
	if !strings.Contains(plan, want) {
		t.Fatalf("the adoption plan is not a pure import (want %q):\n%s", want, tail(plan, 3000))
	}
	patches := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}")
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if got := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}"); got != patches {
		t.Fatalf("adopting sent %d PATCHes", got-patches)
	}
	w.expectEmptyPlan("after adopting")

	// The IdP renames a person and changes their external id and role: the
	// configuration does not set those, so they are the IdP's.
	id := h.userIDs()["person007@moby.example"]
	h.patchUser(id,
		map[string]any{"op": "replace", "path": "name.givenName", "value": "Renamed"},
		map[string]any{"op": "replace", "path": "externalId", "value": "00uNEW"},
		map[string]any{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole", "value": "editor"})
	w.expectEmptyPlan("the IdP's edits show as drift")
	if u := h.scimUsers()["person000@moby.example"]; fmt.Sprint(u["externalId"]) != "00u000000" {
		t.Fatalf("an adopted user's externalId is %v", u["externalId"])
	}
	if role := h.orgMembers("moby")["person000@moby.example"]; role != "owner" {
		t.Fatalf("an adopted owner is %q", role)
	}
}

// scimWrites counts the SCIM requests that change something (POST, PUT,
// PATCH, DELETE) mockhub has served.
func (h *testHub) scimWrites() int {
	h.t.Helper()
	_, byRoute, _ := h.stats()
	n := 0
	for route, v := range byRoute {
		method, p, _ := strings.Cut(route, " ")
		if method != http.MethodGet && strings.HasPrefix(p, "/v2/scim/") {
			count, _ := v.(float64)
			n += int(count)
		}
	}
	return n
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// Attributes the configuration does not set stay the IdP's; one it sets is
// managed; one it stops setting is given back.
func TestAccAdopt_attributeOwnership(t *testing.T) {
	h := newHub(t)
	id := h.idpUser("owned@moby.example", "00uOWNED", "Olga", "owner")
	cfg := func(extra string) string {
		return h.scimProvider() + fmt.Sprintf(`
import {
  to = docker_scim_user.o
  id = %q
}

resource "docker_scim_user" "o" {
  user_name = "owned@moby.example"
  %s
}
`, id, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				// A minimal configuration imports without a change: no
				// external_id stripped, no owner demoted.
				Config: cfg(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.o", plancheck.ResourceActionNoop)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("docker_scim_user.o", "external_id", "00uOWNED"),
					resource.TestCheckResourceAttr("docker_scim_user.o", "role", "owner"),
					resource.TestCheckResourceAttr("docker_scim_user.o", "given_name", "Olga"),
				),
			},
			{
				// Setting one takes it over.
				Config: cfg(`given_name = "Olga T."`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.o", plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					u := h.scimUsers()["owned@moby.example"]
					if name := fmt.Sprint(u["name"]); !strings.Contains(name, "Olga T.") || fmt.Sprint(u["externalId"]) != "00uOWNED" {
						return fmt.Errorf("after setting given_name the user is %v", u)
					}
					return nil
				},
			},
			{
				// Stopping to set it gives it back: removed on the server.
				Config: cfg(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.o", plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					u := h.scimUsers()["owned@moby.example"]
					if name := fmt.Sprint(u["name"]); strings.Contains(name, "Olga") {
						return fmt.Errorf("given_name was not given back: %v", u["name"])
					}
					if fmt.Sprint(u["externalId"]) != "00uOWNED" {
						return fmt.Errorf("an attribute never set was touched: %v", u["externalId"])
					}
					return nil
				},
			},
			{
				Config: cfg(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// adopt_existing takes over an active user on create, on purpose.
func TestAccAdopt_adoptExistingActiveUser(t *testing.T) {
	h := newHub(t)
	id := h.idpUser("taken.over@moby.example", "00uTAKE", "Tara", "member")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.scimProvider() + `
resource "docker_scim_user" "t" {
  user_name      = "taken.over@moby.example"
  role           = "editor"
  adopt_existing = true
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("docker_scim_user.t", "id", id),
				resource.TestCheckResourceAttr("docker_scim_user.t", "role", "editor"),
				func(*terraform.State) error {
					if role := h.orgMembers("moby")["taken.over@moby.example"]; role != "editor" {
						return fmt.Errorf("the adopted user's role is %q, want editor", role)
					}
					if n := len(h.scimUsers()); n != 1 {
						return fmt.Errorf("the connection has %d users, want the one adopted", n)
					}
					return nil
				},
			),
		}},
	})
}

// Handing SCIM back after examples/bootstrap: examples/hand-back forgets the
// people and the mapping with no change on the server, then
// examples/hand-back/disable disables SCIM, and every person stays an
// active member of the organization with the role they had.
func TestAccHandBack_keepUsersDisableSCIM(t *testing.T) {
	t.Parallel()
	h := newHubSCIMOff(t)
	w, vars := bootstrapWork(t, h)
	w.cliAtLeast(1, 7)
	apply := func(vars []string) string {
		t.Helper()
		return w.mustRun(append([]string{"apply", "-auto-approve"}, vars...)...).stdout
	}
	token := strings.TrimSpace(w.mustRun("output", "-raw", "scim_token").stdout)
	before := h.orgMembers("moby")
	writes := h.scimWrites()

	w.setConfig(exampleConfig(t, "hand-back"))
	if out := apply(vars); !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Fatalf("step 1 changed something:\n%s", out)
	}
	if got := w.stateResources(); len(got) != 1 || got["docker_scim_connection.this"] == nil {
		t.Fatalf("after step 1 state holds %v, want only the connection", got)
	}
	if got := connSCIMStatus(h, token); got != http.StatusOK {
		t.Fatalf("after step 1 the token answers %d, want 200", got)
	}
	if n := h.scimWrites() - writes; n != 0 {
		t.Fatalf("step 1 sent %d SCIM writes", n)
	}

	w.setConfig(exampleConfig(t, "hand-back/disable"))
	if out := apply(vars[:8]); !strings.Contains(out, "0 added, 0 changed, 1 destroyed") {
		t.Fatalf("step 2 did not just disable SCIM:\n%s", out)
	}
	if connEnabled(h, "orgs/moby", connOrgID) {
		t.Fatal("SCIM is still enabled")
	}
	if got := connSCIMStatus(h, token); got != http.StatusUnauthorized {
		t.Fatalf("the old token answers %d, want 401", got)
	}
	if got := w.stateResources(); len(got) != 0 {
		t.Fatalf("state still holds %v", got)
	}
	after := h.orgMembers("moby")
	for _, email := range []string{"ada@moby.example", "grace@moby.example"} {
		if after[email] == "" || after[email] != before[email] {
			t.Fatalf("%s is %q in moby after the hand-back, was %q", email, after[email], before[email])
		}
	}
}
