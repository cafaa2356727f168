package scim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// Docker's published SCIM API has no DELETE and no /Groups (RFC 7644 has
// both, and Docker's guides describe group push). A server without them
// answers 404, 405 or 501; the client says so once, in words that name what
// needs the operation and what to do instead, and sends no further request
// that needs it.

// The operations a SCIM server may lack.
const (
	FeatureUserDelete = "DELETE /Users/{id}"
	FeatureGroups     = "/Groups"
)

// UnsupportedError says the server does not offer an operation the
// configuration needs. It is returned, unsent, for every later request
// that needs the same operation.
type UnsupportedError struct {
	Feature string // FeatureUserDelete or FeatureGroups
	Answer  string // what gave it away

	reported atomic.Bool
}

// Error names the operation and the answer.
func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("the SCIM server does not support %s: %s", e.Feature, e.Answer)
}

// ClaimReport is true for exactly one caller: the one whose diagnostic
// explains the error in full, while the others refer to it in a line.
func (e *UnsupportedError) ClaimReport() bool { return e.reported.CompareAndSwap(false, true) }

// unsupportedSet remembers the operations a server has shown it lacks.
type unsupportedSet struct{ m sync.Map }

func (s *unsupportedSet) get(feature string) error {
	if v, ok := s.m.Load(feature); ok {
		return v.(*UnsupportedError)
	}
	return nil
}

func (s *unsupportedSet) mark(feature, answer string) error {
	v, _ := s.m.LoadOrStore(feature, &UnsupportedError{Feature: feature, Answer: answer})
	return v.(*UnsupportedError)
}

// refusesMethod reports an answer that says the server has no such
// operation, whatever the resource: 405 Method Not Allowed or 501.
func refusesMethod(err error) bool {
	var he *httpx.Error
	return errors.As(err, &he) && (he.StatusCode == http.StatusMethodNotAllowed || he.StatusCode == http.StatusNotImplemented)
}

// groupsCall runs a request under /Groups. When its answer shows the
// server has no groups (405 or 501; a SCIM 404 for the /Groups collection
// itself, which is never a missing group; or a 404 that is no SCIM error
// while ServiceProviderConfig shows the base URL is a SCIM API), the error
// is an *UnsupportedError, and later /Groups calls fail unsent.
func (c *Client) groupsCall(ctx context.Context, r request) (*httpx.Response, error) {
	if err := c.unsupported.get(FeatureGroups); err != nil {
		return nil, err
	}
	resp, err := c.doUnchecked(ctx, r)
	var he *httpx.Error
	if err == nil || !errors.As(err, &he) {
		return resp, c.checkEndpoint(err)
	}
	switch {
	case refusesMethod(err):
	case he.StatusCode == http.StatusNotFound && slices.Contains(he.Schemas, SchemaError):
		if r.path != "/Groups" {
			return resp, err // a missing group
		}
	case he.StatusCode == http.StatusNotFound:
		if _, spcErr := c.ServiceProviderConfig(ctx); spcErr != nil {
			return nil, c.checkEndpoint(err)
		}
	default:
		return resp, err
	}
	return nil, c.unsupported.mark(FeatureGroups, fmt.Sprintf("%s %s answered %d", he.Method, he.Path, he.StatusCode))
}

// confirmUserDeleted settles a DELETE /Users/{id} answered 404: a server
// without DELETE may answer so while the user is still there, which must
// never count as deleted.
func (c *Client) confirmUserDeleted(ctx context.Context, id string, deleteErr error) error {
	u, err := c.GetUser(ctx, id)
	switch {
	case errors.Is(err, httpx.ErrNotFound):
		return deleteErr // gone indeed
	case err != nil:
		return fmt.Errorf("%w; reading the user back to confirm also failed: %w", deleteErr, err)
	}
	var he *httpx.Error
	answer := deleteErr.Error()
	if errors.As(deleteErr, &he) {
		answer = fmt.Sprintf("%s %s answered %d while the user (%s) is still there", he.Method, he.Path, he.StatusCode, u.UserName)
	}
	return c.unsupported.mark(FeatureUserDelete, strings.TrimSpace(answer))
}

// resourceType is the part of a /ResourceTypes entry that says what the
// server serves.
type resourceType struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
}

// GroupsSupported returns an *UnsupportedError when the server's
// /ResourceTypes lists resource types and none of them is Group, as
// Docker's published API does, so that what needs groups fails before
// anything is sent. Anything less clear (no /ResourceTypes, an answer it
// cannot read, a failure) returns nil: the requests themselves will tell.
// The answer is asked for once per client.
func (c *Client) GroupsSupported(ctx context.Context) error {
	if err := c.unsupported.get(FeatureGroups); err != nil {
		return err
	}
	c.resourceTypesOnce.Do(func() {
		resp, err := c.doUnchecked(ctx, request{method: http.MethodGet, path: "/ResourceTypes"})
		if err != nil {
			return
		}
		var list listResponse[resourceType]
		if resp.DecodeJSON(&list) != nil || len(list.Resources) == 0 {
			return
		}
		for _, rt := range list.Resources {
			if rt != nil && (strings.EqualFold(rt.Name, "Group") || strings.EqualFold(rt.ID, "Group") || strings.EqualFold(rt.Endpoint, "/Groups")) {
				return
			}
		}
		_ = c.unsupported.mark(FeatureGroups, "its /ResourceTypes lists no Group")
	})
	return c.unsupported.get(FeatureGroups)
}
