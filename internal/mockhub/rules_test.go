package mockhub

import (
	"net/url"
	"testing"
)

// TestSCIMValueRules: RFC 7644's and RFC 7643's value rules over HTTP.
func TestSCIMValueRules(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("rules@moby.example", "title", "Captain")

	// add and replace with a path need a value; they used to clear it.
	for _, o := range []string{"add", "Replace"} {
		r := e.scim("PATCH", "/Users/"+id, patchBody(op(o, "title", nil)))
		wantSCIMError(t, r, 400, "invalidValue")
	}
	if r := e.scim("GET", "/Users/"+id, nil); r.str("title") != "Captain" {
		t.Errorf("title after refused PATCH: %q", r.str("title"))
	}

	// Two primary values, or one type and value twice, in POST and PUT.
	two := []any{map[string]any{"value": "p1@moby.example", "primary": true}, map[string]any{"value": "p2@moby.example", "primary": true}}
	dup := []any{map[string]any{"value": "d@moby.example", "type": "work"}, map[string]any{"value": "D@moby.example", "type": "work"}}
	for _, emails := range [][]any{two, dup} {
		wantSCIMError(t, e.scim("POST", "/Users", userBody("p1@moby.example", "emails", emails)), 400, "invalidValue")
		wantSCIMError(t, e.scim("PUT", "/Users/"+id, userBody("rules@moby.example", "active", true, "emails", emails)), 400, "invalidValue")
	}

	// attributes naming nothing known returns only what is always returned.
	r := e.scim("GET", "/Users/"+id+"?attributes=bogus", nil)
	want(t, r, 200)
	if r.str("id") != id || r.get("userName") != nil || r.get("title") != nil {
		t.Errorf("attributes=bogus: %s", r.raw)
	}

	// Discovery endpoints refuse a filter (RFC 7644 §4).
	for _, p := range []string{"/ServiceProviderConfig", "/Schemas", "/Schemas/" + userURN, "/ResourceTypes", "/ResourceTypes/User"} {
		r := e.scim("GET", p+"?filter="+url.QueryEscape(`id eq "x"`), nil)
		want(t, r, 403)
		want(t, e.scim("GET", p, nil), 200)
	}
}

// TestSCIMDockerUserNameRules: userName is an email address, bodies are
// UTF-8, and one address in NFC, NFD or another case is one user.
func TestSCIMDockerUserNameRules(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("name@moby.example")
	for _, bad := range []string{"bjensen", "Babs <b@moby.example>", "b@", "@moby.example", "b@localhost", "a b@moby.example"} {
		wantSCIMError(t, e.scim("POST", "/Users", userBody(bad)), 400, "invalidValue")
		wantSCIMError(t, e.scim("PUT", "/Users/"+id, userBody(bad, "active", true)), 400, "invalidValue")
		wantSCIMError(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "userName", bad))), 400, "invalidValue")
	}

	// Bytes that are not UTF-8 are refused, not stored as U+FFFD.
	raw := "{\"schemas\":[\"" + userURN + "\"],\"userName\":\"caf\xe9@moby.example\"}"
	wantSCIMError(t, e.scim("POST", "/Users", raw), 400, "invalidSyntax")
	wantSCIMError(t, e.scim("GET", "/Users?filter="+url.QueryEscape("userName eq \"caf\xe9@moby.example\""), nil), 400, "invalidFilter")

	nfc, nfd := "caf\u00e9@moby.example", "cafe\u0301@moby.example"
	cafe := e.createUser(nfc)
	for _, other := range []string{nfd, "CAF\u00c9@moby.example", "CAFE\u0301@MOBY.example"} {
		wantSCIMError(t, e.scim("POST", "/Users", userBody(other)), 409, "uniqueness")
		for _, f := range []string{`userName eq "` + other + `"`, `userName eq "` + other + `" and active eq true`} {
			r := e.scim("GET", "/Users?filter="+url.QueryEscape(f), nil)
			want(t, r, 200)
			if r.num("totalResults") != 1 || r.str("Resources", "0", "id") != cafe {
				t.Errorf("%s: %s", f, r.raw)
			}
		}
	}
	// Renaming another user onto the NFD spelling is a conflict too.
	wantSCIMError(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "userName", nfd))), 409, "uniqueness")
}

