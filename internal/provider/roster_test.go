package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// rosterPerson is one entry of a test roster's users.
type rosterPerson struct {
	email, given, family, role, org, external string
	inactive                                  bool
}

func (p rosterPerson) hcl() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  user %q {\n", p.email)
	if p.given != "" {
		fmt.Fprintf(&b, "      given_name = %q\n", p.given)
	}
	if p.family != "" {
		fmt.Fprintf(&b, "      family_name = %q\n", p.family)
	}
	if p.role != "" {
		fmt.Fprintf(&b, "      role = %q\n", p.role)
	}
	if p.org != "" {
		fmt.Fprintf(&b, "      org_name = %q\n", p.org)
	}
	if p.external != "" {
		fmt.Fprintf(&b, "      external_id = %q\n", p.external)
	}
	if p.inactive {
		b.WriteString("      active = false\n")
	}
	b.WriteString("  }\n")
	return b.String()
}

// rosterHCL is a docker_scim_roster "people" with a user block per person,
// plus extra top-level attribute lines.
func rosterHCL(people []rosterPerson, extra string) string {
	var b strings.Builder
	b.WriteString("provider \"docker\" {}\n\nresource \"docker_scim_roster\" \"people\" {\n" + extra + "\n")
	for _, p := range people {
		b.WriteString(p.hcl())
	}
	b.WriteString("}\n")
	return b.String()
}

// rosterRun drives one working directory with the hub's SCIM settings in
// the environment.
type rosterRun struct {
	t   *testing.T
	w   *cliWork
	h   *testHub
	env []string
}

func newRosterRun(t *testing.T, h *testHub, config string) *rosterRun {
	t.Helper()
	w := newCLIWork(t, config)
	return &rosterRun{t: t, w: w, h: h, env: h.scimEnv()}
}

func (r *rosterRun) run(args ...string) cliResult {
	r.t.Helper()
	res := r.w.run(r.env, append(args, "-no-color", "-input=false")...)
	if res.err != nil {
		r.t.Fatalf("%s: %v\n%s", strings.Join(args, " "), res.err, tail(res.output(), 6000))
	}
	return res
}

// planIsEmpty fails the test unless a plan shows no changes.
func (r *rosterRun) planIsEmpty(why string) {
	r.t.Helper()
	if res := r.w.run(r.env, "plan", "-detailed-exitcode", "-no-color", "-input=false"); res.err != nil {
		r.t.Fatalf("%s: the plan is not empty (%v):\n%s", why, res.err, tail(res.output(), 6000))
	}
}

func (r *rosterRun) state() map[string]any {
	r.t.Helper()
	return r.w.stateResources()["docker_scim_roster.people"]
}

var changedEntry = regexp.MustCompile(`(?m)^\s+[~+-] user "([^"]+)" \{`)

