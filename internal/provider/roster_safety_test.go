package provider

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// The tests in this file hold docker_scim_roster to docker_scim_user's
// safety (the same view of the configured provider: endpoint guard,
// conditional updates, outage budget), check the claims across resources
// at plan time, and the roster's renames, counts and filter check.

// enableWhale enables SCIM on org whale's connection (same host, same base
// URL as moby's) and returns its token.
func enableWhale(t *testing.T, h *testHub) string {
	t.Helper()
	status, whale := h.mgmt(http.MethodPost, "/v2/orgs/whale/sso/connections/"+connWhaleID+"/scim", nil)
	if status != http.StatusCreated {
		t.Fatalf("enabling SCIM on whale: status %d: %v", status, whale)
	}
	return fmt.Sprint(whale["token"])
}

// usersThrough lists the SCIM users token's connection holds, by userName.
func usersThrough(t *testing.T, h *testHub, token string) map[string]bool {
	t.Helper()
	status, list := h.call(http.MethodGet, h.info.SCIMBaseURL+"/Users?count=200", "Bearer "+token, nil)
	if status != http.StatusOK {
		t.Fatalf("listing users: %d %v", status, list)
	}
	out := map[string]bool{}
	resources, _ := list["Resources"].([]any)
	for _, u := range resources {
		out[fmt.Sprint(u.(map[string]any)["userName"])] = true
	}
	return out
}

// fails runs the CLI with env, fails the test if it succeeds, and returns
// what it printed with white space made single spaces.
func (r *rosterRun) fails(env []string, args ...string) string {
	r.t.Helper()
	// Flags go before a saved plan's file name.
	res := r.w.run(env, append([]string{args[0], "-no-color", "-input=false"}, args[1:]...)...)
	if res.err == nil {
		r.t.Fatalf("%s succeeded, want an error:\n%s", strings.Join(args, " "), res.output())
	}
	return strings.Join(strings.Fields(res.output()), " ")
}

// The provider pointed at another connection's token (same host) or at a
// URL that is not a SCIM API: plan and apply fail with one full
// explanation, state keeps every person, and nothing is written anywhere:
// no one is created in whale, and whale's own user is not deleted as
// unmanaged.
func TestAccRosterSafety_settingsPointElsewhere(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  func(h *testHub, whaleToken string) []string
		want []string
	}{
		"token of another connection": {
			env: func(h *testHub, whaleToken string) []string {
				return []string{"DOCKER_SCIM_BASE_URL=" + h.info.SCIMBaseURL, "DOCKER_SCIM_TOKEN=" + whaleToken}
			},
			want: []string{"SCIM settings changed: managed objects not found", "scim_token is not the token it was last read with", "state rm"},
		},
		"base URL that is not a SCIM API": {
			env: func(h *testHub, _ string) []string {
				return []string{"DOCKER_SCIM_BASE_URL=" + strings.TrimSuffix(h.info.SCIMBaseURL, "/2.0"), "DOCKER_SCIM_TOKEN=" + h.info.SCIMToken}
			},
			want: []string{"The SCIM base URL does not lead to a SCIM API"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHub(t)
			r := newRosterRun(t, h, rosterHCL(people(5, "moby.example"), "  unmanaged = \"delete\"\n"))
			r.run("apply", "-auto-approve")
			before := fmt.Sprint(r.state()["ids"])

			whaleToken := enableWhale(t, h)
			if status, body := h.call(http.MethodPost, h.info.SCIMBaseURL+"/Users", "Bearer "+whaleToken, map[string]any{
				"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "safe-whale@whale.example",
			}); status != http.StatusCreated {
				t.Fatalf("creating whale's own user: %d %v", status, body)
			}
			writes := h.scimWrites()
			env := tc.env(h, whaleToken)
			for _, cmd := range [][]string{{"plan"}, {"apply", "-auto-approve"}} {
				out := r.fails(env, cmd...)
				for _, want := range tc.want {
					if !strings.Contains(out, want) {
						t.Fatalf("%s does not say %q:\n%s", cmd[0], want, out)
					}
				}
				if n := strings.Count(out, tc.want[0]); n != 1 {
					t.Fatalf("%s explains %d times, want once:\n%s", cmd[0], n, out)
				}
				if strings.Contains(out, whaleToken) || strings.Contains(out, h.info.SCIMToken) {
					t.Fatalf("%s prints a token", cmd[0])
				}
			}
			if got := h.scimWrites() - writes; got != 0 {
				t.Fatalf("the failed runs sent %d writes", got)
			}
			if got := usersThrough(t, h, whaleToken); len(got) != 1 || !got["safe-whale@whale.example"] {
				t.Fatalf("whale's connection holds %v after the failed runs, want only its own user", got)
			}
			if after := fmt.Sprint(r.state()["ids"]); after != before {
				t.Fatalf("state changed: %s, then %s", before, after)
			}
			r.planIsEmpty("with moby's settings again")
		})
	}
}

