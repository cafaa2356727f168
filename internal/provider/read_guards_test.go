package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// memPrivate is private state in memory.
type memPrivate map[string][]byte

func (m memPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}
func (m memPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	m[key] = value
	return nil
}

func dataFor(baseURL, token string) *providerData {
	return newProviderData(clientSettings{scimBaseURL: setting{value: baseURL}, scimToken: setting{value: token}})
}

func TestConfirmVanished(t *testing.T) {
	ctx := context.Background()
	const url = "https://hub.docker.com/v2/scim/2.0"
	seenBy := func(d *providerData) memPrivate {
		p := memPrivate{}
		d.recordSCIMEndpoint(ctx, p)
		return p
	}

	t.Run("same settings: deleted outside Terraform", func(t *testing.T) {
		d := dataFor(url, "token-a")
		var diags diag.Diagnostics
		if !d.confirmVanished(ctx, seenBy(d), &diags, "SCIM user", "a@x.example") || diags.HasError() {
			t.Fatalf("a user gone through the same settings was not confirmed deleted: %v", diags)
		}
	})
	t.Run("no record (state from an older version)", func(t *testing.T) {
		var diags diag.Diagnostics
		if !dataFor(url, "token-a").confirmVanished(ctx, memPrivate{}, &diags, "SCIM user", "a@x.example") {
			t.Fatal("state without a record was not treated as before")
		}
	})
	for name, now := range map[string]*providerData{
		"another token":    dataFor(url, "token-b"),
		"another base URL": dataFor("https://other.example/v2/scim/2.0", "token-a"),
	} {
		t.Run(name, func(t *testing.T) {
			p := seenBy(dataFor(url, "token-a"))
			var first, second diag.Diagnostics
			if now.confirmVanished(ctx, p, &first, "SCIM user", "a@x.example") ||
				now.confirmVanished(ctx, p, &second, "SCIM user", "b@x.example") {
				t.Fatal("an object not found through changed settings was dropped from state")
			}
			if !first.HasError() || !strings.Contains(first[0].Detail(), "state rm") {
				t.Fatalf("the first error does not explain the way forward: %v", first)
			}
			if !second.HasError() || strings.Contains(second[0].Detail(), "state rm") {
				t.Fatalf("the second error repeats the full explanation: %v", second)
			}
		})
	}
}
