package mockhub

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (e *env) userCount() int {
	e.t.Helper()
	r := e.scim("GET", "/Users?count=0", nil)
	want(e.t, r, 200)
	return r.num("totalResults")
}

func TestFaults(t *testing.T) {
	e := newEnv(t)
	setFaults := func(f string) {
		t.Helper()
		want(t, e.do("PUT", "/_mock/faults", "", f), 200)
	}
	t.Run("validation", func(t *testing.T) {
		want(t, e.do("PUT", "/_mock/faults", "", `{"fail_evry": 2}`), 400)
		want(t, e.do("PUT", "/_mock/faults", "", `{"fail_every": -1}`), 400)
		want(t, e.do("PUT", "/_mock/faults", "", `nope`), 400)
	})
	t.Run("get and delete", func(t *testing.T) {
		setFaults(`{"latency_ms": 5, "fail_every": 3, "throttle_every": 4, "retry_after_seconds": 2, "drop_every": 5}`)
		r := e.do("GET", "/_mock/faults", "", nil)
		if r.num("latency_ms") != 5 || r.num("fail_every") != 3 || r.num("throttle_every") != 4 || r.num("retry_after_seconds") != 2 || r.num("drop_every") != 5 {
			t.Errorf("%s", r.raw)
		}
		want(t, e.do("DELETE", "/_mock/faults", "", nil), 204)
		r = e.do("GET", "/_mock/faults", "", nil)
		if r.num("fail_every") != 0 || r.num("latency_ms") != 0 {
			t.Errorf("%s", r.raw)
		}
	})
	t.Run("fail_every", func(t *testing.T) {
		before := e.userCount()
		setFaults(`{"fail_every": 2}`)
		want(t, e.scim("POST", "/Users", userBody("fail1@moby.example")), 201)
		r := e.scim("POST", "/Users", userBody("fail2@moby.example"))
		wantSCIMError(t, r, 503, "")
		want(t, e.do("GET", "/v2/orgs/moby/members", "", nil), 401) // 3rd passes through
		r = e.do("POST", "/v2/auth/token", "", map[string]string{"identifier": "admin", "secret": adminPass})
		want(t, r, 503) // 4th: a Hub error body off the SCIM path
		if r.str("message") == "" {
			t.Errorf("%s", r.raw)
		}
		want(t, e.do("DELETE", "/_mock/faults", "", nil), 204)
		if got := e.userCount(); got != before+1 {
			t.Errorf("users %d, want %d: the 503 must not take effect", got, before+1)
		}
	})
	t.Run("throttle_every", func(t *testing.T) {
		before := e.userCount()
		setFaults(`{"throttle_every": 1, "retry_after_seconds": 7}`)
		r := e.scim("POST", "/Users", userBody("throttled@moby.example"))
		wantSCIMError(t, r, 429, "")
		if r.header.Get("Retry-After") != "7" || r.header.Get("X-Retry-After") == "" {
			t.Errorf("Retry-After %q X-Retry-After %q", r.header.Get("Retry-After"), r.header.Get("X-Retry-After"))
		}
		setFaults(`{"throttle_every": 1}`)
		if r = e.scim("GET", "/Users", nil); r.header.Get("Retry-After") != "1" {
			t.Errorf("default Retry-After %q", r.header.Get("Retry-After"))
		}
		want(t, e.do("DELETE", "/_mock/faults", "", nil), 204)
		if got := e.userCount(); got != before {
			t.Errorf("a throttled POST took effect")
		}
	})
	t.Run("drop_every", func(t *testing.T) {
		setFaults(`{"drop_every": 2}`)
		want(t, e.scim("GET", "/Users", nil), 200) // reads are not counted
		want(t, e.scim("POST", "/Users", userBody("drop1@moby.example")), 201)
		req, _ := http.NewRequest("POST", e.ts.URL+scimPrefix+"/Users", strings.NewReader(`{"schemas":["`+userURN+`"],"userName":"dropped@moby.example"}`))
		req.Header.Set("Authorization", "Bearer "+mobyToken)
		res, err := e.ts.Client().Do(req)
		if err == nil {
			res.Body.Close()
			t.Fatalf("dropped request answered %d", res.StatusCode)
		}
		want(t, e.do("DELETE", "/_mock/faults", "", nil), 204)
		r := e.scim("GET", `/Users?filter=userName%20eq%20%22dropped@moby.example%22`, nil)
		if r.num("totalResults") != 1 {
			t.Errorf("the dropped POST did not take effect: %s", r.raw)
		}
	})
	t.Run("latency_ms", func(t *testing.T) {
		setFaults(`{"latency_ms": 60}`)
		start := time.Now()
		want(t, e.scim("GET", "/ServiceProviderConfig", nil), 200)
		if d := time.Since(start); d < 60*time.Millisecond {
			t.Errorf("answered in %v", d)
		}
		// /_mock/ is never delayed.
		start = time.Now()
		want(t, e.do("GET", "/_mock/stats", "", nil), 200)
		if d := time.Since(start); d > 50*time.Millisecond {
			t.Errorf("/_mock delayed %v", d)
		}
		// The delay respects cancellation.
		setFaults(`{"latency_ms": 10000}`)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+scimPrefix+"/Users", nil)
		start = time.Now()
		_, err := e.ts.Client().Do(req)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Errorf("err %v after %v", err, time.Since(start))
		}
		want(t, e.do("DELETE", "/_mock/faults", "", nil), 204)
	})
}

