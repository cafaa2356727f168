package scim

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// missingRoute is how a server answers a route it lacks.
type missingRoute struct {
	name   string
	status int
	scim   bool // a SCIM error, else a web server's page
}

// missingRoutes are the answers a server without a route gives.
var missingRoutes = []missingRoute{
	{"405", http.StatusMethodNotAllowed, false},
	{"404 as SCIM error", http.StatusNotFound, true},
	{"404 from the web server", http.StatusNotFound, false},
}

// answer makes f answer the requests match picks as a server without the
// route does.
func (m missingRoute) answer(f *fakeSCIM, match func(*http.Request) bool) {
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if !match(r) {
			return false
		}
		if m.scim {
			scimError(w, m.status, "", "no such route")
		} else {
			http.Error(w, "no such route", m.status)
		}
		return true
	})
}

// A server without DELETE (Docker publishes none) must never have a user
// counted as deleted: a 405, or a 404 while the user is still there, is an
// *UnsupportedError, and later deletes are not sent.
func TestDeleteUserOnServerWithoutDelete(t *testing.T) {
	t.Parallel()
	for _, tc := range missingRoutes {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.addUsers(2)
			tc.answer(f, func(r *http.Request) bool { return r.Method == http.MethodDelete })
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
	for _, tc := range missingRoutes {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			tc.answer(f, func(r *http.Request) bool { return r.URL.Path == "/v2/scim/2.0/Groups" })
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

// A read that does not show this client's write yet (not found, or last
// modified before the write) is read again until it does; one past the
// window, or with nothing recorded, is the truth at once.
func TestWaitVisible(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.addUsers(1)
	f.users[0].Meta = &Meta{LastModified: "2026-12-06T10:00:00.000Z"}
	var gets atomic.Int32
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method != http.MethodGet || gets.Add(1) > 2 {
			return false
		}
		scimError(w, http.StatusNotFound, "", "not yet") // lags twice
		return true
	})
	written := Written{At: time.Now(), LastModified: "2026-12-06T10:00:00.000Z"}
	u, err := c.WaitVisible(context.Background(), "u001", written, nil, &httpx.Error{StatusCode: 404})
	if err != nil || u.ID != "u001" || gets.Load() != 3 {
		t.Fatalf("user %v, err %v after %d GETs; want the user on the third", u, err, gets.Load())
	}
	stale := &User{ID: "u001", Meta: &Meta{LastModified: "2026-12-06T09:59:59.999Z"}}
	for _, tc := range []struct {
		name string
		w    Written
		u    *User
		err  error
		lags bool
	}{
		{"not found after a write", written, nil, &httpx.Error{StatusCode: 404}, true},
		{"older than the write", written, stale, nil, true},
		{"as new as the write", written, f.users[0], nil, false},
		{"nothing recorded", Written{}, nil, &httpx.Error{StatusCode: 404}, false},
		{"past the window", Written{At: time.Now().Add(-VisibilityWindow - time.Second)}, nil, &httpx.Error{StatusCode: 404}, false},
		{"another failure", written, nil, &httpx.Error{StatusCode: 500}, false},
	} {
		if got := tc.w.Lags(tc.u, tc.err, time.Now()); got != tc.lags {
			t.Errorf("%s: Lags = %t, want %t", tc.name, got, tc.lags)
		}
	}
}
