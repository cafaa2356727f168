package mockhub

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestSCIMAuth(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name   string
		header string
		status int
	}{
		{"no header", "", 401},
		{"unknown token", "Bearer nope", 401},
		{"basic scheme", "Basic " + mobyToken, 401},
		{"empty bearer", "Bearer ", 401},
		{"valid", "Bearer " + mobyToken, 200},
		{"lowercase scheme", "bearer " + mobyToken, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/Users", "/Groups", "/ServiceProviderConfig", "/Schemas", "/ResourceTypes"} {
				r := e.do("GET", scimPrefix+path, "", nil, "Authorization", tc.header)
				if tc.status == 401 {
					wantSCIMError(t, r, 401, "")
					if r.header.Get("WWW-Authenticate") == "" {
						t.Error("no WWW-Authenticate")
					}
				} else {
					want(t, r, tc.status)
				}
			}
		})
	}
	// Connections without SCIM enabled have no working token.
	r := e.do("POST", scimPrefix+"/Users", "", userBody("x@moby.example"))
	wantSCIMError(t, r, 401, "")
}

func TestSCIMTokenIsolation(t *testing.T) {
	e := newEnv(t)
	whale := e.enableSCIM("orgs/whale", DefaultWhaleConnectionID)
	mobyUser := e.createUser("iso@moby.example")
	mobyGroup := e.scim("POST", "/Groups", groupBody("moby:iso", mobyUser))
	want(t, mobyGroup, 201)
	gid := mobyGroup.str("id")

	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/Users/" + mobyUser, nil},
		{"PUT", "/Users/" + mobyUser, userBody("iso@moby.example")},
		{"PATCH", "/Users/" + mobyUser, patchBody(op("replace", "active", false))},
		{"DELETE", "/Users/" + mobyUser, nil},
		{"GET", "/Groups/" + gid, nil},
		{"PATCH", "/Groups/" + gid, patchBody(op("replace", "displayName", "whale:x"))},
		{"DELETE", "/Groups/" + gid, nil},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			wantSCIMError(t, e.do(tc.method, scimPrefix+tc.path, whale, tc.body), 404, "")
		})
	}
	// The whale list does not see moby's users; userName is unique per connection.
	r := e.do("GET", scimPrefix+"/Users?filter="+urlq(`userName eq "iso@moby.example"`), whale, nil)
	want(t, r, 200)
	if r.num("totalResults") != 0 {
		t.Errorf("whale sees moby users: %s", r.raw)
	}
	r = e.do("POST", scimPrefix+"/Users", whale, userBody("iso@moby.example"))
	want(t, r, 201)
	// A whale group cannot take a moby user as member.
	r = e.do("POST", scimPrefix+"/Groups", whale, groupBody("whale:devs", mobyUser))
	wantSCIMError(t, r, 400, "invalidValue")
	if !strings.Contains(r.str("detail"), mobyUser) {
		t.Errorf("detail does not name the id: %s", r.str("detail"))
	}
	// moby still sees its user unchanged.
	r = e.scim("GET", "/Users/"+mobyUser, nil)
	want(t, r, 200)
	if r.get("active") != true {
		t.Error("moby user changed")
	}
}

