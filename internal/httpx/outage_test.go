package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// manualClock is an Options.Now that moves only when told to.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newManualClock() *manualClock { return &manualClock{t: time.Unix(1_800_000_000, 0)} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// outageOptions are fastOptions with a one-minute shared budget on clock.
func outageOptions(clock *manualClock) Options {
	opts := fastOptions()
	opts.RetryMax = 2
	opts.OutageWindow = time.Minute
	opts.Now = clock.Now
	return opts
}

// counting serves handler and counts the requests it got.
func counting(t *testing.T, handler http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func asOutage(t *testing.T, err error) *OutageError {
	t.Helper()
	var oe *OutageError
	if !errors.As(err, &oe) || !errors.Is(err, ErrOutage) {
		t.Fatalf("err = %v (%T), want an *OutageError", err, err)
	}
	return oe
}

// A server that refuses everything trips the client once no request has
// succeeded for OutageWindow; the next request is not sent at all.
func TestOutageTripsWhenNothingSucceedsForTheWindow(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) {
		clock.Advance(20 * time.Second)
		jsonBody(http.StatusServiceUnavailable, `{"detail":"down for maintenance"}`)(w, r)
	})
	c := New(outageOptions(clock))

	_, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/Users"})
	oe := asOutage(t, err)
	var answer *Error
	if oe.Reason() != OutageFailing || !errors.As(err, &answer) || answer.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the 503 that tripped the client, reason failing", err)
	}
	// First failure at 20 s on the clock, trip at the failure 60 s later.
	if got := n.Load(); got != 4 {
		t.Fatalf("%d attempts, want 4: the window is one minute of 20 s answers", got)
	}
	if oe.FailingFor() != time.Minute || oe.Err == nil {
		t.Fatalf("failing for %s, own error %v", oe.FailingFor(), oe.Err)
	}

	_, err = c.Do(context.Background(), Request{Method: "POST", URL: srv.URL + "/Users", Body: []byte(`{}`)})
	oe = asOutage(t, err)
	if n.Load() != 4 || oe.Err != nil || IsNoResponse(err) {
		t.Fatalf("after the trip: %d requests, err %v; want none sent and not a lost answer (the server did not act)", n.Load(), err)
	}
	if want := "POST /Users: not sent: the server at " + oe.Host() + " answered no request successfully for 1m0s; first failure: GET /Users: 503 Service Unavailable: down for maintenance"; err.Error() != want {
		t.Fatalf("text %q\nwant %q", err, want)
	}
}

// Failures with successes in between never trip the client, however long
// the run: the window counts from the first failure since the last success.
func TestOutageIntermittentFailuresNeverTrip(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	var i atomic.Int32
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		clock.Advance(40 * time.Second)
		if i.Add(1)%2 == 1 {
			status(http.StatusServiceUnavailable)(w, r)
			return
		}
		jsonBody(http.StatusOK, `{}`)(w, r)
	})
	c := New(outageOptions(clock))
	for k := range 10 {
		if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
			t.Fatalf("request %d, %s into an intermittent outage: %v", k, 80*time.Duration(k+1)*time.Second, err)
		}
	}
}

