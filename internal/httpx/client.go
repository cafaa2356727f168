// Package httpx is the HTTP transport shared by the SCIM and Docker Hub
// clients: pooled connections, retries through go-retryablehttp under a
// policy that never re-sends a non-idempotent request blindly, client-side
// rate limiting, typed errors, and logging that never carries a secret.
//
// It knows nothing of Terraform.
package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Client sends requests with the retry, rate-limit and error policy of this
// package. It is safe for concurrent use; one Client should serve every
// request to one API so that they share the rate budget.
type Client struct {
	opts     Options
	http     *http.Client
	limiter  *rate.Limiter
	redactor Redactor

	outage *outageTracker

	mu       sync.Mutex
	resumeAt time.Time // when the server's rate budget resets; zero when not spent
}

// Request is one API call. URL is absolute; Body, when non-nil, is sent as is
// (and re-sent unchanged on a retry).
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// UnauthorizedIsFinal says that a 401 to this request means the
	// credentials are wrong for the client's whole life (a SCIM token, a
	// password), not that a short-lived token lapsed: the client then trips,
	// and every later request fails at once with an *OutageError.
	UnauthorizedIsFinal bool
}

// Response is a 2xx answer, read whole (up to Options.MaxBodyBytes).
type Response struct {
	Method     string
	Path       string
	StatusCode int
	Header     http.Header
	Body       []byte

	redact func(string) string
}

// New returns a Client for opts; zero fields take their defaults.
func New(opts Options) *Client {
	opts = opts.withDefaults()
	c := &Client{opts: opts, outage: newOutageTracker(opts)}
	c.redactor.Add(opts.Secrets...)
	if opts.RequestsPerSecond > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(opts.RequestsPerSecond), opts.Burst)
	}
	base := cleanhttp.DefaultPooledTransport()
	// Verification stays on: there is deliberately no option to skip it.
	base.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	c.http = &http.Client{
		Transport: &transport{base: base, client: c},
		// Timeout bounds one attempt, including reading the body, because
		// retryablehttp calls Do once per attempt.
		Timeout: opts.Timeout,
	}
	return c
}

// AddSecret registers values (such as an access token obtained at run time)
// to be scrubbed from logs and errors from now on.
func (c *Client) AddSecret(secrets ...string) { c.redactor.Add(secrets...) }

// Redact returns s with every registered secret replaced by [REDACTED].
func (c *Client) Redact(s string) string { return c.redactor.Redact(s) }

// Now returns the time on the client's clock (Options.Now).
func (c *Client) Now() time.Time { return c.opts.Now() }

// Logger returns the client's logger (a no-op one when none was set).
func (c *Client) Logger() Logger { return c.opts.Logger }

// Do sends r, retrying under the package's policy. A non-2xx answer becomes
// an *Error, a request that got no answer a *TransportError, and a cancelled
// context the context's error (wrapped, naming the request). Once the client
// has tripped (see OutageError), requests fail at once, unsent.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	u, err := url.Parse(r.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		// The URL is not quoted: its query may carry filter values.
		return nil, fmt.Errorf("%s: invalid request URL", r.Method)
	}
	path := c.Redact(u.Path)
	host := c.Redact(u.Host)
	if o := c.outage.current(); o != nil {
		return nil, &OutageError{Method: r.Method, Path: path, outage: o}
	}
	// A trip cancels this context, so that a retry waiting its turn stops.
	watched, release := c.outage.watch(ctx)
	defer release()
	var body any
	if r.Body != nil {
		body = r.Body
	}
	req, err := retryablehttp.NewRequestWithContext(watched, r.Method, r.URL, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building request: %s", r.Method, path, c.Redact(err.Error()))
	}
	for k, vs := range r.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)

	resp, err := c.retryClient(r.Method, host, path).Do(req)
	if err != nil {
		return nil, c.failure(ctx, r.Method, path, err)
	}
	defer resp.Body.Close()
	// The transport already read the body into memory, capped.
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, c.failure(ctx, r.Method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.answerError(r, host, newError(r.Method, path, resp.StatusCode, resp.Header.Get("Content-Type"), data, c.Redact))
	}
	return &Response{
		Method:     r.Method,
		Path:       path,
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		Body:       data,
		redact:     c.Redact,
	}, nil
}

// DecodeJSON decodes the body into v, ignoring unknown fields. An empty,
// truncated, non-JSON or mistyped body becomes a *DecodeError naming the
// request.
func (r *Response) DecodeJSON(v any) error {
	err := json.Unmarshal(r.Body, v)
	if err == nil {
		return nil
	}
	text := err.Error()
	if r.redact != nil {
		text = r.redact(text)
	}
	return &DecodeError{
		Method:      r.Method,
		Path:        r.Path,
		ContentType: r.Header.Get("Content-Type"),
		Size:        len(r.Body),
		Err:         err,
		text:        text,
	}
}

// maxAttemptsEver bounds the retries of one request even within
// RefusedRetryWindow, against a clock that does not advance.
const maxAttemptsEver = 1000

