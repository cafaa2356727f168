// Package hub is a client for Docker Hub's management API: sign-in, SSO
// connections and their SCIM settings, org members and teams.
//
// It knows nothing of Terraform.
package hub

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// DefaultHost is Docker Hub's API host.
const DefaultHost = "https://hub.docker.com"

// Token lifetimes: what a token without a readable expiry is assumed to
// last (Hub documents about 10 minutes), and how long before expiry it is
// renewed so that a request does not start with a token about to lapse.
const (
	assumedTokenLifetime = 10 * time.Minute
	tokenRefreshMargin   = 30 * time.Second
)

// Config configures a Client.
type Config struct {
	// Host is the API's base, such as https://hub.docker.com; a bare host
	// name means https. Empty means DefaultHost.
	Host string
	// Username and Password sign in; Password may be a personal or
	// organization access token.
	Username string
	Password string
	// UserAgent, when set, overrides HTTP.UserAgent.
	UserAgent string
	// HTTP configures retries, rate limits, logging, timeouts and the clock
	// used for token expiry.
	HTTP httpx.Options
}

// Client talks to the management API. It is safe for concurrent use.
type Client struct {
	base     string // scheme://host, no trailing slash
	username string
	password string
	http     *httpx.Client

	signIn  chan struct{} // held by the one sign-in in flight
	mu      sync.Mutex
	token   string
	renewAt time.Time // when to sign in again, a little before the token expires
}

// New returns a Client for cfg. It does not sign in until the first call.
func New(cfg Config) (*Client, error) {
	host := strings.TrimSpace(cfg.Host)
	if host == "" {
		host = DefaultHost
	}
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	u, err := url.Parse(host)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("hub: host must be a host name or an http or https URL")
	}
	if cfg.Username == "" || cfg.Password == "" {
		return nil, errors.New("hub: username and password are required")
	}
	opts := cfg.HTTP
	if cfg.UserAgent != "" {
		opts.UserAgent = cfg.UserAgent
	}
	opts.Secrets = append(append([]string(nil), opts.Secrets...), cfg.Password)
	path := strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v2")
	return &Client{
		base:     u.Scheme + "://" + u.Host + path,
		username: cfg.Username,
		password: cfg.Password,
		http:     httpx.New(opts),
		signIn:   make(chan struct{}, 1),
	}, nil
}

// accessToken returns a token valid for a while yet, signing in when there
// is none. Only one sign-in runs at a time; callers waiting for it give up
// when their context ends.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	if tok := c.cachedToken(); tok != "" {
		return tok, nil
	}
	select {
	case c.signIn <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.signIn }()
	// Another caller may have signed in while this one waited.
	if tok := c.cachedToken(); tok != "" {
		return tok, nil
	}
	started := c.http.Now()
	body, _ := json.Marshal(map[string]string{"identifier": c.username, "secret": c.password})
	resp, err := c.http.Do(ctx, httpx.Request{
		Method: http.MethodPost,
		URL:    c.base + "/v2/auth/token",
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
		Body:   body,
		// Signing in with the configured password is what a lapsed access
		// token falls back on, so its 401 is final: the credentials are wrong
		// for the whole command. A 401 to any other call is not (see do).
		UnauthorizedIsFinal: true,
	})
	if err != nil {
		return "", fmt.Errorf("signing in to Docker Hub as %s: %w", c.username, err)
	}
	var out struct {
		AccessToken string `json:"access_token"`
		Token       string `json:"token"`
	}
	if err := resp.DecodeJSON(&out); err != nil {
		return "", err
	}
	tok := out.AccessToken
	if tok == "" {
		tok = out.Token
	}
	if tok == "" {
		return "", fmt.Errorf("%s %s: response has no access_token", resp.Method, resp.Path)
	}
	c.http.AddSecret(tok)
	c.mu.Lock()
	c.token, c.renewAt = tok, renewAt(started, tok)
	c.mu.Unlock()
	return tok, nil
}

// renewAt is when a token obtained at started should be replaced: a margin
// before its JWT exp, or before the assumed lifetime when it has no readable
// exp (or one already past, which means the clocks disagree, not that the
// token is dead). The margin is at most half the lifetime.
func renewAt(started time.Time, tok string) time.Time {
	expires := started.Add(assumedTokenLifetime)
	if exp, ok := jwtExpiry(tok); ok && exp.After(started) {
		expires = exp
	}
	margin := min(tokenRefreshMargin, expires.Sub(started)/2)
	return expires.Add(-margin)
}

