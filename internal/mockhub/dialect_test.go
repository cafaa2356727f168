package mockhub

import (
	"net/http"
	"strings"
	"testing"
)

func published(o *Options) { o.Dialect = DialectPublished }

func TestParseDialect(t *testing.T) {
	for in, want := range map[string]Dialect{"": DialectRFC, "rfc": DialectRFC, " Published ": DialectPublished} {
		if got, err := ParseDialect(in); err != nil || got != want {
			t.Errorf("ParseDialect(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseDialect("okta"); err == nil || !strings.Contains(err.Error(), "rfc, published") {
		t.Errorf("ParseDialect(okta) = %v, want an error naming the dialects", err)
	}
	if _, err := New(Options{Dialect: "okta"}); err == nil {
		t.Error("New accepted an unknown dialect")
	}
}

// In the published dialect a PUT is {schemas, name, enabled}: enabled
// omitted deactivates, name changes only what it carries, and active is
// not read (enabled decides).
func TestPublishedPutUser(t *testing.T) {
	e := newEnv(t, published)
	id := e.createUser("ada@moby.example", "name", map[string]any{"givenName": "Ada", "familyName": "Lovelace"})
	ada := e.scim(http.MethodGet, "/Users/"+id, nil).str("displayName")
	put := func(body map[string]any) *resp {
		t.Helper()
		r := e.scim(http.MethodPut, "/Users/"+id, body)
		want(t, r, http.StatusOK)
		return r
	}
	schemas := []any{userURN}

	r := put(map[string]any{"schemas": schemas, "name": map[string]any{"givenName": "Augusta"}, "enabled": true})
	if r.get("active") != true || r.str("name", "givenName") != "Augusta" || r.str("name", "familyName") != "Lovelace" {
		t.Fatalf("rename with enabled: %s", r.raw)
	}
	if m, _ := e.members("moby"); !strings.EqualFold(m[ada], "member") {
		t.Fatalf("%s is %q in moby after a rename, want member", ada, m[ada])
	}

	// What the issue reproduced: an RFC client's PUT (active, no enabled)
	// deactivates on a server that follows the published text.
	r = put(map[string]any{"schemas": schemas, "userName": "ada@moby.example", "active": true, "name": map[string]any{"givenName": "Ada"}})
	if r.get("active") != false || r.str("name", "givenName") != "Ada" {
		t.Fatalf("PUT without enabled: %s", r.raw)
	}
	if m, _ := e.members("moby"); m[ada] != "" {
		t.Fatalf("%s is still in moby (%q) after a PUT without enabled", ada, m[ada])
	}

	// Both sent: enabled decides, whatever active says.
	r = put(map[string]any{"schemas": schemas, "active": false, "enabled": true})
	if r.get("active") != true {
		t.Fatalf("active false, enabled true: %s", r.raw)
	}
	r = put(map[string]any{"schemas": schemas, "active": true, "enabled": false})
	if r.get("active") != false {
		t.Fatalf("active true, enabled false: %s", r.raw)
	}
	// Both equal, as the provider sends them.
	r = put(map[string]any{"schemas": schemas, "active": true, "enabled": true, "userName": "other@moby.example"})
	if r.get("active") != true || r.str("userName") != "ada@moby.example" {
		t.Fatalf("active and enabled true (userName is not a published PUT member): %s", r.raw)
	}
	// An empty name part is never cleared.
	r = put(map[string]any{"schemas": schemas, "enabled": true, "name": map[string]any{"givenName": "", "familyName": "Byron"}})
	if r.str("name", "givenName") != "Ada" || r.str("name", "familyName") != "Byron" {
		t.Fatalf("name with an empty givenName: %s", r.raw)
	}

	wantSCIMError(t, e.scim(http.MethodPut, "/Users/"+id, map[string]any{"enabled": true}), http.StatusBadRequest, "invalidSyntax")
	wantSCIMError(t, e.scim(http.MethodPut, "/Users/"+id, map[string]any{"schemas": schemas, "enabled": 3}), http.StatusBadRequest, "invalidValue")
	wantSCIMError(t, e.scim(http.MethodPut, "/Users/nope", map[string]any{"schemas": schemas, "enabled": true}), http.StatusNotFound, "")
}

// The RFC dialect ignores enabled, which is no attribute of RFC 7643's
// User: active decides, and a PUT without active deactivates.
func TestRFCPutIgnoresEnabled(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("ada@moby.example")
	for _, tc := range []struct {
		body       map[string]any
		wantActive bool
	}{
		{map[string]any{"active": true, "enabled": true}, true},
		{map[string]any{"active": true, "enabled": false}, true},
		{map[string]any{"active": false, "enabled": true}, false},
		{map[string]any{"enabled": true}, false},
	} {
		body := userBody("ada@moby.example")
		for k, v := range tc.body {
			body[k] = v
		}
		r := e.scim(http.MethodPut, "/Users/"+id, body)
		want(t, r, http.StatusOK)
		if r.get("active") != tc.wantActive || r.get("enabled") != nil {
			t.Errorf("PUT %v: active %v, enabled %v; want active %v and no enabled", tc.body, r.get("active"), r.get("enabled"), tc.wantActive)
		}
	}
}

func TestPublishedDiscovery(t *testing.T) {
	e := newEnv(t, published)
	spc := e.scim(http.MethodGet, "/ServiceProviderConfig", nil)
	want(t, spc, http.StatusOK)
	if spc.get("patch", "supported") != false || spc.get("etag", "supported") != false {
		t.Errorf("published ServiceProviderConfig advertises patch or etag: %s", spc.raw)
	}
	if as, ok := spc.get("authenticationSchemes").(map[string]any); !ok || as["type"] != "oauthbearertoken" {
		t.Errorf("authenticationSchemes is not the published object: %s", spc.raw)
	}
	for _, path := range []string{"/ResourceTypes", "/Schemas", "/Users"} {
		r := e.scim(http.MethodGet, path, nil)
		want(t, r, http.StatusOK)
		if r.get("Resources") != nil || r.get("resources") == nil {
			t.Errorf("%s lists under the wrong key: %s", path, r.raw)
		}
	}
	rts := e.scim(http.MethodGet, "/ResourceTypes", nil).list("resources")
	if len(rts) != 1 || rts[0].(map[string]any)["name"] != "User" {
		t.Errorf("published resource types are %v, want only User", rts)
	}
	wantSCIMError(t, e.scim(http.MethodGet, "/ResourceTypes/Group", nil), http.StatusNotFound, "")
	sc := e.scim(http.MethodGet, "/Schemas/"+userURN, nil)
	want(t, sc, http.StatusOK)
	var walk func([]any)
	walk = func(attrs []any) {
		for _, a := range attrs {
			m := a.(map[string]any)
			switch m["type"] {
			case "string", "boolean", "complex":
			default:
				t.Errorf("attribute %v has type %v, not a published one", m["name"], m["type"])
			}
			if sub, ok := m["subAttributes"].([]any); ok {
				walk(sub)
			}
		}
	}
	walk(sc.list("attributes"))

	// The RFC dialect keeps RFC 7643's types and list key.
	rfc := newEnv(t)
	if r := rfc.scim(http.MethodGet, "/Users", nil); r.get("Resources") == nil {
		t.Errorf("RFC list lacks Resources: %s", r.raw)
	}
	if r := rfc.scim(http.MethodGet, "/ServiceProviderConfig", nil); r.get("patch", "supported") != true {
		t.Errorf("RFC ServiceProviderConfig: %s", r.raw)
	}
}

// What the published file does not have is answered as a server without
// it answers: 405 with Allow where the path exists, else 404, in SCIM's
// error shape.
func TestPublishedRefusesUnpublished(t *testing.T) {
	e := newEnv(t, published)
	id := e.createUser("ada@moby.example")
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodPatch, "/Users/" + id, http.StatusMethodNotAllowed},
		{http.MethodDelete, "/Users/" + id, http.StatusMethodNotAllowed},
		{http.MethodPost, "/Users/.search", http.StatusMethodNotAllowed},
		{http.MethodGet, "/Groups", http.StatusNotFound},
		{http.MethodPost, "/Groups", http.StatusNotFound},
		{http.MethodGet, "/Groups/x", http.StatusNotFound},
		{http.MethodGet, "/Me", http.StatusNotFound},
	} {
		r := e.scim(tc.method, tc.path, map[string]any{"schemas": []any{userURN}})
		wantSCIMError(t, r, tc.status, "")
		if tc.status == http.StatusMethodNotAllowed && r.header.Get("Allow") != "GET, PUT" {
			t.Errorf("%s %s: Allow %q, want GET, PUT", tc.method, tc.path, r.header.Get("Allow"))
		}
	}
	// The user is untouched.
	if r := e.scim(http.MethodGet, "/Users/"+id, nil); r.get("active") != true {
		t.Errorf("after the refused calls: %s", r.raw)
	}
}