// A saved plan applied with the token of another connection (an
// environment variable changed in between) writes nothing.
func TestAccRosterSafety_savedPlanAppliedThroughOtherSettings(t *testing.T) {
	t.Parallel()
	h, ps, r := appliedRoster(t, 3)
	ps = append(ps, rosterPerson{email: "late@moby.example"})
	r.w.setConfig(rosterHCL(ps, ""))
	r.run("plan", "-out=plan.out")

	whaleToken := enableWhale(t, h)
	writes := h.scimWrites()
	out := r.fails([]string{"DOCKER_SCIM_BASE_URL=" + h.info.SCIMBaseURL, "DOCKER_SCIM_TOKEN=" + whaleToken}, "apply", "plan.out")
	if !strings.Contains(out, "SCIM settings changed: managed objects not found") {
		t.Fatalf("apply does not say the settings changed since the plan:\n%s", out)
	}
	if got := h.scimWrites() - writes; got != 0 {
		t.Fatalf("the apply sent %d writes", got)
	}
	if got := usersThrough(t, h, whaleToken); len(got) != 0 {
		t.Fatalf("whale's connection holds %v", got)
	}
}

// An edit made outside Terraform between plan and apply is not
// overwritten: the roster's update reads first and sends If-Match, as
// docker_scim_user's does. An identity provider's edit to a setting the
// configuration leaves alone does not count.
func TestAccRosterSafety_conditionalUpdates(t *testing.T) {
	t.Parallel()
	h, ps, r := appliedRoster(t, 3)

	ps[1].given = "Planned"
	ps[2].given = "Planned"
	r.w.setConfig(rosterHCL(ps, ""))
	r.run("plan", "-out=plan.out")
	ids := h.userIDs()
	h.patchUser(ids["p01@moby.example"], map[string]any{"op": "replace", "path": "name.givenName", "value": "Outside"})
	h.patchUser(ids["p02@moby.example"], map[string]any{"op": "replace", "path": "externalId", "value": "okta-42"})

	out := r.fails(r.env, "apply", "plan.out")
	if !strings.Contains(out, "changed outside Terraform") || !strings.Contains(out, "p01@moby.example") {
		t.Fatalf("apply does not name the lost update:\n%s", out)
	}
	users := h.scimUsers()
	if got := users["p01@moby.example"]["name"].(map[string]any)["givenName"]; got != "Outside" {
		t.Fatalf("p01's given name is %v: the outside edit was overwritten", got)
	}
	if got := users["p02@moby.example"]; got["name"].(map[string]any)["givenName"] != "Planned" || got["externalId"] != "okta-42" {
		t.Fatalf("p02 is %v, want the planned given name and the IdP's external id", got)
	}
	plan := r.run("plan").stdout
	if !strings.Contains(plan, `"Outside" -> "Planned"`) {
		t.Fatalf("the next plan does not show the real difference:\n%s", plan)
	}
	r.run("apply", "-auto-approve")
	r.planIsEmpty("after applying over the outside edit")
}

// claimsWork is a working directory whose configuration declares the
// people safe1..3@moby.example in a roster "safe" (applied), plus extra.
func claimsWork(t *testing.T, h *testHub, extra string) *rosterRun {
	t.Helper()
	safe := rosterHCL([]rosterPerson{{email: "safe1@moby.example"}, {email: "safe2@moby.example"}, {email: "safe3@moby.example"}},
		"  filter = \"userName sw \\\"safe\\\"\"\n")
	r := newRosterRun(t, h, safe)
	r.run("apply", "-auto-approve")
	r.w.setConfig(safe + extra)
	return r
}

