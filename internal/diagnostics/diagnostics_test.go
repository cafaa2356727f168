package diagnostics

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
)

func TestAddClientError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		api     API
		action  Action
		what    string
		err     error
		summary string
		want    []string
	}{
		{
			name: "forbidden on management", api: Management, action: ActionEnable, what: "SCIM connection",
			err:     fmt.Errorf("enabling: %w", &httpx.Error{Method: "POST", Path: "/v2/orgs/moby/sso/connections/x/scim", StatusCode: 403, Detail: "not an owner"}),
			summary: "Error enabling SCIM connection",
			want:    []string{"Couldn't enable SCIM connection \"x\"", "not an owner", "owner of the organization or company is required"},
		},
		{
			name: "unauthorized on scim", api: SCIM, action: ActionRead, what: "SCIM user",
			err:     &httpx.Error{Method: "GET", Path: "/Users/1", StatusCode: 401, Detail: "bad token"},
			summary: "Error reading SCIM user",
			want:    []string{"scim_token (DOCKER_SCIM_TOKEN)"},
		},
		{
			name: "precondition", api: SCIM, action: ActionUpdate, what: "SCIM user",
			err:     &httpx.Error{Method: "PATCH", Path: "/Users/1", StatusCode: 412, Detail: "stale"},
			summary: "Error updating SCIM user",
			want:    []string{"changed outside Terraform"},
		},
		{
			name: "rate limited", api: SCIM, action: ActionRead, what: "SCIM user",
			err:     &httpx.Error{Method: "GET", Path: "/Users", StatusCode: 429},
			summary: "Error reading SCIM user",
			want:    []string{"max_requests_per_second"},
		},
		{
			name: "cancelled", api: SCIM, action: ActionDelete, what: "SCIM user",
			err:     fmt.Errorf("get: %w", context.Canceled),
			summary: "Error deleting SCIM user",
			want:    []string{"cancelled"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			AddClientError(&diags, Call{API: tc.api, Action: tc.action, What: tc.what, ID: "x"}, tc.err)
			if len(diags) != 1 || diags[0].Summary() != tc.summary {
				t.Fatalf("diagnostics = %v, want one with summary %q", diags, tc.summary)
			}
			for _, w := range tc.want {
				if !strings.Contains(strings.ToLower(diags[0].Detail()), strings.ToLower(w)) {
					t.Errorf("detail %q lacks %q", diags[0].Detail(), w)
				}
			}
		})
	}
}

// outageErrors makes a client trip the way handler makes it (a 401 with a
// fixed token, or nothing listening when handler is nil) and returns the
// errors of n requests: the one that tripped it and n-1 not sent.
func outageErrors(t *testing.T, handler http.HandlerFunc, n int) (host string, errs []error) {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	if handler == nil {
		srv.Close()
	}
	c := httpx.New(httpx.Options{
		RetryMax: 50, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
		OutageWindow: time.Minute, UnreachableWindow: time.Millisecond,
	})
	for range n {
		_, err := c.Do(context.Background(), httpx.Request{Method: "GET", URL: srv.URL + "/Users", UnauthorizedIsFinal: true})
		errs = append(errs, err)
	}
	return strings.TrimPrefix(srv.URL, "http://"), errs
}

func TestOutageExplainedOnce(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		api     API
		handler http.HandlerFunc
		full    []string
		repeat  string
	}{
		{
			name: "rejected SCIM token", api: SCIM,
			handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) },
			full:    []string{"401 Unauthorized", "scim_token (DOCKER_SCIM_TOKEN)", "stopped sending requests"},
			repeat:  "Not attempted: the SCIM server at %s rejected the credentials (see the first error for details).",
		},
		{
			name: "unreachable Docker Hub", api: Management,
			full:   []string{"connection refused", "Nothing answered at Docker Hub at", "host (DOCKER_HUB_HOST)"},
			repeat: "Not attempted: Docker Hub at %s is unreachable (see the first error for details).",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			host, errs := outageErrors(t, tc.handler, 4)
			// One resource each, as the CLI reports them (one Diagnostics
			// would fold identical entries).
			var diags diag.Diagnostics
			for i, err := range errs {
				var own diag.Diagnostics
				AddClientError(&own, Call{API: tc.api, Action: ActionRead, What: "SCIM user", ID: fmt.Sprint(i)}, fmt.Errorf("reading: %w", err))
				diags = append(diags, own...)
			}
			if len(diags) != len(errs) {
				t.Fatalf("%d diagnostics for %d errors", len(diags), len(errs))
			}
			for _, w := range tc.full {
				if !strings.Contains(diags[0].Detail(), w) {
					t.Errorf("first detail %q lacks %q", diags[0].Detail(), w)
				}
			}
			want := fmt.Sprintf(tc.repeat, host)
			for _, d := range diags[1:] {
				if d.Summary() != "Error reading SCIM user" || d.Detail() != want {
					t.Errorf("repeat: %q / %q, want %q", d.Summary(), d.Detail(), want)
				}
			}
		})
	}
}

// Every action has both of its words, so no diagnostic reads "Error  user".
func TestActionsAreWorded(t *testing.T) {
	t.Parallel()
	for a := ActionCreate; a <= ActionDisable; a++ {
		if a.String() == "" || a.gerund() == "" || !strings.HasSuffix(a.gerund(), "ing") {
			t.Errorf("action %d is worded %q / %q", a, a.String(), a.gerund())
		}
	}
}

// A server without DELETE or /Groups is explained once, with what to do
// instead; every later object that needs the operation gets one line.
func TestUnsupportedExplainedOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		feature, what string
		want          []string
	}{
		{scim.FeatureUserDelete, "SCIM user", []string{"does not delete users", `on_destroy = "deactivate"`, `unmanaged = "deactivate"`}},
		{scim.FeatureGroups, "SCIM group", []string{"has no /Groups", "group push", "team_name"}},
	} {
		err := &scim.UnsupportedError{Feature: tc.feature, Answer: "DELETE /v2/scim/2.0/Users/u1 answered 405"}
		first := Detail(Call{API: SCIM, Action: ActionDelete, What: tc.what, ID: "ada@moby.example"}, err)
		for _, want := range append(tc.want, "ada@moby.example", "answered 405") {
			if !strings.Contains(first, want) {
				t.Errorf("%s: first detail %q lacks %q", tc.feature, first, want)
			}
		}
		second := Detail(Call{API: SCIM, Action: ActionDelete, What: tc.what, ID: "bob@moby.example"}, err)
		if !strings.HasPrefix(second, "Not attempted: the SCIM server does not support "+tc.feature) || strings.Contains(second, "instead") {
			t.Errorf("%s: second detail %q, want one line", tc.feature, second)
		}
	}
}
