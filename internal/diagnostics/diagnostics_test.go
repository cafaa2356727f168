package diagnostics

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

func TestAddClientError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		api     API
		err     error
		summary string
		want    []string
	}{
		{
			name: "forbidden on management", api: Management,
			err:     fmt.Errorf("enabling: %w", &httpx.Error{Method: "POST", Path: "/v2/orgs/moby/sso/connections/x/scim", StatusCode: 403, Detail: "not an owner"}),
			summary: "Error enabling SCIM connection",
			want:    []string{"Couldn't enable SCIM connection \"x\"", "not an owner", "owner of the organization or company is required"},
		},
		{
			name: "unauthorized on scim", api: SCIM,
			err:     &httpx.Error{Method: "GET", Path: "/Users/1", StatusCode: 401, Detail: "bad token"},
			summary: "Error reading SCIM user",
			want:    []string{"scim_token (DOCKER_SCIM_TOKEN)"},
		},
		{
			name: "precondition", api: SCIM,
			err:     &httpx.Error{Method: "PATCH", Path: "/Users/1", StatusCode: 412, Detail: "stale"},
			summary: "Error updating SCIM user",
			want:    []string{"changed outside Terraform"},
		},
		{
			name: "rate limited", api: SCIM,
			err:     &httpx.Error{Method: "GET", Path: "/Users", StatusCode: 429},
			summary: "Error reading SCIM user",
			want:    []string{"max_requests_per_second"},
		},
		{
			name: "cancelled", api: SCIM,
			err:     fmt.Errorf("get: %w", context.Canceled),
			summary: "Error deleting SCIM user",
			want:    []string{"cancelled"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			action := strings.Fields(tc.summary)[1]
			action = strings.TrimSuffix(action, "ing")
			switch action {
			case "enabl", "creat", "updat", "delet":
				action += "e"
			case "read":
			}
			what := strings.Join(strings.Fields(tc.summary)[2:], " ")
			AddClientError(&diags, tc.api, action, what, "x", tc.err)
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