// changedPeople are the users entries a plan's output shows changing.
func changedPeople(plan string) []string {
	var out []string
	for _, m := range changedEntry.FindAllStringSubmatch(plan, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

func people(n int, domain string) []rosterPerson {
	out := make([]rosterPerson, n)
	for i := range out {
		out[i] = rosterPerson{email: fmt.Sprintf("p%02d@%s", i, domain), given: fmt.Sprintf("P%d", i), family: "Roster"}
	}
	return out
}

// Apply creates every person with one POST each, the plan after it is
// empty, and a change to two people plans exactly those two entries and
// sends exactly two PATCHes, each with only the changed attribute.
func TestAccRoster_applyReplanAndTwoPersonDiff(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ps := people(6, "moby.example")
	ps[2].role = "editor"
	r := newRosterRun(t, h, rosterHCL(ps, ""))

	r.run("apply", "-auto-approve")
	if got := h.requestsTo("POST /v2/scim/2.0/Users"); got != 6 {
		t.Fatalf("apply sent %d POSTs, want 6", got)
	}
	users := h.scimUsers()
	for _, p := range ps {
		if u, ok := users[p.email]; !ok || fmt.Sprint(u["name"].(map[string]any)["givenName"]) != p.given {
			t.Fatalf("%s on the server: %v", p.email, u)
		}
	}
	if role := h.orgMembers("moby")["p02@moby.example"]; role != "editor" {
		t.Fatalf("p02's role is %q", role)
	}
	ids := r.state()["ids"].(map[string]any)
	if len(ids) != 6 || ids["p00@moby.example"] != users["p00@moby.example"]["id"] {
		t.Fatalf("ids in state: %v", ids)
	}
	r.planIsEmpty("after apply")

	ps[1].given = "Renamed"
	ps[4].role = "owner"
	r.w.setConfig(rosterHCL(ps, ""))
	plan := r.run("plan").stdout
	t.Logf("two-person plan:\n%s", plan)
	if got := changedPeople(plan); strings.Join(got, ",") != "p01@moby.example,p04@moby.example" {
		t.Fatalf("the plan shows %v changing, want p01 and p04:\n%s", got, plan)
	}
	if !strings.Contains(plan, "(4 unchanged blocks hidden)") {
		t.Fatalf("the plan does not hide the 4 unchanged people:\n%s", plan)
	}
	patches, posts := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}"), h.requestsTo("POST /v2/scim/2.0/Users")
	r.run("apply", "-auto-approve")
	if got := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}") - patches; got != 2 {
		t.Fatalf("apply sent %d PATCHes, want 2", got)
	}
	if got := h.requestsTo("POST /v2/scim/2.0/Users") - posts; got != 0 {
		t.Fatalf("apply sent %d POSTs, want 0", got)
	}
	if given := h.scimUsers()["p01@moby.example"]["name"].(map[string]any)["givenName"]; given != "Renamed" {
		t.Fatalf("p01's given name is %v", given)
	}
	if role := h.orgMembers("moby")["p04@moby.example"]; role != "owner" {
		t.Fatalf("p04's role is %q", role)
	}
	r.planIsEmpty("after the two-person change")
}

// patchUser changes a user outside Terraform, as an admin or an IdP would.
func (h *testHub) patchUser(id string, ops ...map[string]any) {
	h.t.Helper()
	if status, body := h.scim(http.MethodPatch, "/Users/"+id, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": ops,
	}); status != http.StatusOK {
		h.t.Fatalf("PATCH /Users/%s: status %d: %v", id, status, body)
	}
}

// Users in scope that the roster does not list are shown under every
// policy, and deactivated or deleted, each named in the plan, under
// deactivate and delete; users outside the filter are never touched.
func TestAccRoster_unmanagedPolicies(t *testing.T) {
	t.Parallel()
	for _, policy := range []string{"ignore", "deactivate", "delete"} {
		t.Run(policy, func(t *testing.T) {
			t.Parallel()
			h := newHub(t)
			strangers := []string{"eve@moby.example", "mallory@moby.example", "trent@moby.example"}
			for i, e := range strangers {
				h.idpUser(e, fmt.Sprintf("00u%d", i), "Stranger", "member")
			}
			h.idpUser("outsider@whale.example", "00uX", "Outsider", "member")
			ps := people(3, "moby.example")
			extra := fmt.Sprintf("  filter    = %q\n  unmanaged = %q\n", `userName ew "@moby.example"`, policy)
			r := newRosterRun(t, h, rosterHCL(ps, extra))

			plan := r.run("plan").stdout
			if policy != "ignore" {
				for _, e := range strangers {
					if !strings.Contains(plan, e) {
						t.Fatalf("the plan does not name %s:\n%s", e, plan)
					}
				}
				if !strings.Contains(plan, "Apply will "+policy+" 3 SCIM user(s) this roster does not list") {
					t.Fatalf("no warning naming the unmanaged users:\n%s", plan)
				}
			}
			if strings.Contains(plan, "outsider@whale.example") {
				t.Fatalf("the plan names a user outside the filter:\n%s", plan)
			}
			r.run("apply", "-auto-approve")
			users := h.scimUsers()
			for _, e := range strangers {
				u, exists := users[e]
				switch policy {
				case "ignore":
					if !exists || u["active"] != true {
						t.Fatalf("ignore touched %s: %v", e, u)
					}
				case "deactivate":
					if !exists || u["active"] != false {
						t.Fatalf("deactivate left %s: %v", e, u)
					}
				case "delete":
					if exists {
						t.Fatalf("delete left %s: %v", e, u)
					}
				}
			}
			if u := users["outsider@whale.example"]; u == nil || u["active"] != true {
				t.Fatalf("a user outside the filter was touched: %v", u)
			}
			unmanaged := fmt.Sprint(r.state()["unmanaged_users"])
			if want := map[bool]string{true: "[eve@moby.example mallory@moby.example trent@moby.example]", false: "[]"}[policy == "ignore"]; unmanaged != want {
				t.Fatalf("unmanaged_users = %s, want %s", unmanaged, want)
			}
			r.planIsEmpty("after enforcing " + policy)

			// A person dropped from users becomes unmanaged.
			r.w.setConfig(rosterHCL(ps[:2], extra))
			plan = r.run("plan").stdout
			if got := changedPeople(plan); strings.Join(got, ",") != "p02@moby.example" {
				t.Fatalf("the plan shows %v, want p02 leaving:\n%s", got, plan)
			}
			r.run("apply", "-auto-approve")
			u, exists := h.scimUsers()["p02@moby.example"]
			switch {
			case policy == "ignore" && (!exists || u["active"] != true),
				policy == "deactivate" && (!exists || u["active"] != false),
				policy == "delete" && exists:
				t.Fatalf("under %s, p02 after leaving the roster: %v", policy, u)
			}
			r.planIsEmpty("after dropping a person")
		})
	}
}

