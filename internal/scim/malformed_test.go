package scim

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

func TestMalformedResponses(t *testing.T) {
	t.Parallel()
	html := "<html><body>" + strings.Repeat("Service temporarily unavailable. ", 40) + "</body></html>"
	cases := []struct {
		name, ct, body string
		status         int
		call           string // "get" or "create"
		want           string
	}{
		{"HTML with 200", "text/html", html, 200, "get", "GET /v2/scim/2.0/Users/x: decoding response: invalid character '<' looking for beginning of value (content-type text/html, 1.3 KiB)"},
		{"HTML with 500", "text/html", html, 500, "get", "GET /v2/scim/2.0/Users/x: 500 Internal Server Error: non-JSON response (content-type text/html, 1.3 KiB)"},
		{"truncated JSON", "application/scim+json", `{"id":"x","userName":"ja`, 200, "get", "decoding response: unexpected end of JSON input"},
		{"id as a number", "application/scim+json", `{"id":42,"userName":"jane"}`, 200, "get", "cannot unmarshal number into Go struct field User.id of type string"},
		{"active as a string", "application/scim+json", `{"id":"x","active":"yes"}`, 200, "get", "cannot unmarshal string"},
		{"missing id", "application/scim+json", `{"userName":"jane"}`, 200, "get", "GET /v2/scim/2.0/Users/x: response has no id"},
		{"create answer without id", "application/scim+json", `{"userName":"jane"}`, 201, "create", "POST /v2/scim/2.0/Users: response has no id"},
		{"empty body with 200", "", "", 200, "get", "unexpected end of JSON input (content-type none, 0 B)"},
		{"JSON null", "application/scim+json", "null", 200, "get", "response has no id"},
		{"array instead of object", "application/scim+json", "[]", 200, "get", "cannot unmarshal array"},
		{"list with wrong shape", "application/scim+json", `{"Resources":{"id":"x"}}`, 200, "list", "cannot unmarshal object"},
		{"list with an entry without id", "application/scim+json", `{"totalResults":1,"Resources":[{"userName":"x"}]}`, 200, "list", "list entry 1 has no id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
				if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig") {
					return false
				}
				if tc.ct != "" {
					w.Header().Set("Content-Type", tc.ct)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
				return true
			})
			var err error
			switch tc.call {
			case "get":
				_, err = c.GetUser(context.Background(), "x")
			case "create":
				_, err = c.CreateUser(context.Background(), &User{UserName: "jane"})
			case "list":
				_, err = c.ListUsers(context.Background(), "")
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestSecretHygiene drives every error path with a server that echoes the
// token back, and checks that neither errors nor logs carry it.
func TestSecretHygiene(t *testing.T) {
	t.Parallel()
	log := &recordingLogger{}
	f, _ := newFake(t)
	c := f.client(log)
	var mu sync.Mutex
	mode := ""
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		mu.Lock()
		m := mode
		mu.Unlock()
		echo := "token " + testToken + " / Bearer " + testToken
		switch m {
		case "401":
			scimError(w, 401, "", "invalid "+echo)
		case "400":
			scimError(w, 400, "invalid"+testToken, echo)
		case "403", "404", "409", "412", "429", "503":
			status := map[string]int{"403": 403, "404": 404, "409": 409, "412": 412, "429": 429, "503": 503}[m]
			scimError(w, status, "", echo)
		case "text":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(500)
			_, _ = w.Write([]byte(echo))
		case "html":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<p>" + echo))
		case "badjson":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"` + testToken + ``))
		case "hangup":
			hangUp(w)
		default:
			return false
		}
		return true
	})
	var errs []error
	for _, m := range []string{"401", "400", "403", "404", "409", "412", "429", "503", "text", "html", "badjson", "hangup"} {
		mu.Lock()
		mode = m
		mu.Unlock()
		ctx := context.Background()
		_, err := c.GetUser(ctx, "u1")
		errs = append(errs, err)
		_, err = c.CreateUser(ctx, &User{UserName: "jane@moby.example"})
		errs = append(errs, err)
		_, err = c.PatchUser(ctx, "u1", []PatchOp{{Op: "replace", Path: "active", Value: false}}, "e")
		errs = append(errs, err)
		_, err = c.ListUsers(ctx, EqFilter("userName", testToken))
		errs = append(errs, err)
		errs = append(errs, c.DeleteUser(ctx, "u1", ""))
	}
	// A URL path that contains the token is scrubbed too.
	_, err := c.GetUser(context.Background(), testToken)
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			// Only a DELETE answered 200 (the html and badjson modes) succeeds.
			if i%5 != 4 {
				t.Fatalf("error path %d returned no error", i)
			}
			continue
		}
		if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "Bearer s") {
			t.Errorf("error leaks the token: %v", err)
		}
	}
	if text := log.text(); strings.Contains(text, testToken) || text == "" {
		t.Errorf("log leaks the token or is empty:\n%s", text)
	}
	var he *httpx.Error
	if !errors.As(errs[0], &he) || !strings.Contains(he.Detail, "[REDACTED]") {
		t.Fatalf("first error %#v", errs[0])
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{{BaseURL: "", Token: "t"}, {BaseURL: "ftp://x", Token: "t"}, {BaseURL: "https://x"}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// fuzzServer answers every request with the body set for the current input.
var fuzzServer struct {
	once sync.Once
	mu   sync.Mutex
	body []byte
	c    *Client
}

func fuzzClient(tb testing.TB) *Client {
	fuzzServer.once.Do(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig") {
				_, _ = w.Write([]byte(spcAll))
				return
			}
			fuzzServer.mu.Lock()
			body := fuzzServer.body
			fuzzServer.mu.Unlock()
			w.Header().Set("Content-Type", "application/scim+json")
			_, _ = w.Write(body)
		}))
		c, err := New(Config{BaseURL: srv.URL, Token: testToken, HTTP: httpx.Options{RetryMax: -1, Timeout: 5 * time.Second}})
		if err != nil {
			tb.Fatal(err)
		}
		fuzzServer.c = c
	})
	return fuzzServer.c
}