func TestStatePersistence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e := newEnv(t, func(o *Options) { o.StatePath = path })
	id := e.createUser("persist@moby.example", "name", map[string]any{"givenName": "Per", "familyName": "Sist"},
		dockerURN, dockerExt("dockerRole", "editor", "dockerTeam", "keepers"), "title", "Archivist")
	g := e.scim("POST", "/Groups", groupBody("moby:persisted", id))
	want(t, g, 201)
	inactive := e.createUser("asleep@moby.example", "active", false)
	whale := e.enableSCIM("orgs/whale", DefaultWhaleConnectionID)
	want(t, e.do("POST", scimPrefix+"/Users", whale, userBody("w@whale.example")), 201)
	before := e.scim("GET", "/Users/"+id, nil)

	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(path + ".wal")
	b = append(b, wal...)
	if strings.Contains(string(b), mobyToken) || strings.Contains(string(b), whale) {
		t.Error("the state file holds a plaintext SCIM token")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, f := range entries {
		if f.Name() != "state.json" && f.Name() != "state.json.wal" { // the database and its log
			t.Errorf("temporary file left: %s", f.Name())
		}
	}

	// A restart without -scim-token keeps SCIM and its tokens. (One
	// mockhub at a time: the state database is locked while open.)
	e.ts.Close()
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := newEnv(t, func(o *Options) { o.StatePath = path; o.SCIMToken = "" })
	after := e2.scim("GET", "/Users/"+id, nil)
	want(t, after, 200)
	if strings.ReplaceAll(string(after.raw), e2.ts.URL, "") != strings.ReplaceAll(string(before.raw), e.ts.URL, "") {
		t.Errorf("user changed across restart:\n%s\n%s", before.raw, after.raw)
	}
	if after.header.Get("ETag") != before.header.Get("ETag") {
		t.Error("version changed across restart")
	}
	want(t, e2.do("GET", scimPrefix+"/Users", whale, nil), 200)
	roles, teams := e2.members("moby")
	if roles["persist"] != "editor" || len(teams["persist"]) != 2 || roles["asleep"] != "" {
		t.Errorf("memberships: %v %v", roles, teams)
	}
	r := e2.scim("GET", "/Groups/"+g.str("id"), nil)
	if r.str("members", "0", "value") != id {
		t.Errorf("group: %s", r.raw)
	}
	// Indexes are rebuilt.
	r = e2.scim("GET", `/Users?filter=userName%20eq%20%22PERSIST@moby.example%22`, nil)
	if r.num("totalResults") != 1 {
		t.Errorf("index: %s", r.raw)
	}
	want(t, e2.scim("PATCH", "/Users/"+inactive, patchBody(op("replace", "active", true))), 200)
	if info := e2.srv.Info("http://h"); info.SCIMBaseURL == "" || info.SCIMToken != "" {
		t.Errorf("Info after restart: %+v", info)
	}

	// A restart with -scim-token adds that token; the old one still works.
	e2.ts.Close()
	if err := e2.srv.Close(); err != nil {
		t.Fatal(err)
	}
	e3 := newEnv(t, func(o *Options) { o.StatePath = path; o.SCIMToken = "fresh" })
	want(t, e3.do("GET", scimPrefix+"/Users", "fresh", nil), 200)
	want(t, e3.do("GET", scimPrefix+"/Users", mobyToken, nil), 200)
	if roles, _ := e3.members("moby"); roles["asleep"] != "member" {
		t.Errorf("change made by e2 lost: %v", roles)
	}

	// A corrupt state file is an error, not a silent reseed.
	e3.ts.Close()
	if err := e3.srv.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, "{")
	if _, err := New(Options{StatePath: path}); err == nil {
		t.Error("corrupt state accepted")
	}
	// A missing one is seeded and written.
	p2 := filepath.Join(dir, "new.json")
	s2, err := New(Options{StatePath: p2})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := os.Stat(p2); errors.Is(err, fs.ErrNotExist) {
		t.Error("state not written at start")
	}
}

