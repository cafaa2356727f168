// Package scim is a SCIM 2.0 client for Docker's provisioning API. It never
// creates a user or group twice: a create whose answer was lost is
// reconciled by looking the resource up before sending it again.
//
// It knows nothing of Terraform.
package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

const contentType = "application/scim+json"

// Config configures a Client.
type Config struct {
	// BaseURL is the SCIM endpoint, such as https://hub.docker.com/v2/scim/2.0.
	BaseURL string
	// Token is the connection's SCIM bearer token.
	Token string
	// UserAgent, when set, overrides HTTP.UserAgent.
	UserAgent string
	// HTTP configures retries, rate limits, logging and timeouts.
	HTTP httpx.Options
}

// Client talks to one SCIM endpoint. It is safe for concurrent use.
type Client struct {
	base  string
	token string
	http  *httpx.Client

	spcMu sync.Mutex
	spc   *ServiceProviderConfig

	// notSCIM is set once the base URL has shown it is not a SCIM API: the
	// same URL serves every later request, so they fail without being sent.
	notSCIM atomic.Pointer[EndpointError]
	// unsupported holds the operations the server has shown it lacks.
	unsupported       unsupportedSet
	resourceTypesOnce sync.Once
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("scim: base URL must be an absolute http or https URL")
	}
	if cfg.Token == "" {
		return nil, errors.New("scim: a token is required")
	}
	opts := cfg.HTTP
	if cfg.UserAgent != "" {
		opts.UserAgent = cfg.UserAgent
	}
	opts.Secrets = append(append([]string(nil), opts.Secrets...), cfg.Token)
	u.RawQuery, u.Fragment = "", ""
	return &Client{
		base:  strings.TrimRight(u.String(), "/"),
		token: cfg.Token,
		http:  httpx.New(opts),
	}, nil
}

// request is one SCIM call.
type request struct {
	method  string
	path    string // under the base URL, e.g. "/Users/abc"
	query   url.Values
	ifMatch string
	body    any
}

func (c *Client) do(ctx context.Context, r request) (*httpx.Response, error) {
	if strings.HasPrefix(r.path, "/Groups") {
		return c.groupsCall(ctx, r)
	}
	resp, err := c.doUnchecked(ctx, r)
	return resp, c.checkEndpoint(err)
}

// doUnchecked is do without the endpoint check: a 404 stays an
// *httpx.Error.
func (c *Client) doUnchecked(ctx context.Context, r request) (*httpx.Response, error) {
	if known := c.notSCIM.Load(); known != nil {
		return nil, known
	}
	header := http.Header{
		"Authorization": {"Bearer " + c.token},
		"Accept":        {contentType},
	}
	var body []byte
	if r.body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r.body); err != nil {
			return nil, fmt.Errorf("%s %s: encoding request: %w", r.method, r.path, err)
		}
		body = buf.Bytes()
		header.Set("Content-Type", contentType)
	}
	if r.ifMatch != "" {
		header.Set("If-Match", r.ifMatch)
	}
	target := c.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	// The token is fixed for the client's life: once the server rejects it,
	// asking again for every other object only repeats the answer.
	return c.http.Do(ctx, httpx.Request{Method: r.method, URL: target, Header: header, Body: body, UnauthorizedIsFinal: true})
}

// EndpointError says the base URL does not lead to a SCIM API: a 404 that
// is not a SCIM error, or a ServiceProviderConfig that is not one. It
// deliberately does not wrap the 404, so that errors.Is(err,
// httpx.ErrNotFound) is false and a wrong URL is never taken for "every
// user was deleted". The client returns the same error for every request
// after the first, unsent.
type EndpointError struct {
	BaseURL string // the configured base URL (it carries no secret)
	Reason  string // what gave it away, with the answer's text

	reported atomic.Bool
}

// Error names the base URL and what showed it is not a SCIM API.
func (e *EndpointError) Error() string {
	return fmt.Sprintf("%s is not a SCIM API: %s", e.BaseURL, e.Reason)
}

// ClaimReport is true for exactly one caller: the one whose diagnostic
// explains the error in full, while the others refer to it in a line.
func (e *EndpointError) ClaimReport() bool { return e.reported.CompareAndSwap(false, true) }

// notSCIMAPI records that the base URL is not a SCIM API and returns the
// error every request reports from now on.
func (c *Client) notSCIMAPI(reason string) *EndpointError {
	c.notSCIM.CompareAndSwap(nil, &EndpointError{BaseURL: c.base, Reason: reason})
	return c.notSCIM.Load()
}

