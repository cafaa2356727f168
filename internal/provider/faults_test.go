package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The fault suite applies 50 users under each kind of fault mockhub can
// inject, and checks that every apply converges (the framework's plan after
// each apply must be empty), that the server then holds exactly what the
// configuration says (no duplicate, no lost update), and that destroy
// leaves nothing behind.

const faultUsers = 50

// faultConfig declares faultUsers users and a group mapping of some of
// them. generation changes every user's family_name and flips every role, so
// that the second step updates all of them, and changes the team from every
// second user to every third, adding and removing members.
func faultConfig(h *testHub, generation int) string {
	return h.scimProvider() + fmt.Sprintf(`
resource "docker_scim_user" "u" {
  count       = %d
  user_name   = format("fault%%02d@moby.example", count.index)
  given_name  = "Given${count.index}"
  family_name = "Gen%d"
  role        = (count.index + %d) %% 2 == 0 ? "member" : "editor"
}

resource "docker_group_mapping" "team" {
  org_name  = "moby"
  team_name = "faulters"
  members   = [for i, u in docker_scim_user.u : u.id if i %% %d == 0]
}
`, faultUsers, generation, generation, generation+1)
}

// faultInTeam says whether faultConfig puts user i in the team in generation.
func faultInTeam(i, generation int) bool { return i%(generation+1) == 0 }

// faultWantRole is the role faultConfig gives user i in generation.
func faultWantRole(i, generation int) string {
	if (i+generation)%2 == 0 {
		return "member"
	}
	return "editor"
}

// faultDo calls mockhub while faults are injected: it waits out the
// injected 429s and 503s and retries a dropped connection, which only the
// API under test should suffer, so that the checks themselves never flake.
// It is used only for reads and for signing in, which are safe to repeat.
func faultDo(t *testing.T, h *testHub, method, url, auth string, body []byte) map[string]any {
	t.Helper()
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequest(method, url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := h.srv.Client().Do(req)
		if err != nil {
			if attempt < 50 {
				continue
			}
			t.Fatalf("%s %s: %v", method, url, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) && attempt < 50 {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: status %d: %s", method, url, resp.StatusCode, raw)
		}
		out := map[string]any{}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		return out
	}
}

func faultGet(t *testing.T, h *testHub, url, auth string) map[string]any {
	t.Helper()
	return faultDo(t, h, http.MethodGet, url, auth, nil)
}

// faultServerUsers lists every SCIM user of the connection, duplicates
// included (a map keyed by userName would hide them).
func faultServerUsers(t *testing.T, h *testHub) []map[string]any {
	t.Helper()
	body := faultGet(t, h, h.info.SCIMBaseURL+"/Users?count=200", "Bearer "+h.info.SCIMToken)
	var users []map[string]any
	for _, r := range body["Resources"].([]any) {
		users = append(users, r.(map[string]any))
	}
	if total, _ := body["totalResults"].(float64); int(total) != len(users) {
		t.Fatalf("listing returned %d of %v users", len(users), body["totalResults"])
	}
	return users
}

// faultSignIn signs in to the management API as the seeded owner.
func faultSignIn(t *testing.T, h *testHub) string {
	t.Helper()
	creds, _ := json.Marshal(map[string]string{"identifier": h.info.Username, "secret": h.info.Password})
	tok, _ := faultDo(t, h, http.MethodPost, h.info.HubURL+"/v2/auth/token", "", creds)["access_token"].(string)
	if tok == "" {
		t.Fatal("signing in to mockhub returned no access_token")
	}
	return tok
}

// faultOrgRoles lists moby's members through the management API as email →
// role, reading past injected faults.
func faultOrgRoles(t *testing.T, h *testHub) map[string]string {
	t.Helper()
	tok := faultSignIn(t, h)
	out := map[string]string{}
	for page := 1; ; page++ {
		body := faultGet(t, h, fmt.Sprintf("%s/v2/orgs/moby/members?page_size=100&page=%d", h.info.HubURL, page), "Bearer "+tok)
		for _, r := range body["results"].([]any) {
			m := r.(map[string]any)
			out[strings.ToLower(fmt.Sprint(m["email"]))] = fmt.Sprint(m["role"])
		}
		if body["next"] == nil {
			return out
		}
	}
}

// checkFaultUsers asserts that the server, the org and the state all hold
// exactly the users of generation: each userName once, with the configured
// names and role, and the state's ids are the server's ids.
func checkFaultUsers(t *testing.T, h *testHub, generation int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		users := faultServerUsers(t, h)
		if len(users) != faultUsers {
			var names []string
			for _, u := range users {
				names = append(names, fmt.Sprint(u["userName"]))
			}
			sort.Strings(names)
			return fmt.Errorf("mockhub holds %d SCIM users, want exactly %d: %v", len(users), faultUsers, names)
		}
		byName := map[string]map[string]any{}
		for _, u := range users {
			name := strings.ToLower(fmt.Sprint(u["userName"]))
			if _, dup := byName[name]; dup {
				return fmt.Errorf("duplicate SCIM user %s", name)
			}
			byName[name] = u
		}
		roles := faultOrgRoles(t, h)
		for i := range faultUsers {
			email := fmt.Sprintf("fault%02d@moby.example", i)
			u, ok := byName[email]
			if !ok {
				return fmt.Errorf("SCIM user %s is missing", email)
			}
			name, _ := u["name"].(map[string]any)
			if got, want := fmt.Sprint(name["familyName"]), fmt.Sprintf("Gen%d", generation); got != want {
				return fmt.Errorf("%s has familyName %s, want %s (lost update)", email, got, want)
			}
			if got, want := fmt.Sprint(name["givenName"]), fmt.Sprintf("Given%d", i); got != want {
				return fmt.Errorf("%s has givenName %s, want %s", email, got, want)
			}
			ext, _ := u["urn:ietf:params:scim:schemas:extension:docker:2.0:User"].(map[string]any)
			if got, want := fmt.Sprint(ext["dockerRole"]), faultWantRole(i, generation); got != want {
				return fmt.Errorf("%s has dockerRole %s, want %s (lost update)", email, got, want)
			}
			if got, want := roles[email], faultWantRole(i, generation); got != want {
				return fmt.Errorf("%s has role %q in moby, want %s", email, got, want)
			}
			rs, ok := s.RootModule().Resources[fmt.Sprintf("docker_scim_user.u.%d", i)]
			if !ok {
				return fmt.Errorf("docker_scim_user.u[%d] is not in state", i)
			}
			if rs.Primary.ID != u["id"] {
				return fmt.Errorf("docker_scim_user.u[%d] has id %s in state, the server's user has %v", i, rs.Primary.ID, u["id"])
			}
		}
		return checkFaultTeam(t, h, s, generation)
	}
}