// One person failing (an org the connection does not provision: 400)
// fails only that person: the others are created and in state, the
// diagnostic names the email and Docker's reason, and the next apply
// sends only what is left.
func TestAccRoster_partialFailureKeepsWhatSucceeded(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ps := people(4, "moby.example")
	ps[3].org = "whale"
	r := newRosterRun(t, h, rosterHCL(ps, ""))
	res := r.w.run(r.env, "apply", "-auto-approve", "-no-color", "-input=false")
	if res.err == nil {
		t.Fatalf("apply with an out-of-scope org succeeded:\n%s", res.output())
	}
	out := strings.Join(strings.Fields(res.output()), " ")
	if !strings.Contains(out, `Couldn't create SCIM user "p03@moby.example"`) || !strings.Contains(out, "whale") {
		t.Fatalf("the error does not name the person and the reason:\n%s", res.output())
	}
	users := h.scimUsers()
	if len(users) != 3 || users["p03@moby.example"] != nil {
		t.Fatalf("the server holds %d users: %v", len(users), users)
	}
	if ids := r.state()["ids"].(map[string]any); len(ids) != 3 {
		t.Fatalf("state records %d people, want the 3 created: %v", len(ids), ids)
	}
	plan := r.w.run(r.env, "plan", "-no-color", "-input=false").output()
	if got := changedPeople(plan); strings.Join(got, ",") != "p03@moby.example" {
		t.Fatalf("the next plan shows %v, want only p03:\n%s", got, plan)
	}
	ps[3].org = ""
	r.w.setConfig(rosterHCL(ps, ""))
	posts, patches := h.requestsTo("POST /v2/scim/2.0/Users"), h.requestsTo("PATCH /v2/scim/2.0/Users/{id}")
	r.run("apply", "-auto-approve")
	if got := h.requestsTo("POST /v2/scim/2.0/Users") - posts; got != 1 {
		t.Fatalf("the second apply sent %d POSTs, want 1", got)
	}
	if got := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}") - patches; got != 0 {
		t.Fatalf("the second apply sent %d PATCHes, want 0", got)
	}
	r.planIsEmpty("after the second apply")
}

