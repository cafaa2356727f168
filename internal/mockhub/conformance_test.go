package mockhub

// The conformance test: mockhub's requests and answers, in the published
// dialect, validated against Docker's published OpenAPI file, which is read
// from ../shared/docker-hub-latest.yaml beside the repository (never copied
// into it). The file is repaired in memory only where it is not valid
// OpenAPI 3.0; where it contradicts itself mockhub takes a side, and each
// such exception is listed below with its reason (openapi.yaml says the
// same, operation by operation). Both are printed when the test runs.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"gopkg.in/yaml.v3"
)

// publishedSpecPath is Docker's file, beside the repository.
var publishedSpecPath = filepath.Join("..", "..", "..", "shared", "docker-hub-latest.yaml")

type object = map[string]any

// specException is a place where Docker's file contradicts itself (or what
// Hub does) and mockhub takes the other side. apply relaxes the schema and
// reports whether it found what it relaxes, so that an exception the file
// no longer needs fails the test instead of lingering.
type specException struct {
	where, decision string
	apply           func(doc object) bool
}

var specExceptions = []specException{
	{
		where: "GET /v2/orgs/{org_name}/members 200",
		decision: "the body is one page {count, next, previous, results}, not an array of pages: every other list in the file " +
			"is one page, and Hub answers one; validated against the array's item schema",
		apply: func(doc object) bool {
			media := dig(doc, "paths", "/v2/orgs/{org_name}/members", "get", "responses", "200", "content", "application/json")
			schema, _ := dig(media, "schema").(object)
			if schema == nil || schema["type"] != "array" {
				return false
			}
			media.(object)["schema"] = schema["items"]
			return true
		},
	},
	{
		where: "next and previous of the members, groups, group members and organization access token lists",
		decision: "null on the last (first) page, as the file's own examples and its page schema say, though these " +
			"schemas type them as non-nullable strings",
		apply: func(doc object) bool {
			found := 0
			for _, s := range []any{
				dig(doc, "components", "schemas", "org_member_paginated", "properties"),
				dig(doc, "paths", "/v2/orgs/{org_name}/groups", "get", "responses", "200", "content", "application/json", "schema", "properties"),
				dig(doc, "paths", "/v2/orgs/{org_name}/groups/{group_name}/members", "get", "responses", "200", "content", "application/json", "schema", "properties"),
				dig(doc, "components", "schemas", "getOrgAccessTokensResponse", "properties"),
			} {
				props, _ := s.(object)
				for _, k := range []string{"next", "previous"} {
					if p, ok := props[k].(object); ok {
						p["nullable"] = true
						found++
					}
				}
			}
			return found == 8
		},
	},
	{
		where: "POST /v2/invites/bulk 202",
		decision: "the body is bulk_invite itself, {invitees: [...]}, as bulk_invite's own example shows; read literally, " +
			"the file nests it once more, {invitees: {invitees: [...]}}",
		apply: func(doc object) bool {
			media, _ := dig(doc, "paths", "/v2/invites/bulk", "post", "responses", "202", "content", "application/json").(object)
			inner, _ := dig(media, "schema", "properties", "invitees").(object)
			if inner == nil || inner["$ref"] != "#/components/schemas/bulk_invite" {
				return false
			}
			media["schema"] = inner
			return true
		},
	},
	{
		where: "GET /v2/orgs/{org_name}/members/export 200",
		decision: "the role column is Permission, as the schema's properties and Docker's documentation name it, not Role, " +
			"which its required list names and its properties do not define",
		apply: func(doc object) bool {
			items, _ := dig(doc, "paths", "/v2/orgs/{org_name}/members/export", "get", "responses", "200", "content", "text/csv", "schema", "items").(object)
			req, _ := items["required"].([]any)
			i := slices.Index(req, any("Role"))
			if i < 0 {
				return false
			}
			req[i] = "Permission"
			return true
		},
	},
	{
		where: "role of org_member (member answers) and Permission of the members export",
		decision: "Editor besides Owner, Member (and Invitee): the published PUT takes editor, and answering an editor as " +
			"Member would hide the role just set",
		apply: func(doc object) bool {
			found := 0
			for _, v := range []any{
				dig(doc, "components", "schemas", "org_member", "properties", "role"),
				dig(doc, "paths", "/v2/orgs/{org_name}/members/export", "get", "responses", "200", "content", "text/csv", "schema", "items", "properties", "Permission"),
			} {
				if role, ok := v.(object); ok {
					role["enum"] = append(asList(role["enum"]), "Editor")
					found++
				}
			}
			return found == 2
		},
	},
}

