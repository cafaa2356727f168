package mockhub

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// snapshotJSON is the world as the state file format 1 would hold it.
func snapshotJSON(t *testing.T, srv *Server) string {
	t.Helper()
	srv.st.mu.RLock()
	defer srv.st.mu.RUnlock()
	b, err := json.MarshalIndent(srv.st.snapshot(), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// workload drives every kind of change mockhub makes.
func workload(e *env) {
	t := e.t
	ids := []string{}
	for i := range 12 {
		extra := []any{"name", map[string]any{"givenName": "W", "familyName": fmt.Sprint(i)}}
		if i%3 == 0 {
			extra = append(extra, dockerURN, dockerExt("dockerRole", "editor", "dockerTeam", fmt.Sprintf("team%d", i)))
		}
		if i%4 == 1 {
			extra = append(extra, enterpriseURN, map[string]any{"employeeNumber": fmt.Sprint(i)})
		}
		ids = append(ids, e.createUser(fmt.Sprintf("worker%d@moby.example", i), extra...))
	}
	e.createUser("jane@moby.example") // attaches an existing account
	g := e.scim("POST", "/Groups", groupBody("moby:wgroup", ids[0], ids[1], ids[2]))
	want(t, g, 201)
	gid := g.str("id")
	want(t, e.scim("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": ids[3]}}))), 200)
	want(t, e.scim("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+ids[1]+`"]`, nil))), 200)
	want(t, e.scim("PATCH", "/Groups/"+gid, patchBody(op("replace", "displayName", "moby:renamed"))), 200)
	g2 := e.scim("POST", "/Groups", groupBody("moby:doomed", ids[4]))
	want(t, g2, 201)
	want(t, e.scim("DELETE", "/Groups/"+g2.str("id"), nil), 204)
	want(t, e.scim("PATCH", "/Users/"+ids[5], patchBody(op("replace", "active", false))), 200)
	want(t, e.scim("PATCH", "/Users/"+ids[6], patchBody(op("replace", "emails", []any{map[string]any{"value": "moved6@moby.example", "primary": true}}))), 200)
	want(t, e.scim("PUT", "/Users/"+ids[7], userBody("worker7-renamed@moby.example", "active", true, dockerURN, dockerExt("dockerRole", "owner"))), 200)
	want(t, e.scim("DELETE", "/Users/"+ids[8], nil), 204)
	want(t, e.scim("DELETE", "/Users/"+ids[0], nil), 204) // a group member
	want(t, e.hub("PUT", "/v2/orgs/moby/members/worker9", map[string]any{"role": "owner"}), 200)
	want(t, e.hub("DELETE", "/v2/orgs/moby/members/worker10", nil), 204)
	// Team edits through the management API: a rename and a delete move
	// records keyed by the team's name.
	want(t, e.hub("POST", "/v2/orgs/moby/groups", map[string]any{"name": "hubteam", "description": "d"}), 201)
	want(t, e.hub("POST", "/v2/orgs/moby/groups/hubteam/members", map[string]any{"member": "worker11"}), 200)
	want(t, e.hub("PATCH", "/v2/orgs/moby/groups/hubteam", map[string]any{"name": "hubteam2"}), 200)
	want(t, e.hub("PUT", "/v2/orgs/moby/groups/team3", map[string]any{"name": "team3", "description": "three"}), 200)
	want(t, e.hub("DELETE", "/v2/orgs/moby/groups/team6/members/worker6", nil), 204)
	want(t, e.hub("DELETE", "/v2/orgs/moby/groups/team9", nil), 204)
	whale := e.enableSCIM("orgs/whale", DefaultWhaleConnectionID)
	want(t, e.do("POST", scimPrefix+"/Users", whale, userBody("w@whale.example")), 201)
	want(t, e.hub("POST", "/v2/orgs/whale/sso/connections/"+DefaultWhaleConnectionID+"/scim/token", nil), 200)
	want(t, e.hub("DELETE", "/v2/orgs/whale/sso/connections/"+DefaultWhaleConnectionID+"/scim", nil), 204)
	co := e.enableSCIM("companies/moby-inc", DefaultCompanyConnectionID)
	want(t, e.do("POST", scimPrefix+"/Users", co, userBody("c@moby-inc.example", dockerURN, dockerExt("dockerTeam", "company-team"))), 201)
}

// TestDurableStateMatchesMemory: after every kind of change, the world
// read back from the state database is the world in memory. A change the
// store forgets to mark dirty fails here.
func TestDurableStateMatchesMemory(t *testing.T) {
	t.Run("log", testDurableStateMatchesMemory)
	t.Run("checkpoint every round", func(t *testing.T) {
		was := checkpointBytes
		t.Cleanup(func() { checkpointBytes = was })
		checkpointBytes = 1
		testDurableStateMatchesMemory(t)
	})
}

func testDurableStateMatchesMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	e := newEnv(t, func(o *Options) { o.StatePath = path })
	workload(e)
	check := func(stage string) {
		t.Helper()
		live := snapshotJSON(t, e.srv)
		e.ts.Close()
		if err := e.srv.Close(); err != nil {
			t.Fatal(err)
		}
		e = newEnv(t, func(o *Options) { o.StatePath = path })
		if got := snapshotJSON(t, e.srv); got != live {
			t.Fatalf("%s: state read back differs from memory:\n%s", stage, lineDiff(live, got))
		}
	}
	check("after the workload")
	// Reset, then change again: the reset rewrites everything.
	e.hubTok = ""
	want(t, e.do("POST", "/_mock/reset", "", nil), 204)
	e.createUser("after-reset@moby.example")
	check("after a reset")
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)) && len(out) < 20; i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("line %d\n memory: %s\n   disk: %s", i+1, x, y))
		}
	}
	return strings.Join(out, "\n")
}

// TestLegacyJSONStateRefused: a format-1 JSON state file is refused with
// what to do, and left as it was.
func TestLegacyJSONStateRefused(t *testing.T) {
	src := newEnv(t)
	workload(src)
	legacy := snapshotJSON(t, src.srv)
	path := filepath.Join(t.TempDir(), "state.json")
	writeFile(t, path, legacy)

	_, err := New(Options{StatePath: path})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "JSON state file") {
		t.Fatalf("err = %v, want a refusal naming %s", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != legacy {
		t.Fatal("the JSON state file was changed")
	}
}

// TestUnsavedChangeIsNotAcknowledged: when the change cannot be saved, the
// answer is a 500, not the 201 of a write that a restart would lose.
func TestUnsavedChangeIsNotAcknowledged(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.StatePath = filepath.Join(t.TempDir(), "state.db") })
	if err := e.srv.durable.close(); err != nil {
		t.Fatal(err)
	}
	r := e.scim("POST", "/Users", userBody("unsaved@moby.example"))
	wantSCIMError(t, r, 500, "")
	if !strings.Contains(r.str("detail"), "could not be saved") {
		t.Errorf("detail: %s", r.raw)
	}
	want(t, e.hub("PUT", "/v2/orgs/moby/members/dev", map[string]any{"role": "editor"}), 500)
	want(t, e.scim("GET", "/Users", nil), 200) // reads change nothing
}

// TestCrashedStateReplays copies the database and its log as a crash
// leaves them, with a torn frame at the end of the log, and checks that a
// new mockhub on the copy has every acknowledged change.
func TestCrashedStateReplays(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	e := newEnv(t, func(o *Options) { o.StatePath = path })
	workload(e)
	live := snapshotJSON(t, e.srv) // every change above was acknowledged

	crash := t.TempDir()
	for _, name := range []string{"state.db", "state.db.wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "state.db.wal" {
			if len(b) == 0 {
				t.Fatal("the log is empty: nothing to replay")
			}
			b = append(b, 0x40, 0, 0, 0, 1, 2, 3, 4, 'p', 'a', 'r', 't') // a frame cut short
		}
		writeFile(t, filepath.Join(crash, name), string(b))
	}
	e2 := newEnv(t, func(o *Options) { o.StatePath = filepath.Join(crash, "state.db") })
	if got := snapshotJSON(t, e2.srv); got != live {
		t.Fatalf("replayed state differs:\n%s", lineDiff(live, got))
	}
	// It goes on working, and a clean shutdown removes the log.
	e2.createUser("after-crash@moby.example")
	e2.ts.Close()
	if err := e2.srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(crash, "state.db.wal")); !os.IsNotExist(err) {
		t.Errorf("log left after a clean shutdown: %v", err)
	}
}
