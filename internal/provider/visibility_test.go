package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// visibilityUsers and visibilityDelay: how many people, and how long
// mockhub's reads lag its writes (the visibility_delay_ms fault).
const (
	visibilityUsers = 100
	visibilityDelay = 10 * time.Second
)

func visibilityConfig(h *testHub, family string) string {
	return h.scimProvider() + fmt.Sprintf(`
resource "docker_scim_user" "u" {
  count       = %d
  user_name   = format("lag%%03d@moby.example", count.index)
  given_name  = "Lag${count.index}"
  family_name = %q
}
`, visibilityUsers, family)
}

// checkVisibilityWrites checks the writes mockhub counted (its counts do
// not lag): one POST per person, never a repeated create, and patches.
func checkVisibilityWrites(h *testHub, patches int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if posts := h.requestsTo("POST /v2/scim/2.0/Users"); posts != visibilityUsers {
			return fmt.Errorf("%d POSTs for %d people: a create was repeated", posts, visibilityUsers)
		}
		if got := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}"); got != patches {
			return fmt.Errorf("%d PATCHes, want %d", got, patches)
		}
		return nil
	}
}

// serverHoldsVisibilityUsers waits out the lag, then checks that the
// server holds each person once, active, with family.
func serverHoldsVisibilityUsers(t *testing.T, h *testHub, family string) {
	t.Helper()
	time.Sleep(visibilityDelay)
	n := 0
	for email, u := range h.scimUsers() {
		if !strings.HasPrefix(email, "lag") {
			continue
		}
		n++
		if got := u["name"].(map[string]any)["familyName"]; got != family || u["active"] != true {
			t.Fatalf("%s on the server: familyName %v, active %v", email, got, u["active"])
		}
	}
	if n != visibilityUsers {
		t.Fatalf("the server holds %d people, want %d", n, visibilityUsers)
	}
}

// Against a server whose reads lag its writes by seconds, as replicated
// services' do, 100 people are created and then renamed: the refresh that
// terraform-plugin-testing runs right after each apply waits for the provider's own writes to show instead of
// taking a person just created for one deleted outside Terraform (which
// would plan to create them again) or their old name for drift, so each
// apply is followed by an empty plan, and nobody is created twice.
func TestAccFaults_delayedVisibility(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					setFaults(t, h, map[string]any{"visibility_delay_ms": visibilityDelay.Milliseconds()})
				},
				Config: visibilityConfig(h, "First"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				// Checks run before the refresh: this one must not wait.
				Check: checkVisibilityWrites(h, 0),
			},
			{
				Config: visibilityConfig(h, "Second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.u[42]", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkVisibilityWrites(h, visibilityUsers),
			},
			{
				PreConfig: func() { serverHoldsVisibilityUsers(t, h, "Second") },
				Config:    visibilityConfig(h, "Second"),
				PlanOnly:  true,
			},
		},
	})
}