func TestConcurrentPatches(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("race@moby.example")
	var members []string
	emailOf := map[string]string{} // SCIM id → email
	for i := range 8 {
		email := fmt.Sprintf("racer%d@moby.example", i)
		members = append(members, e.createUser(email))
		emailOf[members[i]] = email
	}
	g := e.scim("POST", "/Groups", groupBody("moby:race"))
	gid := g.str("id")
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := e.ts.Client()
			for i := range 15 {
				for _, req := range []struct{ path, body string }{
					{"/Users/" + id, fmt.Sprintf(`{"schemas":["%s"],"Operations":[{"op":"replace","path":"displayName","value":"w%d-%d"},{"op":"replace","path":"active","value":%t}]}`, patchURN, w, i, i%2 == 0)},
					{"/Groups/" + gid, fmt.Sprintf(`{"schemas":["%s"],"Operations":[{"op":"add","path":"members","value":[{"value":"%s"}]}]}`, patchURN, members[w])},
					{"/Groups/" + gid, fmt.Sprintf(`{"schemas":["%s"],"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"}]}`, patchURN, members[(w+1)%8])},
				} {
					hr, _ := http.NewRequest("PATCH", e.ts.URL+scimPrefix+req.path, strings.NewReader(req.body))
					hr.Header.Set("Authorization", "Bearer "+mobyToken)
					res, err := client.Do(hr)
					if err != nil {
						errs <- err.Error()
						continue
					}
					res.Body.Close()
					// Removing a member who is not there may be noTarget.
					if res.StatusCode != 200 && !(res.StatusCode == 400 && strings.Contains(req.body, "remove")) {
						errs <- fmt.Sprintf("%s: %d", req.path, res.StatusCode)
					}
				}
				if res, err := client.Get(e.ts.URL + "/_mock/stats"); err == nil {
					res.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	r := e.scim("GET", "/Users/"+id, nil)
	if r.str("meta", "version") != `W/"121"` {
		t.Errorf("version %s after 120 changes", r.str("meta", "version"))
	}
	// The team holds exactly the group's members.
	r = e.scim("GET", "/Groups/"+gid, nil)
	group := []string{}
	for _, m := range r.list("members") {
		id, _ := m.(map[string]any)["value"].(string)
		group = append(group, emailOf[id])
	}
	tm := e.hub("GET", "/v2/orgs/moby/groups/race/members?page_size=100", nil)
	want(t, tm, 200)
	team := []string{}
	for _, m := range tm.list("results") {
		team = append(team, m.(map[string]any)["email"].(string))
	}
	slices.Sort(group)
	slices.Sort(team)
	if !slices.Equal(team, group) {
		t.Errorf("team %v, group %v (%s)", team, group, r.raw)
	}
}

// FuzzSCIMRequestDecoding sends arbitrary bodies to every SCIM write: none
// may be answered 500 or panic.
func FuzzSCIMRequestDecoding(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["` + userURN + `"],"userName":"a@moby.example"}`,
		`{"schemas":["` + groupURN + `"],"displayName":"moby:x","members":[{"value":"x"}]}`,
		`{"schemas":["` + patchURN + `"],"Operations":[{"op":"replace","value":{"active":"False"}}]}`,
		`{"schemas":["` + patchURN + `"],"Operations":[{"op":"remove","path":"members[value eq \"1\"]"}]}`,
		`{"schemas":["` + patchURN + `"],"Operations":[{"op":"add","path":"emails[type eq \"work\"].value","value":1}]}`,
		`{"schemas":["` + userURN + `"],"userName":{"x":1},"emails":"nope","name":[1]}`,
		`{"Operations":null}`, `[]`, `null`, `"x"`, `{`, ``, `{"schemas":[null]}`,
	} {
		f.Add([]byte(s))
	}
	srv, err := New(Options{SCIMToken: mobyToken})
	if err != nil {
		f.Fatal(err)
	}
	send := func(method, path string, body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, scimPrefix+path, strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+mobyToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	seed := func(path, body string) string {
		rec := send("POST", path, []byte(body))
		id := extractID(rec.Body.String())
		if rec.Code != http.StatusCreated || id == "" {
			f.Fatalf("seeding POST %s: %d %s", path, rec.Code, rec.Body)
		}
		return id
	}
	uid := seed("/Users", `{"schemas":["`+userURN+`"],"userName":"fuzz@moby.example"}`)
	gid := seed("/Groups", `{"schemas":["`+groupURN+`"],"displayName":"moby:fuzz"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range []struct{ method, path string }{
			{"POST", "/Users"}, {"POST", "/Groups"}, {"PUT", "/Users/" + uid}, {"PUT", "/Groups/" + gid},
			{"PATCH", "/Users/" + uid}, {"PATCH", "/Groups/" + gid}, {"POST", "/Users/.search"}, {"POST", "/Groups/.search"},
		} {
			rec := send(c.method, c.path, body)
			if rec.Code >= 500 {
				t.Fatalf("%s %s %q: %d %s", c.method, c.path, body, rec.Code, rec.Body)
			}
		}
	})
}

func extractID(body string) string {
	_, rest, _ := strings.Cut(body, `"id":"`)
	id, _, _ := strings.Cut(rest, `"`)
	return id
}