// FuzzDecodeUser feeds arbitrary bytes to the user decoder: never a panic,
// and a user without an id is never returned.
func FuzzDecodeUser(f *testing.F) {
	for _, seed := range []string{`{"id":"a","userName":"b","active":true,"name":{"givenName":"x"},"emails":[{"value":"e"}],"urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"owner"},"meta":{"version":"W/\"1\""}}`, ``, `null`, `{"id":1}`, `<html>`, `{"id":"a","groups":null}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		resp := &httpx.Response{Method: "GET", Path: "/Users/x", StatusCode: 200, Header: http.Header{}, Body: data}
		u, err := decodeUser(resp)
		if err == nil && (u == nil || u.ID == "") {
			t.Fatalf("decoded a user without an id from %q", data)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "GET /Users/x: ") {
			t.Fatalf("error does not name the request: %v", err)
		}
	})
}

// FuzzDecodeListResponse serves arbitrary bytes as every page of a list:
// the paging loop must end, with users or an error, and never panic.
func FuzzDecodeListResponse(f *testing.F) {
	for _, seed := range []string{
		`{"totalResults":2,"Resources":[{"id":"a"},{"id":"b"}]}`,
		`{"totalResults":5,"resources":[{"id":"a"}]}`,
		`{"totalResults":-1,"Resources":[null,{"id":"a"}]}`,
		`{"Resources":[{"id":"a"}]}`,
		`{"totalResults":"3"}`, `[]`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := fuzzClient(t)
		fuzzServer.mu.Lock()
		fuzzServer.body = data
		fuzzServer.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		users, err := c.ListUsers(ctx, "")
		if ctx.Err() != nil {
			t.Fatalf("listing did not end: %v", err)
		}
		for _, u := range users {
			if u == nil || u.ID == "" {
				t.Fatalf("listed a user without an id from %q", data)
			}
		}
	})
}
