package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// The provider against both readings of Docker's SCIM contract: RFC 7644
// (mockhub's default, what IdPs send) and Docker's published OpenAPI file
// to the letter (lists under "resources", no PATCH, DELETE or /Groups, and
// a PUT that reads "enabled", deactivating the person when it is missing).
// No update may deactivate anyone the configuration keeps active.

// checkActive asserts each person's active state on the server.
func checkActive(h *testHub, want map[string]bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		users := h.scimUsers()
		for email, active := range want {
			u, ok := users[email]
			if !ok {
				return fmt.Errorf("%s is not on the server", email)
			}
			if u["active"] != active {
				return fmt.Errorf("%s has active = %v on the server, want %t", email, u["active"], active)
			}
		}
		return nil
	}
}

// checkNothingUnserved fails when the provider sent a request to a route
// the server does not serve (in the published dialect: a SCIM PATCH or
// DELETE).
func checkNothingUnserved(h *testHub) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, byRoute, _ := h.stats()
		for route, n := range byRoute {
			if strings.HasSuffix(route, "(unmatched)") {
				return fmt.Errorf("the provider sent %v requests the server does not serve: %s", n, route)
			}
		}
		return nil
	}
}

func TestAccDialects_userLifecycleNeverDeactivatesOnUpdate(t *testing.T) {
	for _, dialect := range mockhub.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			h := newHubIn(t, dialect)
			const email = "ada.lovelace@moby.example"
			config := func(given string, active bool) string {
				return userConfig(h, fmt.Sprintf(`
  user_name   = %q
  given_name  = %q
  family_name = "Lovelace"
  active      = %t
  on_destroy  = "deactivate"
`, email, given, active))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				// on_destroy = "deactivate": the user stays, deactivated, and
				// nothing was sent that the server does not serve.
				CheckDestroy: resource.ComposeAggregateTestCheckFunc(
					checkActive(h, map[string]bool{email: false}),
					checkMember(h, email, ""),
					checkNothingUnserved(h),
				),
				Steps: []resource.TestStep{
					{Config: config("Ada", true), Check: resource.ComposeAggregateTestCheckFunc(
						checkActive(h, map[string]bool{email: true}), checkMember(h, email, "member"))},
					{
						// A name change keeps the person active: the PUT of the
						// published dialect carries enabled as well as active.
						Config: config("Augusta Ada", true),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.jane", plancheck.ResourceActionUpdate)},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("active"), knownvalue.Bool(true)),
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							checkActive(h, map[string]bool{email: true}),
							func(*terraform.State) error {
								given := h.scimUsers()[email]["name"].(map[string]any)["givenName"]
								if given != "Augusta Ada" {
									return fmt.Errorf("givenName on the server is %v", given)
								}
								return nil
							},
						),
					},
					{Config: config("Augusta Ada", false), Check: resource.ComposeAggregateTestCheckFunc(
						checkActive(h, map[string]bool{email: false}), checkMember(h, email, ""))},
					{Config: config("Augusta Ada", true), Check: resource.ComposeAggregateTestCheckFunc(
						checkActive(h, map[string]bool{email: true}), checkMember(h, email, "member"))},
					{
						ResourceName:                         "docker_scim_user.jane",
						ImportState:                          true,
						ImportStateIdFunc:                    func(*terraform.State) (string, error) { return email, nil },
						ImportStateVerify:                    true,
						ImportStateVerifyIdentifierAttribute: "id",
						// Import sets Docker's defaults for what only the
						// configuration says.
						ImportStateVerifyIgnore: []string{"on_destroy"},
					},
					{Config: config("Augusta Ada", true), PlanOnly: true},
				},
			})
		})
	}
}

