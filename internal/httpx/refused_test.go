package httpx

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestRefusalsRetriedWithinOutageWindow(t *testing.T) {
	t.Parallel()
	refusals := func(code int, n int) []http.HandlerFunc {
		var steps []http.HandlerFunc
		for range n {
			steps = append(steps, status(code, "Retry-After", "0"))
		}
		return append(steps, status(204))
	}

	// A storm of refusals longer than RetryMax is outlasted within the window.
	for _, code := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		opts := fastOptions()
		opts.RetryMax = 2
		opts.OutageWindow = time.Minute
		srv, n := sequence(t, refusals(code, 10)...)
		if _, err := New(opts).Do(context.Background(), Request{Method: "POST", URL: srv.URL}); err != nil || n.Load() != 11 {
			t.Fatalf("%d storm: err %v after %d attempts, want success after 11", code, err, n.Load())
		}
	}

	// Other retryable failures stay bounded by RetryMax.
	opts := fastOptions()
	opts.RetryMax = 2
	opts.OutageWindow = time.Minute
	srv, n := sequence(t, status(http.StatusBadGateway))
	if _, err := New(opts).Do(context.Background(), Request{Method: "GET", URL: srv.URL}); err == nil || n.Load() != 3 {
		t.Fatalf("502: err %v after %d attempts, want failure after 3", err, n.Load())
	}

	// Once the window has passed, the refusal is returned, typed.
	var mu sync.Mutex
	clock := time.Unix(1_800_000_000, 0)
	opts.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(10 * time.Second)
		return clock
	}
	srv, n = sequence(t, status(http.StatusTooManyRequests, "Retry-After", "0"))
	_, err := New(opts).Do(context.Background(), Request{Method: "GET", URL: srv.URL})
	if !errors.Is(err, ErrRateLimited) || n.Load() >= 10 {
		t.Fatalf("after the window: err %v after %d attempts, want a 429 error within a few attempts", err, n.Load())
	}

	// Without a window, RetryMax bounds refusals as before.
	opts = fastOptions()
	opts.RetryMax = 2
	srv, n = sequence(t, refusals(http.StatusTooManyRequests, 10)...)
	if _, err := New(opts).Do(context.Background(), Request{Method: "GET", URL: srv.URL}); !errors.Is(err, ErrRateLimited) || n.Load() != 3 {
		t.Fatalf("no window: err %v after %d attempts, want a 429 error after 3", err, n.Load())
	}
}

func TestCancelledWriteFinishesOnceSent(t *testing.T) {
	t.Parallel()
	// The server acts on the POST, slowly; the caller is cancelled meanwhile.
	acted := make(chan struct{}, 1)
	srv, n := sequence(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		acted <- struct{}{}
		jsonBody(201, `{"id":"made"}`)(w, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	resp, err := New(fastOptions()).Do(ctx, Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`)})
	if err != nil || resp.StatusCode != 201 || string(resp.Body) != `{"id":"made"}` {
		t.Fatalf("a POST cancelled in flight: resp %v, err %v; want the server's answer, so the caller can record what was made", resp, err)
	}
	<-acted

	// Before it is sent, a cancelled write is not sent at all.
	_, err = New(fastOptions()).Do(ctx, Request{Method: "PATCH", URL: srv.URL, Body: []byte(`{}`)})
	if !errors.Is(err, context.Canceled) || n.Load() != 1 {
		t.Fatalf("PATCH with a cancelled context: err %v after %d requests, want context.Canceled and none sent", err, n.Load())
	}

	// A cancelled GET stops at once.
	srv, _ = sequence(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	if _, err := New(fastOptions()).Do(ctx, Request{Method: "GET", URL: srv.URL}); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("GET cancelled in flight: err %v after %s", err, time.Since(start))
	}
}
