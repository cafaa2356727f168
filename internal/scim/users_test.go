package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

func ptr[T any](v T) *T { return &v }

func TestCreateUserSendsExplicitActiveAndSchemas(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	u, err := c.CreateUser(context.Background(), &User{
		UserName: "jane@moby.example",
		Name:     &Name{GivenName: "Jane"},
		Groups:   []GroupRef{{Value: "g1"}},
		Docker:   &DockerExtension{Role: "editor"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || u.ETag != `W/"1"` {
		t.Fatalf("created %+v", u)
	}
	posts := f.reqs("POST")
	if len(posts) != 1 {
		t.Fatalf("%d POSTs", len(posts))
	}
	var sent map[string]any
	if err := json.Unmarshal([]byte(posts[0].Body), &sent); err != nil {
		t.Fatal(err)
	}
	if sent["active"] != true {
		t.Fatalf("active not explicit: %s", posts[0].Body)
	}
	if _, ok := sent["groups"]; ok {
		t.Fatalf("read-only groups sent: %s", posts[0].Body)
	}
	schemas, _ := json.Marshal(sent["schemas"])
	if string(schemas) != `["`+SchemaUser+`","`+SchemaDockerUser+`"]` {
		t.Fatalf("schemas %s", schemas)
	}
	if _, ok := sent[SchemaDockerUser]; !ok {
		t.Fatalf("extension missing: %s", posts[0].Body)
	}
	h := posts[0].Header
	if h.Get("Content-Type") != "application/scim+json" || h.Get("Accept") != "application/scim+json" || h.Get("User-Agent") != "terraform-provider-docker/test" {
		t.Fatalf("headers %v", h)
	}
	// An explicit false stays false.
	if _, err := c.CreateUser(context.Background(), &User{UserName: "off@moby.example", Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if body := f.reqs("POST")[1].Body; !strings.Contains(body, `"active":false`) {
		t.Fatalf("body %s", body)
	}
}

func TestCreateUserConflict(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.addUsers(1)
	_, err := c.CreateUser(context.Background(), &User{UserName: "USER001@moby.example"})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.ExistingID != "u001" {
		t.Fatalf("err = %v", err)
	}
	var he *httpx.Error
	if !errors.Is(err, httpx.ErrConflict) || !errors.As(err, &he) || he.Type != "uniqueness" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "u001") || !strings.Contains(err.Error(), "409 Conflict (uniqueness): userName already exists") {
		t.Fatalf("err text %q", err)
	}
}

func TestCreateUserLostResponse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// drop decides, for the n-th POST (from 1), whether to hang up after
		// storing (true), before storing ("before"), or answer normally.
		hook      func(f *fakeSCIM) func(w http.ResponseWriter, r *http.Request, body []byte) bool
		wantPosts int
	}{
		{"answer lost after the user was made: adopted", func(f *fakeSCIM) func(http.ResponseWriter, *http.Request, []byte) bool {
			var posts atomic.Int32
			return func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				if r.Method != "POST" || posts.Add(1) != 1 {
					return false
				}
				var u User
				_ = json.Unmarshal(body, &u)
				f.mu.Lock()
				f.nextID++
				u.ID = "u-made"
				f.users = append(f.users, &u)
				f.mu.Unlock()
				hangUp(w)
				return true
			}
		}, 1},
		{"request lost before the user was made: sent again", func(f *fakeSCIM) func(http.ResponseWriter, *http.Request, []byte) bool {
			var posts atomic.Int32
			return func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
				if r.Method == "POST" && posts.Add(1) == 1 {
					hangUp(w)
					return true
				}
				return false
			}
		}, 2},
		{"lookup lags, second POST gets 409: adopted", func(f *fakeSCIM) func(http.ResponseWriter, *http.Request, []byte) bool {
			var posts, gets atomic.Int32
			return func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				switch {
				case r.Method == "POST" && posts.Add(1) == 1:
					var u User
					_ = json.Unmarshal(body, &u)
					f.mu.Lock()
					u.ID = "u-made"
					f.users = append(f.users, &u)
					f.mu.Unlock()
					hangUp(w)
					return true
				case r.Method == "GET" && r.URL.Query().Get("filter") != "" && gets.Add(1) == 1:
					writeJSON(w, 200, map[string]any{"totalResults": 0, "Resources": []any{}})
					return true
				}
				return false
			}
		}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.setHook(tc.hook(f))
			u, err := c.CreateUser(context.Background(), &User{UserName: "jane@moby.example", ExternalID: "okta-1"})
			if err != nil {
				t.Fatal(err)
			}
			if u.UserName != "jane@moby.example" || u.ID == "" {
				t.Fatalf("got %+v", u)
			}
			if n := f.userCount(); n != 1 {
				t.Fatalf("%d users on the server, want exactly 1", n)
			}
			if n := len(f.reqs("POST")); n != tc.wantPosts {
				t.Fatalf("%d POSTs, want %d", n, tc.wantPosts)
			}
		})
	}
}