func TestSCIMDiscovery(t *testing.T) {
	e := newEnv(t)
	r := e.scim("GET", "/ServiceProviderConfig", nil)
	want(t, r, 200)
	if r.header.Get("Content-Type") != "application/scim+json" {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	checks := map[string]any{
		"patch/supported": true, "bulk/supported": false, "filter/supported": true, "filter/maxResults": 200.0,
		"changePassword/supported": false, "sort/supported": true, "etag/supported": true,
		"authenticationSchemes/0/type": "oauthbearertoken",
	}
	for path, v := range checks {
		if got := r.get(strings.Split(path, "/")...); got != v {
			t.Errorf("%s = %v, want %v", path, got, v)
		}
	}
	r = e.scim("GET", "/Schemas", nil)
	want(t, r, 200)
	if r.num("totalResults") != 4 {
		t.Errorf("schemas: %s", r.raw)
	}
	for _, id := range []string{userURN, groupURN, dockerURN, enterpriseURN} {
		r := e.scim("GET", "/Schemas/"+id, nil)
		want(t, r, 200)
		if r.str("id") != id || len(r.list("attributes")) == 0 {
			t.Errorf("schema %s: %s", id, r.raw)
		}
	}
	wantSCIMError(t, e.scim("GET", "/Schemas/urn:nope", nil), 404, "")
	r = e.scim("GET", "/ResourceTypes", nil)
	want(t, r, 200)
	if r.num("totalResults") != 2 {
		t.Errorf("resource types: %s", r.raw)
	}
	r = e.scim("GET", "/ResourceTypes/User", nil)
	want(t, r, 200)
	if r.str("endpoint") != "/Users" || r.str("schema") != userURN {
		t.Errorf("User resource type: %s", r.raw)
	}
	want(t, e.scim("GET", "/ResourceTypes/Group", nil), 200)
	wantSCIMError(t, e.scim("GET", "/ResourceTypes/Nope", nil), 404, "")
	for _, p := range []string{"/Me", "/Bulk"} {
		wantSCIMError(t, e.scim("GET", p, nil), 501, "")
		wantSCIMError(t, e.scim("POST", p, map[string]any{}), 501, "")
	}
	wantSCIMError(t, e.scim("GET", "/Nope", nil), 404, "")
	r = e.scim("DELETE", "/Users", nil)
	wantSCIMError(t, r, 405, "")
}

func TestSCIMUserCRUD(t *testing.T) {
	e := newEnv(t)
	r := e.scim("POST", "/Users", userBody("Alice.Smith@moby.example",
		"externalId", "okta-1", "name", map[string]any{"givenName": "Alice", "familyName": "Smith"}))
	want(t, r, 201)
	id := r.str("id")
	if r.header.Get("Location") != e.ts.URL+scimPrefix+"/Users/"+id {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	if r.header.Get("ETag") != `W/"1"` || r.str("meta", "version") != `W/"1"` {
		t.Errorf("ETag %q meta.version %q", r.header.Get("ETag"), r.str("meta", "version"))
	}
	if r.get("active") != true {
		t.Error("POST without active is not active")
	}
	if r.str("displayName") != "alicesmith" {
		t.Errorf("displayName %q, want the Docker ID alicesmith", r.str("displayName"))
	}
	if r.str("emails", "0", "value") != "Alice.Smith@moby.example" || r.get("emails", "0", "primary") != true || r.str("emails", "0", "type") != "work" {
		t.Errorf("default email: %s", r.raw)
	}
	if r.str(dockerURN, "dockerRole") != "member" {
		t.Errorf("dockerRole: %s", r.raw)
	}
	if r.str("meta", "resourceType") != "User" || r.str("meta", "created") == "" || r.str("meta", "location") == "" {
		t.Errorf("meta: %s", r.raw)
	}
	if r.header.Get("Content-Type") != "application/scim+json" {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}

	r = e.scim("GET", "/Users/"+id, nil)
	want(t, r, 200)
	if r.str("userName") != "Alice.Smith@moby.example" || r.str("externalId") != "okta-1" || r.str("name", "givenName") != "Alice" {
		t.Errorf("GET: %s", r.raw)
	}
	if r.header.Get("ETag") != `W/"1"` {
		t.Errorf("GET ETag %q", r.header.Get("ETag"))
	}

	// PUT without active deactivates (Docker's documented behaviour).
	r = e.scim("PUT", "/Users/"+id, userBody("alice.smith@moby.example", "name", map[string]any{"givenName": "Al"}))
	want(t, r, 200)
	if r.get("active") != false || r.str("name", "givenName") != "Al" || r.str("name", "familyName") != "" {
		t.Errorf("PUT: %s", r.raw)
	}
	if r.header.Get("ETag") != `W/"2"` {
		t.Errorf("PUT ETag %q", r.header.Get("ETag"))
	}
	r = e.scim("PUT", "/Users/"+id, userBody("alice.smith@moby.example", "active", true))
	want(t, r, 200)
	if r.get("active") != true {
		t.Errorf("PUT active true: %s", r.raw)
	}

	r = e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "displayName", "Alice S")))
	want(t, r, 200)
	if r.str("displayName") != "Alice S" || r.header.Get("ETag") != `W/"4"` {
		t.Errorf("PATCH: %s %s", r.raw, r.header.Get("ETag"))
	}

	r = e.scim("DELETE", "/Users/"+id, nil)
	want(t, r, 204)
	for _, m := range []string{"GET", "DELETE"} {
		wantSCIMError(t, e.scim(m, "/Users/"+id, nil), 404, "")
	}
	wantSCIMError(t, e.scim("PUT", "/Users/"+id, userBody("a@moby.example")), 404, "")
	wantSCIMError(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "active", false))), 404, "")
}