// Two resources of one configuration that would fight over a person or a
// team, or a roster whose policy would act on another resource's people,
// fail the plan naming both and the person or team, whichever the CLI
// plans first; nothing is written.
func TestAccRosterSafety_claimsAcrossResources(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		extra string
		want  []string
	}{
		"roster and docker_scim_user": {
			extra: "resource \"docker_scim_user\" \"dup\" {\n  user_name = \"SAFE1@moby.example\"\n}\n",
			want:  []string{"One person declared by two resources", `docker_scim_user with user_name "SAFE1@moby.example"`, `docker_scim_roster with filter userName sw "safe" (3 people)`},
		},
		"two rosters": {
			extra: "resource \"docker_scim_roster\" \"other\" {\n  user \"safe2@moby.example\" {}\n}\n",
			want:  []string{"One person declared by two resources", "safe2@moby.example", "docker_scim_roster without a filter", `docker_scim_roster with filter userName sw "safe" (3 people)`},
		},
		"overlapping roster filters": {
			extra: "resource \"docker_scim_roster\" \"wide\" {\n  filter    = \"userName sw \\\"saf\\\"\"\n  unmanaged = \"deactivate\"\n}\n",
			want:  []string{"deactivate", "safe1@moby.example", `docker_scim_roster with filter userName sw "saf" (0 people)`, `docker_scim_roster with filter userName sw "safe" (3 people)`, "unmanaged = \"ignore\""},
		},
		"roster teams and docker_group_mapping": {
			extra: "resource \"docker_group_mapping\" \"backend\" {\n  org_name  = \"moby\"\n  team_name = \"backend\"\n}\n" +
				"resource \"docker_scim_roster\" \"teams\" {\n  user \"team1@moby.example\" {}\n  teams = { \"moby:backend\" = [\"team1@moby.example\"] }\n}\n",
			want: []string{"One team declared by two resources", "moby:backend", `docker_group_mapping for "moby:backend"`, "docker_scim_roster without a filter"},
		},
		"two group mappings": {
			extra: "resource \"docker_group_mapping\" \"a\" {\n  org_name  = \"moby\"\n  team_name = \"backend\"\n}\n" +
				"resource \"docker_group_mapping\" \"b\" {\n  org_name          = \"moby\"\n  team_name         = \"backend\"\n  member_user_names = []\n}\n",
			want: []string{"One team declared by two resources", `docker_group_mapping for "moby:backend"`},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHub(t)
			r := claimsWork(t, h, tc.extra)
			writes := h.scimWrites()
			out := r.fails(r.env, "plan")
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Fatalf("the plan does not say %q:\n%s", want, out)
				}
			}
			out = r.fails(r.env, "apply", "-auto-approve")
			if !strings.Contains(out, tc.want[0]) {
				t.Fatalf("apply does not fail on the conflict:\n%s", out)
			}
			if got := h.scimWrites() - writes; got != 0 {
				t.Fatalf("%d writes were sent", got)
			}
		})
	}
}