// A success lifts a trip: a write already on the wire when the client
// tripped is allowed to finish, and its answer shows the server back.
func TestOutageLiftedBySuccess(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	release := make(chan struct{})
	posted := make(chan struct{})
	var released atomic.Bool
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			close(posted)
			<-release
			jsonBody(http.StatusCreated, `{"id":"made"}`)(w, r)
			return
		}
		if !released.Load() {
			clock.Advance(40 * time.Second)
		}
		status(http.StatusBadGateway)(w, r)
	})
	c := New(outageOptions(clock))

	created := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`)})
		created <- err
	}()
	<-posted
	_, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL})
	_ = asOutage(t, err)
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); !errors.Is(err, ErrOutage) {
		t.Fatalf("while tripped: %v", err)
	}
	sent := n.Load()
	released.Store(true)
	close(release)
	if err := <-created; err != nil {
		t.Fatalf("the POST in flight: %v, want its 201", err)
	}
	_, err = c.Do(context.Background(), Request{Method: "GET", URL: srv.URL})
	var answer *Error
	if errors.Is(err, ErrOutage) || !errors.As(err, &answer) || n.Load() == sent {
		t.Fatalf("after a success: err %v, %d requests; want the GET sent again", err, n.Load())
	}
}

// Refused connections trip the client after UnreachableWindow, before one
// request has spent its retries; the request that tripped it reports its
// own connection error.
func TestOutageUnreachable(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()

	clock := newManualClock()
	opts := outageOptions(clock)
	opts.RetryMax = 1000
	// Every look at the clock is a second later: a refusal costs no time.
	opts.Now = func() time.Time { clock.Advance(time.Second); return clock.Now() }
	c := New(opts)

	_, err := c.Do(context.Background(), Request{Method: "GET", URL: url + "/Users"})
	oe := asOutage(t, err)
	if oe.Reason() != OutageUnreachable || !errors.Is(err, syscall.ECONNREFUSED) || !IsNoResponse(err) {
		t.Fatalf("err = %v, want a refused connection that tripped the client", err)
	}
	if oe.FailingFor() < DefaultUnreachableWindow {
		t.Fatalf("tripped after %s of refusals, want at least %s", oe.FailingFor(), DefaultUnreachableWindow)
	}
	_, err = c.Do(context.Background(), Request{Method: "PATCH", URL: url + "/Users/1", Body: []byte(`{}`)})
	if oe := asOutage(t, err); oe.Err != nil || IsNoResponse(err) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("after the trip: err %v, want not sent, with the refusal as its cause", err)
	}
}

// One budget for all requests: failures of requests waiting to retry start
// the clock for a request that has only just begun, and its trip stops
// every waiting retry at once. Exactly one of the errors claims the report.
func TestOutageBudgetSharedAcrossConcurrentRequests(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	srv, n := counting(t, status(http.StatusServiceUnavailable, "Retry-After", "3600"))
	opts := outageOptions(clock)
	// Without the trip, every waiting request would sleep an hour.
	opts.MaxRetryAfter = time.Hour
	log := &recordingLogger{}
	opts.Logger = log
	c := New(opts)

	// Should the trip not stop them, the requests end here instead, with
	// an error that is not an outage.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const waiting = 8
	errs := make(chan error, waiting+1)
	for range waiting {
		go func() {
			_, err := c.Do(ctx, Request{Method: "GET", URL: srv.URL})
			errs <- err
		}()
	}
	// Once each has logged its retry, its failure is on the clock and it
	// waits for an hour.
	for strings.Count(log.text(), "http retry") < waiting {
		time.Sleep(time.Millisecond)
	}
	clock.Advance(time.Minute)
	_, err := c.Do(ctx, Request{Method: "GET", URL: srv.URL})
	errs <- err

	var claimed int
	for range waiting + 1 {
		if asOutage(t, <-errs).ClaimReport() {
			claimed++
		}
	}
	if claimed != 1 {
		t.Fatalf("%d errors claimed the report, want exactly 1", claimed)
	}
	if got := n.Load(); got != waiting+1 {
		t.Fatalf("%d requests reached the server, want %d: one attempt each", got, waiting+1)
	}
}

// A 401 to a request whose credentials are fixed (a SCIM token) is final:
// later requests fail at once with the same cause, and no success clears
// it. Without UnauthorizedIsFinal (a lapsed access token) the next request
// is sent as usual.
func TestOutageUnauthorizedIsSticky(t *testing.T) {
	t.Parallel()
	const token = "scim-token-0123456789"
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			jsonBody(http.StatusOK, `{}`)(w, r)
			return
		}
		jsonBody(http.StatusUnauthorized, `{"detail":"token `+token+` is not valid"}`)(w, r)
	})
	opts := fastOptions()
	opts.Secrets = []string{token}
	c := New(opts)
	get := func(path string, final bool) error {
		_, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL + path, UnauthorizedIsFinal: final})
		return err
	}

	if err := get("/Users", false); errors.Is(err, ErrOutage) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("a 401 that is not final: %v, want a plain 401", err)
	}
	err := get("/Users", true)
	if oe := asOutage(t, err); oe.Reason() != OutageUnauthorized || !errors.Is(err, ErrUnauthorized) || oe.Err == nil {
		t.Fatalf("first final 401: %v", err)
	}
	for range 3 {
		err = get("/Users/1", true)
		if oe := asOutage(t, err); oe.Err != nil || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("after a final 401: %v, want not sent, matching ErrUnauthorized", err)
		}
	}
	if err := get("/ok", false); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("a rejected token must stay rejected: %v", err)
	}
	if got := n.Load(); got != 2 {
		t.Fatalf("%d requests reached the server, want 2", got)
	}
	if strings.Contains(err.Error(), token) {
		t.Fatalf("the token leaked into %q", err)
	}
	if !strings.Contains(err.Error(), "first failure: GET /Users: 401 Unauthorized: token [REDACTED] is not valid") {
		t.Fatalf("text %q does not name the first failure", err)
	}
}

// A client without OutageWindow never trips on failures: every request
// spends its own retries, as before.
func TestOutageDisabledWithoutWindow(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	srv, n := counting(t, func(w http.ResponseWriter, r *http.Request) {
		clock.Advance(time.Hour)
		status(http.StatusServiceUnavailable)(w, r)
	})
	opts := fastOptions()
	opts.RetryMax = 2
	opts.Now = clock.Now
	c := New(opts)
	for range 2 {
		if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); errors.Is(err, ErrOutage) || err == nil {
			t.Fatalf("err %v, want a plain 503", err)
		}
	}
	if n.Load() != 6 {
		t.Fatalf("%d requests, want 3 attempts each", n.Load())
	}
}