// No ETags in the published dialect: none sent, If-Match not applied.
func TestPublishedHasNoETags(t *testing.T) {
	e := newEnv(t, published)
	id := e.createUser("ada@moby.example")
	r := e.scim(http.MethodGet, "/Users/"+id, nil)
	if r.header.Get("ETag") != "" || r.get("meta", "version") != nil {
		t.Errorf("published GET has an ETag: %q, meta %v", r.header.Get("ETag"), r.get("meta"))
	}
	r = e.scim(http.MethodPut, "/Users/"+id, map[string]any{"schemas": []any{userURN}, "enabled": true}, "If-Match", `W/"999"`)
	want(t, r, http.StatusOK)
}

func TestPublishedMemberRoles(t *testing.T) {
	e := newEnv(t, published)
	r := e.hub(http.MethodGet, "/v2/orgs/moby/members", nil)
	want(t, r, http.StatusOK)
	roles := map[string]string{}
	for _, m := range r.list("results") {
		mm := m.(map[string]any)
		roles[mm["username"].(string)] = mm["role"].(string)
		if mm["type"] != "User" {
			t.Errorf("member type %v, want User", mm["type"])
		}
	}
	if roles["admin"] != "Owner" || roles["dev"] != "Member" {
		t.Errorf("published roles %v, want admin Owner and dev Member", roles)
	}
	if r.get("next") != nil || r.get("previous") != nil {
		t.Errorf("last page links: next %v previous %v, want null", r.get("next"), r.get("previous"))
	}
	// The request still takes lowercase, as published.
	u := e.hub(http.MethodPut, "/v2/orgs/moby/members/dev", map[string]any{"role": "editor"})
	want(t, u, http.StatusOK)
	if u.str("role") != "Editor" {
		t.Errorf("updated role %q, want Editor", u.str("role"))
	}
	rfc := newEnv(t)
	if r := rfc.hub(http.MethodGet, "/v2/orgs/moby/members?role=owner", nil); r.list("results")[0].(map[string]any)["role"] != "owner" {
		t.Errorf("RFC dialect roles changed: %s", r.raw)
	}
}

func TestInfoAndConsoleNameTheDialect(t *testing.T) {
	for _, d := range Dialects {
		e := newEnv(t, func(o *Options) { o.Dialect = d })
		if got := e.srv.Info(e.ts.URL).Dialect; got != d {
			t.Errorf("Info.Dialect = %q, want %q", got, d)
		}
		r := e.do(http.MethodGet, "/", "", nil)
		if !strings.Contains(string(r.raw), `id="dialect">`+string(d)) {
			t.Errorf("console of dialect %s does not name it", d)
		}
	}
}
