package mockhub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	mobyToken     = "moby-scim-token"
	userURN       = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupURN      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	patchURN      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	dockerURN     = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"
	enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	errorURN      = "urn:ietf:params:scim:api:messages:2.0:Error"
	adminPass     = "mockhub-admin-password"
	devPass       = "mockhub-dev-password"
	scimPrefix    = "/v2/scim/2.0"
)

// fakeClock is a settable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t      testing.TB
	srv    *Server
	ts     *httptest.Server
	clock  *fakeClock
	hubTok string
}

// newEnv starts a Server (SCIM enabled on the moby connection with
// mobyToken unless opts says otherwise) behind httptest.
func newEnv(t testing.TB, opts ...func(*Options)) *env {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	o := Options{SCIMToken: mobyToken, Now: clock.Now}
	for _, f := range opts {
		f(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, srv: srv, ts: ts, clock: clock}
}

type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r *resp) str(path ...string) string {
	v := r.get(path...)
	s, _ := v.(string)
	return s
}

// get walks the decoded body: keys for objects, "0".. for lists.
func (r *resp) get(path ...string) any {
	var v any = r.body
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil {
				return nil
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func (r *resp) list(path ...string) []any {
	l, _ := r.get(path...).([]any)
	return l
}

func (r *resp) num(path ...string) int {
	f, _ := r.get(path...).(float64)
	return int(f)
}

// do sends a request; body is a string (sent raw) or a value (sent as JSON).
// hdr is name, value pairs.
func (e *env) do(method, path, token string, body any, hdr ...string) *resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := &resp{status: res.StatusCode, header: res.Header, raw: raw}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &r.body) // a non-JSON body stays in raw for the test to inspect
	}
	return r
}

// scim sends a SCIM request with the moby token.
func (e *env) scim(method, path string, body any, hdr ...string) *resp {
	e.t.Helper()
	return e.do(method, scimPrefix+path, mobyToken, body, hdr...)
}

// hub sends a management request as admin.
func (e *env) hub(method, path string, body any) *resp {
	e.t.Helper()
	if e.hubTok == "" {
		e.hubTok = e.login("admin", adminPass)
	}
	return e.do(method, path, e.hubTok, body)
}

func (e *env) login(user, pass string) string {
	e.t.Helper()
	r := e.do("POST", "/v2/auth/token", "", map[string]string{"identifier": user, "secret": pass})
	if r.status != 200 {
		e.t.Fatalf("login %s: %d %s", user, r.status, r.raw)
	}
	return r.str("access_token")
}

func want(t testing.TB, r *resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
}

// wantSCIMError checks a SCIM error body.
func wantSCIMError(t testing.TB, r *resp, status int, scimType string) {
	t.Helper()
	want(t, r, status)
	if got := r.header.Get("Content-Type"); got != "application/scim+json" {
		t.Errorf("Content-Type %q", got)
	}
	if r.str("status") != fmt.Sprint(status) || len(r.list("schemas")) != 1 || r.str("schemas", "0") != errorURN {
		t.Errorf("not a SCIM error body: %s", r.raw)
	}
	if r.str("scimType") != scimType {
		t.Errorf("scimType %q, want %q (%s)", r.str("scimType"), scimType, r.raw)
	}
}

func userBody(userName string, extra ...any) map[string]any {
	b := map[string]any{"schemas": []string{userURN}, "userName": userName}
	for i := 0; i+1 < len(extra); i += 2 {
		b[extra[i].(string)] = extra[i+1]
	}
	return b
}

func dockerExt(kv ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func groupBody(name string, members ...string) map[string]any {
	ms := []any{}
	for _, m := range members {
		ms = append(ms, map[string]any{"value": m})
	}
	return map[string]any{"schemas": []string{groupURN}, "displayName": name, "members": ms}
}

func patchBody(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{patchURN}, "Operations": ops}
}

func op(o, path string, value any) map[string]any {
	m := map[string]any{"op": o}
	if path != "" {
		m["path"] = path
	}
	if value != nil {
		m["value"] = value
	}
	return m
}

// createUser POSTs a user with the moby token and returns its id.
func (e *env) createUser(userName string, extra ...any) string {
	e.t.Helper()
	r := e.scim("POST", "/Users", userBody(userName, extra...))
	want(e.t, r, 201)
	return r.str("id")
}

// members lists an org's members as username -> role, with their teams.
func (e *env) members(org string) (map[string]string, map[string][]string) {
	e.t.Helper()
	r := e.hub("GET", "/v2/orgs/"+org+"/members?page_size=100", nil)
	want(e.t, r, 200)
	roles, teams := map[string]string{}, map[string][]string{}
	for _, m := range r.list("results") {
		mm := m.(map[string]any)
		u := mm["username"].(string)
		roles[u] = mm["role"].(string)
		for _, g := range mm["groups"].([]any) {
			teams[u] = append(teams[u], g.(string))
		}
	}
	return roles, teams
}

// teamMembers lists a team's usernames (nil when the team does not exist).
func (e *env) teamMembers(org, team string) []string {
	e.t.Helper()
	r := e.hub("GET", "/v2/orgs/"+org+"/groups/"+team+"/members", nil)
	if r.status == 404 {
		return nil
	}
	want(e.t, r, 200)
	out := []string{}
	for _, m := range r.list("results") {
		out = append(out, m.(map[string]any)["username"].(string))
	}
	return out
}

// enableSCIM enables SCIM on a connection through the management API and
// returns the token.
func (e *env) enableSCIM(scope, id string) string {
	e.t.Helper()
	r := e.hub("POST", "/v2/"+scope+"/sso/connections/"+id+"/scim", nil)
	want(e.t, r, 201)
	return r.str("token")
}