// A whole org the IdP provisioned is adopted in one import with generated
// configuration, which then plans empty, with no write sent.
func TestAccRoster_importGeneratesConfig(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	for i := range 20 {
		role := "member"
		if i%7 == 0 {
			role = "editor"
		}
		h.idpUser(fmt.Sprintf("idp%02d@moby.example", i), fmt.Sprintf("00u%04d", i), fmt.Sprintf("Idp%d", i), role)
	}
	h.idpUser("other@whale.example", "00uW", "Whale", "member")
	r := newRosterRun(t, h, `
provider "docker" {}

import {
  to = docker_scim_roster.people
  id = "userName ew \"@moby.example\""
}
`)
	plan := r.run("plan", "-generate-config-out=generated.tf").stdout
	if !strings.Contains(plan, "1 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Fatalf("the import plan:\n%s", plan)
	}
	writes := h.scimWrites()
	r.run("apply", "-auto-approve")
	if got := h.scimWrites() - writes; got != 0 {
		t.Fatalf("importing sent %d writes", got)
	}
	st := r.state()
	if users := st["user"].(map[string]any); len(users) != 20 || users["other@whale.example"] != nil {
		t.Fatalf("imported %d users: %v", len(users), users)
	}
	r.planIsEmpty("after importing with generated configuration")
}

// Teams hold exactly the people listed, and drift made outside Terraform
// (an edit, a deactivation, a deletion, a team member removed) is planned
// back, person by person.
func TestAccRoster_teamsAndDrift(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ps := people(5, "moby.example")
	teams := `  teams = {
    "moby:backend"  = ["p00@moby.example", "p01@moby.example", "p02@moby.example"]
    "moby:frontend" = ["p03@moby.example"]
  }
`
	r := newRosterRun(t, h, rosterHCL(ps, teams))
	r.run("apply", "-auto-approve")
	teamMembers := func(team string) []string {
		t.Helper()
		status, body := h.mgmt(http.MethodGet, "/v2/orgs/moby/groups/"+team+"/members?page_size=100", nil)
		if status != http.StatusOK {
			t.Fatalf("members of %s: %d %v", team, status, body)
		}
		var out []string
		for _, m := range body["results"].([]any) {
			out = append(out, fmt.Sprint(m.(map[string]any)["email"]))
		}
		sort.Strings(out)
		return out
	}
	if got := teamMembers("backend"); strings.Join(got, ",") != "p00@moby.example,p01@moby.example,p02@moby.example" {
		t.Fatalf("backend holds %v", got)
	}
	if got := teamMembers("frontend"); strings.Join(got, ",") != "p03@moby.example" {
		t.Fatalf("frontend holds %v", got)
	}
	r.planIsEmpty("after apply with teams")

	ids := h.userIDs()
	h.patchUser(ids["p01@moby.example"], map[string]any{"op": "replace", "path": "name.givenName", "value": "Drifted"})
	h.patchUser(ids["p02@moby.example"], map[string]any{"op": "replace", "path": "active", "value": false})
	if status, _ := h.scim(http.MethodDelete, "/Users/"+ids["p04@moby.example"], nil); status != http.StatusNoContent {
		t.Fatalf("deleting p04: %d", status)
	}
	status, body := h.scim(http.MethodGet, "/Groups?filter="+strings.ReplaceAll(`displayName eq "moby:frontend"`, " ", "%20"), nil)
	group := body["Resources"].([]any)[0].(map[string]any)
	if status, body := h.scim(http.MethodPatch, "/Groups/"+fmt.Sprint(group["id"]), map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "remove", "path": fmt.Sprintf("members[value eq %q]", ids["p03@moby.example"])}},
	}); status != http.StatusOK && status != http.StatusNoContent {
		t.Fatalf("removing p03 from frontend: %d %v (%d)", status, body, status)
	}

	plan := r.run("plan").stdout
	if got := changedPeople(plan); strings.Join(got, ",") != "p01@moby.example,p02@moby.example,p04@moby.example" {
		t.Fatalf("the drift plan shows %v, want p01, p02 and p04:\n%s", got, plan)
	}
	if !strings.Contains(plan, `+ "p03@moby.example"`) {
		t.Fatalf("the drift plan does not put p03 back in frontend:\n%s", plan)
	}
	r.run("apply", "-auto-approve")
	if got := teamMembers("frontend"); strings.Join(got, ",") != "p03@moby.example" {
		t.Fatalf("frontend holds %v after the fix", got)
	}
	users := h.scimUsers()
	if users["p02@moby.example"]["active"] != true || users["p04@moby.example"] == nil ||
		users["p01@moby.example"]["name"].(map[string]any)["givenName"] != "P1" {
		t.Fatalf("drift not undone: %v", users)
	}
	_ = status
	r.planIsEmpty("after undoing drift")

	// Leaving a team in the configuration removes the person from it.
	r.w.setConfig(rosterHCL(ps, strings.Replace(teams, `"p00@moby.example", "p01@moby.example", "p02@moby.example"`, `"p00@moby.example", "p01@moby.example"`, 1)))
	plan = r.run("plan").stdout
	if !strings.Contains(plan, `- "p02@moby.example"`) {
		t.Fatalf("the plan does not take p02 out of backend:\n%s", plan)
	}
	r.run("apply", "-auto-approve")
	if got := teamMembers("backend"); strings.Join(got, ",") != "p00@moby.example,p01@moby.example" {
		t.Fatalf("backend holds %v after p02 left it", got)
	}
	r.planIsEmpty("after p02 left backend")
}

