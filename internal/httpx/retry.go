package httpx

import (
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// shouldRetry is the retry policy. 429 and 503 mean the server refused
// without acting, so any method may be re-sent. 502, 504 and connection
// errors leave it unknown whether the server acted, so only idempotent
// methods are re-sent; a POST or PATCH is left to the caller to reconcile.
func shouldRetry(method string, resp *http.Response, err error) bool {
	if err != nil {
		if !idempotent(method) {
			return false
		}
		return retryableNetError(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent(method)
	}
	return false
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryableNetError is false for failures that another attempt cannot fix.
func retryableNetError(err error) bool {
	var tooLarge *bodyTooLargeError
	if errors.As(err, &tooLarge) {
		return false
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return false
	}
	// net/http does not type these; retryablehttp matches the same texts.
	msg := err.Error()
	for _, s := range []string{"stopped after", "unsupported protocol scheme", "invalid header", "certificate is not trusted"} {
		if strings.Contains(msg, s) {
			return false
		}
	}
	return true
}

// backoff returns how long to wait before retry n (from 0). A 429 or 503
// that says when to come back (Retry-After in seconds or as an HTTP date, or
// X-Retry-After as a unix time) is honoured up to maxServerWait; otherwise
// the wait grows exponentially from minWait to maxWait with jitter, so
// that many clients refused at once do not return in step.
func backoff(minWait, maxWait time.Duration, n int, resp *http.Response, now time.Time, maxServerWait time.Duration) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := ServerWait(resp.Header, now); ok {
			return min2(d, maxServerWait)
		}
	}
	d := maxWait
	if n < 32 {
		if grown := minWait << n; grown > 0 && grown < maxWait {
			d = grown
		}
	}
	// Equal jitter: half fixed so waits still grow, half random.
	half := d / 2
	d = half + rand.N(half+1) //nolint:gosec // G404: jitter spreads retries; it guards nothing secret.
	if d < minWait {
		d = minWait
	}
	return d
}

// ServerWait reads how long a server asked the client to wait: Retry-After
// as delta-seconds or an HTTP date, else X-Retry-After as a unix time. A time
// in the past means no wait.
func ServerWait(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			if secs > int64(24*time.Hour/time.Second) {
				secs = int64(24 * time.Hour / time.Second)
			}
			return time.Duration(secs) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return nonNegative(t.Sub(now)), true
		}
	}
	if v := strings.TrimSpace(h.Get("X-Retry-After")); v != "" {
		if unix, err := strconv.ParseInt(v, 10, 64); err == nil && unix >= 0 {
			return nonNegative(time.Unix(unix, 0).Sub(now)), true
		}
	}
	return 0, false
}

func nonNegative(d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	return d
}

func min2(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}
