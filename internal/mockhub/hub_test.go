package mockhub

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHubAuth(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name   string
		body   any
		status int
	}{
		{"password", map[string]string{"identifier": "admin", "secret": adminPass}, 200},
		{"email identifier", map[string]string{"identifier": "ADMIN@moby.example", "secret": adminPass}, 200},
		{"wrong secret", map[string]string{"identifier": "admin", "secret": "nope"}, 401},
		{"unknown user", map[string]string{"identifier": "ghost", "secret": adminPass}, 401},
		{"empty", map[string]string{}, 401},
		{"bad JSON", `{"identifier":`, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/v2/auth/token", "", tc.body)
			want(t, r, tc.status)
			if tc.status == 200 && r.str("access_token") == "" {
				t.Errorf("%s", r.raw)
			}
			if tc.status != 200 && r.str("message") == "" {
				t.Errorf("no message: %s", r.raw)
			}
		})
	}
	r := e.do("POST", "/v2/users/login", "", map[string]string{"username": "admin", "password": adminPass})
	want(t, r, 200)
	if r.str("token") == "" {
		t.Errorf("%s", r.raw)
	}

	// Every management call wants a valid, unexpired token.
	want(t, e.do("GET", "/v2/orgs/moby/members", "", nil), 401)
	want(t, e.do("GET", "/v2/orgs/moby/members", "garbage", nil), 401)
	want(t, e.do("GET", "/v2/orgs/moby/members", mobyToken, nil), 401) // a SCIM token is not a Hub token
	tok := e.login("admin", adminPass)
	want(t, e.do("GET", "/v2/orgs/moby/members", tok, nil), 200)
	e.clock.Advance(9 * time.Minute)
	want(t, e.do("GET", "/v2/orgs/moby/members", tok, nil), 200)
	e.clock.Advance(2 * time.Minute)
	r = e.do("GET", "/v2/orgs/moby/members", tok, nil)
	want(t, r, 401)
	if !strings.Contains(r.str("message"), "expired") {
		t.Errorf("message %q", r.str("message"))
	}
}

func TestHubPermissionsAndNotFound(t *testing.T) {
	e := newEnv(t)
	dev := e.login("dev", devPass)
	admin := e.login("admin", adminPass)
	conn := "/sso/connections/" + DefaultOrgConnectionID
	cases := []struct {
		method, path string
		token        string
		status       int
		names        string
	}{
		{"GET", "/v2/orgs/moby/members", dev, 403, "moby"},
		{"GET", "/v2/orgs/moby/groups", dev, 403, ""},
		{"GET", "/v2/orgs/moby" + conn, dev, 403, ""},
		{"POST", "/v2/orgs/moby" + conn + "/scim/token", dev, 403, ""},
		{"DELETE", "/v2/orgs/moby/members/admin", dev, 403, ""},
		{"GET", "/v2/companies/moby-inc/sso/connections", dev, 403, "moby-inc"},
		{"GET", "/v2/orgs/atlantis/members", admin, 404, "atlantis"},
		{"GET", "/v2/orgs/moby/groups/ghosts", admin, 404, "ghosts"},
		{"GET", "/v2/orgs/moby/groups/ghosts/members", admin, 404, "ghosts"},
		{"GET", "/v2/companies/acme/sso/connections", admin, 404, "acme"},
		{"GET", "/v2/orgs/moby/sso/connections/nope", admin, 404, "nope"},
		// A connection is reached only through its own org or company.
		{"GET", "/v2/orgs/whale" + conn, admin, 404, DefaultOrgConnectionID},
		{"GET", "/v2/companies/moby-inc" + conn, admin, 404, DefaultOrgConnectionID},
		{"GET", "/v2/orgs/moby/sso/connections/" + DefaultCompanyConnectionID, admin, 404, ""},
		{"DELETE", "/v2/orgs/moby/members/jane", admin, 404, "jane"},
		{"GET", "/v2/orgs/moby/members?page=0", admin, 400, "page"},
		{"GET", "/v2/orgs/moby/members?role=boss", admin, 400, "role"},
		{"PATCH", "/v2/orgs/moby/members", admin, 405, ""},
		{"GET", "/v2/nope", admin, 404, "/v2/nope"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.token, nil)
			want(t, r, tc.status)
			if r.header.Get("Content-Type") != "application/json" || r.str("message") == "" || r.get("errinfo") == nil {
				t.Errorf("error body %s", r.raw)
			}
			if tc.names != "" && !strings.Contains(r.str("message"), tc.names) {
				t.Errorf("message %q does not name %q", r.str("message"), tc.names)
			}
		})
	}
}

