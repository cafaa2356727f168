package provider

import (
	"net/http"
	"os"
	"testing"
)

// TestAccSCIMConnection_bootstrapExampleOAT runs examples/bootstrap signed
// in with an organization access token, as CI would: username is the
// organization's name and password the token.
func TestAccSCIMConnection_bootstrapExampleOAT(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	h := newHubSCIMOff(t)
	status, body := h.mgmt(http.MethodPost, "/v2/orgs/"+h.info.OrgName+"/access-tokens", map[string]any{
		"label":     "terraform CI",
		"resources": []any{map[string]any{"type": "TYPE_ORG", "path": h.info.OrgName, "scopes": []any{"member-edit"}}},
	})
	oat, _ := body["token"].(string)
	if status != http.StatusCreated || oat == "" {
		t.Fatalf("creating an organization access token: %d %v", status, body)
	}
	runBootstrapExample(t, h, h.info.OrgName, oat)
	// The provider signed in with the OAT: its last_used_at is set.
	status, list := h.mgmt(http.MethodGet, "/v2/orgs/"+h.info.OrgName+"/access-tokens", nil)
	results, _ := list["results"].([]any)
	if status != http.StatusOK || len(results) != 1 || results[0].(map[string]any)["last_used_at"] == nil {
		t.Fatalf("the OAT was not used: %d %v", status, list)
	}
}
