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
