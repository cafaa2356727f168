package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The tests in this file reproduce the mistakes and outages a team meets in
// its first weeks (a rotated token, a wrong URL, a token of another
// connection, a person removed and added back, two spellings of one
// address) and assert what a user would check: the command's outcome, what
// state holds, and what the server holds.

// bootstrapWork is a working directory holding examples/bootstrap (a
// connection, an aliased provider configured from its base_url and token,
// and people and a team provisioned through it), applied once, with the
// variables that point it at h.
func bootstrapWork(t *testing.T, h *testHub) (w *cliWork, vars []string) {
	t.Helper()
	w = newCLIWork(t, exampleConfig(t, "bootstrap"))
	vars = []string{
		"-no-color", "-input=false",
		"-var", "hub_url=" + h.info.HubURL, "-var", "username=" + h.info.Username, "-var", "password=" + h.info.Password,
		"-var", "org_name=moby", "-var", "sso_connection_id=" + connOrgID,
	}
	w.mustRun(append([]string{"apply", "-auto-approve"}, vars...)...)
	return w, vars
}

// userIDs returns the SCIM ids the server holds, by userName.
func (h *testHub) userIDs() map[string]string {
	out := map[string]string{}
	for name, u := range h.scimUsers() {
		out[name] = fmt.Sprint(u["id"])
	}
	return out
}

// stateIDs returns the id of every SCIM user and group mapping in state,
// by address.
func (w *cliWork) stateIDs() map[string]string {
	out := map[string]string{}
	for addr, v := range w.stateResources() {
		if strings.HasPrefix(addr, "docker_scim_user.") || strings.HasPrefix(addr, "docker_group_mapping.") {
			out[addr] = fmt.Sprint(v["id"])
		}
	}
	return out
}

// expectEmptyPlan fails unless plan -detailed-exitcode reports no changes.
func (w *cliWork) expectEmptyPlan(why string) {
	w.t.Helper()
	r := w.run(nil, "plan", "-detailed-exitcode", "-no-color", "-input=false")
	if r.err != nil {
		w.t.Fatalf("%s: the plan is not empty (%v):\n%s", why, r.err, r.output())
	}
}

// expectFailure runs the CLI, fails the test if it succeeds, and returns
// what it printed with every run of white space made one space, since the
// CLI wraps diagnostics at its own width.
func (w *cliWork) expectFailure(args ...string) string {
	w.t.Helper()
	r := w.run(nil, args...)
	if r.err == nil {
		w.t.Fatalf("%s succeeded, want an error:\n%s", strings.Join(args, " "), r.output())
	}
	return strings.Join(strings.Fields(r.output()), " ")
}

// Rotating the token in the bootstrap layout plans and applies in one go:
// the users and the mapping keep their state while the new token is
// unknown, and the next plan, through the new token, is empty.
func TestAccSafety_rotationInBootstrapLayout(t *testing.T) {
	t.Parallel()
	h := newHubSCIMOff(t)
	w, vars := bootstrapWork(t, h)
	oldToken := strings.TrimSpace(w.mustRun("output", "-raw", "scim_token").stdout)
	before := w.stateIDs()

	// As the guide says: the trigger is raised in the configuration.
	config := exampleConfig(t, "bootstrap")
	if !strings.Contains(config, "token_generation = 1\n") {
		t.Fatal("examples/bootstrap no longer sets token_generation = 1")
	}
	w.setConfig(strings.Replace(config, "token_generation = 1\n", "token_generation = 2\n", 1))
	rotate := vars
	plan := w.mustRun(append([]string{"plan"}, rotate...)...).stdout
	if !strings.Contains(plan, "docker_scim_connection.this will be updated in-place") {
		t.Fatalf("the plan does not rotate the token:\n%s", plan)
	}
	if regexp.MustCompile(`# docker_(scim_user|group_mapping)\.\S+ (will|must)`).MatchString(plan) {
		t.Fatalf("the rotation plans changes to users or mappings:\n%s", plan)
	}
	if !strings.Contains(plan, "1 to change, 0 to destroy") {
		t.Fatalf("the rotation plan changes more than the connection:\n%s", plan)
	}
	w.mustRun(append([]string{"apply", "-auto-approve"}, rotate...)...)
	newToken := strings.TrimSpace(w.mustRun("output", "-raw", "scim_token").stdout)

	if newToken == oldToken {
		t.Fatal("the token did not change")
	}
	if got := connSCIMStatus(h, oldToken); got != http.StatusUnauthorized {
		t.Fatalf("the old token answers %d after the rotation, want 401", got)
	}
	if got := connSCIMStatus(h, newToken); got != http.StatusOK {
		t.Fatalf("the new token answers %d, want 200", got)
	}
	if r := w.run(nil, append([]string{"plan", "-detailed-exitcode"}, rotate...)...); r.err != nil {
		t.Fatalf("the plan after the rotation is not empty (%v):\n%s", r.err, r.output())
	}
	if after := w.stateIDs(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the users changed across the rotation: %v, then %v", before, after)
	}
	for addr, id := range before {
		kind := "/Users/"
		if strings.HasPrefix(addr, "docker_group_mapping.") {
			kind = "/Groups/"
		}
		if status, _ := h.call(http.MethodGet, connBaseURL(h)+kind+id, "Bearer "+newToken, nil); status != http.StatusOK {
			t.Fatalf("%s answers %d through the new token", addr, status)
		}
	}
	if err := connCheckTeam(h, "platform", "ada@moby.example", "grace@moby.example"); err != nil {
		t.Fatal(err)
	}
}

