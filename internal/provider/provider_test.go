package provider

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// protoV6 serves the provider in-process to the CLI that
// terraform-plugin-testing drives, through the same server main.go serves.
var protoV6 = map[string]func() (tfprotov6.ProviderServer, error){
	"docker": func() (tfprotov6.ProviderServer, error) { return NewServer("test"), nil },
}

// importStep is a step that imports the resource at addr again, with an
// import block of kind.
func importStep(addr string, kind resource.ImportStateKind) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateKind: kind}
}

func TestMain(m *testing.M) {
	// Machines export TF_CLI_CONFIG_FILE pointing at a file that may not
	// exist; OpenTofu's warning about it breaks the testing framework's
	// version parsing. Give the CLI an empty config of our own instead.
	if cfg := os.Getenv("TF_CLI_CONFIG_FILE"); cfg == "" || !fileExists(cfg) {
		f, err := os.CreateTemp("", "empty-*.tfrc")
		if err == nil {
			_ = f.Close()
			_ = os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
			defer os.Remove(f.Name())
		}
	}
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// testHub is one in-process mockhub for one acceptance test.
type testHub struct {
	t    *testing.T
	srv  *httptest.Server
	info mockhub.Info
}

// newHub starts a mockhub with SCIM enabled on the default org connection,
// with a token unique to the test.
func newHub(t *testing.T) *testHub {
	t.Helper()
	return newHubIn(t, mockhub.DialectRFC)
}

// newHubIn is newHub speaking dialect.
func newHubIn(t *testing.T, dialect mockhub.Dialect) *testHub {
	t.Helper()
	return newHubWith(t, mockhub.Options{SCIMToken: "scim-" + randomHex(t), Dialect: dialect})
}

func newHubWith(t *testing.T, opts mockhub.Options) *testHub {
	t.Helper()
	mh, err := mockhub.New(opts)
	if err != nil {
		t.Fatalf("starting mockhub: %v", err)
	}
	srv := httptest.NewServer(mh)
	t.Cleanup(srv.Close)
	return &testHub{t: t, srv: srv, info: mh.Info(srv.URL)}
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// scimProvider is a provider block configured for SCIM only.
func (h *testHub) scimProvider() string {
	return fmt.Sprintf(`
provider "docker" {
  scim_base_url = %q
  scim_token    = %q
}
`, h.info.SCIMBaseURL, h.info.SCIMToken)
}

// hubProvider is a provider block configured for the management API only.
func (h *testHub) hubProvider() string {
	return fmt.Sprintf(`
provider "docker" {
  host     = %q
  username = %q
  password = %q
}
`, h.info.HubURL, h.info.Username, h.info.Password)
}

// scimCreate creates a SCIM object outside Terraform, POSTing body to
// path (/Users or /Groups), and returns its id; the test fails unless it
// is created.
func (h *testHub) scimCreate(path string, body map[string]any) string {
	h.t.Helper()
	status, answer := h.scim(http.MethodPost, path, body)
	if status != http.StatusCreated {
		h.t.Fatalf("POST %s %v: status %d: %v", path, body, status, answer)
	}
	return fmt.Sprint(answer["id"])
}

// seedUser creates an active user email outside Terraform, with nothing
// else set, and returns its id.
func (h *testHub) seedUser(email string) string {
	h.t.Helper()
	return h.scimCreate("/Users", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": email, "active": true,
	})
}

// scim calls the SCIM API directly, as an IdP or an admin outside Terraform would.
func (h *testHub) scim(method, path string, body any) (int, map[string]any) {
	h.t.Helper()
	return h.call(method, h.info.SCIMBaseURL+path, "Bearer "+h.info.SCIMToken, body)
}

// mgmt calls the management API directly, signed in as the seeded owner.
func (h *testHub) mgmt(method, path string, body any) (int, map[string]any) {
	h.t.Helper()
	status, tok := h.call(http.MethodPost, h.info.HubURL+"/v2/auth/token", "",
		map[string]string{"identifier": h.info.Username, "secret": h.info.Password})
	if status != http.StatusOK {
		h.t.Fatalf("signing in to mockhub: status %d: %v", status, tok)
	}
	return h.call(method, h.info.HubURL+path, "Bearer "+tok["access_token"].(string), body)
}

// mock calls mockhub's /_mock/ test control endpoints.
func (h *testHub) mock(method, path string, body any) (int, map[string]any) {
	h.t.Helper()
	return h.call(method, h.info.HubURL+"/_mock"+path, "", body)
}

func (h *testHub) call(method, url, auth string, body any) (int, map[string]any) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			h.t.Fatalf("%s %s: decoding %q: %v", method, url, raw, err)
		}
	}
	return resp.StatusCode, out
}

