package mockhub_test

// The console in a real browser: headless Chromium (Debian's chromium
// package) driven with chromedp, against mockhub in-process. Without
// chromium these tests skip, saying so; with MOCKHUB_BROWSER_TESTS=require
// (make check sets it, after scripts/browser.sh installed chromium) they
// fail instead, so that CI never skips them quietly.
//
// CONSOLE_SCREENSHOT=path makes TestConsoleBrowserShowsProvisioning write a
// full-page PNG of the console there (make console-screenshot writes the
// README's).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

const (
	browserToken = "console-scim-token-4f1d"
	userSchema   = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchema  = "urn:ietf:params:scim:schemas:core:2.0:Group"
	patchSchema  = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	dockerSchema = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"
)

// The seeded passwords (see DefaultSeed): the console must show none.
var seededPasswords = []string{"mockhub-admin-password", "mockhub-dev-password", "mockhub-jane-password"}

// chromiumPath finds chromium, or skips (fails under
// MOCKHUB_BROWSER_TESTS=require).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "console browser tests need headless Chromium: no chromium on PATH (set CHROMIUM, run scripts/browser.sh, or apt-get install chromium)"
	if os.Getenv("MOCKHUB_BROWSER_TESTS") == "require" {
		t.Fatal(msg + "; MOCKHUB_BROWSER_TESTS=require forbids skipping")
	}
	t.Skip("SKIP: " + msg)
	return ""
}

// hub is mockhub in-process with SCIM on the moby connection.
type hub struct {
	t   *testing.T
	srv *mockhub.Server
	ts  *httptest.Server
	// secrets are the tokens the requests carried, which the console must
	// not show.
	secrets []string
}

func newHub(t *testing.T) *hub {
	t.Helper()
	srv, err := mockhub.New(mockhub.Options{SCIMToken: browserToken})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); _ = srv.Close() })
	return &hub{t: t, srv: srv, ts: ts}
}

// call sends a request and returns the status and the body.
func (h *hub) call(method, path, bearer string, body any) (int, map[string]any) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.ts.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return res.StatusCode, m
}

func (h *hub) mustCall(want int, method, path, bearer string, body any) map[string]any {
	h.t.Helper()
	st, m := h.call(method, path, bearer, body)
	if st != want {
		h.t.Fatalf("%s %s = %d, want %d: %v", method, path, st, want, m)
	}
	return m
}

// scimUser provisions an active user and returns its id.
func (h *hub) scimUser(email, role, team string) string {
	h.t.Helper()
	u := map[string]any{"schemas": []string{userSchema, dockerSchema}, "userName": email, "active": true,
		"name": map[string]any{"givenName": strings.Title(strings.Split(email, "@")[0]), "familyName": "Example"}} //nolint:staticcheck // ASCII names
	ext := map[string]any{}
	if role != "" {
		ext["dockerRole"] = role
	}
	if team != "" {
		ext["dockerTeam"] = team
	}
	u[dockerSchema] = ext
	return h.mustCall(http.StatusCreated, "POST", mockhub.SCIMBasePath+"/Users", browserToken, u)["id"].(string)
}