// People move from per-user docker_scim_user resources into a roster and
// back, through the guide's example folders, without a single write: the
// roster adopts them with what the server holds, and leaving a roster
// only forgets them.
func TestAccRoster_moveInAndBackTouchesNoOne(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	r := newRosterRun(t, h, exampleConfig(t, "roster-migration/per-user"))
	// Before 1.7 there are no removed blocks and no for_each imports: the
	// guide's alternative is state rm and one import block per person.
	legacy := !r.w.cliIsAtLeast(1, 7)
	config := func(example string, forget string) string {
		c := exampleConfig(t, example)
		if !legacy {
			return c
		}
		if res := r.w.run(r.env, "state", "rm", forget); res.err != nil {
			t.Fatalf("state rm %s: %v\n%s", forget, res.err, res.output())
		}
		c = regexp.MustCompile(`(?s)removed \{.*?\n\}\n`).ReplaceAllString(c, "")
		c = regexp.MustCompile(`(?s)import \{\n  for_each.*?\n\}\n`).ReplaceAllStringFunc(c, func(string) string {
			var b strings.Builder
			for _, e := range []string{"ada.lovelace@moby.example", "alan.turing@moby.example", "grace.hopper@moby.example"} {
				fmt.Fprintf(&b, "import {\n  to = docker_scim_user.people[%q]\n  id = %q\n}\n", e, e)
			}
			return b.String()
		})
		return c
	}
	r.run("apply", "-auto-approve")
	before := h.scimUsers()
	writes := h.scimWrites()
	everyone := "ada.lovelace@moby.example,alan.turing@moby.example,grace.hopper@moby.example"

	r.w.setConfig(config("roster-migration/into-roster", "docker_scim_user.people"))
	plan := r.run("plan").stdout
	if got := strings.Join(changedPeople(plan), ","); got != everyone {
		t.Fatalf("moving in plans %s, want everyone joining the roster:\n%s", got, plan)
	}
	if strings.Contains(plan, "will be destroyed") || regexp.MustCompile(`"[^"]+@moby.example" = \(known after apply\)`).MatchString(plan) ||
		strings.Contains(plan, "docker_scim_user.people[") && legacy {
		t.Fatalf("moving in destroys someone or does not know their ids:\n%s", plan)
	}
	r.run("apply", "-auto-approve")
	if got := h.scimWrites() - writes; got != 0 {
		t.Fatalf("moving into the roster sent %d writes", got)
	}
	r.planIsEmpty("after moving into the roster")

	r.w.setConfig(config("roster-migration/back-to-per-user", "docker_scim_roster.people"))
	plan = r.run("plan").stdout
	if !strings.Contains(plan, "3 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Fatalf("moving back is not a pure import:\n%s", plan)
	}
	r.run("apply", "-auto-approve")
	if got := h.scimWrites() - writes; got != 0 {
		t.Fatalf("moving back sent %d writes", got)
	}
	r.planIsEmpty("after moving back")
	after := h.scimUsers()
	for email, u := range before {
		if fmt.Sprint(after[email]) != fmt.Sprint(u) {
			t.Fatalf("%s changed:\nbefore %v\nafter  %v", email, u, after[email])
		}
	}
}