// scimUsers lists the connection's users as userName → resource, reading
// every page until it holds totalResults users.
func (h *testHub) scimUsers() map[string]map[string]any {
	h.t.Helper()
	out := map[string]map[string]any{}
	for start := 1; ; {
		status, body := h.scim(http.MethodGet, fmt.Sprintf("/Users?startIndex=%d&count=200", start), nil)
		if status != http.StatusOK {
			h.t.Fatalf("listing users from %d: status %d: %v", start, status, body)
		}
		total, ok := body["totalResults"].(float64)
		if !ok {
			h.t.Fatalf("listing users from %d: no totalResults: %v", start, body)
		}
		resources, _ := body["Resources"].([]any)
		if published, ok := body["resources"].([]any); ok { // mockhub.DialectPublished
			resources = published
		}
		for _, r := range resources {
			u := r.(map[string]any)
			out[strings.ToLower(u["userName"].(string))] = u
		}
		start += len(resources)
		if start > int(total) {
			break
		}
		if len(resources) == 0 {
			h.t.Fatalf("listing users: empty page at %d of %v", start, total)
		}
	}
	return out
}

// orgMembers lists an org's members through the management API as email → role.
func (h *testHub) orgMembers(org string) map[string]string {
	h.t.Helper()
	status, body := h.mgmt(http.MethodGet, "/v2/orgs/"+org+"/members?page_size=100", nil)
	if status != http.StatusOK {
		h.t.Fatalf("listing members of %s: status %d: %v", org, status, body)
	}
	out := map[string]string{}
	results, _ := body["results"].([]any)
	for _, r := range results {
		m := r.(map[string]any)
		// Lowercase: mockhub.DialectPublished spells roles Owner, Member.
		out[strings.ToLower(fmt.Sprint(m["email"]))] = strings.ToLower(fmt.Sprint(m["role"]))
	}
	return out
}

// stats reads mockhub's /_mock/stats, failing the test on anything but a
// well-formed answer.
func (h *testHub) stats() (total int, byRoute map[string]any, routes []any) {
	h.t.Helper()
	status, stats := h.mock(http.MethodGet, "/stats", nil)
	n, okTotal := stats["requests_total"].(float64)
	byRoute, okByRoute := stats["by_route"].(map[string]any)
	routes, okRoutes := stats["routes"].([]any)
	if status != http.StatusOK || !okTotal || !okByRoute || !okRoutes || len(routes) == 0 {
		h.t.Fatalf("reading mockhub's stats: status %d: %v", status, stats)
	}
	return int(n), byRoute, routes
}

// requestsTo counts the requests mockhub served for one route template, such
// as "PATCH /v2/scim/2.0/Groups/{id}". A route mockhub does not serve fails
// the test, so that a misspelled route cannot make a count of 0 pass.
func (h *testHub) requestsTo(route string) int {
	h.t.Helper()
	_, byRoute, routes := h.stats()
	if !slices.Contains(routes, any(route)) {
		h.t.Fatalf("requestsTo(%q): mockhub serves no such route; it serves %v", route, routes)
	}
	if v, ok := byRoute[route]; ok {
		n, ok := v.(float64)
		if !ok {
			h.t.Fatalf("requestsTo(%q): count %v is not a number", route, v)
		}
		return int(n)
	}
	return 0
}

// checkNoRequests fails t unless mockhub has served no request at all (SCIM,
// management or sign-in), as for configurations rejected before any
// provider call reaches a server. Register it with t.Cleanup after newHub
// so that it runs once the parallel subtests have finished.
func (h *testHub) checkNoRequests(t *testing.T) {
	t.Helper()
	if total, byRoute, _ := h.stats(); total != 0 {
		t.Errorf("invalid configurations sent %d requests, want none: %v", total, byRoute)
	}
}

// workDir returns a folder under the test's temp dir, for configs run by hand.
func workDir(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