// provision builds the world the first test looks at: four SCIM users (one
// deactivated), a group mapped onto a team, and requests that carried
// secrets (a login, the SCIM token, SCIM enabled on a second connection).
func (h *hub) provision() {
	info := h.srv.Info(h.ts.URL)
	alice := h.scimUser("alice@moby.example", "editor", "")
	bob := h.scimUser("bob@moby.example", "", "")
	carol := h.scimUser("carol@moby.example", "", "")
	h.scimUser("erin@moby.example", "", "support")
	h.mustCall(http.StatusCreated, "POST", mockhub.SCIMBasePath+"/Groups", browserToken, map[string]any{
		"schemas": []string{groupSchema}, "displayName": "moby:platform",
		"members": []map[string]any{{"value": alice}, {"value": bob}},
	})
	h.mustCall(http.StatusOK, "PATCH", mockhub.SCIMBasePath+"/Users/"+carol, browserToken, map[string]any{
		"schemas": []string{patchSchema}, "Operations": []map[string]any{{"op": "replace", "path": "active", "value": false}},
	})
	tok := h.mustCall(http.StatusOK, "POST", "/v2/auth/token", "", map[string]any{"identifier": info.Username, "secret": info.Password})["access_token"].(string)
	h.mustCall(http.StatusOK, "GET", "/v2/orgs/moby/members", tok, nil)
	// Whale's connection gets SCIM: the answer carries a fresh token.
	whale := h.mustCall(http.StatusCreated, "POST", "/v2/orgs/whale/sso/connections/6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e03/scim", tok, map[string]any{})
	h.secrets = append(h.secrets, tok, browserToken, whale["token"].(string))
}

// browser starts headless Chromium; every test gets its own. A problem the
// page reports fails the test unless it contains one of expected.
func browser(t *testing.T, expected ...string) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in a container
		chromedp.Flag("headless", "new"),
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// Start the browser here, with no deadline on the context (a deadline
	// on the first Run would end the browser with it).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium %s: %v", path, err)
	}
	// Anything the page logs as an error (a script error, a resource the
	// CSP refused, a 404) fails the test.
	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		var p string
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			p = "exception: " + e.ExceptionDetails.Text
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				p = "console.error"
			}
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				p = fmt.Sprintf("browser log: %s %s", e.Entry.Text, e.Entry.URL)
			}
		}
		for _, x := range expected {
			if strings.Contains(p, x) {
				p = ""
			}
		}
		if p != "" {
			mu.Lock()
			problems = append(problems, p)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("the page reported a problem: %s", p)
		}
	})
	return ctx
}

