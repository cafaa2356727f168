package mockhub

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func (e *env) setFaults(f map[string]any) {
	e.t.Helper()
	want(e.t, e.do(http.MethodPut, "/_mock/faults", "", f), http.StatusOK)
}

func (e *env) listUserNames(filter string) []string {
	e.t.Helper()
	path := "/Users?count=200"
	if filter != "" {
		path += "&filter=" + url.QueryEscape(filter)
	}
	r := e.scim(http.MethodGet, path, nil)
	want(e.t, r, http.StatusOK)
	var out []string
	for _, x := range r.list("Resources") {
		out = append(out, x.(map[string]any)["userName"].(string))
	}
	return out
}

func TestVisibilityDelay(t *testing.T) {
	e := newEnv(t)
	e.setFaults(map[string]any{"visibility_delay_ms": 5000})

	// A create is answered, but not found or listed for 5 s.
	id := e.createUser("ada@moby.example")
	wantSCIMError(t, e.scim(http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "")
	if got := e.listUserNames(`userName eq "ada@moby.example"`); len(got) != 0 {
		t.Fatalf("listed before visible: %v", got)
	}
	// Writes see the truth: a PUT to it succeeds, and a second create conflicts.
	want(t, e.scim(http.MethodPut, "/Users/"+id, userBody("ada@moby.example", "active", true, "displayName", "Ada")), http.StatusOK)
	wantSCIMError(t, e.scim(http.MethodPost, "/Users", userBody("ada@moby.example")), http.StatusConflict, "uniqueness")
	e.clock.Advance(5 * time.Second)
	if r := e.scim(http.MethodGet, "/Users/"+id, nil); r.status != http.StatusOK || r.str("displayName") != "Ada" {
		t.Fatalf("after the delay: %d %s", r.status, r.raw)
	}

	// A rename shows the old name, by id and through a filter, for 5 s.
	want(t, e.scim(http.MethodPut, "/Users/"+id, userBody("ada.l@moby.example", "active", true)), http.StatusOK)
	if r := e.scim(http.MethodGet, "/Users/"+id, nil); r.str("userName") != "ada@moby.example" {
		t.Fatalf("renamed user read as %q before the delay", r.str("userName"))
	}
	if got := e.listUserNames(`userName eq "ada@moby.example"`); len(got) != 1 {
		t.Fatalf("old name not listed before the delay: %v", got)
	}
	if got := e.listUserNames(`userName eq "ada.l@moby.example"`); len(got) != 0 {
		t.Fatalf("new name listed before the delay: %v", got)
	}
	e.clock.Advance(5 * time.Second)
	if got := e.listUserNames(`userName eq "ada.l@moby.example"`); len(got) != 1 {
		t.Fatalf("new name not listed after the delay: %v", got)
	}

	// A delete still reads and lists for 5 s.
	want(t, e.scim(http.MethodDelete, "/Users/"+id, nil), http.StatusNoContent)
	want(t, e.scim(http.MethodGet, "/Users/"+id, nil), http.StatusOK)
	if got := e.listUserNames(""); len(got) != 1 || got[0] != "ada.l@moby.example" {
		t.Fatalf("deleted user not listed before the delay: %v", got)
	}
	e.clock.Advance(5 * time.Second)
	wantSCIMError(t, e.scim(http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "")
	if got := e.listUserNames(""); len(got) != 0 {
		t.Fatalf("deleted user listed after the delay: %v", got)
	}
}

// Per route, as the other faults: only writes to the listed routes lag.
func TestVisibilityDelayPerRoute(t *testing.T) {
	e := newEnv(t)
	e.setFaults(map[string]any{"visibility_delay_ms": 5000, "routes": []any{"POST /v2/scim/2.0/Users"}})
	id := e.createUser("ada@moby.example")
	wantSCIMError(t, e.scim(http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "")
	e.clock.Advance(5 * time.Second)
	want(t, e.scim(http.MethodPut, "/Users/"+id, userBody("ada.l@moby.example", "active", true)), http.StatusOK)
	if r := e.scim(http.MethodGet, "/Users/"+id, nil); r.str("userName") != "ada.l@moby.example" {
		t.Fatalf("a PUT, not a faulted route, lagged: %s", r.raw)
	}
	// Clearing the faults does not make lagging writes visible early, as a
	// replica catches up in its own time; /_mock/reset does.
	e.createUser("bob@moby.example")
	want(t, e.do(http.MethodDelete, "/_mock/faults", "", nil), http.StatusNoContent)
	if got := e.listUserNames(`userName eq "bob@moby.example"`); len(got) != 0 {
		t.Fatalf("listed before visible: %v", got)
	}
	want(t, e.do(http.MethodPut, "/_mock/faults", "", map[string]any{"visibility_delay_ms": -1}), http.StatusBadRequest)
}

// The console's fault form sets it, and its panel says so.
func TestVisibilityDelayFromConsole(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"action": {"set"}, "visibility_delay_ms": {"1500"}}
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/_mock/console/faults", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if f := e.do(http.MethodGet, "/_mock/faults", "", nil); f.num("visibility_delay_ms") != 1500 {
		t.Fatalf("faults after the form: %s", f.raw)
	}
	if page := e.do(http.MethodGet, "/", "", nil); !strings.Contains(string(page.raw), "shows in reads only after 1500 ms") {
		t.Error("the console does not describe the visibility delay")
	}
}
