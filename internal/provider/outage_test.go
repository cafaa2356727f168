package provider

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dockerscim/terraform-provider-docker/internal/snapshot"
)

// The outage tests run the real CLI against a server that is down, refuses
// everything, or rejects the token, and check that the run fails with one
// full explanation and a bounded number of requests, instead of one
// explanation and one retry budget per object.

const outageUsers = 20

// outageConfig declares outageUsers users under a provider block that
// reaches the SCIM API at baseURL with token.
func outageConfig(baseURL, token string) string {
	return fmt.Sprintf(`
provider "docker" {
  scim_base_url = %q
  scim_token    = %q
}

resource "docker_scim_user" "u" {
  count     = %d
  user_name = format("outage%%02d@moby.example", count.index)
}
`, baseURL, token, outageUsers)
}

// mockRequests is how many API requests mockhub has served.
func (h *testHub) mockRequests() int {
	h.t.Helper()
	_, stats := h.mock(http.MethodGet, "/stats", nil)
	n, _ := stats["requests_total"].(float64)
	return int(n)
}

// checkExplainedOnce asserts that of the errors out reports (one per user
// the CLI got to: Terraform 1.13 stops scheduling more once some failed,
// OpenTofu and Terraform 1.5 report all of them) exactly one holds full
// (the full explanation) and every other is the one-line reference to it.
func checkExplainedOnce(t *testing.T, out, full string) {
	t.Helper()
	// The CLI wraps long lines.
	out = strings.Join(strings.Fields(out), " ")
	errs := strings.Count(out, "Error: Error ")
	repeats := strings.Count(out, "(see the first error for details)")
	if errs < 1 || errs > outageUsers || strings.Count(out, full) != 1 || repeats != errs-1 {
		t.Fatalf("%d errors, %d full explanations (%q), %d references to it; want 1 to %d errors, 1 full and the rest references:\n%s",
			errs, strings.Count(out, full), full, repeats, outageUsers, out)
	}
}

// TestAccOutage_wrongSCIMToken: refreshing 20 users with a token the server
// rejects asks the server only until its first 401, and explains the
// rejection once.
func TestAccOutage_wrongSCIMToken(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	w := newCLIWork(t, outageConfig(h.info.SCIMBaseURL, h.info.SCIMToken))
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")

	w.setConfig(outageConfig(h.info.SCIMBaseURL, "wrong-"+h.info.SCIMToken))
	before := h.mockRequests()
	r := w.run(nil, "plan", "-no-color", "-input=false")
	if r.err == nil {
		t.Fatalf("plan with a wrong token succeeded:\n%s", r.output())
	}
	checkExplainedOnce(t, r.output(), "The SCIM API rejected the token")
	if strings.Contains(r.output(), "wrong-"+h.info.SCIMToken) {
		t.Fatal("the token appears in the output")
	}
	// The first Reads are 3 GETs and the listing, all in flight before the
	// first 401 comes back; every later Read fails unsent. Asking per user
	// would be 3 + 1 + 17 requests.
	if got := h.mockRequests() - before; got > snapshot.DirectReads+1 {
		t.Fatalf("refreshing %d users with a wrong token sent %d requests, want at most %d", outageUsers, got, snapshot.DirectReads+1)
	}
}

// TestAccOutage_serverDown: creating 20 users against a server that is not
// running fails after the client has seen connections refused for a few
// seconds, not after each create spent its own retries, and explains the
// outage once.
func TestAccOutage_serverDown(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	// A port that was just listening and now refuses connections.
	h.srv.Close()
	w := newCLIWork(t, outageConfig(h.info.SCIMBaseURL, h.info.SCIMToken))
	r := w.run(nil, "apply", "-auto-approve", "-no-color", "-input=false")
	if r.err == nil {
		t.Fatalf("apply against a stopped server succeeded:\n%s", r.output())
	}
	checkExplainedOnce(t, r.output(), "Nothing answered at the SCIM server at")
}

// TestAccOutage_everyAnswer503: when every answer is a 503, a plan of 20
// users fails once no request has succeeded for the client's window, the
// state is unchanged, and each Read did not spend a budget of its own.
func TestAccOutage_everyAnswer503(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	w := newCLIWork(t, outageConfig(h.info.SCIMBaseURL, h.info.SCIMToken))
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	state := w.stateFile()

	setFaults(t, h, map[string]any{"fail_every": 1})
	before := h.mockRequests()
	r := w.run(nil, "plan", "-no-color", "-input=false")
	if r.err == nil {
		t.Fatalf("plan with every answer a 503 succeeded:\n%s", r.output())
	}
	checkExplainedOnce(t, r.output(), "while requests kept failing")
	if !bytes.Equal(w.stateFile(), state) {
		t.Fatal("the failed plan changed the state")
	}
	// 3 GETs and the listing retry until the window (2 minutes) passes,
	// each at most ~13 times at the jittered waits; then every Read fails
	// unsent. A budget per Read would be a dozen requests for each of 20.
	if got, limit := h.mockRequests()-before, (snapshot.DirectReads+1)*14; got > limit {
		t.Fatalf("refreshing %d users with every answer a 503 sent %d requests, want at most %d", outageUsers, got, limit)
	}
}
