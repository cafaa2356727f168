package mockhub

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func (e *env) createOAT(org string, body map[string]any) *resp {
	e.t.Helper()
	r := e.hub(http.MethodPost, "/v2/orgs/"+org+"/access-tokens", body)
	want(e.t, r, http.StatusCreated)
	return r
}

func TestOrgAccessTokenLifecycle(t *testing.T) {
	e := newEnv(t)
	res := []any{map[string]any{"type": "TYPE_ORG", "path": "moby", "scopes": []any{"member-edit"}}}
	c := e.createOAT("moby", map[string]any{"label": "CI", "description": "pipeline", "resources": res})
	id, secret := c.str("id"), c.str("token")
	if !strings.HasPrefix(secret, "dckr_oat_") || c.get("is_active") != true || c.str("created_by") != "admin" ||
		c.get("expires_at") != nil || len(c.list("resources")) != 1 {
		t.Fatalf("create: %s", c.raw)
	}

	l := e.hub(http.MethodGet, "/v2/orgs/moby/access-tokens", nil)
	want(t, l, http.StatusOK)
	if l.num("total") != 1 || l.str("results", "0", "id") != id || l.get("results", "0", "token") != nil || l.get("next") != nil {
		t.Fatalf("list: %s", l.raw)
	}
	g := e.hub(http.MethodGet, "/v2/orgs/moby/access-tokens/"+id, nil)
	want(t, g, http.StatusOK)
	if g.str("label") != "CI" || g.get("token") != nil || strings.Contains(string(g.raw), secret) {
		t.Fatalf("get: %s", g.raw)
	}
	want(t, e.hub(http.MethodGet, "/v2/orgs/whale/access-tokens/"+id, nil), http.StatusNotFound)

	// Signing in as the org with it.
	tok := e.login("moby", secret)
	if got := e.do(http.MethodGet, "/v2/orgs/moby/members", tok, nil); got.status != http.StatusOK {
		t.Fatalf("members with the OAT's access token: %d %s", got.status, got.raw)
	}
	if lu := e.hub(http.MethodGet, "/v2/orgs/moby/access-tokens/"+id, nil).str("last_used_at"); lu == "" {
		t.Error("last_used_at not set after a sign-in")
	}
	// A JWT whose sub is the org.
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("access token is not a JWT: %q", tok)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err == nil {
		err = json.Unmarshal(payload, &claims)
	}
	if err != nil || claims["sub"] != "moby" || claims["exp"] == nil {
		t.Fatalf("claims %v, %v", claims, err)
	}

	// Wrong org, wrong secret.
	if r := e.do(http.MethodPost, "/v2/auth/token", "", map[string]string{"identifier": "whale", "secret": secret}); r.status != http.StatusUnauthorized {
		t.Errorf("another org's name with the OAT: %d", r.status)
	}
	if r := e.do(http.MethodPost, "/v2/auth/token", "", map[string]string{"identifier": "moby", "secret": secret + "x"}); r.status != http.StatusUnauthorized {
		t.Errorf("a wrong OAT: %d", r.status)
	}

	// Deactivating stops sign-in and the access tokens already issued.
	p := e.hub(http.MethodPatch, "/v2/orgs/moby/access-tokens/"+id, map[string]any{"is_active": false, "label": "CI (off)"})
	want(t, p, http.StatusOK)
	if p.get("is_active") != false || p.str("label") != "CI (off)" || p.str("description") != "pipeline" {
		t.Fatalf("patch: %s", p.raw)
	}
	if r := e.do(http.MethodGet, "/v2/orgs/moby/members", tok, nil); r.status != http.StatusUnauthorized {
		t.Errorf("access token of a deactivated OAT: %d", r.status)
	}
	if r := e.do(http.MethodPost, "/v2/auth/token", "", map[string]string{"identifier": "moby", "secret": secret}); r.status != http.StatusUnauthorized {
		t.Errorf("sign-in with a deactivated OAT: %d", r.status)
	}
	want(t, e.hub(http.MethodPatch, "/v2/orgs/moby/access-tokens/"+id, map[string]any{"is_active": true}), http.StatusOK)
	tok = e.login("moby", secret)
	want(t, e.hub(http.MethodDelete, "/v2/orgs/moby/access-tokens/"+id, nil), http.StatusNoContent)
	if r := e.do(http.MethodGet, "/v2/orgs/moby/members", tok, nil); r.status != http.StatusUnauthorized {
		t.Errorf("access token of a deleted OAT: %d", r.status)
	}
	want(t, e.hub(http.MethodGet, "/v2/orgs/moby/access-tokens/"+id, nil), http.StatusNotFound)
	want(t, e.hub(http.MethodDelete, "/v2/orgs/moby/access-tokens/"+id, nil), http.StatusNotFound)
}

