package mockhub

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestInfoForEverySeed: the start line describes a usable world whatever
// connections the seed has.
func TestInfoForEverySeed(t *testing.T) {
	accounts := []SeedAccount{{Username: "boss", Email: "boss@acme.example", Password: "boss-pw"}}
	orgs := []SeedOrg{{Name: "acme", Members: []SeedMember{{Username: "boss", Role: "owner"}}}}
	for _, tc := range []struct {
		name       string
		seed       *Seed
		scimToken  string
		want       Info
		wantSCIMOK bool
	}{
		{"company connection only, SCIM by seed", &Seed{
			Accounts: accounts, Orgs: orgs,
			Companies:   []SeedCompany{{Name: "acme-inc", Owners: []string{"boss"}, Orgs: []string{"acme"}}},
			Connections: []SeedConnection{{ID: "c-1", Name: "Entra", Type: "OIDC", Domains: []string{"acme.example"}, Company: "acme-inc", SCIMToken: "seed-tok"}},
		}, "", Info{Username: "boss", Password: "boss-pw", OrgName: "acme", CompanyName: "acme-inc", SSOConnectionID: "c-1", SCIMToken: "seed-tok"}, true},
		{"company connection only, SCIM by -scim-token", &Seed{
			Accounts: accounts, Orgs: orgs,
			Companies:   []SeedCompany{{Name: "acme-inc", Owners: []string{"boss"}, Orgs: []string{"acme"}}},
			Connections: []SeedConnection{{ID: "c-1", Name: "Entra", Type: "OIDC", Domains: []string{"acme.example"}, Company: "acme-inc"}},
		}, "flag-tok", Info{Username: "boss", Password: "boss-pw", OrgName: "acme", CompanyName: "acme-inc", SSOConnectionID: "c-1", SCIMToken: "flag-tok"}, true},
		{"no connection", &Seed{Accounts: accounts, Orgs: orgs}, "",
			Info{Username: "boss", Password: "boss-pw", OrgName: "acme"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.Seed, o.SCIMToken = tc.seed, tc.scimToken })
			got := e.srv.Info(e.ts.URL)
			tc.want.HubURL, tc.want.ConsoleURL, tc.want.Dialect = e.ts.URL, e.ts.URL+"/", DialectRFC
			if tc.wantSCIMOK {
				tc.want.SCIMBaseURL = e.ts.URL + SCIMBasePath
			}
			if got != tc.want {
				t.Fatalf("Info\n got %+v\nwant %+v", got, tc.want)
			}
			if !tc.wantSCIMOK {
				return
			}
			// The printed credentials work.
			r := e.do("GET", scimPrefix+"/Users", got.SCIMToken, nil)
			want(t, r, 200)
			tok := e.login(got.Username, got.Password)
			want(t, e.do("GET", "/v2/orgs/"+got.OrgName+"/members", tok, nil), 200)
		})
	}
}

func TestFaultStatusesHangAndRoutes(t *testing.T) {
	e := newEnv(t)
	e.hubTok = e.login("admin", adminPass)
	for _, st := range []int{500, 502, 503, 504} {
		want(t, e.do("PUT", "/_mock/faults", "", map[string]any{"fail_every": 1, "fail_status": st}), 200)
		r := e.scim("GET", "/Users", nil)
		wantSCIMError(t, r, st, "")
		want(t, e.hub("GET", "/v2/orgs/moby/members", nil), st)
	}
	want(t, e.do("PUT", "/_mock/faults", "", map[string]any{"fail_every": 1, "fail_status": 418}), 400)
	want(t, e.do("PUT", "/_mock/faults", "", map[string]any{"fail_every": 1, "routes": []string{"GET /nope"}}), 400)

	// Per route: only PATCH of groups fails; everything else is served.
	want(t, e.do("PUT", "/_mock/faults", "", map[string]any{"fail_every": 1, "fail_status": 502, "routes": []string{"PATCH /v2/scim/2.0/Groups/{id}"}}), 200)
	id := e.createUser("route@moby.example")
	g := e.scim("POST", "/Groups", groupBody("moby:route"))
	want(t, g, 201)
	want(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "title", "x"))), 200)
	want(t, e.scim("PATCH", "/Groups/"+g.str("id"), patchBody(op("add", "members", []any{map[string]any{"value": id}}))), 502)

	// A hang: the client gives up, the server holds nothing afterwards.
	want(t, e.do("PUT", "/_mock/faults", "", map[string]any{"hang_every": 2}), 200)
	want(t, e.scim("GET", "/Users", nil), 200)
	req, _ := http.NewRequest("GET", e.ts.URL+scimPrefix+"/Users", nil)
	req.Header.Set("Authorization", "Bearer "+mobyToken)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if res, err := e.ts.Client().Do(req.WithContext(ctx)); err == nil {
		res.Body.Close()
		t.Fatalf("hang answered %d", res.StatusCode)
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: %v", err)
	}
	// hang_ms ends it; the connection is dropped without an answer.
	want(t, e.do("PUT", "/_mock/faults", "", map[string]any{"hang_every": 1, "hang_ms": 20}), 200)
	if res, err := e.ts.Client().Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("hang_ms answered %d", res.StatusCode)
	}
	want(t, e.do("DELETE", "/_mock/faults", "", nil), 204)
	want(t, e.scim("GET", "/Users", nil), 200)
}