func TestHubMembersAndTeams(t *testing.T) {
	seed := DefaultSeed()
	seed.Orgs[0].Teams = []SeedTeam{{Name: "core", Description: "Core team", Members: []string{"dev"}}}
	e := newEnv(t, func(o *Options) { o.Seed = seed })
	for i := range 30 {
		e.createUser(fmt.Sprintf("member%02d@moby.example", i))
	}
	r := e.hub("GET", "/v2/orgs/moby/members", nil)
	want(t, r, 200)
	if r.num("count") != 32 || len(r.list("results")) != 25 || r.get("previous") != nil {
		t.Fatalf("%s", r.raw)
	}
	next := r.str("next")
	if !strings.HasPrefix(next, e.ts.URL+"/v2/orgs/moby/members?") || !strings.Contains(next, "page=2") {
		t.Fatalf("next %q", next)
	}
	first := r.get("results", "0").(map[string]any)
	for _, k := range []string{"id", "username", "full_name", "email", "role", "groups", "type", "date_joined"} {
		if _, ok := first[k]; !ok {
			t.Errorf("member has no %s: %v", k, first)
		}
	}
	r = e.do("GET", strings.TrimPrefix(next, e.ts.URL), e.hubTok, nil)
	want(t, r, 200)
	if len(r.list("results")) != 7 || r.get("next") != nil || !strings.Contains(r.str("previous"), "page=1") {
		t.Fatalf("page 2: %s", r.raw)
	}
	r = e.hub("GET", "/v2/orgs/moby/members?page_size=500", nil)
	if len(r.list("results")) != 32 {
		t.Errorf("page_size max 100: %d", len(r.list("results")))
	}
	r = e.hub("GET", "/v2/orgs/moby/members?search=MEMBER1&page_size=100", nil)
	if r.num("count") != 10 {
		t.Errorf("search: %d", r.num("count"))
	}
	r = e.hub("GET", "/v2/orgs/moby/members?role=owner", nil)
	if r.num("count") != 1 || r.str("results", "0", "username") != "admin" {
		t.Errorf("role: %s", r.raw)
	}
	r = e.hub("GET", "/v2/orgs/moby/members?search=dev", nil)
	if r.num("count") != 1 || r.str("results", "0", "groups", "0") != "core" {
		t.Errorf("seeded team: %s", r.raw)
	}
	r = e.hub("GET", "/v2/orgs/moby/groups", nil)
	want(t, r, 200)
	if r.num("count") != 1 || r.str("results", "0", "name") != "core" || r.str("results", "0", "description") != "Core team" {
		t.Errorf("teams: %s", r.raw)
	}
	r = e.hub("GET", "/v2/orgs/moby/groups/CORE/members", nil)
	want(t, r, 200)
	if r.num("count") != 1 || r.str("results", "0", "username") != "dev" || r.str("results", "0", "email") != "dev@moby.example" {
		t.Errorf("team members: %s", r.raw)
	}
	// PUT and DELETE a member.
	r = e.hub("PUT", "/v2/orgs/moby/members/dev", map[string]string{"role": "editor"})
	want(t, r, 200)
	if r.str("role") != "editor" {
		t.Errorf("%s", r.raw)
	}
	want(t, e.hub("PUT", "/v2/orgs/moby/members/dev", map[string]string{"role": "boss"}), 400)
	want(t, e.hub("DELETE", "/v2/orgs/moby/members/dev", nil), 204)
	if roles, _ := e.members("moby"); roles["dev"] != "" {
		t.Error("dev still a member")
	}
	if got := e.teamMembers("moby", "core"); len(got) != 0 {
		t.Errorf("dev still on core: %v", got)
	}
	// Company owners administer the company's orgs; org owners of other orgs do not.
	want(t, e.hub("GET", "/v2/orgs/whale/members", nil), 200)
}

