package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recordingLogger keeps every entry so tests can assert what was logged.
type recordingLogger struct {
	mu      sync.Mutex
	entries []string
}

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *recordingLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.add("DEBUG", msg, f)
}
func (l *recordingLogger) Warn(_ context.Context, msg string, f map[string]any) {
	l.add("WARN", msg, f)
}

func (l *recordingLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.entries, "\n")
}

// fastOptions makes every retry wait a millisecond or two.
func fastOptions() Options {
	return Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, MaxRetryAfter: 20 * time.Millisecond, MaxRateLimitWait: 100 * time.Millisecond}
}

// sequence answers the i-th request with steps[i] (the last step repeats).
func sequence(t *testing.T, steps ...http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(steps) {
			i = len(steps) - 1
		}
		steps[i](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
	}
}

func jsonBody(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

// hangUp closes the connection without answering.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestRetryOnRateLimitAndUnavailable(t *testing.T) {
	t.Parallel()
	future := time.Now().Add(time.Hour)
	cases := map[string]http.HandlerFunc{
		"429 Retry-After seconds": status(429, "Retry-After", "1"),
		"429 Retry-After date":    status(429, "Retry-After", future.UTC().Format(http.TimeFormat)),
		"429 X-Retry-After":       status(429, "X-Retry-After", fmt.Sprint(future.Unix())),
		"429 bare":                status(429),
		"503":                     status(503),
	}
	for name, first := range cases {
		for _, method := range []string{"GET", "POST", "PATCH"} {
			t.Run(name+" "+method, func(t *testing.T) {
				t.Parallel()
				srv, n := sequence(t, first, jsonBody(200, `{"ok":true}`))
				start := time.Now()
				resp, err := New(fastOptions()).Do(context.Background(), Request{Method: method, URL: srv.URL + "/x", Body: []byte(`{}`)})
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != 200 || n.Load() != 2 {
					t.Fatalf("status %d after %d requests", resp.StatusCode, n.Load())
				}
				// The server's long wait is capped by MaxRetryAfter.
				if time.Since(start) > 2*time.Second {
					t.Fatalf("waited %s", time.Since(start))
				}
			})
		}
	}
}

func TestServerWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second, true},
		{"date", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second, true},
		{"past date", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0, true},
		{"unix", http.Header{"X-Retry-After": {fmt.Sprint(now.Add(12 * time.Second).Unix())}}, 12 * time.Second, true},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"none", http.Header{}, 0, false},
	}
	for _, tc := range cases {
		got, ok := ServerWait(tc.header, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %s %v, want %s %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	// backoff honours the server up to the cap, and otherwise stays in [min, max].
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"7"}}}
	if d := backoff(time.Second, 2*time.Second, 0, resp, now, time.Minute); d != 7*time.Second {
		t.Errorf("backoff honoured %s, want 7s", d)
	}
	if d := backoff(time.Second, 2*time.Second, 0, &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"600"}}}, now, time.Minute); d != time.Minute {
		t.Errorf("backoff capped at %s, want 1m", d)
	}
	for n := 0; n < 70; n++ {
		if d := backoff(time.Second, 8*time.Second, n, nil, now, time.Minute); d < time.Second || d > 8*time.Second {
			t.Fatalf("attempt %d waited %s", n, d)
		}
	}
}