// A person whose email changes keeps their account when the removed and
// the added entry share an external_id: the plan names both emails and
// counts one rename, apply sends one write, and nobody is deactivated.
func TestAccRosterSafety_renameByExternalID(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ps := []rosterPerson{
		{email: "margaret.hamilton@moby.example", external: "00uMH"},
		{email: "ada@moby.example", external: "00uAL"},
	}
	extra := "  unmanaged = \"deactivate\"\n"
	r := newRosterRun(t, h, rosterHCL(ps, extra))
	r.run("apply", "-auto-approve")
	id := h.userIDs()["margaret.hamilton@moby.example"]

	ps[0].email = "margaret.heafield@moby.example"
	r.w.setConfig(rosterHCL(ps, extra))
	plan := strings.Join(strings.Fields(r.run("plan").output()), " ")
	if !strings.Contains(plan, "0 people to create, 0 to change, 1 to rename, 0 to deactivate, 0 to delete") ||
		!strings.Contains(plan, "margaret.hamilton@moby.example → margaret.heafield@moby.example") {
		t.Fatalf("the plan does not show one rename naming both emails:\n%s", plan)
	}
	writes, posts := h.scimWrites(), h.requestsTo("POST /v2/scim/2.0/Users")
	r.run("apply", "-auto-approve")
	if got := h.scimWrites() - writes; got != 1 {
		t.Fatalf("the rename sent %d writes, want 1", got)
	}
	if got := h.requestsTo("POST /v2/scim/2.0/Users") - posts; got != 0 {
		t.Fatalf("the rename created %d users", got)
	}
	users := h.scimUsers()
	if u := users["margaret.heafield@moby.example"]; u == nil || fmt.Sprint(u["id"]) != id || u["active"] != true {
		t.Fatalf("after the rename the new email is %v, want the same account %s, active", u, id)
	}
	if _, old := users["margaret.hamilton@moby.example"]; old {
		t.Fatal("the old email still has a SCIM user")
	}
	r.planIsEmpty("after the rename")
}

// The plan states the roster's own counts in one line whenever it changes
// anything, and says nothing when it changes nothing.
func TestAccRosterSafety_countsLine(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	h.idpUser("stranger@moby.example", "00uS", "Stranger", "member")
	ps := people(5, "moby.example")
	teams := "  unmanaged = \"delete\"\n  teams = { \"moby:backend\" = [\"p00@moby.example\"] }\n"
	r := newRosterRun(t, h, rosterHCL(ps, teams))
	plan := strings.Join(strings.Fields(r.run("plan").output()), " ")
	if !strings.Contains(plan, "Roster: 5 people to create, 0 to change, 0 to rename, 0 to deactivate, 1 to delete; 1 team to change") {
		t.Fatalf("the plan does not count the people and teams:\n%s", plan)
	}
	r.run("apply", "-auto-approve")
	ps[3].role = "editor"
	r.w.setConfig(rosterHCL(ps, teams))
	plan = strings.Join(strings.Fields(r.run("plan").output()), " ")
	if !strings.Contains(plan, "Roster: 0 people to create, 1 to change, 0 to rename, 0 to deactivate, 0 to delete; 0 teams to change") {
		t.Fatalf("the plan does not count one change:\n%s", plan)
	}
	r.run("apply", "-auto-approve")
	if out := r.run("plan").output(); strings.Contains(out, "Roster:") {
		t.Fatalf("an empty plan states counts:\n%s", out)
	}
}

// A listed person outside the roster's filter is an error at plan time,
// on their user block; nothing is sent.
func TestAccRosterSafety_personOutsideFilter(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ps := []rosterPerson{{email: "in@moby.example"}, {email: "out@whale.example"}}
	r := newRosterRun(t, h, rosterHCL(ps, "  filter = \"userName ew \\\"@moby.example\\\"\"\n"))
	out := r.fails(r.env, "plan")
	if !strings.Contains(out, "Person outside the roster's filter") || !strings.Contains(out, `"out@whale.example" does not match`) ||
		!strings.Contains(out, "with docker_scim_roster.people") || strings.Contains(out, `"in@moby.example" does not match`) {
		t.Fatalf("the plan does not point at the person outside the filter:\n%s", out)
	}
	h.checkNoRequests(t)
}

// State written before the roster recorded its endpoint (private state of
// only configured attributes and unmanaged ids, as main wrote it) plans
// empty with no write, and the guard then holds.
func TestAccRosterSafety_stateWithoutEndpointRecord(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	r := newRosterRun(t, h, rosterHCL(people(3, "moby.example"), "  unmanaged = \"deactivate\"\n"))
	r.run("apply", "-auto-approve")
	stripRosterEndpoint(t, r.w)
	writes := h.scimWrites()
	r.planIsEmpty("with state written before endpoints were recorded")
	r.run("apply", "-auto-approve")
	if got := h.scimWrites() - writes; got != 0 {
		t.Fatalf("%d writes with old state", got)
	}
	out := r.fails([]string{"DOCKER_SCIM_BASE_URL=" + h.info.SCIMBaseURL, "DOCKER_SCIM_TOKEN=" + enableWhale(t, h)}, "plan")
	if !strings.Contains(out, "SCIM settings changed: managed objects not found") {
		t.Fatalf("after one refresh, the guard does not hold:\n%s", out)
	}
}