// within runs steps with a deadline.
func within(t *testing.T, ctx context.Context, d time.Duration, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// text reads sel's text in one evaluation: the page replaces its live part
// every second, so a node found by one call may be gone by the next.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	// The element may be missing for a moment while a navigation loads the
	// next document: wait for it rather than reading nothing.
	eventually(t, ctx, sel+" to exist", fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Evaluate[string](fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e ? e.innerText : ""})()`, sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// pageHTML is the whole document as the browser holds it now.
func pageHTML(t *testing.T, ctx context.Context) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// eventually evaluates the JavaScript predicate until it is true, across
// navigations and in-place updates.
func eventually(t *testing.T, ctx context.Context, what, predicate string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](predicate))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: not within 15s (last error: %v)", what, last)
}

func mustContain(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// waitText waits until sel's text contains want; the page updates itself.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	eventually(t, ctx, fmt.Sprintf("%s to show %q", sel, want),
		fmt.Sprintf(`(function(){var e=document.querySelector(%q);return !!e && e.innerText.indexOf(%q) >= 0})()`, sel, want))
}

func noSecrets(t *testing.T, where, html string, secrets []string) {
	t.Helper()
	for _, s := range append(append([]string{}, seededPasswords...), secrets...) {
		if strings.Contains(html, s) {
			t.Errorf("%s shows the secret %q", where, s)
		}
	}
}

func TestConsoleBrowserShowsProvisioning(t *testing.T) {
	ctx := browser(t)
	h := newHub(t)
	h.provision()

	within(t, ctx, 20*time.Second, "loading the console",
		chromedp.Navigate(h.ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#members")))

	members := text(t, ctx, "#members")
	mustContain(t, "members", members, "admin", "owner", "dev", "alice", "editor", "bob", "erin", "platform", "support")
	if strings.Contains(members, "carol") {
		t.Errorf("members shows carol, who is deactivated:\n%s", members)
	}
	mustContain(t, "teams", text(t, ctx, "#teams"), "platform", "alice, bob", "support", "erin")
	users := text(t, ctx, "#scim-users")
	mustContain(t, "SCIM users", users, "alice@moby.example", "carol@moby.example", "inactive", "active")
	mustContain(t, "SCIM groups", text(t, ctx, "#scim-groups"), "moby:platform", "platform", "alice@moby.example")
	// moby is in no company: only its own connection covers it.
	conns := text(t, ctx, "#connections")
	mustContain(t, "connections", conns, "Moby Okta", "enabled")
	if strings.Contains(conns, "Moby Inc Entra") {
		t.Errorf("connections shows moby-inc's connection for moby, which is not the company's:\n%s", conns)
	}
	reqs := text(t, ctx, "#requests")
	mustContain(t, "requests", reqs, "POST", "/v2/scim/2.0/Users", "201", "PATCH", "/v2/scim/2.0/Users/{id}", "/v2/auth/token", "ms")

	// Open the login request: its bodies are there, its secrets are not.
	within(t, ctx, 10*time.Second, "opening a request",
		chromedp.Click(chromedp.CSS(`#requests details:has(.route) summary`)))
	login := `//details[.//span[@class="route" and text()="/v2/auth/token"]]`
	within(t, ctx, 10*time.Second, "opening the login request",
		chromedp.Click(login+"/summary"),
		chromedp.WaitVisible(login+"//pre"))
	// innerText holds the bodies of the open requests only.
	mustContain(t, "the open requests", text(t, ctx, "#requests"), "Request body", "Response body",
		`"identifier": "admin"`, `"secret": "[redacted]"`, `"access_token": "[redacted]"`, `"token": "[redacted]"`)
	// It stays open while the page updates itself.
	h.scimUser("frank@moby.example", "", "")
	waitText(t, ctx, "#members", "frank")
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if open, err := chromedp.Run(c, chromedp.Evaluate[int](`document.querySelectorAll('#requests details[open]').length`)); err != nil || open != 2 {
		t.Errorf("open requests after an update = %d (%v), want the 2 opened", open, err)
	}
	noSecrets(t, "the console", pageHTML(t, ctx), h.secrets)

	// Whale's page: the selector, SCIM on, nothing secret.
	// SetValue fires the select's change event, on which the page submits
	// the form: one navigation. (Clicking "Show" too would start a second
	// one, which could replace the page while the checks below read it.)
	within(t, ctx, 20*time.Second, "choosing whale",
		chromedp.SetValue(chromedp.CSS("#org"), "whale"))
	eventually(t, ctx, "whale's console", `document.readyState === "complete" && document.querySelector('#live[data-org="whale"]') !== null`)
	waitText(t, ctx, "#connections", "Whale OneLogin")
	waitText(t, ctx, "#connections", "enabled")
	noSecrets(t, "whale's console", pageHTML(t, ctx), h.secrets)

	if path := os.Getenv("CONSOLE_SCREENSHOT"); path != "" {
		screenshot(t, ctx, h, path)
	}
}

// screenshot writes a full-page PNG of moby's console with two requests
// open, a fault on, and the newest requests at the top.
func screenshot(t *testing.T, ctx context.Context, h *hub, path string) {
	t.Helper()
	h.mustCall(http.StatusOK, "PUT", "/_mock/faults", "", map[string]any{"fail_every": 4, "fail_status": 503, "routes": []string{"PATCH " + mockhub.SCIMBasePath + "/Users/{id}"}})
	within(t, ctx, 20*time.Second, "loading moby's console for the screenshot",
		chromedp.Navigate(h.ts.URL+"/?org=moby"),
		chromedp.WaitVisible(chromedp.CSS("#fault-list")),
		chromedp.Click(`//details[.//span[@class="route" and text()="/v2/scim/2.0/Groups"]]/summary`))
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("console screenshot written to %s (%d bytes)", path, len(png))
}