func TestCreateUserLostResponseSomeoneElses(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.addUsers(1)
	f.users[0].ExternalID = "other-idp"
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method == "POST" {
			hangUp(w)
			return true
		}
		return false
	})
	_, err := c.CreateUser(context.Background(), &User{UserName: "user001@moby.example", ExternalID: "mine"})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.ExistingID != "u001" || !errors.Is(err, httpx.ErrConflict) {
		t.Fatalf("err = %v", err)
	}
}

func TestUpdateUserPatchOnlyChanges(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.addUsers(1)
	current := &User{ID: "u001", UserName: "user001@moby.example", Name: &Name{GivenName: "A", FamilyName: "B"}, DisplayName: "d", Active: ptr(true), Docker: &DockerExtension{Role: "member", Team: "old"}}
	desired := &User{UserName: "user001@moby.example", Name: &Name{GivenName: "A2", FamilyName: "B"}, DisplayName: "d", Active: ptr(false), Docker: &DockerExtension{Role: "owner"}}
	if _, _, err := c.UpdateUser(context.Background(), current, desired, `W/"1"`); err != nil {
		t.Fatal(err)
	}
	patches := f.reqs("PATCH")
	if len(patches) != 1 {
		t.Fatalf("%d PATCHes", len(patches))
	}
	var body struct {
		Schemas    []string
		Operations []PatchOp
	}
	if err := json.Unmarshal([]byte(patches[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(body.Operations)
	want := `[{"op":"replace","path":"name.givenName","value":"A2"},{"op":"replace","path":"active","value":false},` +
		`{"op":"replace","path":"` + SchemaDockerUser + `:dockerRole","value":"owner"},{"op":"remove","path":"` + SchemaDockerUser + `:dockerTeam"}]`
	if string(got) != want {
		t.Fatalf("ops\n%s\nwant\n%s", got, want)
	}
	if body.Schemas[0] != SchemaPatchOp {
		t.Fatalf("schemas %v", body.Schemas)
	}
	if patches[0].Header.Get("If-Match") != `W/"1"` {
		t.Fatalf("If-Match %q with etag supported", patches[0].Header.Get("If-Match"))
	}
	// Nothing changed: nothing sent.
	if _, changed, err := c.UpdateUser(context.Background(), current, current, ""); err != nil || changed {
		t.Fatalf("an update with nothing to change: changed=%v, err=%v", changed, err)
	}
	if len(f.reqs("PATCH")) != 1 {
		t.Fatal("an empty PATCH was sent")
	}
}

func TestUpdateUserPutFallbackAndNoIfMatch(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.spc = spcNone
	f.addUsers(1)
	current := &User{ID: "u001", UserName: "user001@moby.example", Active: ptr(false)}
	desired := &User{Name: &Name{GivenName: "New"}}
	u, _, err := c.UpdateUser(context.Background(), current, desired, `W/"1"`)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name == nil || u.Name.GivenName != "New" {
		t.Fatalf("got %+v", u)
	}
	puts := f.reqs("PUT")
	if len(puts) != 1 || len(f.reqs("PATCH")) != 0 {
		t.Fatalf("%d PUTs", len(puts))
	}
	if !strings.Contains(puts[0].Body, `"active":false`) || !strings.Contains(puts[0].Body, `"userName":"user001@moby.example"`) {
		t.Fatalf("PUT body %s", puts[0].Body)
	}
	if v := puts[0].Header.Get("If-Match"); v != "" {
		t.Fatalf("If-Match %q sent to a server without ETag support", v)
	}
	if err := c.DeleteUser(context.Background(), "u001", `W/"1"`); err != nil {
		t.Fatal(err)
	}
	if v := f.reqs("DELETE")[0].Header.Get("If-Match"); v != "" {
		t.Fatalf("If-Match %q on DELETE", v)
	}
	if err := c.DeleteUser(context.Background(), "u001", ""); !errors.Is(err, httpx.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestPreconditionFailed(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method == "PATCH" {
			scimError(w, 412, "", "resource changed")
			return true
		}
		return false
	})
	_, err := c.PatchUser(context.Background(), "u1", []PatchOp{{Op: "replace", Path: "active", Value: false}}, `W/"0"`)
	if !errors.Is(err, httpx.ErrPreconditionFailed) || err.Error() != "PATCH /v2/scim/2.0/Users/u1: 412 Precondition Failed: resource changed" {
		t.Fatalf("err = %v", err)
	}
}

func TestServiceProviderConfigCached(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	var fail atomic.Bool
	fail.Store(true)
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig") && fail.Load() {
			scimError(w, 400, "", "not now")
			return true
		}
		return false
	})
	if _, err := c.ServiceProviderConfig(context.Background()); err == nil {
		t.Fatal("want an error")
	}
	fail.Store(false)
	for range 3 {
		spc, err := c.ServiceProviderConfig(context.Background())
		if err != nil || !spc.Patch.Supported || spc.Filter.MaxResults != 200 {
			t.Fatalf("spc %+v, err %v", spc, err)
		}
	}
	if n := len(f.reqs("GET")); n != 2 {
		t.Fatalf("%d fetches, want 2 (the failure and one success)", n)
	}
}