// SCIM disabled outside Terraform: the connection is planned for creation
// again, everything that depends on its token keeps its state, and one
// apply re-enables it and leaves an empty plan.
func TestAccSafety_reEnableAfterOutOfBandDisable(t *testing.T) {
	t.Parallel()
	h := newHubSCIMOff(t)
	w, vars := bootstrapWork(t, h)
	before := w.stateIDs()

	if status, body := h.mgmt(http.MethodDelete, "/v2/orgs/moby/sso/connections/"+connOrgID+"/scim", nil); status != http.StatusNoContent {
		t.Fatalf("disabling SCIM outside Terraform: status %d: %v", status, body)
	}
	plan := w.mustRun(append([]string{"plan"}, vars...)...).stdout
	if !strings.Contains(plan, "docker_scim_connection.this will be created") {
		t.Fatalf("the plan does not re-enable SCIM:\n%s", plan)
	}
	if !strings.Contains(plan, "1 to add, 0 to change, 0 to destroy") {
		t.Fatalf("the re-enable plan touches more than the connection:\n%s", plan)
	}
	w.mustRun(append([]string{"apply", "-auto-approve"}, vars...)...)
	if !connEnabled(h, "orgs/moby", connOrgID) {
		t.Fatal("SCIM is not enabled again")
	}
	if r := w.run(nil, append([]string{"plan", "-detailed-exitcode"}, vars...)...); r.err != nil {
		t.Fatalf("the plan after re-enabling SCIM is not empty (%v):\n%s", r.err, r.output())
	}
	if after := w.stateIDs(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the users changed across the re-enable: %v, then %v", before, after)
	}
}

// threeUsers is a configuration of three people with the given provider.
func threeUsers(provider string) string {
	return provider + `
resource "docker_scim_user" "u" {
  for_each  = toset(["one", "two", "three"])
  user_name = "${each.key}@moby.example"
}
`
}

// A base URL without its /2.0 answers every path with a non-SCIM 404. The
// plan and the apply fail naming the URL, and state keeps every user.
func TestAccSafety_wrongBaseURLKeepsState(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	w := newCLIWork(t, threeUsers(h.scimProvider()))
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	posts := h.requestsTo("POST /v2/scim/2.0/Users")

	wrong := strings.TrimSuffix(h.info.SCIMBaseURL, "/2.0")
	w.setConfig(threeUsers(fmt.Sprintf("provider \"docker\" {\n  scim_base_url = %q\n  scim_token = %q\n}\n", wrong, h.info.SCIMToken)))
	for _, cmd := range [][]string{
		{"plan", "-no-color", "-input=false"},
		{"apply", "-auto-approve", "-no-color", "-input=false"},
	} {
		out := w.expectFailure(cmd...)
		if !strings.Contains(out, wrong+" is not a SCIM API") || !strings.Contains(out, "/v2/scim/2.0") {
			t.Fatalf("%s does not name the wrong URL and the expected one:\n%s", cmd[0], out)
		}
		if n := strings.Count(out, "The SCIM base URL does not lead to a SCIM API"); n != 1 {
			t.Fatalf("%s explains the wrong URL %d times, want once:\n%s", cmd[0], n, out)
		}
		if n := strings.Count(out, "will be created"); n != 0 {
			t.Fatalf("%s plans %d users for creation:\n%s", cmd[0], n, out)
		}
	}
	if got := w.stateResources(); len(got) != 3 {
		t.Fatalf("state holds %d resources after the failed runs, want 3", len(got))
	}
	if got := h.requestsTo("POST /v2/scim/2.0/Users"); got != posts {
		t.Fatalf("%d users were posted during the failed runs", got-posts)
	}

	w.setConfig(threeUsers(h.scimProvider()))
	w.expectEmptyPlan("with the right URL again")
}