// checkEndpoint turns a 404 that is not a SCIM error into an
// *EndpointError. A SCIM server answers a missing resource with a body
// whose schemas name the SCIM error message (RFC 7644 §3.12); a web
// server, a proxy or another API answers a wrong path otherwise.
func (c *Client) checkEndpoint(err error) error {
	var he *httpx.Error
	if !errors.As(err, &he) || he.StatusCode != http.StatusNotFound || slices.Contains(he.Schemas, SchemaError) {
		return err
	}
	return c.notSCIMAPI(fmt.Sprintf("%s %s answered 404 without a SCIM error (%q), so the path itself is unknown there; "+
		"Docker's SCIM base URL ends in /v2/scim/2.0", he.Method, he.Path, he.Detail))
}

// ServiceProviderConfig returns what the server supports. The first
// successful answer is cached for the client's life; a failure is not, so
// the next call asks again.
func (c *Client) ServiceProviderConfig(ctx context.Context) (*ServiceProviderConfig, error) {
	c.spcMu.Lock()
	defer c.spcMu.Unlock()
	if c.spc != nil {
		return c.spc, nil
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: "/ServiceProviderConfig"})
	if err != nil {
		return nil, err
	}
	var spc ServiceProviderConfig
	if err := resp.DecodeJSON(&spc); err != nil {
		return nil, c.notSCIMAPI("its /ServiceProviderConfig is not a SCIM answer: " + err.Error())
	}
	if !slices.Contains(spc.Schemas, SchemaServiceProvider) {
		return nil, c.notSCIMAPI("its /ServiceProviderConfig does not declare the SCIM ServiceProviderConfig schema")
	}
	c.spc = &spc
	return c.spc, nil
}

// ifMatch returns the If-Match value to send: etag when the server
// supports ETags, else nothing, because a server that does not version
// resources may reject or misread the header.
func (c *Client) ifMatch(ctx context.Context, etag string) (string, error) {
	if etag == "" {
		return "", nil
	}
	spc, err := c.ServiceProviderConfig(ctx)
	if err != nil {
		return "", err
	}
	if !spc.ETag.Supported {
		return "", nil
	}
	return etag, nil
}

func (c *Client) patchSupported(ctx context.Context) (bool, error) {
	spc, err := c.ServiceProviderConfig(ctx)
	if err != nil {
		return false, err
	}
	return spc.Patch.Supported, nil
}

// Page sizes: the default when the server does not say, and a ceiling that
// keeps one answer well under the body cap.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

func (c *Client) pageSize(ctx context.Context, requested int) int {
	size := requested
	if size <= 0 {
		size = defaultPageSize
		// A failure here only costs the server's preferred size; the list
		// request itself will report a real problem.
		if spc, err := c.ServiceProviderConfig(ctx); err == nil && spc.Filter.MaxResults > 0 {
			size = spc.Filter.MaxResults
		}
	}
	return min(size, maxPageSize)
}

// errStop ends an iteration early without an error.
var errStop = errors.New("stop")

// maxPages bounds a listing even if every other guard fails.
const maxPages = 100_000

// eachResource reads every page of a list. It never assumes the server
// honoured count: it advances startIndex by what actually arrived, and
// stops at totalResults, at an empty page, or when a page brings nothing
// new (a server that ignores startIndex would otherwise loop forever).
func eachResource[T any](ctx context.Context, c *Client, path string, query url.Values, pageSize int, id func(*T) string, fn func(*T) error) error {
	if query == nil {
		query = url.Values{}
	}
	count := c.pageSize(ctx, pageSize)
	seen := make(map[string]bool)
	start := 1
	for page := 0; page < maxPages; page++ {
		query.Set("startIndex", fmt.Sprint(start))
		query.Set("count", fmt.Sprint(count))
		resp, err := c.do(ctx, request{method: http.MethodGet, path: path, query: query})
		if err != nil {
			return err
		}
		var list listResponse[T]
		if err := resp.DecodeJSON(&list); err != nil {
			return err
		}
		received, fresh := 0, 0
		for _, r := range list.Resources {
			if r == nil {
				continue
			}
			received++
			key := id(r)
			if key == "" {
				return fmt.Errorf("%s %s: list entry %d has no id", resp.Method, resp.Path, start+received-1)
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			fresh++
			if err := fn(r); err != nil {
				if errors.Is(err, errStop) {
					return nil
				}
				return err
			}
		}
		switch {
		case received == 0:
			return nil
		case list.TotalResults != nil && len(seen) >= *list.TotalResults:
			return nil
		case fresh == 0:
			return fmt.Errorf("%s %s: paging made no progress at startIndex %d (the server repeats a page)", resp.Method, resp.Path, start)
		}
		start += received
	}
	return fmt.Errorf("GET %s: more than %d pages", path, maxPages)
}

// NotFoundError says a lookup by attribute found nothing. It matches
// httpx.ErrNotFound.
type NotFoundError struct {
	Resource  string // "User" or "Group"
	Attribute string // "userName" or "displayName"
	Value     string
}

// Error says what was looked for.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no %s with %s %q", e.Resource, e.Attribute, e.Value)
}