// An OAT's access token reaches its own org's management API, and not
// another org's (even one the creating owner owns), nor a company's, nor
// the OATs.
func TestOrgAccessTokenScope(t *testing.T) {
	e := newEnv(t)
	tok := e.login("moby", e.createOAT("moby", map[string]any{"label": "CI"}).str("token"))
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/v2/orgs/moby/members", http.StatusOK},
		{http.MethodGet, "/v2/orgs/moby/groups", http.StatusOK},
		{http.MethodGet, "/v2/orgs/moby/sso/connections", http.StatusOK},
		{http.MethodGet, "/v2/orgs/moby/sso/connections/" + DefaultOrgConnectionID + "/scim", http.StatusOK},
		{http.MethodGet, "/v2/orgs/whale/members", http.StatusForbidden},
		{http.MethodGet, "/v2/companies/moby-inc/sso/connections", http.StatusForbidden},
		{http.MethodGet, "/v2/orgs/moby/access-tokens", http.StatusForbidden},
		{http.MethodPost, "/v2/orgs/moby/access-tokens", http.StatusForbidden},
	} {
		var body any
		if tc.method == http.MethodPost {
			body = map[string]any{"label": "x"}
		}
		r := e.do(tc.method, tc.path, tok, body)
		if r.status != tc.status {
			t.Errorf("%s %s with moby's OAT: %d, want %d: %s", tc.method, tc.path, r.status, tc.status, r.raw)
		}
	}
	// A member who is not an owner cannot create one.
	dev := e.login("dev", devPass)
	if r := e.do(http.MethodPost, "/v2/orgs/moby/access-tokens", dev, map[string]any{"label": "x"}); r.status != http.StatusForbidden {
		t.Errorf("dev creating an OAT: %d", r.status)
	}
}

func TestOrgAccessTokenValidationAndExpiry(t *testing.T) {
	e := newEnv(t)
	for _, body := range []map[string]any{
		{},
		{"label": ""},
		{"label": strings.Repeat("x", 101)},
		{"label": "x", "resources": []any{map[string]any{"type": "TYPE_USER", "path": "p", "scopes": []any{"s"}}}},
		{"label": "x", "resources": []any{map[string]any{"type": "TYPE_ORG", "path": "", "scopes": []any{"s"}}}},
		{"label": "x", "expires_at": "tomorrow"},
		{"label": "x", "expires_at": "2020-01-01T00:00:00Z"},
	} {
		if r := e.hub(http.MethodPost, "/v2/orgs/moby/access-tokens", body); r.status != http.StatusBadRequest {
			t.Errorf("create %v: %d, want 400", body, r.status)
		}
	}
	exp := e.clock.Now().Add(time.Hour).Format(time.RFC3339)
	c := e.createOAT("moby", map[string]any{"label": "short", "expires_at": exp})
	if c.str("expires_at") != exp {
		t.Errorf("expires_at %q, want %q", c.str("expires_at"), exp)
	}
	if r := e.hub(http.MethodPatch, "/v2/orgs/moby/access-tokens/"+c.str("id"), map[string]any{"expires_at": exp}); r.status != http.StatusBadRequest {
		t.Errorf("changing expires_at: %d", r.status)
	}
	e.login("moby", c.str("token"))
	e.clock.Advance(2 * time.Hour)
	if r := e.do(http.MethodPost, "/v2/auth/token", "", map[string]string{"identifier": "moby", "secret": c.str("token")}); r.status != http.StatusUnauthorized {
		t.Errorf("sign-in with an expired OAT: %d", r.status)
	}
}

// The token is shown once: never in the request log, the console, or a
// later answer.
func TestOrgAccessTokenNeverShownAgain(t *testing.T) {
	e := newEnv(t)
	secret := e.createOAT("moby", map[string]any{"label": "CI"}).str("token")
	tok := e.login("moby", secret)
	for _, path := range []string{"/_mock/requests", "/", "/_mock/console/live?org=moby"} {
		r := e.do(http.MethodGet, path, "", nil)
		if strings.Contains(string(r.raw), secret) || strings.Contains(string(r.raw), tok) {
			t.Errorf("%s shows the OAT or its access token", path)
		}
	}
	l := e.hub(http.MethodGet, "/v2/orgs/moby/access-tokens", nil)
	if strings.Contains(string(l.raw), secret) {
		t.Error("the list shows the OAT")
	}
}
