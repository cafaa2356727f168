package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// scaleUsers is how many users the regression guard manages.
const scaleUsers = 1000

// scaleRefreshBudget is the most SCIM requests one refresh of scaleUsers
// users may send. The snapshot needs 1 ServiceProviderConfig, 3 direct GETs
// and 5 pages of 200: 9. A GET per user would be 1,000.
const scaleRefreshBudget = 15

// scaleStats reads mockhub's request counters: the total and per route.
func (h *testHub) scaleStats() (int, map[string]int) {
	h.t.Helper()
	_, stats := h.mock(http.MethodGet, "/stats", nil)
	total, _ := stats["requests_total"].(float64)
	byRoute := map[string]int{}
	routes, _ := stats["by_route"].(map[string]any)
	for k, v := range routes {
		n, _ := v.(float64)
		byRoute[k] = int(n)
	}
	return int(total), byRoute
}

// scaleDriftThenMark is a plan check, run between the apply and the
// refreshing plan: it deactivates one user outside Terraform, as an admin
// would, then records mockhub's counters for scaleRequestBudget.
type scaleDriftThenMark struct {
	h      *testHub
	index  int
	total  *int
	routes *map[string]int
}

func (c scaleDriftThenMark) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	id := c.h.scaleUserID(c.index)
	status, body := c.h.scim(http.MethodPatch, "/Users/"+id, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "active", "value": false}},
	})
	if status != http.StatusOK && status != http.StatusNoContent {
		resp.Error = fmt.Errorf("deactivating scale%d out of band: status %d: %v", c.index, status, body)
		return
	}
	*c.total, *c.routes = c.h.scaleStats()
}

// scaleOnlyChange fails unless the plan changes exactly one resource, the
// one at address.
type scaleOnlyChange struct{ address string }

func (c scaleOnlyChange) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var changed []string
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change != nil && !rc.Change.Actions.NoOp() {
			changed = append(changed, rc.Address)
		}
	}
	if len(changed) != 1 || changed[0] != c.address {
		if len(changed) > 10 {
			changed = append(changed[:10], fmt.Sprintf("... %d in all", len(changed)))
		}
		resp.Error = fmt.Errorf("the refreshing plan changes %v, want only %s", changed, c.address)
	}
}

// scaleRequestBudget fails when more than max requests were served since
// the mark, naming the count and the routes that took them.
type scaleRequestBudget struct {
	h      *testHub
	total  *int
	routes *map[string]int
	max    int
	what   string
}

func (c scaleRequestBudget) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	total, routes := c.h.scaleStats()
	n := total - *c.total
	c.h.t.Logf("%s sent %d requests (budget %d)", c.what, n, c.max)
	if n <= c.max {
		return
	}
	var lines []string
	for route, count := range routes {
		if d := count - (*c.routes)[route]; d > 0 {
			lines = append(lines, fmt.Sprintf("  %6d  %s", d, route))
		}
	}
	sort.Strings(lines)
	resp.Error = fmt.Errorf("%s sent %d requests to mockhub, over the budget of %d; by route:\n%s",
		c.what, n, c.max, strings.Join(lines, "\n"))
}

func scaleConfig(h *testHub) string {
	return h.scimProvider() + fmt.Sprintf(`
resource "docker_scim_user" "u" {
  count     = %d
  user_name = "scale${count.index}@moby.example"
}
`, scaleUsers)
}

// scaleUserID returns the SCIM id of scale user i, as the server knows it.
func (h *testHub) scaleUserID(i int) string {
	h.t.Helper()
	filter := url.QueryEscape(fmt.Sprintf(`userName eq "scale%d@moby.example"`, i))
	status, body := h.scim(http.MethodGet, "/Users?filter="+filter, nil)
	resources, _ := body["Resources"].([]any)
	if status != http.StatusOK || len(resources) != 1 {
		h.t.Fatalf("looking up scale%d: status %d: %v", i, status, body)
	}
	return resources[0].(map[string]any)["id"].(string)
}

// TestAccScale_refreshRequestBudget guards the read path's request count: a
// plan over 1,000 users, one of them deactivated outside Terraform after the
// apply, must show exactly that drift while sending a handful of SCIM
// requests, not one per user.
//
// One step keeps the test fast: the framework's plan without refresh after
// the apply must be empty; then the drift is made and the counters marked;
// then the framework's refreshing plan is the one measured.
func TestAccScale_refreshRequestBudget(t *testing.T) {
	h := newHub(t)
	const drifted = 500
	address := fmt.Sprintf("docker_scim_user.u[%d]", drifted)
	var markTotal int
	markRoutes := map[string]int{}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy: func(*terraform.State) error {
			filter := url.QueryEscape(`userName sw "scale"`)
			status, body := h.scim(http.MethodGet, "/Users?count=1&filter="+filter, nil)
			if status != http.StatusOK {
				return fmt.Errorf("listing users after destroy: status %d: %v", status, body)
			}
			if n, _ := body["totalResults"].(float64); n != 0 {
				return fmt.Errorf("%v scale users remain after destroy, want 0", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:             scaleConfig(h),
				ExpectNonEmptyPlan: true, // the drift made after the apply
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(fmt.Sprintf("docker_scim_user.u[%d]", scaleUsers-1), plancheck.ResourceActionCreate),
					},
					PostApplyPreRefresh: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						scaleDriftThenMark{h: h, index: drifted, total: &markTotal, routes: &markRoutes},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{
						scaleOnlyChange{address: address},
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(address, tfjsonpath.New("active"), knownvalue.Bool(true)),
						scaleRequestBudget{h: h, total: &markTotal, routes: &markRoutes, max: scaleRefreshBudget,
							what: fmt.Sprintf("A refreshing plan of %d docker_scim_user resources", scaleUsers)},
					},
				},
			},
		},
	})
}
