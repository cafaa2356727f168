package scim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// listServer serves a list of n users through page, which builds the answer
// for one request.
func listServer(t *testing.T, page func(all []*User, r *http.Request) map[string]any) (*fakeSCIM, *Client) {
	t.Helper()
	f, c := newFake(t)
	f.addUsers(23)
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method != "GET" || !strings.HasSuffix(r.URL.Path, "/Users") {
			return false
		}
		f.mu.Lock()
		all := append([]*User(nil), f.users...)
		f.mu.Unlock()
		writeJSON(w, 200, page(all, r))
		return true
	})
	return f, c
}

func ids(users []*User) string {
	var b strings.Builder
	for _, u := range users {
		b.WriteString(u.ID + " ")
	}
	return b.String()
}

func wantAll(t *testing.T, users []*User, n int) {
	t.Helper()
	if len(users) != n {
		t.Fatalf("%d users, want %d: %s", len(users), n, ids(users))
	}
	for i, u := range users {
		if want := fmt.Sprintf("u%03d", i+1); u.ID != want {
			t.Fatalf("user %d is %s, want %s", i, u.ID, want)
		}
	}
}

func TestPagingIgnoresCount(t *testing.T) {
	t.Parallel()
	f, c := listServer(t, func(all []*User, r *http.Request) map[string]any { return pageOf(all, r, 7) })
	users, err := c.ListUsers(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	wantAll(t, users, 23)
	// The page size comes from filter.maxResults; start advances by 7.
	var starts []string
	for _, r := range f.reqs("GET") {
		if strings.Contains(r.Query, "startIndex") {
			starts = append(starts, r.Query)
		}
	}
	if len(starts) != 4 || !strings.Contains(starts[0], "count=200") || !strings.Contains(starts[3], "startIndex=22") {
		t.Fatalf("requests %v", starts)
	}
}

func TestPagingLowercaseResources(t *testing.T) {
	t.Parallel()
	_, c := listServer(t, func(all []*User, r *http.Request) map[string]any {
		p := pageOf(all, r, 5)
		p["resources"] = p["Resources"]
		delete(p, "Resources")
		return p
	})
	users, err := c.ListUsers(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	wantAll(t, users, 23)
}

func TestPagingTotalResultsLies(t *testing.T) {
	t.Parallel()
	t.Run("too high: stops at an empty page", func(t *testing.T) {
		t.Parallel()
		_, c := listServer(t, func(all []*User, r *http.Request) map[string]any {
			p := pageOf(all, r, 10)
			p["totalResults"] = 1000
			return p
		})
		users, err := c.ListUsers(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		wantAll(t, users, 23)
	})
	t.Run("too low: stops at totalResults", func(t *testing.T) {
		t.Parallel()
		_, c := listServer(t, func(all []*User, r *http.Request) map[string]any {
			p := pageOf(all, r, 10)
			p["totalResults"] = 12
			return p
		})
		users, err := c.ListUsers(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		wantAll(t, users, 20)
	})
	t.Run("absent: reads until an empty page", func(t *testing.T) {
		t.Parallel()
		_, c := listServer(t, func(all []*User, r *http.Request) map[string]any {
			p := pageOf(all, r, 10)
			delete(p, "totalResults")
			return p
		})
		users, err := c.ListUsers(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		wantAll(t, users, 23)
	})
	t.Run("startIndex ignored: error, no endless loop", func(t *testing.T) {
		t.Parallel()
		f, c := listServer(t, func(all []*User, r *http.Request) map[string]any {
			p := pageOf(all[:10], r, 10)
			p["totalResults"] = 23
			p["Resources"] = all[:10]
			return p
		})
		_, err := c.ListUsers(context.Background(), "")
		if err == nil || !strings.Contains(err.Error(), "paging made no progress") {
			t.Fatalf("err = %v", err)
		}
		if n := len(f.reqs("GET")); n > 4 {
			t.Fatalf("%d requests", n)
		}
	})
}

func TestEachUserStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	_, c := listServer(t, func(all []*User, r *http.Request) map[string]any { return pageOf(all, r, 0) })
	stop := fmt.Errorf("enough")
	n := 0
	err := c.EachUser(context.Background(), "", 5, func(*User) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Fatalf("err %v after %d users", err, n)
	}
}