func TestSCIMUserErrors(t *testing.T) {
	e := newEnv(t)
	existing := e.createUser("taken@moby.example")
	other := e.createUser("other@moby.example")
	big := `{"schemas":["` + userURN + `"],"userName":"big@moby.example","title":"` + strings.Repeat("x", 1<<20) + `"}`
	cases := []struct {
		name     string
		method   string
		path     string
		body     any
		status   int
		scimType string
		detail   string
	}{
		{"duplicate userName, other case", "POST", "/Users", userBody("TAKEN@moby.example"), 409, "uniqueness", existing},
		{"rename onto a taken userName", "PATCH", "/Users/" + other, patchBody(op("replace", "userName", "Taken@Moby.Example")), 409, "uniqueness", existing},
		{"PUT onto a taken userName", "PUT", "/Users/" + other, userBody("taken@moby.example"), 409, "uniqueness", existing},
		{"bad JSON", "POST", "/Users", `{"schemas":`, 400, "invalidSyntax", ""},
		{"not an object", "POST", "/Users", `[1,2]`, 400, "invalidSyntax", ""},
		{"empty body", "POST", "/Users", ` `, 400, "invalidSyntax", ""},
		{"trailing data", "POST", "/Users", `{"schemas":["` + userURN + `"],"userName":"t@x"} {}`, 400, "invalidSyntax", ""},
		{"no schemas", "POST", "/Users", map[string]any{"userName": "n@moby.example"}, 400, "invalidSyntax", ""},
		{"no userName", "POST", "/Users", map[string]any{"schemas": []string{userURN}}, 400, "invalidValue", ""},
		{"userName not a string", "POST", "/Users", map[string]any{"schemas": []string{userURN}, "userName": 5}, 400, "invalidValue", ""},
		{"bad dockerRole", "POST", "/Users", userBody("r@moby.example", dockerURN, dockerExt("dockerRole", "admin")), 400, "invalidValue", ""},
		{"dockerOrg out of scope", "POST", "/Users", userBody("o@moby.example", dockerURN, dockerExt("dockerOrg", "whale")), 400, "invalidValue", "whale"},
		{"dockerOrg unknown", "POST", "/Users", userBody("o@moby.example", dockerURN, dockerExt("dockerOrg", "nope")), 400, "invalidValue", "nope"},
		{"body over 1 MiB", "POST", "/Users", big, 413, "", ""},
		{"PATCH without Operations", "PATCH", "/Users/" + other, map[string]any{"schemas": []string{patchURN}}, 400, "invalidValue", ""},
		{"PATCH bad op", "PATCH", "/Users/" + other, patchBody(op("frobnicate", "active", true)), 400, "invalidSyntax", "frobnicate"},
		{"PATCH bad path", "PATCH", "/Users/" + other, patchBody(op("replace", "nope[[", true)), 400, "invalidPath", ""},
		{"PATCH readOnly", "PATCH", "/Users/" + other, patchBody(op("replace", "id", "x")), 400, "mutability", ""},
		{"PATCH remove without target", "PATCH", "/Users/" + other, patchBody(op("remove", "", nil)), 400, "noTarget", ""},
		{"bad filter", "GET", "/Users?filter=userName%20eq", nil, 400, "invalidFilter", ""},
		{"bad count", "GET", "/Users?count=abc", nil, 400, "invalidValue", ""},
		{"bad sortOrder", "GET", "/Users?sortBy=userName&sortOrder=sideways", nil, 400, "invalidValue", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.scim(tc.method, tc.path, tc.body)
			wantSCIMError(t, r, tc.status, tc.scimType)
			if tc.detail != "" && !strings.Contains(r.str("detail"), tc.detail) {
				t.Errorf("detail %q does not name %q", r.str("detail"), tc.detail)
			}
		})
	}
	// Nothing above changed other.
	r := e.scim("GET", "/Users/"+other, nil)
	if r.str("userName") != "other@moby.example" || r.header.Get("ETag") != `W/"1"` {
		t.Errorf("other changed: %s", r.raw)
	}
}