func (c *Client) cachedToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == "" || !c.http.Now().Before(c.renewAt) {
		return ""
	}
	return c.token
}

// forget drops tok if it is still the cached token, so that the next call
// signs in again; a token already replaced by another caller is kept.
func (c *Client) forget(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == tok {
		c.token, c.renewAt = "", time.Time{}
	}
}

// jwtExpiry reads the exp claim of a JWT without verifying it: the server
// verifies, the client only needs to know when to renew.
func jwtExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return time.Time{}, false
	}
	exp, err := claims.Exp.Float64()
	if err != nil || exp <= 0 {
		return time.Time{}, false
	}
	return time.Unix(int64(exp), 0), true
}

// do sends an authenticated call. A 401 means the token lapsed or was
// revoked: it signs in again once and repeats the call, which is safe for
// every method because the server refused without acting. Only a 401 to the
// sign-in itself stops the client (UnauthorizedIsFinal).
func (c *Client) do(ctx context.Context, method, target string, body any) (*httpx.Response, error) {
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("%s: encoding request: %w", method, err)
		}
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		header := http.Header{"Authorization": {"Bearer " + tok}, "Accept": {"application/json"}}
		if data != nil {
			header.Set("Content-Type", "application/json")
		}
		resp, err := c.http.Do(ctx, httpx.Request{Method: method, URL: target, Header: header, Body: data})
		if attempt == 0 && errors.Is(err, httpx.ErrUnauthorized) {
			c.forget(tok)
			continue
		}
		return resp, err
	}
}

func decode[T any](resp *httpx.Response) (*T, error) {
	var v T
	if err := resp.DecodeJSON(&v); err != nil {
		return nil, err
	}
	return &v, nil
}

// page is Hub's paginated list: {count, next, previous, results}, next
// null on the last page.
type page[T any] struct {
	Count   int     `json:"count"`
	Next    *string `json:"next"`
	Results []T     `json:"results"`
}

// UnmarshalJSON reads a page, or a list of pages as Docker's published file
// types the members list: their results in order, and the last one's next.
func (p *page[T]) UnmarshalJSON(data []byte) error {
	type plain page[T]
	if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || trimmed[0] != '[' {
		return json.Unmarshal(data, (*plain)(p))
	}
	var pages []plain
	if err := json.Unmarshal(data, &pages); err != nil {
		return err
	}
	*p = page[T]{}
	for _, one := range pages {
		p.Count = max(p.Count, one.Count)
		p.Next = one.Next
		p.Results = append(p.Results, one.Results...)
	}
	return nil
}

// maxPages bounds a listing even if the server's next links loop.
const maxPages = 10_000

// listAll follows next links from first through every page. A next link
// must stay on this client's host, so the bearer token never goes elsewhere.
func listAll[T any](ctx context.Context, c *Client, first string) ([]T, error) {
	var all []T
	seen := map[string]bool{}
	target := first
	for range maxPages {
		seen[target] = true
		resp, err := c.do(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, err
		}
		p, err := decode[page[T]](resp)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Results...)
		if p.Next == nil || *p.Next == "" || len(p.Results) == 0 {
			return all, nil
		}
		next, err := c.resolveNext(*p.Next)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", resp.Method, resp.Path, err)
		}
		if seen[next] {
			return nil, fmt.Errorf("%s %s: the next page link repeats an earlier page", resp.Method, resp.Path)
		}
		target = next
	}
	return nil, fmt.Errorf("listing %s: more than %d pages", pathOf(first), maxPages)
}

func (c *Client) resolveNext(next string) (string, error) {
	base, _ := url.Parse(c.base + "/")
	u, err := base.Parse(next)
	if err != nil {
		return "", errors.New("the next page link is not a URL")
	}
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return "", errors.New("the next page link points to another host")
	}
	return u.String(), nil
}

func pathOf(target string) string {
	if u, err := url.Parse(target); err == nil {
		return u.Path
	}
	return ""
}

// Redact returns s with the password, access tokens and SCIM tokens this
// client has seen replaced by [REDACTED].
func (c *Client) Redact(s string) string { return c.http.Redact(s) }