// Is makes errors.Is(err, httpx.ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == httpx.ErrNotFound }

// ConflictError is a create refused because the resource already exists.
// It matches httpx.ErrConflict and carries the existing resource's id, when
// the lookup found it, so the caller can name it and the import command.
type ConflictError struct {
	Resource   string // "User" or "Group"
	Attribute  string // "userName" or "displayName"
	Value      string
	ExistingID string
	Err        error // the server's answer (usually an *httpx.Error with status 409)
}

// Error gives the server's answer and the existing resource's id.
func (e *ConflictError) Error() string {
	if e.ExistingID == "" {
		return fmt.Sprintf("%s already exists: %v", e.Resource, e.Err)
	}
	return fmt.Sprintf("%s with %s %q already exists with id %s: %v", e.Resource, e.Attribute, e.Value, e.ExistingID, e.Err)
}

// Unwrap returns the server's answer.
func (e *ConflictError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, httpx.ErrConflict) true even when the conflict
// was found by a lookup rather than reported by a 409.
func (e *ConflictError) Is(target error) bool { return target == httpx.ErrConflict }

// createReconciled sends a create at most twice and never makes a duplicate.
// A 409 is a conflict, unless it answers our own second attempt and the
// existing resource is what we sent (the first attempt landed). A lost answer
// is reconciled by lookup: what we sent is adopted; nothing found means the
// create did not land and is sent once more.
func createReconciled[T any](ctx context.Context, c *Client, post func() (*T, error), find func() (*T, error), matches func(*T) bool, conflict func(existing *T, err error) error, id func(*T) string) (*T, error) {
	created, err := post()
	for attempt := 1; ; attempt++ {
		switch {
		case err == nil:
			return created, nil
		case errors.Is(err, httpx.ErrConflict):
			existing, lookupErr := find()
			if lookupErr != nil {
				return nil, conflict(nil, err)
			}
			if attempt > 1 && matches(existing) {
				c.adopted(ctx, id(existing))
				return existing, nil
			}
			return nil, conflict(existing, err)
		case httpx.IsNoResponse(err):
			existing, lookupErr := find()
			if lookupErr == nil {
				if matches(existing) {
					c.adopted(ctx, id(existing))
					return existing, nil
				}
				return nil, conflict(existing, err)
			}
			if !errors.Is(lookupErr, httpx.ErrNotFound) {
				return nil, fmt.Errorf("%w; reconciling by lookup also failed: %w", err, lookupErr)
			}
			if attempt > 1 {
				return nil, err
			}
			created, err = post()
		default:
			return nil, err
		}
	}
}

func (c *Client) adopted(ctx context.Context, id string) {
	c.http.Logger().Warn(ctx, "create got no answer; adopted the resource it made", map[string]any{"id": id})
}

// decodeResource decodes a single-resource answer, requires an id, and
// fills the ETag from the header.
func decodeResource[T any](resp *httpx.Response, id func(*T) string, setETag func(*T, string)) (*T, error) {
	var v T
	if err := resp.DecodeJSON(&v); err != nil {
		return nil, err
	}
	if id(&v) == "" {
		return nil, fmt.Errorf("%s %s: response has no id", resp.Method, resp.Path)
	}
	if etag := resp.Header.Get("ETag"); etag != "" {
		setETag(&v, etag)
	}
	return &v, nil
}

func patchBody(ops []PatchOp) any {
	return struct {
		Schemas    []string  `json:"schemas"`
		Operations []PatchOp `json:"Operations"`
	}{[]string{SchemaPatchOp}, ops}
}

// hasBody reports whether a 2xx answer carries a resource; PATCH may answer
// 204 No Content.
func hasBody(resp *httpx.Response) bool {
	return resp.StatusCode != http.StatusNoContent && len(bytes.TrimSpace(resp.Body)) > 0
}

func resourcePath(kind, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("scim: empty %s id", strings.ToLower(strings.TrimSuffix(kind, "s")))
	}
	return "/" + kind + "/" + url.PathEscape(id), nil
}

// Redact returns s with the token, and any other secret this client knows,
// replaced by [REDACTED]; for text the caller builds from this client's data.
func (c *Client) Redact(s string) string { return c.http.Redact(s) }
