package provider

import (
	"fmt"
	"net/http"
	"testing"
)

// TestTestHubSCIMUsersReadsEveryPage keeps the scimUsers helper honest: it
// must return every user, not just the first page of 200.
func TestTestHubSCIMUsersReadsEveryPage(t *testing.T) {
	h := newHub(t)
	const n = 205
	for i := range n {
		status, body := h.scim(http.MethodPost, "/Users", map[string]any{
			"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
			"userName": fmt.Sprintf("page%03d@moby.example", i),
		})
		if status != http.StatusCreated {
			t.Fatalf("creating user %d: %d %v", i, status, body)
		}
	}
	users := h.scimUsers()
	if len(users) != n {
		t.Fatalf("scimUsers returned %d users, want %d", len(users), n)
	}
	for i := range n {
		if _, ok := users[fmt.Sprintf("page%03d@moby.example", i)]; !ok {
			t.Errorf("scimUsers lacks page%03d@moby.example", i)
		}
	}
}
