package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A client serves one provider block for one command, so what one request
// learns about the server holds for the requests after it: when the server
// is down, refuses everything, or rejects the credentials, asking it again
// for every object only turns a failed run into minutes of silence. The
// outage tracker keeps that knowledge. It watches every attempt; when it
// decides the server is out it "trips": requests not yet sent fail at once,
// retries waiting for their turn stop, and every such failure is an
// *OutageError that names the failure that tripped it. Any success resets
// it, except after a rejected credential, which no later answer repairs.

// OutageReason says why a client stopped sending requests.
type OutageReason int

// The reasons a client trips.
const (
	// OutageUnreachable: connections were refused (or the host name did not
	// resolve) for Options.UnreachableWindow with no answer in between.
	OutageUnreachable OutageReason = iota + 1
	// OutageFailing: no request succeeded for Options.OutageWindow while
	// requests kept failing with 429, 5xx or no answer.
	OutageFailing
	// OutageUnauthorized: a request sent with UnauthorizedIsFinal got 401.
	OutageUnauthorized
)

// ErrOutage matches every *OutageError.
var ErrOutage = errors.New("client stopped sending requests")

// OutageError is a request that failed because, or at the moment when, the
// client tripped. errors.Is and errors.As see through it to this request's
// own failure (when it had one) and to the failure that tripped the client,
// so errors.Is(err, ErrUnauthorized) holds after a rejected token.
type OutageError struct {
	Method string
	Path   string
	// Err is this request's own failure, or nil when it was not sent, or
	// its retries were cut short, because the client had tripped.
	Err error

	outage *outage
}

// outage is one trip of a client, shared by every error it causes.
type outage struct {
	reason   OutageReason
	host     string
	cause    error         // the failure that tripped the client
	failing  time.Duration // how long requests had been failing when it tripped
	reported atomic.Bool
}

// Error names the request, what happened to it, and the failure that
// tripped the client.
func (e *OutageError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%v (stopped: %s)", e.Err, e.outage.describe())
	}
	return fmt.Sprintf("%s %s: not sent: %s; first failure: %v", e.Method, e.Path, e.outage.describe(), e.outage.cause)
}

// describe words why the client tripped, e.g. "the server at h:1 is unreachable".
func (o *outage) describe() string {
	switch o.reason {
	case OutageUnreachable:
		return fmt.Sprintf("the server at %s is unreachable", o.host)
	case OutageUnauthorized:
		return fmt.Sprintf("the server at %s rejected the credentials", o.host)
	default:
		return fmt.Sprintf("the server at %s answered no request successfully for %s", o.host, o.failing.Round(time.Second))
	}
}

// Unwrap returns this request's own failure, if any, and the failure that
// tripped the client.
func (e *OutageError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.outage.cause}
	}
	return []error{e.Err, e.outage.cause}
}

// Is makes errors.Is(err, ErrOutage) true.
func (e *OutageError) Is(target error) bool { return target == ErrOutage }

// Reason says why the client tripped.
func (e *OutageError) Reason() OutageReason { return e.outage.reason }

// Host is the host (and port) of the server the client gave up on.
func (e *OutageError) Host() string { return e.outage.host }

// Cause is the failure that tripped the client.
func (e *OutageError) Cause() error { return e.outage.cause }

// FailingFor is how long requests had been failing when the client tripped
// (for OutageFailing and OutageUnreachable).
func (e *OutageError) FailingFor() time.Duration { return e.outage.failing }

// ClaimReport returns true for exactly one call among all the errors of one
// trip, whichever is reported first, so that one diagnostic explains the
// outage in full and the others only refer to it. Errors that callers
// swallow (a failed listing that falls back to single reads) never claim
// it, so the explanation is not lost with them.
func (e *OutageError) ClaimReport() bool { return e.outage.reported.CompareAndSwap(false, true) }

// errTripped stops an attempt, or a retry's wait, once the client tripped.
var errTripped = errors.New("client tripped")

// outageTracker decides when a client trips. It is disabled (never trips on
// failures) when window is zero; a final 401 trips it regardless.
type outageTracker struct {
	window            time.Duration
	unreachableWindow time.Duration

	mu               sync.Mutex
	failingSince     time.Time // first failure since the last success; zero when none
	unreachableSince time.Time // first refused connection since the last answer; zero when none
	tripped          *outage
	nextWatcher      uint64
	watchers         map[uint64]context.CancelCauseFunc
}