func TestHubSSOAndSCIMAdministration(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.SCIMToken = "" })
	for _, tc := range []struct{ scope, id, name, typ string }{
		{"orgs/moby", DefaultOrgConnectionID, "Moby Okta", "SAML"},
		{"companies/moby-inc", DefaultCompanyConnectionID, "Moby Inc Entra", "OIDC"},
		{"orgs/whale", DefaultWhaleConnectionID, "Whale OneLogin", "SAML"},
	} {
		t.Run(tc.scope, func(t *testing.T) {
			base := "/v2/" + tc.scope + "/sso/connections"
			r := e.hub("GET", base, nil)
			want(t, r, 200)
			if r.num("count") != 1 || r.str("results", "0", "id") != tc.id {
				t.Fatalf("%s", r.raw)
			}
			r = e.hub("GET", base+"/"+tc.id, nil)
			want(t, r, 200)
			if r.str("name") != tc.name || r.str("type") != tc.typ || r.get("scim_enabled") != false || len(r.list("domains")) != 1 {
				t.Errorf("%s", r.raw)
			}
			if strings.HasPrefix(tc.scope, "orgs/") && r.str("org_name") != strings.TrimPrefix(tc.scope, "orgs/") {
				t.Errorf("org_name: %s", r.raw)
			}
			if strings.HasPrefix(tc.scope, "companies/") && r.str("company_name") != "moby-inc" {
				t.Errorf("company_name: %s", r.raw)
			}
			path := base + "/" + tc.id + "/scim"
			r = e.hub("GET", path, nil)
			if r.get("enabled") != false || r.get("base_url") != "" || r.get("token") != nil {
				t.Errorf("disabled state: %s", r.raw)
			}
			want(t, e.hub("POST", path+"/token", nil), 409)
			want(t, e.hub("DELETE", path, nil), 409)

			r = e.hub("POST", path, nil)
			want(t, r, 201)
			tok := r.str("token")
			if r.get("enabled") != true || r.str("base_url") != e.ts.URL+scimPrefix || tok == "" {
				t.Fatalf("enable: %s", r.raw)
			}
			want(t, e.do("GET", scimPrefix+"/Users", tok, nil), 200)
			want(t, e.hub("POST", path, nil), 409)
			r = e.hub("GET", path, nil)
			if r.get("enabled") != true || r.str("base_url") != e.ts.URL+scimPrefix || r.get("token") != nil {
				t.Errorf("enabled state: %s", r.raw)
			}
			if r = e.hub("GET", base+"/"+tc.id, nil); r.get("scim_enabled") != true {
				t.Errorf("scim_enabled: %s", r.raw)
			}

			r = e.hub("POST", path+"/token", nil)
			want(t, r, 200)
			tok2 := r.str("token")
			if tok2 == "" || tok2 == tok {
				t.Fatalf("rotate: %s", r.raw)
			}
			wantSCIMError(t, e.do("GET", scimPrefix+"/Users", tok, nil), 401, "")
			want(t, e.do("GET", scimPrefix+"/Users", tok2, nil), 200)

			want(t, e.hub("DELETE", path, nil), 204)
			wantSCIMError(t, e.do("GET", scimPrefix+"/Users", tok2, nil), 401, "")
			want(t, e.hub("DELETE", path, nil), 409)
		})
	}
}

func TestMockStatsAndReset(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("stats@moby.example")
	e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "active", false)))
	e.scim("GET", "/Users/"+id, nil)
	e.scim("GET", "/Users/"+id, nil)
	e.do("GET", "/v2/nope", "", nil)
	e.do("GET", "/_mock/faults", "", nil)
	r := e.do("GET", "/_mock/stats", "", nil)
	want(t, r, 200)
	if r.num("requests_total") != 5 || r.num("by_method", "GET") != 3 || r.num("by_method", "POST") != 1 {
		t.Errorf("%s", r.raw)
	}
	for route, n := range map[string]int{
		"POST /v2/scim/2.0/Users": 1, "PATCH /v2/scim/2.0/Users/{id}": 1, "GET /v2/scim/2.0/Users/{id}": 2,
	} {
		if got := r.num("by_route", route); got != n {
			t.Errorf("%s = %d, want %d (%s)", route, got, n, r.raw)
		}
		if !slices.Contains(r.list("routes"), any(route)) {
			t.Errorf("routes lack %s: %s", route, r.raw)
		}
	}

	want(t, e.do("PUT", "/_mock/faults", "", map[string]int{"latency_ms": 1}), 200)
	want(t, e.do("POST", "/_mock/reset", "", nil), 204)
	wantSCIMError(t, e.scim("GET", "/Users/"+id, nil), 404, "") // the seed has no SCIM users
	r = e.do("GET", "/_mock/faults", "", nil)
	if r.num("latency_ms") != 0 {
		t.Errorf("faults survive reset: %s", r.raw)
	}
	r = e.do("GET", "/_mock/stats", "", nil)
	if r.num("requests_total") != 1 { // the GET above
		t.Errorf("stats survive reset: %s", r.raw)
	}
	// The -scim-token still works after a reset.
	want(t, e.scim("GET", "/Users", nil), 200)
	want(t, e.do("GET", "/_mock/nope", "", nil), 404)
}