// TestSCIMEnterpriseExtension: what Entra and Okta send under RFC 7643
// §4.3's extension is kept, returned, filtered, sorted and patched.
func TestSCIMEnterpriseExtension(t *testing.T) {
	e := newEnv(t)
	ent := func(num, dept, mgr string) map[string]any {
		return map[string]any{"employeeNumber": num, "department": dept, "manager": map[string]any{"value": mgr}}
	}
	a := e.createUser("ent-a@moby.example", enterpriseURN, ent("701984", "Tour Operations", "m-1"))
	b := e.createUser("ent-b@moby.example", enterpriseURN, ent("42", "Accounting", "m-2"))
	r := e.scim("GET", "/Users/"+a, nil)
	if r.str(enterpriseURN, "employeeNumber") != "701984" || r.str(enterpriseURN, "manager", "value") != "m-1" {
		t.Fatalf("extension not returned: %s", r.raw)
	}
	if l := r.list("schemas"); len(l) != 3 || l[2] != enterpriseURN {
		t.Errorf("schemas %v", l)
	}

	// Filter and sort on it.
	r = e.scim("GET", "/Users?filter="+url.QueryEscape(enterpriseURN+`:employeeNumber eq "42"`), nil)
	if r.num("totalResults") != 1 || r.str("Resources", "0", "id") != b {
		t.Errorf("filter: %s", r.raw)
	}
	r = e.scim("GET", "/Users?filter="+url.QueryEscape(enterpriseURN+`:manager.value eq "m-1"`), nil)
	if r.num("totalResults") != 1 || r.str("Resources", "0", "id") != a {
		t.Errorf("filter on manager: %s", r.raw)
	}
	r = e.scim("GET", "/Users?filter="+url.QueryEscape(enterpriseURN+`:department pr`)+"&sortBy="+url.QueryEscape(enterpriseURN+":department"), nil)
	if r.num("totalResults") != 2 || r.str("Resources", "0", "id") != b || r.str("Resources", "1", "id") != a {
		t.Errorf("sort: %s", r.raw)
	}

	// PATCH it, with a path (Okta) and with URN-qualified keys (Entra).
	want(t, e.scim("PATCH", "/Users/"+a, patchBody(op("replace", enterpriseURN+":department", "Finance"))), 200)
	want(t, e.scim("PATCH", "/Users/"+a, patchBody(op("Replace", "", map[string]any{enterpriseURN + ":manager": map[string]any{"value": "m-3"}}))), 200)
	r = e.scim("GET", "/Users/"+a, nil)
	if r.str(enterpriseURN, "department") != "Finance" || r.str(enterpriseURN, "manager", "value") != "m-3" || r.str(enterpriseURN, "employeeNumber") != "701984" {
		t.Errorf("after PATCH: %s", r.raw)
	}
	want(t, e.scim("PATCH", "/Users/"+a, patchBody(op("remove", enterpriseURN+":employeeNumber", nil))), 200)
	if r := e.scim("GET", "/Users/"+a, nil); r.get(enterpriseURN, "employeeNumber") != nil {
		t.Errorf("after remove: %s", r.raw)
	}
	// A PUT without the extension drops it.
	r = e.scim("PUT", "/Users/"+b, userBody("ent-b@moby.example", "active", true))
	want(t, r, 200)
	if r.get(enterpriseURN) != nil || len(r.list("schemas")) != 2 {
		t.Errorf("after PUT: %s", r.raw)
	}
	// The User resource type lists it.
	r = e.scim("GET", "/ResourceTypes/User", nil)
	if r.str("schemaExtensions", "1", "schema") != enterpriseURN {
		t.Errorf("resource type: %s", r.raw)
	}
}

func TestHubBodyMustBeUTF8(t *testing.T) {
	e := newEnv(t)
	want(t, e.do("POST", "/v2/auth/token", "", "{\"identifier\":\"admin\",\"secret\":\"mockhub-admin-passwor\xff\"}"), 400)
}