func newOutageTracker(opts Options) *outageTracker {
	return &outageTracker{
		window:            opts.OutageWindow,
		unreachableWindow: opts.UnreachableWindow,
		watchers:          map[uint64]context.CancelCauseFunc{},
	}
}

// current returns the trip in force, or nil.
func (t *outageTracker) current() *outage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tripped
}

// watch returns a context that is cancelled when the client trips, so that
// a request waiting to retry stops at once; release must be called when the
// request is done.
func (t *outageTracker) watch(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	t.mu.Lock()
	if t.tripped != nil {
		t.mu.Unlock()
		cancel(errTripped)
		return ctx, func() {}
	}
	id := t.nextWatcher
	t.nextWatcher++
	t.watchers[id] = cancel
	t.mu.Unlock()
	return ctx, func() {
		t.mu.Lock()
		delete(t.watchers, id)
		t.mu.Unlock()
		cancel(nil)
	}
}

// succeeded records an answer that shows the server working: it resets the
// failure clocks and lifts a trip, unless the credentials were rejected.
func (t *outageTracker) succeeded() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failingSince, t.unreachableSince = time.Time{}, time.Time{}
	if t.tripped != nil && t.tripped.reason != OutageUnauthorized {
		t.tripped = nil
	}
}

// failed records an attempt that failed at now (cause builds its error,
// called only when it trips the client) and trips the client when the server has been
// failing, or unreachable, for long enough.
func (t *outageTracker) failed(host string, unreachable bool, now time.Time, cause func() error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.failingSince.IsZero() {
		t.failingSince = now
	}
	switch {
	case !unreachable:
		t.unreachableSince = time.Time{}
	case t.unreachableSince.IsZero():
		t.unreachableSince = now
	}
	if t.tripped != nil || t.window <= 0 {
		return
	}
	switch {
	case unreachable && now.Sub(t.unreachableSince) >= t.unreachableWindow:
		t.trip(&outage{reason: OutageUnreachable, host: host, cause: cause(), failing: now.Sub(t.unreachableSince)})
	case now.Sub(t.failingSince) >= t.window:
		t.trip(&outage{reason: OutageFailing, host: host, cause: cause(), failing: now.Sub(t.failingSince)})
	}
}

// rejected trips the client for good on a 401 that means the credentials
// are wrong, and returns the trip (an earlier one, if another request got
// there first, so that every error shares one cause).
func (t *outageTracker) rejected(host string, cause error) *outage {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tripped == nil || t.tripped.reason != OutageUnauthorized {
		t.trip(&outage{reason: OutageUnauthorized, host: host, cause: cause})
	}
	return t.tripped
}

// trip records o and stops every request waiting to retry. t.mu is held.
func (t *outageTracker) trip(o *outage) {
	t.tripped = o
	for id, cancel := range t.watchers {
		cancel(errTripped)
		delete(t.watchers, id)
	}
}

// isServerFailure is a status that says the server is not serving: it
// refused (429, 503) or failed (5xx).
func isServerFailure(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// isUnreachable is a failure to reach the server at all: nothing listens
// at the address, there is no route to it, or its name does not resolve.
func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH)
}

// observe records the outcome of one attempt of method to host, made at
// now, and reports whether it was a failure. An attempt cut short by its own
// context (the caller cancelled, or the client tripped) says nothing about
// the server.
func (c *Client) observe(ctx context.Context, method, host, path string, now time.Time, resp *http.Response, err error) bool {
	switch {
	case err != nil && ctx.Err() != nil:
		return false
	case err != nil:
		if !retryableNetError(err) || errors.Is(err, errTripped) {
			return false
		}
		c.outage.failed(host, isUnreachable(err), now, func() error {
			inner := unwrapURLError(err)
			return &TransportError{Method: method, Path: path, Err: inner, text: c.Redact(inner.Error())}
		})
		return true
	case isServerFailure(resp.StatusCode):
		c.outage.failed(host, false, now, func() error {
			return newError(method, path, resp.StatusCode, resp.Header.Get("Content-Type"), peekBody(resp), c.Redact)
		})
		return true
	default:
		// Any other answer, a 401 or a 404 included, shows the server
		// serving; whether a 401 is final is for Do to decide.
		c.outage.succeeded()
		return false
	}
}

// peekBody returns the body the transport already read into memory and
// puts it back, so that the response can still be read afterwards.
func peekBody(resp *http.Response) []byte {
	data, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return data
}