// A valid token of another SSO connection on the same host finds none of
// the managed users. The plan fails with one full explanation, state keeps
// every user, and nothing is created in the other organization.
func TestAccSafety_tokenOfAnotherConnection(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	w := newCLIWork(t, threeUsers(h.scimProvider()))
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")

	status, whale := h.mgmt(http.MethodPost, "/v2/orgs/whale/sso/connections/"+connWhaleID+"/scim", nil)
	if status != http.StatusCreated {
		t.Fatalf("enabling SCIM on whale: status %d: %v", status, whale)
	}
	whaleToken := fmt.Sprint(whale["token"])
	w.setConfig(threeUsers(fmt.Sprintf("provider \"docker\" {\n  scim_base_url = %q\n  scim_token = %q\n}\n", h.info.SCIMBaseURL, whaleToken)))

	for _, cmd := range [][]string{
		{"plan", "-no-color", "-input=false"},
		{"apply", "-auto-approve", "-no-color", "-input=false"},
	} {
		out := w.expectFailure(cmd...)
		if n := strings.Count(out, "SCIM settings changed: managed objects not found"); n != 1 {
			t.Fatalf("%s gives the full explanation %d times, want once:\n%s", cmd[0], n, out)
		}
		if !strings.Contains(out, "scim_token is not the token it was last read with") || !strings.Contains(out, "state rm") {
			t.Fatalf("%s does not name the cause and the way to proceed:\n%s", cmd[0], out)
		}
		if strings.Contains(out, whaleToken) || strings.Contains(out, h.info.SCIMToken) {
			t.Fatalf("%s prints a token", cmd[0])
		}
	}
	if got := w.stateResources(); len(got) != 3 {
		t.Fatalf("state holds %d resources after the failed runs, want 3", len(got))
	}
	status, list := h.call(http.MethodGet, h.info.SCIMBaseURL+"/Users", "Bearer "+whaleToken, nil)
	if status != http.StatusOK || fmt.Sprint(list["totalResults"]) != "0" {
		t.Fatalf("whale's connection holds users after the failed runs: %d %v", status, list)
	}
	if _, ok := h.orgMembers("whale")["one@moby.example"]; ok {
		t.Fatal("a managed user joined whale")
	}

	w.setConfig(threeUsers(h.scimProvider()))
	w.expectEmptyPlan("with moby's token again")
}

// A user deleted outside Terraform, through the settings it was created
// with, is still planned for creation: the guard above does not get in the
// way of real drift.
func TestAccSafety_realDeletionIsStillDrift(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	w := newCLIWork(t, threeUsers(h.scimProvider()))
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	id := h.userIDs()["two@moby.example"]
	if status, _ := h.scim(http.MethodDelete, "/Users/"+id, nil); status != http.StatusNoContent {
		t.Fatalf("deleting outside Terraform: status %d", status)
	}
	plan := w.mustRun("plan", "-no-color", "-input=false").stdout
	if !strings.Contains(plan, `docker_scim_user.u["two"] will be created`) || !strings.Contains(plan, "1 to add, 0 to change, 0 to destroy") {
		t.Fatalf("the deleted user is not planned for creation:\n%s", plan)
	}
}

// peopleConfig declares people who are deactivated when removed from the
// configuration, as examples/people-csv does: ann always, bob when withBob.
func peopleConfig(h *testHub, withBob bool) string {
	person := func(name string) string {
		return fmt.Sprintf(`
resource "docker_scim_user" %q {
  user_name  = "%s@moby.example"
  on_destroy = "deactivate"
}
`, name, name)
	}
	cfg := h.scimProvider() + person("ann")
	if withBob {
		cfg += person("bob")
	}
	return cfg
}

