package httpx

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// waitTurn blocks until this attempt may go: first until a spent rate
// budget resets, then for a token of the client-side limiter. Both give up
// as soon as the request's context ends.
func (c *Client) waitTurn(req *http.Request) error {
	ctx := req.Context()
	c.mu.Lock()
	until := c.resumeAt
	c.mu.Unlock()
	if wait := until.Sub(c.opts.Now()); !until.IsZero() && wait > 0 {
		c.opts.Logger.Warn(ctx, "rate limit budget spent, waiting for its reset", map[string]any{
			"method": req.Method, "path": c.Redact(req.URL.Path), "wait": wait.String(),
		})
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		// Clear the pause we served, unless a newer response moved it.
		c.mu.Lock()
		if c.resumeAt.Equal(until) {
			c.resumeAt = time.Time{}
		}
		c.mu.Unlock()
	}
	if c.limiter != nil {
		return c.limiter.Wait(ctx)
	}
	return nil
}

// observeRateLimit records a spent budget (X-RateLimit-Remaining: 0) so that
// later requests pause until X-RateLimit-Reset, at most MaxRateLimitWait:
// many pipelines sharing one budget then slow down rather than fail.
func (c *Client) observeRateLimit(h http.Header) {
	rem := strings.TrimSpace(h.Get("X-RateLimit-Remaining"))
	if rem == "" {
		return
	}
	n, err := strconv.ParseInt(rem, 10, 64)
	if err != nil {
		return
	}
	now := c.opts.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if n > 0 {
		c.resumeAt = time.Time{}
		return
	}
	reset, ok := parseReset(h.Get("X-RateLimit-Reset"), now)
	if !ok {
		return
	}
	if limit := now.Add(c.opts.MaxRateLimitWait); reset.After(limit) {
		reset = limit
	}
	if reset.After(c.resumeAt) {
		c.resumeAt = reset
	}
}

// parseReset reads X-RateLimit-Reset: a unix time, as Docker Hub sends it,
// or, for small values, seconds from now as some gateways send it.
func parseReset(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return time.Time{}, false
	}
	if f < 1e9 {
		return now.Add(time.Duration(f * float64(time.Second))), true
	}
	return time.Unix(0, int64(f*float64(time.Second))), true
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