func TestSCIMUnknownAttributesIgnored(t *testing.T) {
	e := newEnv(t)
	body := userBody("unk@moby.example", "favouriteColour", "green", "nested", map[string]any{"a": []any{1, 2}},
		"urn:example:ext", map[string]any{"x": 1}, "name", map[string]any{"givenName": "U", "nickname": "zz"},
		"title", "Engineer", "password", "secret!")
	r := e.scim("POST", "/Users", body)
	want(t, r, 201)
	if r.get("favouriteColour") != nil || r.get("nested") != nil || r.get("password") != nil {
		t.Errorf("unknown or writeOnly attributes echoed: %s", r.raw)
	}
	if r.str("title") != "Engineer" {
		t.Errorf("schema attribute title not kept: %s", r.raw)
	}
	r = e.scim("PUT", "/Users/"+r.str("id"), userBody("unk@moby.example", "active", true, "bogus", []any{map[string]any{}}))
	want(t, r, 200)
}

func TestSCIMPatchIdPForms(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("forms@moby.example", "name", map[string]any{"givenName": "F", "familyName": "Orms"})
	cases := []struct {
		name  string
		ops   []map[string]any
		check func(t *testing.T, r *resp)
	}{
		{"okta no-path deactivate", []map[string]any{op("replace", "", map[string]any{"active": false})}, func(t *testing.T, r *resp) {
			if r.get("active") != false {
				t.Error("still active")
			}
		}},
		{"entra capitalised op and string boolean", []map[string]any{op("Replace", "active", "True")}, func(t *testing.T, r *resp) {
			if r.get("active") != true {
				t.Error("not active")
			}
		}},
		{"entra dotted keys", []map[string]any{op("Replace", "", map[string]any{"name.givenName": "Fo", "name.familyName": "Rm"})}, func(t *testing.T, r *resp) {
			if r.str("name", "givenName") != "Fo" || r.str("name", "familyName") != "Rm" {
				t.Errorf("name: %s", r.raw)
			}
		}},
		{"urn-qualified extension path", []map[string]any{op("add", dockerURN+":dockerRole", "editor")}, func(t *testing.T, r *resp) {
			if r.str(dockerURN, "dockerRole") != "editor" {
				t.Errorf("role: %s", r.raw)
			}
		}},
		{"urn-qualified key in no-path value", []map[string]any{op("replace", "", map[string]any{dockerURN + ":dockerTeam": "platform"})}, func(t *testing.T, r *resp) {
			if r.str(dockerURN, "dockerTeam") != "platform" {
				t.Errorf("team: %s", r.raw)
			}
		}},
		{"filtered emails path", []map[string]any{op("replace", `emails[type eq "work"].value`, "forms2@moby.example")}, func(t *testing.T, r *resp) {
			if r.str("emails", "0", "value") != "forms2@moby.example" {
				t.Errorf("emails: %s", r.raw)
			}
		}},
		{"add then remove externalId", []map[string]any{op("add", "externalId", "x1"), op("remove", "externalId", nil)}, func(t *testing.T, r *resp) {
			if r.get("externalId") != nil {
				t.Errorf("externalId: %s", r.raw)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.scim("PATCH", "/Users/"+id, patchBody(tc.ops...))
			want(t, r, 200)
			tc.check(t, r)
			// The answer is what GET returns.
			g := e.scim("GET", "/Users/"+id, nil)
			tc.check(t, g)
		})
	}
	// The patched role and team reached Docker.
	roles, teams := e.members("moby")
	if roles["forms"] != "editor" || !slices.Contains(teams["forms"], "platform") {
		t.Errorf("membership: %v %v", roles, teams)
	}
}

func TestSCIMPatchAtomic(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("atomic@moby.example")
	before := e.scim("GET", "/Users/"+id, nil)
	r := e.scim("PATCH", "/Users/"+id, patchBody(
		op("replace", "displayName", "changed"),
		op("replace", "active", false),
		op("replace", "nope.nope", "x"),
	))
	if r.status != 400 {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	after := e.scim("GET", "/Users/"+id, nil)
	if string(before.raw) != string(after.raw) {
		t.Errorf("a failed PATCH changed the user:\n%s\n%s", before.raw, after.raw)
	}
	// A PATCH that passes the engine but fails mockhub's checks changes nothing either.
	e.createUser("taken2@moby.example")
	r = e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "active", false), op("replace", "userName", "taken2@moby.example")))
	wantSCIMError(t, r, 409, "uniqueness")
	after = e.scim("GET", "/Users/"+id, nil)
	if string(before.raw) != string(after.raw) {
		t.Errorf("a rejected PATCH changed the user")
	}
	roles, _ := e.members("moby")
	if _, ok := roles["atomic"]; !ok {
		t.Error("a rejected PATCH removed the membership")
	}
}