// dig walks nested objects by key.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(object)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// repairSpec makes the file valid OpenAPI 3.0, returning what it changed:
// "required: true" on a property (an OpenAPI 2/JSON Schema draft 3 habit)
// moves to its parent's required list, and a path parameter the path
// names but no operation declares is declared.
func repairSpec(doc object) []string {
	var repairs []string
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch x := v.(type) {
		case object:
			if props, ok := x["properties"].(object); ok {
				for _, name := range sortedKeys(props) {
					p, _ := props[name].(object)
					if p == nil || p["required"] != true {
						continue
					}
					delete(p, "required")
					req, _ := x["required"].([]any)
					x["required"] = append(req, name)
					repairs = append(repairs, fmt.Sprintf("%s.properties.%s: required: true moved to the parent's required list", where, name))
				}
			}
			for _, k := range sortedKeys(x) {
				walk(where+"."+k, x[k])
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", where, i), e)
			}
		}
	}
	walk("#", doc)

	paths, _ := doc["paths"].(object)
	for _, p := range sortedKeys(paths) {
		item := paths[p].(object)
		for _, seg := range strings.Split(p, "/") {
			if !strings.HasPrefix(seg, "{") {
				continue
			}
			name := strings.Trim(seg, "{}")
			declared := hasParam(doc, item["parameters"], name)
			for _, m := range []string{"get", "post", "put", "patch", "delete"} {
				op, _ := item[m].(object)
				if op != nil && !declared && !hasParam(doc, op["parameters"], name) {
					op["parameters"] = append(asList(op["parameters"]), object{
						"in": "path", "name": name, "required": true, "schema": object{"type": "string"},
					})
					repairs = append(repairs, fmt.Sprintf("paths.%s.%s: path parameter {%s} declared", p, m, name))
				}
			}
		}
	}
	return repairs
}

func asList(v any) []any { l, _ := v.([]any); return l }

// hasParam reports whether params (following local $refs) declare the
// path parameter name.
func hasParam(doc object, params any, name string) bool {
	for _, p := range asList(params) {
		m, _ := p.(object)
		if ref, ok := m["$ref"].(string); ok {
			m, _ = dig(doc, strings.Split(strings.TrimPrefix(ref, "#/"), "/")...).(object)
		}
		if m["name"] == name && m["in"] == "path" {
			return true
		}
	}
	return false
}