// Removing a person (deactivated) and adding them back reactivates the
// same SCIM user, as an IdP does: reverting a pull request works.
func TestAccSafety_reAddDeactivatedPerson(t *testing.T) {
	const bob = "bob@moby.example"
	h := newHub(t)
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: peopleConfig(h, true),
				Check: func(*terraform.State) error {
					firstID = h.userIDs()[bob]
					return nil
				},
			},
			{
				Config: peopleConfig(h, false),
				Check: func(*terraform.State) error {
					if u := h.scimUsers()[bob]; u == nil || u["active"] != false {
						return fmt.Errorf("bob is %v after removal, want an inactive SCIM user", u)
					}
					return nil
				},
			},
			{
				Config: peopleConfig(h, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("docker_scim_user.bob", plancheck.ResourceActionCreate),
					},
				},
				Check: func(s *terraform.State) error {
					u := h.scimUsers()[bob]
					if u == nil || u["active"] != true || fmt.Sprint(u["id"]) != firstID {
						return fmt.Errorf("bob is %v after re-adding, want the same SCIM user %s, active", u, firstID)
					}
					if got := s.RootModule().Resources["docker_scim_user.bob"].Primary.ID; got != firstID {
						return fmt.Errorf("state records bob as %s, want %s", got, firstID)
					}
					if role := h.orgMembers("moby")[bob]; role != "member" {
						return fmt.Errorf("bob's role in moby is %q after re-adding, want member", role)
					}
					return nil
				},
			},
			{
				Config: peopleConfig(h, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// An active user that exists outside the configuration stays an error,
// which says how to import it in both CLIs' terms and when another
// resource of the configuration may be the one managing it.
func TestAccSafety_activeExistingUserIsAnError(t *testing.T) {
	h := newHub(t)
	if status, body := h.scim(http.MethodPost, "/Users", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "taken@moby.example", "active": true,
	}); status != http.StatusCreated {
		t.Fatalf("creating the user outside Terraform: status %d: %v", status, body)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.scimProvider() + `
resource "docker_scim_user" "taken" {
  user_name = "taken@moby.example"
}
`,
			ExpectError: regexp.MustCompile(`(?s)An active SCIM user.*another\s+docker_scim_user.*import \{.*tofu\s+import`),
		}},
	})
}

// Two resources for one person, spelled differently, fail at plan time,
// before anything is sent.
func TestAccSafety_duplicatePersonCaughtAtPlan(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.scimProvider() + `
resource "docker_scim_user" "lower" {
  user_name = "dup@moby.example"
}

resource "docker_scim_user" "upper" {
  user_name = "DUP@moby.example"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Two docker_scim_user resources for one person.*ignoring case`),
		}},
	})
	if n := h.requestsTo("POST /v2/scim/2.0/Users"); n != 0 {
		t.Fatalf("%d users were posted", n)
	}
}