// retryClient builds the retryablehttp client for one request, so that its
// policy callbacks know which request they are deciding about (for logging)
// while all requests share one *http.Client and its connection pool.
func (c *Client) retryClient(method, host, path string) *retryablehttp.Client {
	attempt := 0
	log := c.opts.Logger
	lastCtx := context.Background()
	retryMax := c.opts.RetryMax
	if c.opts.OutageWindow > 0 {
		// CheckRetry enforces RetryMax itself, except for refusals.
		retryMax = maxAttemptsEver
	}
	var firstFailure time.Time // of this request, on the clock the tracker uses
	return &retryablehttp.Client{
		HTTPClient:   c.http,
		Logger:       nil, // its messages carry full URLs; we log through CheckRetry and Backoff instead
		RetryWaitMin: c.opts.RetryWaitMin,
		RetryWaitMax: c.opts.RetryWaitMax,
		RetryMax:     retryMax,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			attempt++
			lastCtx = ctx
			fields := map[string]any{"method": method, "path": path, "attempt": attempt}
			if err != nil {
				fields["error"] = c.Redact(unwrapURLError(err).Error())
			} else {
				fields["status"] = resp.StatusCode
			}
			log.Debug(ctx, "http attempt", fields)
			now := c.opts.Now()
			if c.observe(ctx, method, host, path, now, resp, err) && firstFailure.IsZero() {
				firstFailure = now
			}
			if err == nil && ctx.Err() != nil {
				// Cancelled while a create or PATCH was allowed to finish
				// (see transport.RoundTrip): hand its answer back.
				return false, nil //nolint:nilerr // the answer, not the cancellation, is the outcome

			}
			if c.outage.current() != nil {
				// Tripped, maybe by this very attempt: stop, keeping its
				// outcome for Do to report.
				return false, nil
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return false, ctxErr
			}
			if !shouldRetry(method, resp, err) {
				return false, nil
			}
			if attempt <= c.opts.RetryMax {
				return true, nil
			}
			// Past RetryMax only a refusal is retried: until the client
			// trips, and on its own for at most OutageWindow from its first
			// failure. Counted from there, its window cannot end before the
			// client's unless another request succeeded meanwhile, so a
			// server refusing everything always ends in a trip.
			refused := err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable)
			return refused && now.Sub(firstFailure) < c.opts.OutageWindow, nil
		},
		Backoff: func(minWait, maxWait time.Duration, n int, resp *http.Response) time.Duration {
			wait := backoff(minWait, maxWait, n, resp, c.opts.Now(), c.opts.MaxRetryAfter)
			fields := map[string]any{"method": method, "path": path, "attempt": attempt, "wait": wait.String()}
			if resp != nil {
				fields["status"] = resp.StatusCode
			}
			log.Warn(lastCtx, "http retry", fields)
			return wait
		},
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if err == nil && resp != nil {
				// Retries ran out on a status such as 429: hand the last answer
				// back so that it becomes a typed *Error.
				return resp, nil
			}
			if resp != nil {
				resp.Body.Close()
			}
			return nil, err
		},
	}
}

// failure turns a request that got no usable answer into its error: the
// context's error when the caller cancelled, an *OutageError when the client
// has tripped, else what wrapError makes of it.
func (c *Client) failure(ctx context.Context, method, path string, err error) error {
	own := c.wrapError(ctx, method, path, err)
	if ctx.Err() != nil {
		return own
	}
	o := c.outage.current()
	if o == nil {
		return own
	}
	if errors.Is(err, errTripped) || errors.Is(err, context.Canceled) {
		// Cut short by the trip (the caller's context is live): nothing of
		// this request's own is worth reporting.
		own = nil
	}
	return &OutageError{Method: method, Path: path, Err: own, outage: o}
}

// answerError decides what a non-2xx answer means for the client: a final
// 401 trips it, and a refusal or server failure met while it is tripped is
// part of the outage; anything else is e itself.
func (c *Client) answerError(r Request, host string, e *Error) error {
	switch {
	case e.StatusCode == http.StatusUnauthorized && r.UnauthorizedIsFinal:
		return &OutageError{Method: e.Method, Path: e.Path, Err: e, outage: c.outage.rejected(host, e)}
	case isServerFailure(e.StatusCode):
		if o := c.outage.current(); o != nil {
			return &OutageError{Method: e.Method, Path: e.Path, Err: e, outage: o}
		}
	}
	return e
}

func (c *Client) wrapError(ctx context.Context, method, path string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s %s: %w", method, path, ctxErr)
	}
	inner := unwrapURLError(err)
	var tooLarge *bodyTooLargeError
	if errors.As(inner, &tooLarge) {
		return fmt.Errorf("%s %s: %w", method, path, tooLarge)
	}
	return &TransportError{Method: method, Path: path, Err: inner, text: c.Redact(inner.Error())}
}

// unwrapURLError drops net/http's *url.Error wrapper, whose text quotes the
// full URL and so any filter values in its query.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// transport applies the client's rate limits to every attempt and reads the
// whole body inside the attempt, so that a connection dropped mid-body is a
// failed attempt (retried when safe) and the per-attempt timeout covers it.
type transport struct {
	base   http.RoundTripper
	client *Client
}

type bodyTooLargeError struct{ limit int64 }

func (e *bodyTooLargeError) Error() string {
	return fmt.Sprintf("response body larger than %s", FormatSize(int(e.limit)))
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.client.outage.current() != nil {
		return nil, errTripped
	}
	if err := t.client.waitTurn(req); err != nil {
		return nil, err
	}
	if !idempotent(req.Method) {
		if err := req.Context().Err(); err != nil {
			return nil, err
		}
		// Once a POST or PATCH is on its way, cancelling it (Ctrl-C) would
		// leave the caller not knowing whether the server acted: a user
		// created but never recorded in state. So it is allowed to finish,
		// bounded by Timeout, and its answer is returned; cancellation still
		// stops everything before the next request and every retry wait.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(req.Context()), t.client.opts.Timeout)
		defer cancel()
		req = req.WithContext(ctx)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	t.client.observeRateLimit(resp.Header)
	limit := t.client.opts.MaxBodyBytes
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &bodyTooLargeError{limit: limit}
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	return resp, nil
}