func TestSCIMETags(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("etag@moby.example")
	g := e.scim("POST", "/Groups", groupBody("moby:etag", id))
	gid := g.str("id")
	for _, kind := range []struct{ path, put string }{{"/Users/" + id, "user"}, {"/Groups/" + gid, "group"}} {
		t.Run(kind.put, func(t *testing.T) {
			r := e.scim("GET", kind.path, nil)
			tag := r.header.Get("ETag")
			if tag == "" || tag != r.str("meta", "version") {
				t.Fatalf("ETag %q, meta.version %q", tag, r.str("meta", "version"))
			}
			r = e.scim("GET", kind.path, nil, "If-None-Match", tag)
			want(t, r, 304)
			r = e.scim("GET", kind.path, nil, "If-None-Match", `W/"999"`)
			want(t, r, 200)
			var put any = userBody("etag@moby.example", "active", true)
			var patch = patchBody(op("replace", "displayName", "etag2"))
			if kind.put == "group" {
				put = groupBody("moby:etag", id)
				patch = patchBody(op("replace", "displayName", "moby:etag2"))
			}
			wantSCIMError(t, e.scim("PUT", kind.path, put, "If-Match", `W/"999"`), 412, "")
			wantSCIMError(t, e.scim("PATCH", kind.path, patch, "If-Match", `W/"999"`), 412, "")
			wantSCIMError(t, e.scim("DELETE", kind.path, nil, "If-Match", `W/"999"`), 412, "")
			r = e.scim("PATCH", kind.path, patch, "If-Match", tag)
			want(t, r, 200)
			next := r.header.Get("ETag")
			if next == tag {
				t.Errorf("version not bumped: %s", next)
			}
			// The old tag is now stale; * matches anything.
			wantSCIMError(t, e.scim("PATCH", kind.path, patch, "If-Match", tag), 412, "")
			want(t, e.scim("PATCH", kind.path, patch, "If-Match", "*"), 200)
			if kind.put == "user" {
				want(t, e.scim("DELETE", kind.path, nil, "If-Match", `"2", `+next), 204)
			}
		})
	}
}