// loadPublishedSpec reads, repairs and validates Docker's file, and builds
// a router over it; it skips the test when the file is absent.
func loadPublishedSpec(t *testing.T) routers.Router {
	t.Helper()
	raw, err := os.ReadFile(publishedSpecPath)
	if os.IsNotExist(err) {
		t.Skipf("Docker's published OpenAPI file is not at %s (it is not part of the repository: see DESIGN.md); "+
			"the conformance test needs it beside the repository", publishedSpecPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc object
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", publishedSpecPath, err)
	}
	for _, r := range repairSpec(doc) {
		t.Logf("repair (not valid OpenAPI as published): %s", r)
	}
	for _, ex := range specExceptions {
		if !ex.apply(doc) {
			t.Errorf("exception %q no longer matches the published file: drop it or update it", ex.where)
			continue
		}
		t.Logf("exception: %s: %s", ex.where, ex.decision)
	}
	// The router matches requests sent to mockhub, wherever it listens.
	doc["servers"] = []any{object{"url": "/"}}
	spec := loadOpenAPI(t, doc, "the repaired file", openapi3.DisableExamplesValidation())
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	return router
}

func init() {
	openapi3filter.RegisterBodyDecoder("application/scim+json", openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/csv", csvBodyDecoder)
}

// csvBodyDecoder reads a CSV body as the published file describes the
// members export: an array of objects keyed by the header row.
func csvBodyDecoder(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	rows, err := csv.NewReader(body).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("not CSV: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("CSV without a header row")
	}
	out := make([]any, 0, len(rows)-1)
	for _, row := range rows[1:] {
		o := object{}
		for i, col := range rows[0] {
			o[col] = row[i]
		}
		out = append(out, o)
	}
	return out, nil
}

// conformer sends requests to mockhub and validates both directions.
type conformer struct {
	t      *testing.T
	e      *env
	router routers.Router
	seen   map[string]bool // operations exercised, "METHOD path-template"
}

// check sends method path (body JSON unless nil) with the bearer token and
// validates the request and the answer, which must have status want.
func (c *conformer) check(method, path, token string, body any, want int) *resp {
	c.t.Helper()
	return c.send(method, path, token, body, want, false)
}

// checkBad is check for a request deliberately outside the contract: the
// request must fail validation, and the answer must still conform.
func (c *conformer) checkBad(method, path, token string, body any, want int) *resp {
	c.t.Helper()
	return c.send(method, path, token, body, want, true)
}

func (c *conformer) send(method, path, token string, body any, want int, badRequest bool) *resp {
	c.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			c.t.Fatal(err)
		}
	}
	contentType := "application/json"
	if strings.HasPrefix(path, SCIMBasePath) {
		contentType = scimContentType
	}
	req, err := http.NewRequest(method, c.e.ts.URL+path, bytes.NewReader(raw))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.e.ts.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	r := &resp{status: res.StatusCode, header: res.Header, raw: out}
	_ = json.Unmarshal(out, &r.body)
	if r.status != want {
		c.t.Errorf("%s %s: status %d, want %d: %s", method, path, r.status, want, out)
		return r
	}

	// Validate against the published file.
	vreq, _ := http.NewRequest(method, c.e.ts.URL+path, bytes.NewReader(raw))
	vreq.Header = req.Header.Clone()
	route, params, err := c.router.FindRoute(vreq)
	if err != nil {
		c.t.Errorf("%s %s: not an operation of the published file: %v", method, path, err)
		return r
	}
	c.seen[method+" "+route.Path] = true
	in := &openapi3filter.RequestValidationInput{
		Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true},
	}
	switch err := openapi3filter.ValidateRequest(context.Background(), in); {
	case err != nil && !badRequest:
		c.t.Errorf("%s %s: the request does not conform: %v", method, path, err)
	case err == nil && badRequest:
		c.t.Errorf("%s %s: the request meant to break the contract conforms", method, path)
	}
	if err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(out)),
		Options: in.Options,
	}); err != nil {
		c.t.Errorf("%s %s: the answer %d does not conform: %v\n%s", method, path, r.status, err, out)
	}
	return r
}

