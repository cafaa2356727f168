package mockhub

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestTeamEdits(t *testing.T) {
	e := newEnv(t)
	c := e.hub(http.MethodPost, "/v2/orgs/moby/groups", map[string]any{"name": "Platform", "description": "infra"})
	want(t, c, http.StatusCreated)
	if c.str("name") != "Platform" || c.str("description") != "infra" || c.num("member_count") != 0 || c.str("uuid") == "" {
		t.Fatalf("create: %s", c.raw)
	}
	for _, body := range []map[string]any{{}, {"name": ""}, {"name": "a/b"}, {"name": "platform"}} {
		if r := e.hub(http.MethodPost, "/v2/orgs/moby/groups", body); r.status != http.StatusBadRequest {
			t.Errorf("create %v: %d, want 400", body, r.status)
		}
	}

	want(t, e.hub(http.MethodPost, "/v2/orgs/moby/groups/platform/members", map[string]any{"member": "dev"}), http.StatusOK)
	want(t, e.hub(http.MethodPost, "/v2/orgs/moby/groups/platform/members", map[string]any{"member": "jane"}), http.StatusNotFound) // not in moby
	want(t, e.hub(http.MethodPost, "/v2/orgs/moby/groups/platform/members", map[string]any{}), http.StatusBadRequest)
	if got := e.teamMembers("moby", "platform"); !slices.Equal(got, []string{"dev"}) {
		t.Fatalf("platform members %v, want dev", got)
	}

	// PATCH changes what it carries; PUT replaces (description cleared).
	p := e.hub(http.MethodPatch, "/v2/orgs/moby/groups/platform", map[string]any{"name": "infra"})
	want(t, p, http.StatusOK)
	if p.str("name") != "infra" || p.str("description") != "infra" || p.num("member_count") != 1 {
		t.Fatalf("patch: %s", p.raw)
	}
	want(t, e.hub(http.MethodGet, "/v2/orgs/moby/groups/platform", nil), http.StatusNotFound)
	u := e.hub(http.MethodPut, "/v2/orgs/moby/groups/infra", map[string]any{"name": "infra"})
	want(t, u, http.StatusOK)
	if u.str("description") != "" {
		t.Errorf("PUT without description kept %q", u.str("description"))
	}
	want(t, e.hub(http.MethodPut, "/v2/orgs/moby/groups/infra", map[string]any{"description": "x"}), http.StatusBadRequest)
	if _, teams := e.members("moby"); !slices.Equal(teams["dev"], []string{"infra"}) {
		t.Errorf("dev's teams %v, want infra", teams["dev"])
	}

	want(t, e.hub(http.MethodDelete, "/v2/orgs/moby/groups/infra/members/admin", nil), http.StatusNotFound)
	want(t, e.hub(http.MethodDelete, "/v2/orgs/moby/groups/infra/members/dev", nil), http.StatusNoContent)
	want(t, e.hub(http.MethodDelete, "/v2/orgs/moby/groups/infra", nil), http.StatusNoContent)
	want(t, e.hub(http.MethodDelete, "/v2/orgs/moby/groups/infra", nil), http.StatusNotFound)
	if roles, _ := e.members("moby"); roles["dev"] != "member" {
		t.Errorf("dev left moby with the team: %v", roles)
	}

	// Only owners (or the org's access token) edit teams.
	dev := e.login("dev", devPass)
	if r := e.do(http.MethodPost, "/v2/orgs/moby/groups", dev, map[string]any{"name": "x"}); r.status != http.StatusForbidden {
		t.Errorf("dev creating a team: %d", r.status)
	}
}

func TestExportMembersCSV(t *testing.T) {
	e := newEnv(t)
	e.createUser("ada@moby.example", "name", map[string]any{"givenName": "Ada", "familyName": "Lovelace"},
		dockerURN, dockerExt("dockerRole", "editor", "dockerTeam", "Analytical, Engines"))
	r := e.hub(http.MethodGet, "/v2/orgs/moby/members/export", nil)
	want(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment;filename="moby-members-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.raw))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], []string{"Name", "Username", "Email", "Type", "Permission", "Teams", "Date Joined"}) {
		t.Fatalf("header %v", rows[0])
	}
	byUser := map[string][]string{}
	for _, row := range rows[1:] {
		byUser[row[1]] = row
	}
	if a := byUser["admin"]; a == nil || a[4] != "Owner" || a[3] != "User" || a[2] != "admin@moby.example" {
		t.Errorf("admin row %v", a)
	}
	var ada []string
	for u, row := range byUser {
		if strings.HasPrefix(u, "ada") {
			ada = row
		}
	}
	if ada == nil || ada[0] != "Ada Lovelace" || ada[4] != "Editor" || ada[5] != "Analytical, Engines" {
		t.Errorf("ada row %v", ada)
	}
	if len(rows) != 4 {
		t.Errorf("%d rows, want a header and 3 members", len(rows))
	}
}

func TestTeamListFilters(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"alpha", "beta", "alphabet"} {
		want(t, e.hub(http.MethodPost, "/v2/orgs/moby/groups", map[string]any{"name": n}), http.StatusCreated)
	}
	want(t, e.hub(http.MethodPost, "/v2/orgs/moby/groups/beta/members", map[string]any{"member": "dev"}), http.StatusOK)
	want(t, e.hub(http.MethodPost, "/v2/orgs/moby/groups/beta/members", map[string]any{"member": "admin"}), http.StatusOK)
	names := func(r *resp, key string) []string {
		var out []string
		for _, x := range r.list("results") {
			out = append(out, x.(map[string]any)[key].(string))
		}
		return out
	}
	if got := names(e.hub(http.MethodGet, "/v2/orgs/moby/groups?search=ALPHA", nil), "name"); !slices.Equal(got, []string{"alpha", "alphabet"}) {
		t.Errorf("search=ALPHA: %v", got)
	}
	if got := names(e.hub(http.MethodGet, "/v2/orgs/moby/groups?username=dev", nil), "name"); !slices.Equal(got, []string{"beta"}) {
		t.Errorf("username=dev: %v", got)
	}
	if got := names(e.hub(http.MethodGet, "/v2/orgs/moby/groups/beta/members?search=developer", nil), "username"); !slices.Equal(got, []string{"dev"}) {
		t.Errorf("members search=developer: %v", got)
	}
}

func TestLastOwnerStays(t *testing.T) {
	e := newEnv(t)
	r := e.hub(http.MethodDelete, "/v2/orgs/moby/members/admin", nil)
	want(t, r, http.StatusBadRequest)
	if !strings.Contains(r.str("message"), "last owner") {
		t.Errorf("message %q", r.str("message"))
	}
	want(t, e.hub(http.MethodPut, "/v2/orgs/moby/members/dev", map[string]any{"role": "owner"}), http.StatusOK)
	want(t, e.hub(http.MethodDelete, "/v2/orgs/moby/members/admin", nil), http.StatusNoContent)
}
