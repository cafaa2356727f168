package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

const testToken = "s3cr3t-token"

// recordingLogger keeps every entry so tests can assert what was logged.
type recordingLogger struct {
	mu      sync.Mutex
	entries []string
}

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *recordingLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.add("DEBUG", msg, f)
}

func (l *recordingLogger) Warn(_ context.Context, msg string, f map[string]any) {
	l.add("WARN", msg, f)
}

func (l *recordingLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.entries, "\n")
}

// recorded is one request the fake server received.
type recorded struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// fakeSCIM is a minimal SCIM server: users in memory, userName uniqueness,
// eq filters on userName, paging that honours startIndex and count, and a
// hook that lets a test take over any request.
type fakeSCIM struct {
	t   *testing.T
	srv *httptest.Server

	mu  sync.Mutex
	spc string
	// published makes PUT /Users/{id} read the body as Docker's published
	// API does: the active state from enabled, false when it is missing,
	// and active ignored.
	published bool
	users     []*User
	nextID    int
	requests  []recorded
	// hook runs first; it returns true when it answered the request.
	hook func(w http.ResponseWriter, r *http.Request, body []byte) bool
}

const spcAll = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],"patch":{"supported":true},"bulk":{"supported":false},"filter":{"supported":true,"maxResults":200},"etag":{"supported":true},"sort":{"supported":true}}`
const spcNone = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],"patch":{"supported":false},"filter":{"supported":true,"maxResults":50},"etag":{"supported":false}}`

func newFake(t *testing.T) (*fakeSCIM, *Client) {
	t.Helper()
	f := &fakeSCIM{t: t, spc: spcAll}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f, f.client(nil)
}

func (f *fakeSCIM) client(log httpx.Logger) *Client {
	f.t.Helper()
	c, err := New(Config{BaseURL: f.srv.URL + "/v2/scim/2.0", Token: testToken, UserAgent: httpx.UserAgent("test"), HTTP: httpx.Options{
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond, Logger: log,
	}})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fakeSCIM) setHook(h func(w http.ResponseWriter, r *http.Request, body []byte) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

func (f *fakeSCIM) addUsers(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.nextID++
		f.users = append(f.users, &User{ID: fmt.Sprintf("u%03d", f.nextID), UserName: fmt.Sprintf("user%03d@moby.example", f.nextID)})
	}
}

func (f *fakeSCIM) userCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.users)
}

func (f *fakeSCIM) reqs(method string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.requests {
		if method == "" || r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// hangUp closes the connection without answering.
func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func scimError(w http.ResponseWriter, status int, scimType, detail string) {
	writeJSON(w, status, map[string]string{"schemas": SchemaError, "status": strconv.Itoa(status), "scimType": scimType, "detail": detail})
}

func (f *fakeSCIM) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
	hook := f.hook
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		scimError(w, 401, "", "bad token")
		return
	}
	if hook != nil && hook(w, r, body) {
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/v2/scim/2.0")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case path == "/ServiceProviderConfig":
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(f.spc))
	case path == "/Users" && r.Method == http.MethodPost:
		var u User
		if err := json.Unmarshal(body, &u); err != nil {
			scimError(w, 400, "invalidSyntax", err.Error())
			return
		}
		if f.findLocked(u.UserName) != nil {
			scimError(w, 409, "uniqueness", "userName already exists")
			return
		}
		f.nextID++
		u.ID = fmt.Sprintf("u%03d", f.nextID)
		u.Meta = &Meta{ResourceType: "User", Version: `W/"1"`}
		f.users = append(f.users, &u)
		writeJSON(w, 201, u)
	case path == "/Users" && r.Method == http.MethodGet:
		matches := f.users
		if filter := r.URL.Query().Get("filter"); filter != "" {
			want, err := strconv.Unquote(strings.TrimPrefix(filter, "userName eq "))
			if err != nil {
				scimError(w, 400, "invalidFilter", "bad filter")
				return
			}
			matches = nil
			if u := f.findLocked(want); u != nil {
				matches = []*User{u}
			}
		}
		writeJSON(w, 200, pageOf(matches, r, 0))
	case strings.HasPrefix(path, "/Users/"):
		id := strings.TrimPrefix(path, "/Users/")
		i := f.indexLocked(id)
		if i < 0 {
			scimError(w, 404, "", "User "+id+" not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			w.Header().Set("ETag", `W/"1"`)
			writeJSON(w, 200, f.users[i])
		case http.MethodPatch:
			// Only active and Docker's attributes are applied; tests read
			// the other operations from the request.
			var patch struct{ Operations []PatchOp }
			_ = json.Unmarshal(body, &patch)
			u := f.users[i]
			for _, op := range patch.Operations {
				value, _ := op.Value.(string)
				if u.Docker == nil {
					u.Docker = &DockerExtension{}
				}
				switch op.Path {
				case "active":
					active, _ := op.Value.(bool)
					u.Active = &active
				case SchemaDockerUser + ":dockerRole":
					u.Docker.Role = value
				case SchemaDockerUser + ":dockerOrg":
					u.Docker.Org = value
				case SchemaDockerUser + ":dockerTeam":
					u.Docker.Team = value
				}
			}
			w.Header().Set("ETag", `W/"1"`)
			writeJSON(w, 200, f.users[i])
		case http.MethodPut:
			u := f.put(body)
			u.ID = id
			f.users[i] = u
			writeJSON(w, 200, u)
		case http.MethodDelete:
			f.users = append(f.users[:i], f.users[i+1:]...)
			w.WriteHeader(204)
		}
	default:
		scimError(w, 404, "", "no route")
	}
}

// put decodes a PUT body into the user it makes.
func (f *fakeSCIM) put(body []byte) *User {
	var u User
	_ = json.Unmarshal(body, &u)
	if f.published {
		var enabled struct{ Enabled bool }
		_ = json.Unmarshal(body, &enabled)
		u.Active = &enabled.Enabled
	}
	return &u
}

func (f *fakeSCIM) findLocked(userName string) *User {
	for _, u := range f.users {
		if strings.EqualFold(u.UserName, userName) {
			return u
		}
	}
	return nil
}

func (f *fakeSCIM) indexLocked(id string) int {
	for i, u := range f.users {
		if u.ID == id {
			return i
		}
	}
	return -1
}

// pageOf returns the page that startIndex and count ask for; fixed > 0
// ignores count and serves pages of that size instead.
func pageOf[T any](all []T, r *http.Request, fixed int) map[string]any {
	start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
	count, _ := strconv.Atoi(r.URL.Query().Get("count"))
	if start < 1 {
		start = 1
	}
	if fixed > 0 {
		count = fixed
	}
	lo := min(start-1, len(all))
	hi := min(lo+count, len(all))
	return map[string]any{
		"schemas":      []string{SchemaListResponse},
		"totalResults": len(all),
		"startIndex":   start,
		"itemsPerPage": hi - lo,
		"Resources":    all[lo:hi],
	}
}