func TestConformsToPublishedSpec(t *testing.T) {
	router := loadPublishedSpec(t)
	e := newEnv(t, published)
	c := &conformer{t: t, e: e, router: router, seen: map[string]bool{}}
	scim := func(p string) string { return SCIMBasePath + p }

	// SCIM discovery.
	c.check(http.MethodGet, scim("/ServiceProviderConfig"), mobyToken, nil, http.StatusOK)
	c.check(http.MethodGet, scim("/ServiceProviderConfig"), "", nil, http.StatusUnauthorized)
	c.check(http.MethodGet, scim("/ResourceTypes"), mobyToken, nil, http.StatusOK)
	c.check(http.MethodGet, scim("/ResourceTypes/User"), mobyToken, nil, http.StatusOK)
	c.check(http.MethodGet, scim("/ResourceTypes/Group"), mobyToken, nil, http.StatusNotFound)
	c.check(http.MethodGet, scim("/Schemas"), mobyToken, nil, http.StatusOK)
	c.check(http.MethodGet, scim("/Schemas/"+userURN), mobyToken, nil, http.StatusOK)
	c.check(http.MethodGet, scim("/Schemas/urn:nope"), mobyToken, nil, http.StatusNotFound)

	// SCIM users.
	created := c.check(http.MethodPost, scim("/Users"), mobyToken, object{
		"schemas": []any{userURN}, "userName": "jon.snow@moby.example", "name": object{"givenName": "Jon", "familyName": "Snow"},
	}, http.StatusCreated)
	id := created.str("id")
	c.check(http.MethodPost, scim("/Users"), mobyToken, object{"schemas": []any{userURN}, "userName": "jon.snow@moby.example"}, http.StatusConflict)
	c.check(http.MethodPost, scim("/Users"), mobyToken, object{"schemas": []any{userURN}, "userName": "not an email"}, http.StatusBadRequest)
	c.check(http.MethodPost, scim("/Users"), "wrong", object{"schemas": []any{userURN}, "userName": "a@moby.example"}, http.StatusUnauthorized)
	c.check(http.MethodGet, scim("/Users"), mobyToken, nil, http.StatusOK)
	q := url.Values{"filter": {`userName eq "jon.snow@moby.example"`}, "startIndex": {"1"}, "count": {"10"},
		"sortBy": {"userName"}, "sortOrder": {"descending"}, "attributes": {"userName,displayName"}}
	if l := c.check(http.MethodGet, scim("/Users?"+q.Encode()), mobyToken, nil, http.StatusOK); l.num("totalResults") != 1 {
		t.Errorf("filtered list: %s", l.raw)
	}
	c.check(http.MethodGet, scim("/Users?filter="+url.QueryEscape("userName zz 1")), mobyToken, nil, http.StatusBadRequest)
	c.check(http.MethodGet, scim("/Users/"+id), mobyToken, nil, http.StatusOK)
	c.check(http.MethodGet, scim("/Users/d80f7c79-7730-49d8-9a41-7c42fb622d9c"), mobyToken, nil, http.StatusNotFound)
	c.check(http.MethodPut, scim("/Users/"+id), mobyToken, object{"schemas": []any{userURN}, "name": object{"givenName": "Aegon"}, "enabled": true}, http.StatusOK)
	c.check(http.MethodPut, scim("/Users/"+id), mobyToken, object{"schemas": []any{userURN}, "enabled": false}, http.StatusOK)
	c.checkBad(http.MethodPut, scim("/Users/"+id), mobyToken, object{"enabled": true}, http.StatusBadRequest)
	c.check(http.MethodPut, scim("/Users/d80f7c79-7730-49d8-9a41-7c42fb622d9c"), mobyToken, object{"schemas": []any{userURN}, "enabled": true}, http.StatusNotFound)

	// Sign-in.
	c.check(http.MethodPost, "/v2/auth/token", "", object{"identifier": "admin", "secret": adminPass}, http.StatusOK)
	c.check(http.MethodPost, "/v2/auth/token", "", object{"identifier": "admin", "secret": "wrong"}, http.StatusUnauthorized)
	c.check(http.MethodPost, "/v2/users/login", "", object{"username": "admin", "password": adminPass}, http.StatusOK)
	admin := e.login("admin", adminPass)
	dev := e.login("dev", devPass)

	// Members.
	c.check(http.MethodGet, "/v2/orgs/moby/members", admin, nil, http.StatusOK)
	c.check(http.MethodGet, "/v2/orgs/moby/members?page=1&page_size=1&role=owner&type=all&invites=false", admin, nil, http.StatusOK)
	c.check(http.MethodGet, "/v2/orgs/moby/members", "", nil, http.StatusUnauthorized)
	c.check(http.MethodGet, "/v2/orgs/moby/members", dev, nil, http.StatusForbidden)
	c.check(http.MethodGet, "/v2/orgs/nope/members", admin, nil, http.StatusNotFound)
	c.check(http.MethodPut, "/v2/orgs/moby/members/dev", admin, object{"role": "editor"}, http.StatusOK)
	c.check(http.MethodPut, "/v2/orgs/moby/members/nobody", admin, object{"role": "member"}, http.StatusNotFound)

	// Groups (teams).
	c.check(http.MethodGet, "/v2/orgs/moby/groups", admin, nil, http.StatusOK)
	e.scim(http.MethodPost, "/Users", userBody("arya@moby.example", dockerURN, dockerExt("dockerTeam", "wolves")))
	c.check(http.MethodGet, "/v2/orgs/moby/groups/wolves", admin, nil, http.StatusOK)
	c.check(http.MethodGet, "/v2/orgs/moby/groups/nope", admin, nil, http.StatusNotFound)
	c.check(http.MethodGet, "/v2/orgs/moby/groups/wolves/members", admin, nil, http.StatusOK)
	c.check(http.MethodPost, "/v2/orgs/moby/groups", admin, object{"name": "night-watch", "description": "the wall"}, http.StatusCreated)
	c.checkBad(http.MethodPost, "/v2/orgs/moby/groups", admin, object{"description": "no name"}, http.StatusBadRequest)
	c.check(http.MethodPost, "/v2/orgs/moby/groups/night-watch/members", admin, object{"member": "dev"}, http.StatusOK)
	c.check(http.MethodPost, "/v2/orgs/moby/groups/night-watch/members", admin, object{"member": "jane"}, http.StatusNotFound)
	c.check(http.MethodPatch, "/v2/orgs/moby/groups/night-watch", admin, object{"description": "beyond"}, http.StatusOK)
	c.check(http.MethodPut, "/v2/orgs/moby/groups/night-watch", admin, object{"name": "watch", "description": "renamed"}, http.StatusOK)
	c.check(http.MethodGet, "/v2/orgs/moby/members/export", admin, nil, http.StatusOK)
	c.check(http.MethodDelete, "/v2/orgs/moby/groups/watch/members/dev", admin, nil, http.StatusNoContent)
	c.check(http.MethodDelete, "/v2/orgs/moby/groups/watch", admin, nil, http.StatusNoContent)
	c.check(http.MethodDelete, "/v2/orgs/moby/groups/watch", admin, nil, http.StatusNotFound)

	// Organization access tokens, and signing in with one.
	oat := c.check(http.MethodPost, "/v2/orgs/moby/access-tokens", admin, object{
		"label": "CI", "description": "pipeline", "expires_at": "2030-01-01T00:00:00Z",
		"resources": []any{object{"type": "TYPE_ORG", "path": "moby", "scopes": []any{"member-edit"}}},
	}, http.StatusCreated)
	c.checkBad(http.MethodPost, "/v2/orgs/moby/access-tokens", admin, object{"description": "no label"}, http.StatusBadRequest)
	c.check(http.MethodGet, "/v2/orgs/moby/access-tokens?page=1&page_size=10", admin, nil, http.StatusOK)
	c.check(http.MethodGet, "/v2/orgs/moby/access-tokens/"+oat.str("id"), admin, nil, http.StatusOK)
	c.check(http.MethodGet, "/v2/orgs/moby/access-tokens/nope", admin, nil, http.StatusNotFound)
	c.check(http.MethodPatch, "/v2/orgs/moby/access-tokens/"+oat.str("id"), admin, object{"label": "CI 2", "is_active": true}, http.StatusOK)
	c.check(http.MethodPost, "/v2/auth/token", "", object{"identifier": "moby", "secret": oat.str("token")}, http.StatusOK)
	org := e.login("moby", oat.str("token"))
	c.check(http.MethodGet, "/v2/orgs/moby/members", org, nil, http.StatusOK)
	c.check(http.MethodGet, "/v2/orgs/whale/members", org, nil, http.StatusForbidden)
	c.check(http.MethodGet, "/v2/orgs/moby/access-tokens", org, nil, http.StatusForbidden)
	c.check(http.MethodDelete, "/v2/orgs/moby/access-tokens/"+oat.str("id"), admin, nil, http.StatusNoContent)

	// Invites.
	inv := c.check(http.MethodPost, "/v2/invites/bulk", admin, object{
		"org": "moby", "team": "wolves", "role": "member", "invitees": []any{"sansa@moby.example", "jane", "dev", "nobody"},
	}, http.StatusAccepted)
	c.check(http.MethodPost, "/v2/invites/bulk", admin, object{"org": "moby", "invitees": []any{"bran@moby.example"}, "dry_run": true}, http.StatusAccepted)
	c.checkBad(http.MethodPost, "/v2/invites/bulk", admin, object{"invitees": []any{"bran@moby.example"}}, http.StatusBadRequest)
	c.check(http.MethodGet, "/v2/orgs/moby/invites", admin, nil, http.StatusOK)
	c.check(http.MethodGet, "/v2/orgs/moby/members?invites=true&type=all", admin, nil, http.StatusOK)
	inviteID := inv.str("invitees", "0", "invite", "id")
	c.check(http.MethodPatch, "/v2/invites/"+inviteID+"/resend", admin, nil, http.StatusNoContent)
	c.check(http.MethodDelete, "/v2/invites/"+inviteID, admin, nil, http.StatusNoContent)
	c.check(http.MethodDelete, "/v2/invites/"+inviteID, admin, nil, http.StatusNotFound)
	c.check(http.MethodPatch, "/v2/invites/"+inviteID+"/resend", admin, nil, http.StatusNotFound)

	// Removing a member last: it empties the org of dev.
	c.check(http.MethodDelete, "/v2/orgs/moby/members/dev", admin, nil, http.StatusNoContent)
	c.check(http.MethodDelete, "/v2/orgs/moby/members/dev", admin, nil, http.StatusNotFound)

	// Every published operation in scope that mockhub serves was exercised.
	for _, op := range publishedInScope {
		if !c.seen[op] {
			t.Errorf("published operation %s was not exercised", op)
		}
	}
	var seen []string
	for op := range c.seen {
		seen = append(seen, op)
	}
	slices.Sort(seen)
	t.Logf("operations validated: %s", strings.Join(seen, "; "))
}