func TestSCIMListing(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 230 {
		ids = append(ids, e.createUser(fmt.Sprintf("list%03d@moby.example", i), "externalId", fmt.Sprintf("ext-%d", i%3)))
	}
	list := func(q string) *resp {
		t.Helper()
		r := e.scim("GET", "/Users?"+q, nil)
		want(t, r, 200)
		return r
	}
	t.Run("filter eq userName is case-insensitive", func(t *testing.T) {
		r := list(`filter=` + urlq(`UserName EQ "LIST007@MOBY.EXAMPLE"`))
		if r.num("totalResults") != 1 || r.str("Resources", "0", "id") != ids[7] {
			t.Errorf("%s", r.raw)
		}
	})
	t.Run("filter eq id and externalId", func(t *testing.T) {
		r := list(`filter=` + urlq(`id eq "`+ids[3]+`"`))
		if r.num("totalResults") != 1 {
			t.Errorf("%s", r.raw)
		}
		r = list(`filter=` + urlq(`externalId eq "ext-1"`) + "&count=200")
		if r.num("totalResults") != 77 || r.str("Resources", "0", "id") != ids[1] {
			t.Errorf("externalId: total %d", r.num("totalResults"))
		}
		r = list(`filter=` + urlq(`externalId eq "EXT-1"`))
		if r.num("totalResults") != 0 {
			t.Errorf("externalId is caseExact: %d", r.num("totalResults"))
		}
	})
	t.Run("filter sw and", func(t *testing.T) {
		r := list(`filter=` + urlq(`userName sw "list01" and active eq true`))
		if r.num("totalResults") != 10 {
			t.Errorf("%d", r.num("totalResults"))
		}
	})
	t.Run("filter no match", func(t *testing.T) {
		r := list(`filter=` + urlq(`userName eq "nobody@moby.example"`))
		if r.num("totalResults") != 0 || len(r.list("Resources")) != 0 {
			t.Errorf("%s", r.raw)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		r := list("")
		if r.num("totalResults") != 230 || r.num("itemsPerPage") != 100 || r.num("startIndex") != 1 || len(r.list("Resources")) != 100 {
			t.Errorf("total %d items %d start %d", r.num("totalResults"), r.num("itemsPerPage"), r.num("startIndex"))
		}
		if r.str("schemas", "0") != "urn:ietf:params:scim:api:messages:2.0:ListResponse" {
			t.Errorf("schemas %v", r.get("schemas"))
		}
	})
	t.Run("count capped at 200", func(t *testing.T) {
		r := list("count=1000")
		if r.num("itemsPerPage") != 200 {
			t.Errorf("itemsPerPage %d", r.num("itemsPerPage"))
		}
	})
	t.Run("count=0", func(t *testing.T) {
		r := list("count=0")
		if r.num("totalResults") != 230 || len(r.list("Resources")) != 0 {
			t.Errorf("%s", r.raw)
		}
	})
	t.Run("startIndex below 1", func(t *testing.T) {
		for _, si := range []string{"0", "-5"} {
			r := list("startIndex=" + si + "&count=2")
			if r.num("startIndex") != 1 || r.str("Resources", "0", "id") != ids[0] {
				t.Errorf("startIndex=%s: %s", si, r.raw)
			}
		}
	})
	t.Run("past the end", func(t *testing.T) {
		r := list("startIndex=500")
		if r.num("totalResults") != 230 || len(r.list("Resources")) != 0 {
			t.Errorf("%s", r.raw)
		}
	})
	t.Run("stable pages", func(t *testing.T) {
		var got []string
		for start := 1; start <= 230; start += 50 {
			r := list(fmt.Sprintf("startIndex=%d&count=50", start))
			for _, u := range r.list("Resources") {
				got = append(got, u.(map[string]any)["id"].(string))
			}
		}
		if !slices.Equal(got, ids) {
			t.Error("pages do not walk the users once each in creation order")
		}
	})
	t.Run("sort", func(t *testing.T) {
		r := list("sortBy=userName&sortOrder=descending&count=3")
		if r.str("Resources", "0", "userName") != "list229@moby.example" || r.str("Resources", "2", "userName") != "list227@moby.example" {
			t.Errorf("%s", r.raw)
		}
		// Equal keys tie-break on id, so paging a sorted list is stable.
		var got []string
		for start := 1; start <= 230; start += 100 {
			r := list(fmt.Sprintf("sortBy=externalId&startIndex=%d&count=100", start))
			for _, u := range r.list("Resources") {
				got = append(got, u.(map[string]any)["id"].(string))
			}
		}
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		if len(got) != 230 || len(slices.Compact(sorted)) != 230 {
			t.Errorf("sorted pages repeat or skip users: %d", len(got))
		}
	})
	t.Run("attributes", func(t *testing.T) {
		r := list("attributes=userName&count=1")
		u := r.get("Resources", "0").(map[string]any)
		if u["userName"] == nil || u["id"] == nil || u["emails"] != nil || u["active"] != nil {
			t.Errorf("%v", u)
		}
		r = list("excludedAttributes=emails,meta&count=1")
		u = r.get("Resources", "0").(map[string]any)
		if u["emails"] != nil || u["userName"] == nil || u["id"] == nil {
			t.Errorf("%v", u)
		}
		g := e.scim("GET", "/Users/"+ids[0]+"?attributes=userName", nil)
		if g.get("active") != nil || g.str("userName") == "" {
			t.Errorf("GET attributes: %s", g.raw)
		}
	})
	t.Run(".search", func(t *testing.T) {
		r := e.scim("POST", "/Users/.search", map[string]any{
			"schemas": []string{searchRequestURN}, "filter": `userName sw "list00"`, "startIndex": 2, "count": 3,
			"attributes": []string{"userName"}, "sortBy": "userName",
		})
		want(t, r, 200)
		if r.num("totalResults") != 10 || r.num("itemsPerPage") != 3 || r.str("Resources", "0", "userName") != "list001@moby.example" {
			t.Errorf("%s", r.raw)
		}
	})
	t.Run("groups", func(t *testing.T) {
		for i := range 5 {
			want(t, e.scim("POST", "/Groups", groupBody(fmt.Sprintf("moby:team%d", i), ids[i])), 201)
		}
		r := e.scim("GET", "/Groups?filter="+urlq(`displayName eq "MOBY:TEAM3"`), nil)
		want(t, r, 200)
		if r.num("totalResults") != 1 || r.str("Resources", "0", "members", "0", "value") != ids[3] {
			t.Errorf("%s", r.raw)
		}
		r = e.scim("GET", "/Groups?excludedAttributes=members&sortBy=displayName&sortOrder=descending", nil)
		want(t, r, 200)
		if r.num("totalResults") != 5 || r.get("Resources", "0", "members") != nil || r.str("Resources", "0", "displayName") != "moby:team4" {
			t.Errorf("%s", r.raw)
		}
		r = e.scim("POST", "/Groups/.search", map[string]any{"schemas": []string{searchRequestURN}, "filter": `displayName sw "moby:team"`, "count": 2})
		if r.num("totalResults") != 5 || r.num("itemsPerPage") != 2 {
			t.Errorf("%s", r.raw)
		}
		// A user's groups attribute is derived from membership.
		u := e.scim("GET", "/Users/"+ids[2], nil)
		if u.str("groups", "0", "display") != "moby:team2" || u.str("groups", "0", "value") == "" || u.str("groups", "0", "$ref") == "" {
			t.Errorf("groups: %s", u.raw)
		}
	})
}

func urlq(s string) string {
	return strings.NewReplacer(" ", "%20", `"`, "%22", "&", "%26", "+", "%2B").Replace(s)
}

func TestSCIMGroups(t *testing.T) {
	e := newEnv(t)
	a := e.createUser("groupa@moby.example")
	b := e.createUser("groupb@moby.example")
	r := e.scim("POST", "/Groups", groupBody("moby:Developers", a, b, a))
	want(t, r, 201)
	gid := r.str("id")
	if len(r.list("members")) != 2 || r.header.Get("Location") == "" || r.str("members", "0", "display") != "groupa" {
		t.Errorf("%s", r.raw)
	}
	for _, tc := range []struct {
		name     string
		method   string
		path     string
		body     any
		status   int
		scimType string
		detail   string
	}{
		{"duplicate displayName", "POST", "/Groups", groupBody("MOBY:developers"), 409, "uniqueness", gid},
		{"no colon", "POST", "/Groups", groupBody("developers"), 400, "invalidValue", "developers"},
		{"empty team", "POST", "/Groups", groupBody("moby:"), 400, "invalidValue", ""},
		{"org out of scope", "POST", "/Groups", groupBody("whale:devs"), 400, "invalidValue", "whale"},
		{"unknown org", "POST", "/Groups", groupBody("atlantis:devs"), 400, "invalidValue", "atlantis"},
		{"unknown member", "POST", "/Groups", groupBody("moby:x", "no-such-id"), 400, "invalidValue", "no-such-id"},
		{"patch unknown member", "PATCH", "/Groups/" + gid, patchBody(op("add", "members", []any{map[string]any{"value": "ghost"}})), 400, "invalidValue", "ghost"},
		{"patch rename out of scope", "PATCH", "/Groups/" + gid, patchBody(op("replace", "displayName", "whale:x")), 400, "invalidValue", "whale"},
		{"missing displayName", "POST", "/Groups", map[string]any{"schemas": []string{groupURN}}, 400, "invalidValue", ""},
		{"unknown group", "GET", "/Groups/nope", nil, 404, "", ""},
		{"put unknown group", "PUT", "/Groups/nope", groupBody("moby:x"), 404, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.scim(tc.method, tc.path, tc.body)
			wantSCIMError(t, r, tc.status, tc.scimType)
			if tc.detail != "" && !strings.Contains(r.str("detail"), tc.detail) {
				t.Errorf("detail %q does not name %q", r.str("detail"), tc.detail)
			}
		})
	}
	// Entra removes members with a value list; Okta with a filter.
	r = e.scim("PATCH", "/Groups/"+gid, patchBody(op("Remove", "members", []any{map[string]any{"value": a}})))
	want(t, r, 200)
	if len(r.list("members")) != 1 || r.str("members", "0", "value") != b {
		t.Errorf("%s", r.raw)
	}
	r = e.scim("PATCH", "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": a}}), op("remove", `members[value eq "`+b+`"]`, nil)))
	want(t, r, 200)
	if len(r.list("members")) != 1 || r.str("members", "0", "value") != a {
		t.Errorf("%s", r.raw)
	}
	// Okta renames with a value that carries the id.
	r = e.scim("PATCH", "/Groups/"+gid, patchBody(op("replace", "", map[string]any{"id": gid, "displayName": "moby:devs"})))
	want(t, r, 200)
	if r.str("displayName") != "moby:devs" {
		t.Errorf("%s", r.raw)
	}
	// PUT replaces the members.
	r = e.scim("PUT", "/Groups/"+gid, groupBody("moby:devs", b))
	want(t, r, 200)
	if len(r.list("members")) != 1 || r.str("members", "0", "value") != b {
		t.Errorf("%s", r.raw)
	}
	// Deleting a user removes it from its groups.
	want(t, e.scim("DELETE", "/Users/"+b, nil), 204)
	r = e.scim("GET", "/Groups/"+gid, nil)
	if len(r.list("members")) != 0 {
		t.Errorf("deleted user still a member: %s", r.raw)
	}
	want(t, e.scim("DELETE", "/Groups/"+gid, nil), 204)
	wantSCIMError(t, e.scim("GET", "/Groups/"+gid, nil), 404, "")
	wantSCIMError(t, e.scim("DELETE", "/Groups/"+gid, nil), 404, "")
}

func TestSCIMPanicBecomes500(t *testing.T) {
	e := newEnv(t)
	e.srv.mux.HandleFunc("GET /v2/scim/2.0/boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	e.srv.mux.HandleFunc("GET /v2/boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	wantSCIMError(t, e.do("GET", "/v2/scim/2.0/boom", "", nil), 500, "")
	r := e.do("GET", "/v2/boom", "", nil)
	want(t, r, 500)
	if r.str("message") == "" {
		t.Errorf("%s", r.raw)
	}
	// The server still answers.
	want(t, e.scim("GET", "/Users", nil), 200)
}
