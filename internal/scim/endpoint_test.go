package scim

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// A base URL that misses its /2.0 reaches a server that answers every
// path with its own 404. That must never read as "the user was deleted".
func TestNonSCIMNotFoundIsAnEndpointError(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.setHook(func(w http.ResponseWriter, _ *http.Request, _ []byte) bool {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"page not found","errinfo":{}}`))
		return true
	})
	_, err := c.GetUser(context.Background(), "u001")
	if errors.Is(err, httpx.ErrNotFound) {
		t.Fatalf("a non-SCIM 404 matched ErrNotFound: %v", err)
	}
	var ee *EndpointError
	if !errors.As(err, &ee) {
		t.Fatalf("got %T %v, want *EndpointError", err, err)
	}
	if !strings.Contains(err.Error(), f.srv.URL+"/v2/scim/2.0") || !strings.Contains(err.Error(), "/v2/scim/2.0") {
		t.Fatalf("the error does not name the base URL: %v", err)
	}

	// The URL is not going to change within the run: later requests fail
	// unsent, and exactly one of them claims the full report.
	sent := len(f.reqs(""))
	_, again := c.GetUser(context.Background(), "u002")
	var ee2 *EndpointError
	if !errors.As(again, &ee2) || len(f.reqs("")) != sent {
		t.Fatalf("a later request was sent (%d requests, %v)", len(f.reqs(""))-sent, again)
	}
	if !ee.ClaimReport() || ee2.ClaimReport() {
		t.Fatal("not exactly one caller claims the full report")
	}
}

// A SCIM 404 for a resource is still a plain not-found.
func TestSCIMNotFoundIsNotFound(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	_, err := c.GetUser(context.Background(), "nobody")
	if !errors.Is(err, httpx.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	var ee *EndpointError
	if errors.As(err, &ee) {
		t.Fatalf("a SCIM 404 became an endpoint error: %v", err)
	}
}

func TestServiceProviderConfigMustBeSCIM(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"html":       `<html><body>Docker Hub</body></html>`,
		"other JSON": `{"name":"hub","version":"1"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t)
			f.spc = body
			_, err := c.ServiceProviderConfig(context.Background())
			var ee *EndpointError
			if !errors.As(err, &ee) {
				t.Fatalf("got %v, want *EndpointError", err)
			}
		})
	}
}