// Under lost answers (every 5th request's answer dropped after the server
// acted) and throttling, a roster of 40 people applies with every person
// created exactly once, bounded writes in flight, and an empty plan after;
// then an update of 10 people under the same faults.
func TestAccRoster_lostAnswersAndThrottling(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ps := people(40, "moby.example")
	extra := "  max_parallel_writes = 4\n"
	r := newRosterRun(t, h, rosterHCL(ps, extra))
	faults := func(f map[string]any) {
		t.Helper()
		if status, body := h.mock(http.MethodPut, "/faults", f); status/100 != 2 {
			t.Fatalf("setting faults %v: %d %v", f, status, body)
		}
	}
	underFaults := map[string]any{"drop_every": 5, "throttle_every": 7, "retry_after_seconds": 1}
	faults(underFaults)
	r.run("apply", "-auto-approve")
	faults(map[string]any{})
	if users := h.scimUsers(); len(users) != 40 {
		t.Fatalf("the server holds %d users, want 40", len(users))
	}
	for i := range 10 {
		ps[i].given = "Changed"
	}
	r.w.setConfig(rosterHCL(ps, extra))
	faults(underFaults)
	r.run("apply", "-auto-approve")
	faults(map[string]any{})
	users := h.scimUsers()
	for _, p := range ps {
		if got := users[p.email]["name"].(map[string]any)["givenName"]; got != p.given {
			t.Fatalf("%s: givenName %v, want %s", p.email, got, p.given)
		}
	}
	r.planIsEmpty("after applying under faults")
}

// cliIsAtLeast reports whether the CLI is at least major.minor.
func (w *cliWork) cliIsAtLeast(major, minor int) bool {
	w.t.Helper()
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("version", "-json").stdout), &v); err != nil {
		w.t.Fatalf("reading the CLI version: %v", err)
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &gotMajor, &gotMinor); err != nil {
		w.t.Fatalf("CLI version %q: %v", v.Version, err)
	}
	return gotMajor > major || (gotMajor == major && gotMinor >= minor)
}

// Ctrl-C during a roster apply stops starting writes within seconds; state
// then records exactly the people on the server, and the next apply
// creates the rest.
func TestAccRoster_interruptKeepsStateAccurate(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ps := people(60, "moby.example")
	r := newRosterRun(t, h, rosterHCL(ps, "  max_parallel_writes = 2\n"))
	setFaults(t, h, map[string]any{"latency_ms": 300})

	out := r.w.interruptApplyAfterCreates(h, r.env)
	if !strings.Contains(out, "Apply stopped") {
		t.Errorf("no diagnostic says the apply stopped:\n%s", out)
	}
	setFaults(t, h, map[string]any{})

	server := map[string]string{}
	for name, u := range h.scimUsers() {
		server[name] = u["id"].(string)
	}
	if len(server) == 0 || len(server) == 60 {
		t.Fatalf("the server holds %d users: the interrupt did not land mid-apply", len(server))
	}
	ids, _ := r.state()["ids"].(map[string]any)
	if len(ids) != len(server) {
		t.Errorf("state records %d people, the server holds %d", len(ids), len(server))
	}
	for email, id := range ids {
		if server[email] != id {
			t.Errorf("%s is %v in state, %q on the server", email, id, server[email])
		}
	}
	r.run("apply", "-auto-approve")
	if n := len(h.scimUsers()); n != 60 {
		t.Fatalf("after a full apply the server holds %d users, want 60", n)
	}
	r.planIsEmpty("after finishing the interrupted apply")
}