func TestBadGatewayRetriedOnlyForIdempotentMethods(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]int32{"GET": 2, "PUT": 2, "DELETE": 2, "HEAD": 2, "POST": 1, "PATCH": 1} {
		for _, code := range []int{502, 504} {
			t.Run(fmt.Sprint(method, code), func(t *testing.T) {
				t.Parallel()
				srv, n := sequence(t, status(code), status(204))
				_, err := New(fastOptions()).Do(context.Background(), Request{Method: method, URL: srv.URL + "/x"})
				if n.Load() != want {
					t.Fatalf("%d requests, want %d", n.Load(), want)
				}
				if want == 1 {
					var he *Error
					if !errors.As(err, &he) || he.StatusCode != code {
						t.Fatalf("err = %v", err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestConnectionDrop(t *testing.T) {
	t.Parallel()
	for method, retried := range map[string]bool{"GET": true, "PUT": true, "DELETE": true, "POST": false, "PATCH": false} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			srv, n := sequence(t, hangUp, status(204))
			_, err := New(fastOptions()).Do(context.Background(), Request{Method: method, URL: srv.URL + "/Users?filter=secret", Body: []byte(`{}`)})
			if retried {
				if err != nil || n.Load() != 2 {
					t.Fatalf("err %v after %d requests", err, n.Load())
				}
				return
			}
			if n.Load() != 1 {
				t.Fatalf("%s was re-sent (%d requests)", method, n.Load())
			}
			if !IsNoResponse(err) {
				t.Fatalf("err = %v, want a TransportError", err)
			}
			if strings.Contains(err.Error(), "filter") || strings.Contains(err.Error(), "127.0.0.1") {
				t.Fatalf("error quotes the URL: %v", err)
			}
			if !strings.HasPrefix(err.Error(), method+" /Users: no response") {
				t.Fatalf("error text %q", err)
			}
		})
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	t.Parallel()
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}
	opts := fastOptions()
	opts.Timeout = 50 * time.Millisecond
	srv, n := sequence(t, slow, status(204))
	if _, err := New(opts).Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil || n.Load() != 2 {
		t.Fatalf("GET: err %v after %d requests", err, n.Load())
	}
	srv, n = sequence(t, slow, status(204))
	_, err := New(opts).Do(context.Background(), Request{Method: "POST", URL: srv.URL})
	if !IsNoResponse(err) || n.Load() != 1 {
		t.Fatalf("POST: err %v after %d requests", err, n.Load())
	}
}

func TestContextCancelledDuringWait(t *testing.T) {
	t.Parallel()
	srv, _ := sequence(t, status(429, "Retry-After", "60"))
	opts := fastOptions()
	opts.MaxRetryAfter = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := New(opts).Do(ctx, Request{Method: "GET", URL: srv.URL + "/x"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("returned after %s", el)
	}
	// An already cancelled context sends nothing at all.
	srv, n := sequence(t, status(204))
	_, err = New(opts).Do(ctx, Request{Method: "GET", URL: srv.URL})
	if !errors.Is(err, context.Canceled) || n.Load() != 0 {
		t.Fatalf("err %v, %d requests", err, n.Load())
	}
}

func TestRetryExhaustionIsTyped(t *testing.T) {
	t.Parallel()
	srv, n := sequence(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(429)
		_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"429","detail":"slow down"}`))
	})
	opts := fastOptions()
	opts.RetryMax = 3
	_, err := New(opts).Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/v2/scim/2.0/Users?filter=userName%20eq%20%22x%22"})
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if n.Load() != 4 {
		t.Fatalf("%d attempts, want 4", n.Load())
	}
	if got, want := err.Error(), "GET /v2/scim/2.0/Users: 429 Too Many Requests: slow down"; got != want {
		t.Fatalf("error %q, want %q", got, want)
	}
}

func TestRateLimitResetPausesLaterRequests(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	srv, _ := sequence(t,
		status(200, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", fmt.Sprint(now.Add(30*time.Second).Unix())),
		status(200, "X-RateLimit-Remaining", "5"))
	log := &recordingLogger{}
	opts := fastOptions()
	opts.Now = func() time.Time { return now }
	opts.Logger = log
	c := New(opts)
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	// The 30s reset is capped by MaxRateLimitWait (100ms).
	if el := time.Since(start); el < 90*time.Millisecond || el > 2*time.Second {
		t.Fatalf("second request waited %s", el)
	}
	if !strings.Contains(log.text(), "rate limit budget spent") {
		t.Fatalf("no log of the pause:\n%s", log.text())
	}
	start = time.Now()
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 80*time.Millisecond {
		t.Fatalf("third request waited %s after the budget was restored", el)
	}
}

func TestClientSideRateLimiter(t *testing.T) {
	t.Parallel()
	srv, _ := sequence(t, status(204))
	opts := fastOptions()
	opts.RequestsPerSecond = 20
	c := New(opts)
	start := time.Now()
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Burst 1 at 20/s: five waits of 50ms.
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Fatalf("6 requests took %s", el)
	}
}

func TestErrorTypes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code     int
		body     string
		sentinel error
		want     string
	}{
		{400, `{"status":"400","scimType":"invalidValue","detail":"dockerOrg nope is not in scope"}`, ErrBadRequest, "POST /x: 400 Bad Request (invalidValue): dockerOrg nope is not in scope"},
		{401, `{"message":"token expired","errinfo":{}}`, ErrUnauthorized, "POST /x: 401 Unauthorized: token expired"},
		{403, `{"message":"only an owner can do this"}`, ErrForbidden, "POST /x: 403 Forbidden: only an owner can do this"},
		{404, `{"detail":"User abc not found"}`, ErrNotFound, "POST /x: 404 Not Found: User abc not found"},
		{409, `{"scimType":"uniqueness","detail":"userName already exists"}`, ErrConflict, "POST /x: 409 Conflict (uniqueness): userName already exists"},
		{412, `{"detail":"version mismatch"}`, ErrPreconditionFailed, "POST /x: 412 Precondition Failed: version mismatch"},
		{429, `{"error":"too many"}`, ErrRateLimited, "POST /x: 429 Too Many Requests: too many"},
		{500, `<html><body>oops</body></html>`, nil, "POST /x: 500 Internal Server Error: non-JSON response (content-type text/html, 30 B)"},
		{418, ``, nil, "POST /x: 418 I'm a teapot"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			t.Parallel()
			ct := "application/json"
			if strings.HasPrefix(tc.body, "<") {
				ct = "text/html"
			}
			srv, _ := sequence(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(tc.code)
				_, _ = w.Write([]byte(tc.body))
			})
			opts := fastOptions()
			opts.RetryMax = -1
			_, err := New(opts).Do(context.Background(), Request{Method: "POST", URL: srv.URL + "/x"})
			var he *Error
			if !errors.As(err, &he) || he.StatusCode != tc.code {
				t.Fatalf("err = %#v", err)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Fatalf("errors.Is(%v, %v) is false", err, tc.sentinel)
			}
			for _, other := range []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrPreconditionFailed, ErrRateLimited} {
				if !errors.Is(other, tc.sentinel) && errors.Is(err, other) {
					t.Fatalf("%v also matches %v", err, other)
				}
			}
			if err.Error() != tc.want {
				t.Fatalf("error %q, want %q", err, tc.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, ct, body, want string
	}{
		{"html page", "text/html", strings.Repeat("<p>maintenance</p>", 70), "GET /v2/scim/2.0/Users/x: decoding response: invalid character '<' looking for beginning of value (content-type text/html, 1.2 KiB)"},
		{"empty", "application/json", "", "GET /v2/scim/2.0/Users/x: decoding response: unexpected end of JSON input (content-type application/json, 0 B)"},
		{"truncated", "application/json", `{"id":"a`, "unexpected end of JSON input"},
		{"wrong type", "application/json", `{"id":42}`, "cannot unmarshal number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := sequence(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.ct)
				_, _ = w.Write([]byte(tc.body))
			})
			resp, err := New(fastOptions()).Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/v2/scim/2.0/Users/x"})
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				ID string `json:"id"`
			}
			err = resp.DecodeJSON(&v)
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	srv, n := sequence(t, jsonBody(200, `{"id":"`+strings.Repeat("a", 100)+`"}`))
	opts := fastOptions()
	opts.MaxBodyBytes = 64
	_, err := New(opts).Do(context.Background(), Request{Method: "GET", URL: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "larger than 64 B") || n.Load() != 1 {
		t.Fatalf("err %v after %d requests", err, n.Load())
	}
}

func TestHeadersAndRedaction(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-token"
	var gotUA string
	srv, _ := sequence(t, func(w http.ResponseWriter, r *http.Request) {
		gotUA = r.Header.Get("User-Agent")
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"detail":"bad token s3cr3t-token"}`))
	})
	log := &recordingLogger{}
	opts := fastOptions()
	opts.UserAgent = UserAgent("1.2.3")
	opts.Secrets = []string{secret}
	opts.Logger = log
	c := New(opts)
	_, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/a", Header: http.Header{"Authorization": {"Bearer " + secret}}})
	if gotUA != "terraform-provider-docker/1.2.3" {
		t.Fatalf("User-Agent %q", gotUA)
	}
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(log.text(), secret) || strings.Contains(log.text(), "Bearer") {
		t.Fatalf("log leaks:\n%s", log.text())
	}
	c.AddSecret("late-secret")
	if got := c.Redact("x late-secret y"); got != "x [REDACTED] y" {
		t.Fatalf("Redact = %q", got)
	}
	if got := c.Redact("ab"); got != "ab" {
		t.Fatalf("Redact = %q", got)
	}
}