// stripRosterEndpoint removes the endpoint records from the roster's
// private state in w's state file.
func stripRosterEndpoint(t *testing.T, w *cliWork) {
	t.Helper()
	var st map[string]any
	if err := json.Unmarshal(w.stateFile(), &st); err != nil {
		t.Fatal(err)
	}
	stripped := 0
	for _, res := range st["resources"].([]any) {
		res := res.(map[string]any)
		if res["type"] != "docker_scim_roster" {
			continue
		}
		for _, inst := range res["instances"].([]any) {
			inst := inst.(map[string]any)
			raw, _ := base64.StdEncoding.DecodeString(fmt.Sprint(inst["private"]))
			var priv map[string]any
			if err := json.Unmarshal(raw, &priv); err != nil {
				t.Fatalf("roster private state %q: %v", raw, err)
			}
			if priv["e"] == nil {
				t.Fatalf("no endpoint record to strip in %s", raw)
			}
			delete(priv, "e")
			delete(priv, "p")
			raw, _ = json.Marshal(priv)
			inst["private"] = base64.StdEncoding.EncodeToString(raw)
			stripped++
		}
	}
	if stripped == 0 {
		t.Fatal("no roster in state")
	}
	st["serial"] = st["serial"].(float64) + 1
	b, _ := json.MarshalIndent(st, "", "  ")
	writeFile(t, filepath.Join(w.dir, stateFileName), string(b))
}

// A roster beside 20 docker_scim_user, every answer a 503: the plan fails
// within the client's one window, with one full explanation for all of
// them, and state is unchanged.
func TestAccOutage_rosterEveryAnswer503(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	cfg := outageConfig(h.info.SCIMBaseURL, h.info.SCIMToken) + `
resource "docker_scim_roster" "people" {
  user "roster.one@moby.example" {}
  user "roster.two@moby.example" {}
}
`
	w := newCLIWork(t, cfg)
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	state := w.stateFile()
	setFaults(t, h, map[string]any{"fail_every": 1})
	r := w.run(nil, "plan", "-no-color", "-input=false")
	if r.err == nil {
		t.Fatalf("plan with every answer a 503 succeeded:\n%s", r.output())
	}
	out := strings.Join(strings.Fields(r.output()), " ")
	if n := strings.Count(out, "while requests kept failing"); n != 1 {
		t.Fatalf("%d full explanations, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "with docker_scim_roster.people") {
		t.Fatalf("the roster's refresh did not fail:\n%s", out)
	}
	if !bytes.Equal(w.stateFile(), state) {
		t.Fatal("the failed plan changed the state")
	}
}

// A roster against a server that is not running fails with the outage's
// one explanation, as docker_scim_user does.
func TestAccOutage_rosterServerDown(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	h.srv.Close()
	w := newCLIWork(t, outageConfig(h.info.SCIMBaseURL, h.info.SCIMToken)+`
resource "docker_scim_roster" "people" {
  user "roster.one@moby.example" {}
}
`)
	r := w.run(nil, "apply", "-auto-approve", "-no-color", "-input=false")
	if r.err == nil {
		t.Fatalf("apply against a stopped server succeeded:\n%s", r.output())
	}
	out := strings.Join(strings.Fields(r.output()), " ")
	if n := strings.Count(out, "Nothing answered at the SCIM server at"); n != 1 {
		t.Fatalf("%d full explanations, want 1:\n%s", n, out)
	}
}

// appliedRoster starts a hub and applies a roster of n people of
// moby.example to it.
func appliedRoster(t *testing.T, n int) (*testHub, []rosterPerson, *rosterRun) {
	t.Helper()
	h := newHub(t)
	ps := people(n, "moby.example")
	r := newRosterRun(t, h, rosterHCL(ps, ""))
	r.run("apply", "-auto-approve")
	return h, ps, r
}