// A change of case alone in user_name sends nothing and leaves an empty
// plan after it.
func TestAccSafety_caseOnlyUserNameChangeSendsNothing(t *testing.T) {
	h := newHub(t)
	cfg := func(name string) string {
		return h.scimProvider() + fmt.Sprintf(`
resource "docker_scim_user" "c" {
  user_name = %q
}
`, name)
	}
	var patches int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: cfg("case@moby.example"),
				Check: func(*terraform.State) error {
					patches = h.requestsTo("PATCH /v2/scim/2.0/Users/{id}") + h.requestsTo("PUT /v2/scim/2.0/Users/{id}")
					return nil
				},
			},
			{
				Config: cfg("Case@Moby.Example"),
				Check: func(*terraform.State) error {
					if n := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}") + h.requestsTo("PUT /v2/scim/2.0/Users/{id}"); n != patches {
						return fmt.Errorf("a change of case sent %d requests", n-patches)
					}
					if h.scimUsers()["case@moby.example"]["userName"] != "case@moby.example" {
						return fmt.Errorf("the server's userName changed: %v", h.scimUsers()["case@moby.example"])
					}
					return nil
				},
			},
			{
				Config: cfg("Case@Moby.Example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Renaming a person moves their email with them: the SCIM user's emails
// and the organization's member list show the new address, not the old.
func TestAccSafety_renameMovesEmail(t *testing.T) {
	h := newHub(t)
	cfg := func(name string) string {
		return h.scimProvider() + fmt.Sprintf(`
resource "docker_scim_user" "r" {
  user_name = %q
}
`, name)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: cfg("dana.old@moby.example")},
			{
				Config: cfg("dana.new@moby.example"),
				Check: func(*terraform.State) error {
					u := h.scimUsers()["dana.new@moby.example"]
					if u == nil {
						return fmt.Errorf("no SCIM user dana.new after the rename")
					}
					if emails := fmt.Sprint(u["emails"]); !strings.Contains(emails, "dana.new@moby.example") || strings.Contains(emails, "dana.old") {
						return fmt.Errorf("the SCIM user's emails are %s after the rename", emails)
					}
					members := h.orgMembers("moby")
					if _, old := members["dana.old@moby.example"]; old || members["dana.new@moby.example"] != "member" {
						return fmt.Errorf("moby's members are %v after the rename", members)
					}
					return nil
				},
			},
			{
				Config: cfg("dana.new@moby.example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Removing display_name from the configuration gives it back to Docker,
// which sets the Docker ID; the plan says it will change.
func TestAccSafety_displayNameCanBeUnset(t *testing.T) {
	h := newHub(t)
	cfg := func(extra string) string {
		return h.scimProvider() + fmt.Sprintf(`
resource "docker_scim_user" "d" {
  user_name = "erin@moby.example"
  %s
}
`, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: cfg(`display_name = "Erin the Great"`),
				Check:  resource.TestCheckResourceAttr("docker_scim_user.d", "display_name", "Erin the Great"),
			},
			{
				Config: cfg(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("docker_scim_user.d", plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue("docker_scim_user.d", tfjsonpath.New("display_name")),
					},
				},
				Check: func(s *terraform.State) error {
					got := s.RootModule().Resources["docker_scim_user.d"].Primary.Attributes["display_name"]
					server := fmt.Sprint(h.scimUsers()["erin@moby.example"]["displayName"])
					if got == "Erin the Great" || got == "" || got != server {
						return fmt.Errorf("display_name is %q in state and %q on the server after unsetting it, want Docker's default", got, server)
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

// org_name outside the connection's scope is an error on org_name, worded
// in the provider's terms.
func TestAccSafety_orgOutOfScopePointsAtOrgName(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.scimProvider() + `
resource "docker_scim_user" "s" {
  user_name = "scope@moby.example"
  org_name  = "whale"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Error creating SCIM user.*with docker_scim_user.s,.*org_name\s+=\s+"whale".*Docker\s+refused\s+org_name\s+=\s+"whale"`),
		}},
	})
}

// URL settings are checked at plan time, with the bad value echoed.
func TestAccSafety_urlSettingsValidatedAtPlan(t *testing.T) {
	for name, tc := range map[string]struct{ attr, value, want string }{
		"http to a remote host": {"scim_base_url", "http://hub.example.com/v2/scim/2.0", `must use https, got\s+"http://hub.example.com/v2/scim/2.0"`},
		"no scheme":             {"host", "hub.docker.com", `must be an absolute https URL.*got\s+"hub.docker.com"`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
provider "docker" {
  %s = %q
  scim_token = "x"
}

resource "docker_scim_user" "v" {
  user_name = "v@moby.example"
}
`, tc.attr, tc.value),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid URL.*` + tc.want),
				}},
			})
		})
	}
}

// After importing a docker_scim_connection, its token is empty (Docker
// never shows it again); provisioning through an aliased provider
// configured from it fails with advice to rotate, not to set an
// environment variable.
func TestAccSafety_importedConnectionPointsAtRotation(t *testing.T) {
	t.Parallel()
	h := newHub(t) // SCIM already enabled on moby's connection, outside Terraform
	w := newCLIWork(t, h.hubProvider()+connectionWithProviderHCL("okta", "moby", connOrgID, "scim")+fmt.Sprintf(`
import {
  to = docker_scim_connection.okta
  id = "org/moby/%s"
}

resource "docker_scim_user" "new" {
  provider  = docker.scim
  user_name = "after.import@moby.example"
}
`, connOrgID))
	out := w.expectFailure("apply", "-auto-approve", "-no-color", "-input=false")
	if !strings.Contains(out, "Missing provider setting scim_token") || !strings.Contains(out, "rotation_triggers") {
		t.Fatalf("the error does not point at rotation_triggers:\n%s", out)
	}
	if _, ok := h.scimUsers()["after.import@moby.example"]; ok {
		t.Fatal("the user was created")
	}
}