// A roster applies, plans empty, and renames people without deactivating
// anyone, in either dialect.
func TestAccDialects_rosterApplyReplanRename(t *testing.T) {
	for _, dialect := range mockhub.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			h := newHubIn(t, dialect)
			ps := people(5, "moby.example")
			r := newRosterRun(t, h, rosterHCL(ps, ""))
			r.run("apply", "-auto-approve")
			r.planIsEmpty("after apply")

			ps[1].given, ps[3].family = "Renamed", "Changed"
			r.w.setConfig(rosterHCL(ps, ""))
			r.run("apply", "-auto-approve")
			users := h.scimUsers()
			for _, p := range ps {
				u := users[p.email]
				name, _ := u["name"].(map[string]any)
				if u["active"] != true || name["givenName"] != p.given || name["familyName"] != p.family {
					t.Errorf("%s on the server after the rename: active %v, name %v", p.email, u["active"], name)
				}
			}
			if dialect == mockhub.DialectPublished {
				// No PATCH is served there: the two changed people are one
				// PUT each.
				if n := h.requestsTo("PUT /v2/scim/2.0/Users/{id}"); n != 2 {
					t.Errorf("%d PUTs for two changed people, want 2", n)
				}
			}
			r.planIsEmpty("after the rename")
			if err := checkNothingUnserved(h)(nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Against Docker's published API, which has no /Groups, a new
// docker_group_mapping fails at plan, naming the alternative, before
// anything is sent.
func TestAccDialects_publishedGroupMappingFailsAtPlan(t *testing.T) {
	h := newHubIn(t, mockhub.DialectPublished)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.scimProvider() + `
resource "docker_group_mapping" "team" {
  org_name  = "moby"
  team_name = "platform"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)moby:platform.*no /Groups.*group\s+push.*team_name`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if n := h.scimWrites(); n != 0 {
				return fmt.Errorf("%d SCIM writes sent, want none", n)
			}
			return nil
		},
	})
}

// Against Docker's published API, which has no DELETE, destroying a user
// with on_destroy = "delete" fails with one explanation that names
// on_destroy = "deactivate", keeps the user in state and on the server,
// and the destroy succeeds once the configuration says deactivate.
func TestAccDialects_publishedDeleteExplained(t *testing.T) {
	h := newHubIn(t, mockhub.DialectPublished)
	const email = "grace.hopper@moby.example"
	config := func(onDestroy string) string {
		return userConfig(h, fmt.Sprintf("  user_name  = %q\n  on_destroy = %q\n", email, onDestroy))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             checkActive(h, map[string]bool{email: false}),
		Steps: []resource.TestStep{
			{Config: config("delete"), Check: checkActive(h, map[string]bool{email: true})},
			{
				Config:      config("delete"),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)does not delete users.*on_destroy\s+=\s+"deactivate"`),
			},
			{Config: config("deactivate"), Check: checkActive(h, map[string]bool{email: true})},
		},
	})
}

// Docker's published PUT takes only name and enabled: a role change sent
// there is dropped. The apply fails naming the person and the role, state
// records the role Docker kept, and nobody is deactivated.
func TestAccDialects_publishedRoleChangeNotKept(t *testing.T) {
	h := newHubIn(t, mockhub.DialectPublished)
	const email = "hedy.lamarr@moby.example"
	config := func(role string) string {
		return userConfig(h, fmt.Sprintf("  user_name = %q\n  role      = %q\n  on_destroy = \"deactivate\"\n", email, role))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: config("member"), Check: checkMember(h, email, "member")},
			{
				Config:      config("owner"),
				ExpectError: regexp.MustCompile(`(?s)"hedy.lamarr@moby.example".*dockerRole\s+=\s+"member".*sent\s+"owner".*Admin\s+Console`),
			},
			{
				// State holds what Docker kept: the configuration back at
				// member plans nothing.
				Config:   config("member"),
				PlanOnly: true,
				Check:    resource.ComposeAggregateTestCheckFunc(checkMember(h, email, "member"), checkActive(h, map[string]bool{email: true})),
			},
		},
	})
}