func TestConsoleBrowserUpdatesWithoutReload(t *testing.T) {
	ctx := browser(t)
	h := newHub(t)
	h.scimUser("alice@moby.example", "", "")

	within(t, ctx, 20*time.Second, "loading the console",
		chromedp.Navigate(h.ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#members")),
		// A reload would forget this.
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	if m := text(t, ctx, "#members"); strings.Contains(m, "dave") {
		t.Fatalf("dave is there before he was provisioned:\n%s", m)
	}

	dave := h.scimUser("dave@moby.example", "", "")
	h.mustCall(http.StatusCreated, "POST", mockhub.SCIMBasePath+"/Groups", browserToken, map[string]any{
		"schemas": []string{groupSchema}, "displayName": "moby:oncall", "members": []map[string]any{{"value": dave}},
	})
	waitText(t, ctx, "#members", "dave")
	waitText(t, ctx, "#scim-groups", "moby:oncall")
	waitText(t, ctx, "#teams", "oncall")
	waitText(t, ctx, "#requests", "/v2/scim/2.0/Groups")

	h.mustCall(http.StatusOK, "PATCH", mockhub.SCIMBasePath+"/Users/"+dave, browserToken, map[string]any{
		"schemas": []string{patchSchema}, "Operations": []map[string]any{{"op": "replace", "path": "active", "value": false}},
	})
	waitText(t, ctx, "#scim-users", "inactive")

	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if same, err := chromedp.Run(c, chromedp.Evaluate[bool](`window.notReloaded === true`)); err != nil || !same {
		t.Errorf("the page reloaded to update (%v): it should update in place", err)
	}
}

func TestConsoleBrowserFaultForm(t *testing.T) {
	// The refused value below is a 400, which the browser logs.
	ctx := browser(t, "status of 400 (Bad Request) "+"http://127.0.0.1")
	h := newHub(t)

	within(t, ctx, 20*time.Second, "setting a fault from the form",
		chromedp.Navigate(h.ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#faultform")),
		chromedp.SetValue(chromedp.CSS(`#faultform input[name="fail_every"]`), "1"),
		chromedp.SetValue(chromedp.CSS(`#faultform select[name="fail_status"]`), "502"),
		chromedp.Click(chromedp.CSS(`#faultform button[value="set"]`)),
		chromedp.WaitVisible(chromedp.CSS("#fault-list")))
	mustContain(t, "the fault panel", text(t, ctx, "#fault-list"), "502")
	mustContain(t, "the form's answer", text(t, ctx, "#fault-result"), "Faults set")

	st, body := h.call("POST", mockhub.SCIMBasePath+"/Users", browserToken, map[string]any{
		"schemas": []string{userSchema}, "userName": "gina@moby.example", "active": true})
	if st != http.StatusBadGateway {
		t.Fatalf("the SCIM call after the form set fail_every=1 with 502 got %d: %v", st, body)
	}
	waitText(t, ctx, "#requests", "502")

	within(t, ctx, 20*time.Second, "clearing the faults from the form",
		chromedp.Click(chromedp.CSS(`#faultform button[value="clear"]`)),
		chromedp.WaitNotPresent(chromedp.CSS("#fault-list")))
	h.mustCall(http.StatusCreated, "POST", mockhub.SCIMBasePath+"/Users", browserToken, map[string]any{
		"schemas": []string{userSchema}, "userName": "gina@moby.example", "active": true})

	// A bad value gets a message on the page and changes nothing.
	within(t, ctx, 20*time.Second, "sending a bad value",
		chromedp.SetValue(chromedp.CSS(`#faultform input[name="hang_ms"]`), "-5"),
		chromedp.SetAttributeValue(chromedp.CSS(`#faultform input[name="hang_ms"]`), "min", "-10"),
		chromedp.Click(chromedp.CSS(`#faultform button[value="set"]`)))
	waitText(t, ctx, "#fault-result", "must not be negative")
	if f := h.mustCall(http.StatusOK, "GET", "/_mock/faults", "", nil); f["hang_ms"] != nil || f["fail_every"] != float64(0) {
		t.Errorf("faults after a refused form: %v", f)
	}
}