func TestSeedAndInfo(t *testing.T) {
	e := newEnv(t)
	info := e.srv.Info("http://127.0.0.1:1234/")
	// moby is in no company: a company's orgs are covered at company level.
	wantInfo := Info{HubURL: "http://127.0.0.1:1234", Username: "admin", Password: adminPass, OrgName: "moby",
		CompanyName: "", SSOConnectionID: DefaultOrgConnectionID,
		SCIMBaseURL: "http://127.0.0.1:1234/v2/scim/2.0", SCIMToken: mobyToken, ConsoleURL: "http://127.0.0.1:1234/", Dialect: DialectRFC}
	if info != wantInfo {
		t.Errorf("Info = %+v\nwant %+v", info, wantInfo)
	}
	plain := newEnv(t, func(o *Options) { o.SCIMToken = "" })
	if got := plain.srv.Info("http://h"); got.SCIMBaseURL != "" || got.SCIMToken != "" {
		t.Errorf("SCIM disabled, Info %+v", got)
	}

	bad := []struct {
		name string
		seed func(*Seed)
	}{
		{"member not an account", func(s *Seed) { s.Orgs[0].Members = append(s.Orgs[0].Members, SeedMember{Username: "ghost"}) }},
		{"bad role", func(s *Seed) { s.Orgs[0].Members[1].Role = "boss" }},
		{"connection on nothing", func(s *Seed) { s.Connections[0].Org = "" }},
		{"connection on unknown org", func(s *Seed) { s.Connections[0].Org = "nope" }},
		{"duplicate account", func(s *Seed) { s.Accounts = append(s.Accounts, s.Accounts[0]) }},
		{"company with unknown org", func(s *Seed) { s.Companies[0].Orgs = []string{"nope"} }},
		{"bad connection type", func(s *Seed) { s.Connections[0].Type = "LDAP" }},
		{"team member not an org member", func(s *Seed) { s.Orgs[1].Teams = []SeedTeam{{Name: "t", Members: []string{"dev"}}} }},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			s := DefaultSeed()
			tc.seed(s)
			if _, err := New(Options{Seed: s}); err == nil {
				t.Error("New accepted a bad seed")
			}
		})
	}
}

func TestLoadSeed(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/seed.json"
	writeFile(t, path, `{
	  "accounts": [{"username": "Boss", "email": "boss@acme.example", "password": "pw"},
	               {"username": "worker", "email": "worker@acme.example"}],
	  "orgs": [{"name": "acme", "members": [{"username": "boss", "role": "owner"}, {"username": "worker"}],
	            "teams": [{"name": "ops", "members": ["worker"]}]}],
	  "connections": [{"id": "c-1", "name": "Acme", "type": "saml", "domains": ["acme.example"], "org": "acme", "scim_token": "seeded"}]
	}`)
	seed, err := LoadSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *Options) { o.Seed = seed; o.SCIMToken = "" })
	info := e.srv.Info("http://x")
	if info.Username != "boss" || info.Password != "pw" || info.OrgName != "acme" || info.CompanyName != "" || info.SCIMToken != "seeded" {
		t.Errorf("%+v", info)
	}
	r := e.do("GET", scimPrefix+"/Users", "seeded", nil)
	want(t, r, 200)
	e.hubTok = e.login("boss", "pw")
	if got := e.teamMembers("acme", "ops"); len(got) != 1 || got[0] != "worker" {
		t.Errorf("ops: %v", got)
	}

	writeFile(t, path, `{"accounts": [], "bogus": 1}`)
	if _, err := LoadSeed(path); err == nil {
		t.Error("unknown field accepted")
	}
	if _, err := LoadSeed(dir + "/missing.json"); err == nil {
		t.Error("missing file accepted")
	}
}