// publishedInScope are the published operations mockhub serves, as the
// router names them.
var publishedInScope = []string{
	"GET /v2/scim/2.0/ServiceProviderConfig",
	"GET /v2/scim/2.0/ResourceTypes",
	"GET /v2/scim/2.0/ResourceTypes/{name}",
	"GET /v2/scim/2.0/Schemas",
	"GET /v2/scim/2.0/Schemas/{id}",
	"GET /v2/scim/2.0/Users",
	"POST /v2/scim/2.0/Users",
	"GET /v2/scim/2.0/Users/{id}",
	"PUT /v2/scim/2.0/Users/{id}",
	"POST /v2/auth/token",
	"POST /v2/users/login",
	"GET /v2/orgs/{org_name}/members",
	"PUT /v2/orgs/{org_name}/members/{username}",
	"DELETE /v2/orgs/{org_name}/members/{username}",
	"GET /v2/orgs/{org_name}/groups",
	"GET /v2/orgs/{org_name}/groups/{group_name}",
	"GET /v2/orgs/{org_name}/groups/{group_name}/members",
	"POST /v2/orgs/{org_name}/groups",
	"PUT /v2/orgs/{org_name}/groups/{group_name}",
	"PATCH /v2/orgs/{org_name}/groups/{group_name}",
	"DELETE /v2/orgs/{org_name}/groups/{group_name}",
	"POST /v2/orgs/{org_name}/groups/{group_name}/members",
	"DELETE /v2/orgs/{org_name}/groups/{group_name}/members/{username}",
	"GET /v2/orgs/{org_name}/members/export",
	"GET /v2/orgs/{org_name}/invites",
	"POST /v2/invites/bulk",
	"PATCH /v2/invites/{id}/resend",
	"DELETE /v2/invites/{id}",
	"GET /v2/orgs/{name}/access-tokens",
	"POST /v2/orgs/{name}/access-tokens",
	"GET /v2/orgs/{org_name}/access-tokens/{access_token_id}",
	"PATCH /v2/orgs/{org_name}/access-tokens/{access_token_id}",
	"DELETE /v2/orgs/{org_name}/access-tokens/{access_token_id}",
}