func TestClearStatsKeepsData(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("keep@moby.example")
	want(t, e.do("DELETE", "/_mock/stats", "", nil), 204)
	r := e.do("GET", "/_mock/stats", "", nil)
	if r.num("requests_total") != 0 || len(r.list("routes")) == 0 {
		t.Errorf("stats after clear: %s", r.raw)
	}
	want(t, e.scim("GET", "/Users/"+id, nil), 200)
	if r := e.do("GET", "/_mock/stats", "", nil); r.num("requests_total") != 1 {
		t.Errorf("stats count after one request: %s", r.raw)
	}
}

func TestRequestLog(t *testing.T) {
	e := newEnv(t)
	e.login("admin", adminPass)
	id := e.createUser("log@moby.example", "password", "hunter2-secret")
	want(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "password", "Bearer abc.def-ghi"))), 200)
	conn := e.hub("POST", "/v2/orgs/moby/sso/connections/"+DefaultCompanyConnectionID+"/scim", nil)
	_ = conn
	r := e.do("GET", "/_mock/requests", "", nil)
	want(t, r, 200)
	raw := string(r.raw)
	for _, secret := range []string{adminPass, "hunter2-secret", "abc.def-ghi", mobyToken, e.hubTok} {
		if secret != "" && strings.Contains(raw, secret) {
			t.Errorf("request log holds secret %q", secret)
		}
	}
	l := r.list("requests")
	if len(l) < 3 {
		t.Fatalf("log: %s", raw)
	}
	first := l[0].(map[string]any)
	if first["method"] != "POST" || first["route"] != "POST /v2/auth/token" || first["status"] != float64(200) ||
		!strings.Contains(first["request_body"].(string), `"identifier":"admin"`) || !strings.Contains(first["response_body"].(string), "[redacted]") {
		t.Errorf("first entry: %v", first)
	}
	second := l[1].(map[string]any)
	if second["route"] != "POST /v2/scim/2.0/Users" || second["status"] != float64(201) || !strings.Contains(second["response_body"].(string), id) {
		t.Errorf("second entry: %v", second)
	}
	// Bounded.
	for range requestLogSize + 10 {
		e.scim("GET", "/ServiceProviderConfig", nil)
	}
	r = e.do("GET", "/_mock/requests", "", nil)
	if r.num("count") != requestLogSize || len(r.list("requests")) != requestLogSize {
		t.Errorf("log size %d", r.num("count"))
	}
	want(t, e.do("DELETE", "/_mock/requests", "", nil), 204)
	if r := e.do("GET", "/_mock/requests", "", nil); r.num("count") != 0 {
		t.Errorf("after clear: %d", r.num("count"))
	}
}

func TestRedactBody(t *testing.T) {
	for in, want := range map[string]string{
		`{"identifier":"a","secret":"s3"}`:                `{"identifier":"a","secret":"[redacted]"}`,
		`{"Operations":[{"value":{"password":"p"}}]}`:     `{"Operations":[{"value":{"password":"[redacted]"}}]}`,
		`{"token":"t","access_token":"u","scim_token":3}`: `{"access_token":"[redacted]","scim_token":"[redacted]","token":"[redacted]"}`,
		`not json Bearer xyz, "password": "p"`:            `not json Bearer [redacted], "password": "[redacted]"`,
	} {
		c := &capBuf{}
		_, _ = c.Write([]byte(in))
		if got := redactBody(c); got != want {
			t.Errorf("%s:\n got %s\nwant %s", in, got, want)
		}
	}
	// A cut body ending inside a secret value leaks nothing of it.
	c := &capBuf{}
	_, _ = c.Write([]byte(`{"title":"` + strings.Repeat("x", requestLogBody-40) + `","password":"topsecret-topsecret-topsecret-topsecret"}`))
	if got := redactBody(c); strings.Contains(got, "topsecret") {
		t.Errorf("cut body leaks: ...%s", got[len(got)-80:])
	}
}