// checkFaultTeam asserts that there is exactly one SCIM group for the team
// and that the team holds exactly the configured members.
func checkFaultTeam(t *testing.T, h *testHub, s *terraform.State, generation int) error {
	groups := faultGet(t, h, h.info.SCIMBaseURL+"/Groups?count=200", "Bearer "+h.info.SCIMToken)
	if n, _ := groups["totalResults"].(float64); n != 1 {
		return fmt.Errorf("mockhub holds %v SCIM groups, want exactly 1", groups["totalResults"])
	}
	g := groups["Resources"].([]any)[0].(map[string]any)
	if g["displayName"] != "moby:faulters" {
		return fmt.Errorf("SCIM group is %v, want moby:faulters", g["displayName"])
	}
	if rs := s.RootModule().Resources["docker_group_mapping.team"]; rs == nil || rs.Primary.ID != g["id"] {
		return fmt.Errorf("docker_group_mapping.team in state does not have the server's group id %v", g["id"])
	}
	tok := faultSignIn(t, h)
	got := map[string]bool{}
	for page := 1; ; page++ {
		body := faultGet(t, h, fmt.Sprintf("%s/v2/orgs/moby/groups/faulters/members?page_size=100&page=%d", h.info.HubURL, page), "Bearer "+tok)
		for _, r := range body["results"].([]any) {
			got[strings.ToLower(fmt.Sprint(r.(map[string]any)["email"]))] = true
		}
		if body["next"] == nil {
			break
		}
	}
	want := map[string]bool{}
	for i := range faultUsers {
		if faultInTeam(i, generation) {
			want[fmt.Sprintf("fault%02d@moby.example", i)] = true
		}
	}
	for email := range want {
		if !got[email] {
			return fmt.Errorf("%s is missing from team faulters (lost member update)", email)
		}
	}
	for email := range got {
		if !want[email] {
			return fmt.Errorf("%s is in team faulters but should not be (lost member removal)", email)
		}
	}
	return nil
}

// checkFaultUsersGone asserts that destroy left no SCIM user and no
// provisioned org member.
func checkFaultUsersGone(t *testing.T, h *testHub) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if users := faultServerUsers(t, h); len(users) != 0 {
			return fmt.Errorf("%d SCIM users remain after destroy", len(users))
		}
		groups := faultGet(t, h, h.info.SCIMBaseURL+"/Groups", "Bearer "+h.info.SCIMToken)
		if n, _ := groups["totalResults"].(float64); n != 0 {
			return fmt.Errorf("%v SCIM groups remain after destroy", groups["totalResults"])
		}
		for email := range faultOrgRoles(t, h) {
			if strings.HasPrefix(email, "fault") {
				return fmt.Errorf("%s is still a member of moby after destroy", email)
			}
		}
		return nil
	}
}