func TestFindUserByUserName(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.addUsers(3)
	u, err := c.FindUserByUserName(context.Background(), "user002@moby.example")
	if err != nil || u.ID != "u002" {
		t.Fatalf("u %+v err %v", u, err)
	}
	_, err = c.FindUserByUserName(context.Background(), `no"body@moby.example`)
	if !errors.Is(err, httpx.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if q := f.reqs("GET")[len(f.reqs("GET"))-1].Query; !strings.Contains(q, "filter=userName+eq+%22no%5C%22body%40moby.example%22") {
		t.Fatalf("query %s", q)
	}
}

func TestEqFilter(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"jane@moby.example": `userName eq "jane@moby.example"`,
		`a"b`:               `userName eq "a\"b"`,
		`a\b`:               `userName eq "a\\b"`,
		`\"`:                `userName eq "\\\""`,
		"tab\there":         `userName eq "tab\there"`,
		"<&>":               `userName eq "<&>"`,
	}
	for in, want := range cases {
		if got := EqFilter("userName", in); got != want {
			t.Errorf("EqFilter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestUserPatchOpsUserName(t *testing.T) {
	t.Parallel()
	current := &User{UserName: "dup@moby.example"}
	if ops := UserPatchOps(current, &User{UserName: "DUP@Moby.Example"}); len(ops) != 0 {
		t.Fatalf("a change of case alone sent %+v", ops)
	}
	ops := UserPatchOps(current, &User{UserName: "dana@moby.example"})
	if len(ops) != 2 || ops[0].Path != "userName" || ops[1].Path != "emails" {
		t.Fatalf("a rename sent %+v, want userName and emails", ops)
	}
	emails, ok := ops[1].Value.([]Email)
	if !ok || len(emails) != 1 || emails[0].Value != "dana@moby.example" || !emails[0].Primary {
		t.Fatalf("the email did not follow the rename: %+v", ops[1].Value)
	}
}

// Docker's published PUT /Users/{id} reads enabled, not active, and takes a
// missing enabled as false: a name change that sent only active would
// deactivate the person there.
func TestUpdateUserByPutKeepsPersonActiveOnPublishedReading(t *testing.T) {
	t.Parallel()
	for _, published := range []bool{false, true} {
		t.Run(fmt.Sprintf("published=%t", published), func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.spc, f.published = spcNone, published
			f.addUsers(1)
			current := &User{ID: "u001", UserName: "user001@moby.example", Name: &Name{GivenName: "Ada"}, Active: ptr(true)}
			desired := &User{UserName: "user001@moby.example", Name: &Name{GivenName: "Augusta"}, Active: ptr(true)}
			updated, changed, err := c.UpdateUser(context.Background(), current, desired, "")
			if err != nil || !changed {
				t.Fatalf("changed = %t, err = %v", changed, err)
			}
			if !updated.IsActive() || updated.Name.GivenName != "Augusta" {
				t.Fatalf("after a name change the server has %+v", updated)
			}
			puts := f.reqs("PUT")
			if len(puts) != 1 || !strings.Contains(puts[0].Body, `"active":true`) || !strings.Contains(puts[0].Body, `"enabled":true`) {
				t.Fatalf("PUT bodies %+v, want active and enabled both true", puts)
			}
		})
	}
}

// A server that answers an update with another value than the one sent
// did not do what it was asked: that is an error naming the person and the
// attribute, carrying the user as answered, never a silent success. A
// published server loses a PUT without enabled, and drops a role sent
// there (its PUT takes only name and enabled).
func TestUpdateUserAnswerNotKept(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		current, desired *User
		answered         User
		attribute, sent  string
		says             []string
	}{
		{
			name:      "deactivated",
			current:   &User{ID: "u001", UserName: "user001@moby.example", Active: ptr(true)},
			desired:   &User{UserName: "user001@moby.example", Name: &Name{GivenName: "Augusta"}},
			answered:  User{ID: "u001", UserName: "user001@moby.example", Name: &Name{GivenName: "Augusta"}, Active: ptr(false)},
			attribute: "active", sent: "true",
			says: []string{`"user001@moby.example"`, "deactivated", "asked for it active"},
		},
		{
			name:      "role dropped",
			current:   &User{ID: "u001", UserName: "user001@moby.example", Active: ptr(true), Docker: &DockerExtension{Role: "member"}},
			desired:   &User{UserName: "user001@moby.example", Docker: &DockerExtension{Role: "owner"}},
			answered:  User{ID: "u001", UserName: "user001@moby.example", Active: ptr(true), Docker: &DockerExtension{Role: "member"}},
			attribute: "dockerRole", sent: "owner",
			says: []string{`"user001@moby.example"`, `dockerRole = "member"`, `sent "owner"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.spc = spcNone
			f.addUsers(1)
			f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
				if r.Method != http.MethodPut {
					return false
				}
				writeJSON(w, 200, tc.answered)
				return true
			})
			updated, _, err := c.UpdateUser(context.Background(), tc.current, tc.desired, "")
			var notKept *NotKeptError
			if !errors.As(err, &notKept) || notKept.Attribute != tc.attribute || notKept.Sent != tc.sent ||
				updated == nil || updated.IsActive() != tc.answered.IsActive() || dockerOrZero(updated.Docker) != dockerOrZero(tc.answered.Docker) {
				t.Fatalf("updated = %+v, err = %v; want a *NotKeptError for %s with the user as answered", updated, err, tc.attribute)
			}
			for _, want := range tc.says {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %s", err, want)
				}
			}
		})
	}
}

// A server that ignores active on create gets the state once more, by
// update, instead of leaving a person active that the configuration wants
// deactivated.
func TestCreateUserInactiveOnServerIgnoringActiveOnCreate(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.spc, f.published = spcNone, true
	f.setHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method != http.MethodPost {
			return false
		}
		var u User
		_ = json.Unmarshal(body, &u)
		u.ID, u.Active = "u100", ptr(true)
		f.mu.Lock()
		f.users = append(f.users, &u)
		f.mu.Unlock()
		writeJSON(w, 201, u)
		return true
	})
	u, err := c.CreateUser(context.Background(), &User{UserName: "off@moby.example", Active: ptr(false)})
	if err != nil || u.IsActive() {
		t.Fatalf("user = %+v, err = %v; want it created deactivated", u, err)
	}
	if n := len(f.reqs("PUT")); n != 1 {
		t.Fatalf("%d PUTs, want 1 that sends the state again", n)
	}
}

// Docker publishes ServiceProviderConfig.authenticationSchemes as one
// object (RFC 7643: a list) and may spell dockerRole capitalised; both read.
func TestPublishedSpellingsRead(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.spc = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],"patch":{"supported":false},` +
		`"filter":{"supported":true,"maxResults":99999},"authenticationSchemes":{"name":"OAuth 2.0 Bearer Token","type":"oauthbearertoken"}}`
	spc, err := c.ServiceProviderConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(spc.AuthenticationSchemes) != 1 || spc.AuthenticationSchemes[0].Type != "oauthbearertoken" {
		t.Fatalf("authenticationSchemes = %+v", spc.AuthenticationSchemes)
	}
	f.addUsers(1)
	f.users[0].Docker = &DockerExtension{Role: "Owner"}
	u, err := c.GetUser(context.Background(), "u001")
	if err != nil || u.Docker.Role != "owner" {
		t.Fatalf("user = %+v, err = %v; want dockerRole owner", u, err)
	}
}
