package mockhub

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The console's HTTP surface, without a browser (console_browser_test.go
// drives the page in Chromium).

func get(t *testing.T, e *env, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestConsolePageAndSecrets(t *testing.T) {
	e := newEnv(t)
	e.scim("POST", "/Users", map[string]any{"schemas": []string{userURN}, "userName": "ann@moby.example", "password": "ann-scim-password"})
	e.hub("POST", "/v2/orgs/whale/sso/connections/6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e03/scim", map[string]any{})

	res, page := get(t, e, "/")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<html lang="en">`, "<h1>mockhub console</h1>", `<label for="org">`, `<th scope="col">`,
		"ann@moby.example", "Moby Okta", "/v2/auth/token", `<option value="whale">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	_, whale := get(t, e, "/?org=whale")
	for _, s := range []string{adminPass, devPass, "mockhub-jane-password", mobyToken, e.hubTok, "ann-scim-password", "dckr_scim_"} {
		if strings.Contains(page, s) || strings.Contains(whale, s) {
			t.Errorf("the console shows the secret %q", s)
		}
	}
	if res, _ := get(t, e, "/?org=nope"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /?org=nope = %d, want 404", res.StatusCode)
	}
	if res, _ := get(t, e, "/_mock/console/static/console.js"); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
		t.Errorf("console.js = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestConsoleIsNotAnAPIRequest(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/", "/_mock/console/live", "/_mock/console/static/console.css"} {
		get(t, e, p)
	}
	if r := e.do("GET", "/_mock/stats", "", nil); r.get("requests_total") != float64(0) {
		t.Errorf("the console counted as API requests: %s", r.raw)
	}
	if r := e.do("GET", "/_mock/requests", "", nil); r.get("count") != float64(0) {
		t.Errorf("the console is in the request log: %s", r.raw)
	}
	// POST / is no console and no API.
	if r := e.do("POST", "/", "", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", r.status)
	}
}

func TestConsoleLiveAnswers204WhenNothingChanged(t *testing.T) {
	e := newEnv(t)
	res, _ := get(t, e, "/_mock/console/live")
	v := res.Header.Get("X-Console-Version")
	if res.StatusCode != 200 || v == "" {
		t.Fatalf("live = %d, version %q", res.StatusCode, v)
	}
	if res, _ := get(t, e, "/_mock/console/live?since="+v); res.StatusCode != http.StatusNoContent {
		t.Errorf("live?since=current = %d, want 204", res.StatusCode)
	}
	e.scim("POST", "/Users", map[string]any{"schemas": []string{userURN}, "userName": "bo@moby.example"})
	res, body := get(t, e, "/_mock/console/live?since="+v)
	if res.StatusCode != 200 || !strings.Contains(body, "bo@moby.example") {
		t.Errorf("live after a change = %d, want 200 with the new user", res.StatusCode)
	}
	v2 := res.Header.Get("X-Console-Version")
	e.do("PUT", "/_mock/faults", "", map[string]any{"latency_ms": 1})
	if res, _ := get(t, e, "/_mock/console/live?since="+v2); res.StatusCode != 200 {
		t.Errorf("live after a fault change = %d, want 200", res.StatusCode)
	}
}

func TestConsoleFaultForm(t *testing.T) {
	e := newEnv(t)
	post := func(form url.Values, hdr ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", e.ts.URL+"/_mock/console/faults", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		c := *e.ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := post(url.Values{"org": {"moby"}, "fail_every": {"1"}, "fail_status": {"504"}, "routes": {"POST /v2/scim/2.0/Users"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?org=moby" {
		t.Fatalf("form = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if r := e.scim("POST", "/Users", map[string]any{"schemas": []string{userURN}, "userName": "x@moby.example"}); r.status != 504 {
		t.Errorf("after the form, POST /Users = %d, want 504", r.status)
	}
	for _, bad := range []url.Values{{"fail_every": {"-1"}}, {"fail_status": {"418"}}, {"latency_ms": {"soon"}}, {"routes": {"GET /nope"}}} {
		if res := post(bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("form %v = %d, want 400", bad, res.StatusCode)
		}
	}
	if res := post(url.Values{"fail_every": {"1"}}, "Origin", "http://evil.example"); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin form = %d, want 403", res.StatusCode)
	}
	if res := post(url.Values{"action": {"clear"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("clear = %d", res.StatusCode)
	}
	if r := e.do("GET", "/_mock/faults", "", nil); r.get("fail_every") != float64(0) {
		t.Errorf("faults after clear: %s", r.raw)
	}
}