// setFaults injects faults into h, failing the test if mockhub refuses them.
func setFaults(t *testing.T, h *testHub, faults map[string]any) {
	t.Helper()
	if status, body := h.mock(http.MethodPut, "/faults", faults); status != http.StatusOK {
		t.Fatalf("setting faults %v: status %d: %v", faults, status, body)
	}
}

// testFaultSuite creates, updates and destroys faultUsers users with
// faults injected from the first step on. extra, when set, returns checks
// to run after the create and after the update.
func testFaultSuite(t *testing.T, faults map[string]any, extra func(h *testHub) (afterCreate, afterUpdate resource.TestCheckFunc)) {
	h := newHub(t)
	noop := func(*terraform.State) error { return nil }
	afterCreate, afterUpdate := resource.TestCheckFunc(noop), resource.TestCheckFunc(noop)
	if extra != nil {
		afterCreate, afterUpdate = extra(h)
	}
	if afterCreate == nil {
		afterCreate = noop
	}
	if afterUpdate == nil {
		afterUpdate = noop
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             checkFaultUsersGone(t, h),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { setFaults(t, h, faults) },
				Config:    faultConfig(h, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkFaultUsers(t, h, 1), afterCreate),
			},
			{
				Config: faultConfig(h, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.u[7]", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkFaultUsers(t, h, 2), afterUpdate),
			},
		},
	})
}

// TestAccFaults_throttled: a 429 storm with Retry-After converges; nothing
// is created twice although refused POSTs are re-sent.
func TestAccFaults_throttled(t *testing.T) {
	testFaultSuite(t, map[string]any{"throttle_every": 2, "retry_after_seconds": 1}, nil)
}

// TestAccFaults_unavailable: 503s converge the same way.
func TestAccFaults_unavailable(t *testing.T) {
	testFaultSuite(t, map[string]any{"fail_every": 5}, nil)
}

// TestAccFaults_latency: 200 ms on every request only slows the run down.
func TestAccFaults_latency(t *testing.T) {
	testFaultSuite(t, map[string]any{"latency_ms": 200}, nil)
}

// TestAccFaults_dropped: every 7th mutating request is carried out but its
// answer is lost (the connection is closed). A lost create is adopted, not
// repeated and not failed; a lost update is reconciled; a delete whose
// answer was lost and whose retry finds the user gone counts as success.
func TestAccFaults_dropped(t *testing.T) {
	testFaultSuite(t, map[string]any{"drop_every": 7}, func(h *testHub) (resource.TestCheckFunc, resource.TestCheckFunc) {
		afterCreate := func(*terraform.State) error {
			// 50 POSTs carried out, 7 of whose answers were lost: every one
			// adopted by lookup, none sent twice.
			if got := h.requestsTo("POST /v2/scim/2.0/Users"); got != faultUsers {
				return fmt.Errorf("%d POST /Users for %d users: a create whose answer was lost was repeated", got, faultUsers)
			}
			return nil
		}
		afterUpdate := func(*terraform.State) error {
			// One PATCH per user: those whose answers were lost were read
			// back and found applied, not sent again.
			if got := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}"); got != faultUsers {
				return fmt.Errorf("%d PATCH /Users/{id} for %d user updates: an update whose answer was lost was repeated", got, faultUsers)
			}
			return nil
		}
		return afterCreate, afterUpdate
	})
}

// TestAccFaults_requestTimeout: a server slower than request_timeout makes
// the refresh fail with a diagnostic that says the request timed out and
// names the setting to raise, rather than hanging the run.
func TestAccFaults_requestTimeout(t *testing.T) {
	h := newHub(t)
	cfg := fmt.Sprintf(`
provider "docker" {
  scim_base_url   = %q
  scim_token      = %q
  request_timeout = "300ms"
}

resource "docker_scim_user" "slow" {
  user_name = "slow@moby.example"
}
`, h.info.SCIMBaseURL, h.info.SCIMToken)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// Every request now takes longer than request_timeout.
				PreConfig:   func() { setFaults(t, h, map[string]any{"latency_ms": 1500}) },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Couldn't read SCIM user.*timed out.*request_timeout`),
			},
			{
				PreConfig: func() { setFaults(t, h, map[string]any{}) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
