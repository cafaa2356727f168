package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// newHubPublished is newHub in mockhub's published dialect: Docker's
// OpenAPI file to the letter (lists under resources, a PUT without enabled
// deactivates, no SCIM PATCH, DELETE or /Groups).
func newHubPublished(t *testing.T) *testHub {
	t.Helper()
	return newHubWith(t, mockhub.Options{SCIMToken: "scim-" + randomHex(t), Dialect: mockhub.DialectPublished})
}

// unmatched counts the requests of method that mockhub had no route for
// (in the published dialect, SCIM PATCH and DELETE).
func (h *testHub) unmatched(method string) int {
	h.t.Helper()
	_, byRoute, _ := h.stats()
	n, _ := byRoute[method+" (unmatched)"].(float64)
	return int(n)
}

// The docker_scim_user lifecycle against a server that follows Docker's
// published file literally: a name change and a reactivation keep the
// person active (the PUT carries enabled), and on_destroy = "deactivate"
// works without DELETE. Nothing is sent that the server does not serve.
func TestAccSCIMUser_publishedDialectLifecycle(t *testing.T) {
	h := newHubPublished(t)
	const email = "jane.doe@moby.example"
	config := func(given, extra string) string {
		return userConfig(h, fmt.Sprintf(`
  user_name   = %q
  given_name  = %q
  family_name = "Doe"
  role        = "editor"
  on_destroy  = "deactivate"
  %s
`, email, given, extra))
	}
	serverActive := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if u, ok := h.scimUsers()[email]; !ok || u["active"] != want {
				return fmt.Errorf("the server holds %v, want it with active %v", u, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy: func(*terraform.State) error {
			if err := serverActive(false)(nil); err != nil {
				return fmt.Errorf("after destroy with on_destroy = deactivate: %w", err)
			}
			if n := h.unmatched("PATCH") + h.unmatched("DELETE"); n != 0 {
				return fmt.Errorf("the provider sent %d PATCH or DELETE requests the server does not serve", n)
			}
			return checkMember(h, email, "")(nil)
		},
		Steps: []resource.TestStep{
			{
				Config: config("Jane", ""),
				Check:  resource.ComposeAggregateTestCheckFunc(checkMember(h, email, "editor"), serverActive(true)),
			},
			{
				// The name change goes by PUT and must not deactivate.
				Config: config("Janet", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.jane", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("active"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkMember(h, email, "editor"), serverActive(true),
					func(*terraform.State) error {
						if puts := h.requestsTo("PUT /v2/scim/2.0/Users/{id}"); puts == 0 {
							return fmt.Errorf("the name change sent no PUT")
						}
						return nil
					}),
			},
			{
				Config: config("Janet", "active = false"),
				Check:  resource.ComposeAggregateTestCheckFunc(checkMember(h, email, ""), serverActive(false)),
			},
			{
				Config: config("Janet", "active = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkMember(h, email, "editor"), serverActive(true)),
			},
			{
				ResourceName:            "docker_scim_user.jane",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"on_destroy"}, // Terraform's alone: an import takes the default
			},
		},
	})
}

// A roster applies and plans empty on a server that follows Docker's
// published file, and a rename through it keeps everyone active.
func TestAccRoster_publishedDialect(t *testing.T) {
	t.Parallel()
	h := newHubPublished(t)
	ps := people(3, "moby.example")
	r := newRosterRun(t, h, rosterHCL(ps, ""))
	r.run("apply", "-auto-approve")
	r.planIsEmpty("after apply")

	ps[1].given = "Renamed"
	r.w.setConfig(rosterHCL(ps, ""))
	r.run("apply", "-auto-approve")
	users := h.scimUsers()
	if given := users["p01@moby.example"]["name"].(map[string]any)["givenName"]; given != "Renamed" {
		t.Fatalf("p01's given name is %v", given)
	}
	for _, p := range ps {
		if users[p.email]["active"] != true || h.orgMembers("moby")[p.email] != "member" {
			t.Fatalf("%s after the rename: %v, role %q", p.email, users[p.email], h.orgMembers("moby")[p.email])
		}
	}
	r.planIsEmpty("after the rename")
	if n := h.unmatched("PATCH"); n != 0 {
		t.Fatalf("the roster sent %d PATCH requests the server does not serve", n)
	}
}
