package scim

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// A server without DELETE (Docker publishes none) must never have a user
// counted as deleted: a 405, or a 404 while the user is still there, is an
// *UnsupportedError, and later deletes are not sent.
func TestDeleteUserOnServerWithoutDelete(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		scim   bool
	}{
		{"405", http.StatusMethodNotAllowed, false},
		{"404 as SCIM error", http.StatusNotFound, true},
		{"404 from the web server", http.StatusNotFound, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.addUsers(2)
			f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
				if r.Method != http.MethodDelete {
					return false
				}
				if tc.scim {
					scimError(w, tc.status, "", "no such route")
				} else {
					http.Error(w, "no such route", tc.status)
				}
				return true
			})
			err := c.DeleteUser(context.Background(), "u001", "")
			var unsupported *UnsupportedError
			if !errors.As(err, &unsupported) || unsupported.Feature != FeatureUserDelete || errors.Is(err, httpx.ErrNotFound) {
				t.Fatalf("err = %v, want an *UnsupportedError that is no ErrNotFound", err)
			}
			if err := c.DeleteUser(context.Background(), "u002", ""); !errors.As(err, &unsupported) {
				t.Fatalf("second delete: err = %v", err)
			}
			if n := len(f.reqs(http.MethodDelete)); n != 1 {
				t.Fatalf("%d DELETEs sent, want 1: the second is known to fail", n)
			}
		})
	}
}

// A 404 for a user that is gone stays "already deleted".
func TestDeleteUserAlreadyGone(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	if err := c.DeleteUser(context.Background(), "u404", ""); !errors.Is(err, httpx.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// A server without /Groups answers its collection with 404 (SCIM or not)
// or 405: one *UnsupportedError, later group calls unsent. A 404 that is
// no SCIM error where ServiceProviderConfig is no SCIM answer either stays
// "not a SCIM API".
func TestGroupsOnServerWithoutGroups(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		scim   bool
	}{
		{"404 as SCIM error", http.StatusNotFound, true},
		{"404 from the web server", http.StatusNotFound, false},
		{"405", http.StatusMethodNotAllowed, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
				if r.URL.Path != "/v2/scim/2.0/Groups" {
					return false
				}
				if tc.scim {
					scimError(w, tc.status, "", "no such route")
				} else {
					http.Error(w, "no such route", tc.status)
				}
				return true
			})
			_, err := c.ListGroups(context.Background(), "", false)
			var unsupported *UnsupportedError
			if !errors.As(err, &unsupported) || unsupported.Feature != FeatureGroups {
				t.Fatalf("err = %v, want an *UnsupportedError for /Groups", err)
			}
			if _, err := c.CreateGroup(context.Background(), &Group{DisplayName: "moby:devs"}); !errors.As(err, &unsupported) {
				t.Fatalf("create: err = %v", err)
			}
			if n := len(f.reqs(http.MethodPost)); n != 0 {
				t.Fatalf("%d POSTs sent after /Groups was known missing", n)
			}
		})
	}
	t.Run("not a SCIM API", func(t *testing.T) {
		t.Parallel()
		f, c := newFake(t)
		f.setHook(func(w http.ResponseWriter, _ *http.Request, _ []byte) bool {
			http.Error(w, "not here", http.StatusNotFound)
			return true
		})
		_, err := c.ListGroups(context.Background(), "", false)
		var endpoint *EndpointError
		if !errors.As(err, &endpoint) {
			t.Fatalf("err = %v, want an *EndpointError", err)
		}
	})
}

// /ResourceTypes without Group (Docker's published API) says so before
// anything needs a group; with Group, or without a readable answer, it
// says nothing, and the question is asked once.
func TestGroupsSupported(t *testing.T) {
	t.Parallel()
	list := func(types ...string) string {
		out := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"resources":[`
		for i, name := range types {
			if i > 0 {
				out += ","
			}
			out += `{"id":"` + name + `","name":"` + name + `","endpoint":"/` + name + `s"}`
		}
		return out + "]}"
	}
	for _, tc := range []struct {
		name, answer string
		status       int
		unsupported  bool
	}{
		{"published: User only", list("User"), 200, true},
		{"RFC: User and Group", list("User", "Group"), 200, false},
		{"no /ResourceTypes", `{"detail":"nope"}`, 404, false},
		{"not a list", `{"id":"User"}`, 200, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
				if r.URL.Path != "/v2/scim/2.0/ResourceTypes" {
					return false
				}
				w.Header().Set("Content-Type", "application/scim+json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.answer))
				return true
			})
			for range 2 {
				err := c.GroupsSupported(context.Background())
				var unsupported *UnsupportedError
				if got := errors.As(err, &unsupported); got != tc.unsupported {
					t.Fatalf("err = %v, want unsupported = %t", err, tc.unsupported)
				}
			}
			if n := len(f.reqs(http.MethodGet)); n != 1 {
				t.Fatalf("%d GETs, want /ResourceTypes asked once", n)
			}
		})
	}
}
