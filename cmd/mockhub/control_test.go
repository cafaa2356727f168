package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// send makes one request and returns the status and body.
func send(t *testing.T, c *http.Client, method, url, bearer, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// scimUsers counts the SCIM users of the default connection.
func scimUsers(t *testing.T, l startLine) int {
	t.Helper()
	code, body := send(t, http.DefaultClient, "GET", l.SCIMBaseURL+"/Users?count=0", l.SCIMToken, "")
	var list struct{ TotalResults int }
	if code != 200 || json.Unmarshal([]byte(body), &list) != nil {
		t.Fatalf("listing users: %d %s", code, body)
	}
	return list.TotalResults
}

func TestAllowRemoteRequiresTheControlToken(t *testing.T) {
	_, stdout, stop := start(t, "-addr", "127.0.0.1:0", "-allow-remote", "-scim-token", "tok")
	defer func() { _ = stop() }()
	l := startLineOf(t, stdout)
	if len(l.ControlToken) < 32 {
		t.Fatalf("control_token %q", l.ControlToken)
	}
	if l.ConsoleURL != l.HubURL+"/?control_token="+l.ControlToken {
		t.Errorf("console_url %q", l.ConsoleURL)
	}
	hc := http.DefaultClient
	// The APIs keep their own credentials, and need nothing more.
	user := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"kept@moby.example"}`
	if code, body := send(t, hc, "POST", l.SCIMBaseURL+"/Users", "tok", user); code != 201 {
		t.Fatalf("SCIM create: %d %s", code, body)
	}

	// Without the token, or with another, 401 and nothing changes.
	for _, bearer := range []string{"", "tok", l.ControlToken + "x"} {
		for _, r := range []struct{ method, path, body string }{
			{"POST", "/_mock/reset", ""},
			{"PUT", "/_mock/faults", `{"fail_every":1}`},
			{"DELETE", "/_mock/requests", ""},
			{"GET", "/_mock/requests", ""},
			{"GET", "/_mock/stats", ""},
			{"GET", "/", ""},
			{"GET", "/_mock/console/live", ""},
			{"POST", "/_mock/console/faults", "action=clear"},
			{"GET", "/_mock/nope", ""},
		} {
			code, body := send(t, hc, r.method, l.HubURL+r.path, bearer, r.body)
			if code != http.StatusUnauthorized || !strings.Contains(body, "control token") {
				t.Errorf("%s %s with bearer %q: %d %s", r.method, r.path, bearer, code, body)
			}
		}
	}
	if n := scimUsers(t, l); n != 1 {
		t.Errorf("users after refused resets: %d", n)
	}
	if code, body := send(t, hc, "GET", l.HubURL+"/_mock/faults", l.ControlToken, ""); code != 200 || strings.Contains(body, `"fail_every":1`) {
		t.Errorf("faults after a refused PUT: %d %s", code, body)
	}

	// The console: its URL sets a cookie and drops the token from the address.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(l.ConsoleURL)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	cookies := res.Cookies()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("console_url: %d Location %q cookies %v", res.StatusCode, res.Header.Get("Location"), cookies)
	}
	req, _ := http.NewRequest("GET", l.HubURL+"/", nil)
	req.AddCookie(cookies[0])
	res, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "<html") {
		t.Errorf("console with the cookie: %d %.200s", res.StatusCode, page)
	}
	if code, _ := send(t, noRedirect, "GET", l.HubURL+"/?control_token=wrong", "", ""); code != http.StatusUnauthorized {
		t.Errorf("console with a wrong token: %d", code)
	}

	// With the token, control works.
	if code, body := send(t, hc, "POST", l.HubURL+"/_mock/reset", l.ControlToken, ""); code/100 != 2 {
		t.Fatalf("reset with the token: %d %s", code, body)
	}
	if n := scimUsers(t, l); n != 0 {
		t.Errorf("users after a reset: %d", n)
	}
}

func TestControlTokenFlag(t *testing.T) {
	_, stdout, stop := start(t, "-addr", "127.0.0.1:0", "-allow-remote", "-control-token", "chosen-token")
	defer func() { _ = stop() }()
	l := startLineOf(t, stdout)
	if l.ControlToken != "chosen-token" {
		t.Fatalf("control_token %q", l.ControlToken)
	}
	if code, _ := send(t, http.DefaultClient, "GET", l.HubURL+"/_mock/stats", "chosen-token", ""); code != 200 {
		t.Errorf("stats with the chosen token: %d", code)
	}
}

func TestLoopbackNeedsNoControlToken(t *testing.T) {
	_, stdout, stop := start(t, "-addr", "127.0.0.1:0")
	defer func() { _ = stop() }()
	l := startLineOf(t, stdout)
	if l.ControlToken != "" || strings.Contains(l.ConsoleURL, "?") {
		t.Errorf("loopback start line: %+v", l)
	}
	if code, _ := send(t, http.DefaultClient, "GET", l.HubURL+"/_mock/stats", "", ""); code != 200 {
		t.Errorf("stats on loopback: %d", code)
	}
}

// Paths that only look like the APIs are guarded too: the server never
// cleans them, but net/http's mux would redirect them onto /_mock/.
func TestControlGuardPaths(t *testing.T) {
	reached := ""
	h := controlGuard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = r.URL.Path }), "tkn", false)
	for p, open := range map[string]bool{
		"/v2/scim/2.0/Users":   true,
		"/v2/auth/token":       true,
		"/v2/../_mock/reset":   false,
		"/v2/./../_mock/stats": false,
		"/v2":                  false,
		"/_mock/reset":         false,
		"//_mock/reset":        false,
		"/":                    false,
	} {
		reached = ""
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/", nil)
		req.URL.Path = p
		h.ServeHTTP(rec, req)
		if got := reached == p; got != open || (!open && rec.Code != http.StatusUnauthorized) {
			t.Errorf("%s: reached %v (want %v), status %d", p, got, open, rec.Code)
		}
	}
}
