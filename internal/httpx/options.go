package httpx

import (
	"context"
	"time"
)

// Default values for the zero fields of Options.
const (
	DefaultTimeout          = 60 * time.Second
	DefaultRetryMax         = 4
	DefaultRetryWaitMin     = 1 * time.Second
	DefaultRetryWaitMax     = 30 * time.Second
	DefaultMaxRetryAfter    = 60 * time.Second
	DefaultMaxRateLimitWait = 60 * time.Second
	DefaultMaxBodyBytes     = 32 << 20
	// DefaultUnreachableWindow is below the 7.5 s that a request's four
	// retries take at the shortest jittered waits from 1 s.
	DefaultUnreachableWindow = 5 * time.Second
)

// Options configures a Client. The zero value is usable: every zero field
// takes the default named after it.
type Options struct {
	// UserAgent is sent on every request; see UserAgent for the standard form.
	UserAgent string

	// Timeout bounds each attempt (connect, send, and read the whole
	// response), not the total of all attempts.
	Timeout time.Duration

	// RetryMax is how many times a request is retried after the first attempt.
	// Zero means DefaultRetryMax; a negative value disables retries.
	RetryMax int

	// OutageWindow, when positive, is the retry budget every request of the
	// client shares. A request that the server refused with 429 or 503 (so
	// it did not act on it) is retried past RetryMax, for at most this long
	// since its own first attempt: under a storm of refusals a run slows
	// down rather than fails; waits still honour Retry-After and grow to
	// RetryWaitMax. But when no request of the client has succeeded for
	// this long while requests kept failing (429, 5xx, no answer), or
	// connections were refused for UnreachableWindow, the client trips:
	// requests not yet sent and retries waiting fail at once with an
	// *OutageError, until an answer in flight succeeds. Zero means RetryMax
	// bounds refusals too and the client never trips on failures.
	OutageWindow time.Duration

	// UnreachableWindow is how long connections may be refused (or the
	// host name fail to resolve) with no answer in between before the
	// client trips, when OutageWindow is set. It is shorter than the time
	// one idempotent request spends on its RetryMax retries at the default
	// waits, so that the first request to give up already reports the
	// outage. Zero means DefaultUnreachableWindow.
	UnreachableWindow time.Duration

	// RetryWaitMin and RetryWaitMax bound the exponential backoff used when
	// the server did not say how long to wait. Tests set them tiny.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration

	// MaxRetryAfter caps a wait that a server asks for with Retry-After or
	// X-Retry-After, so a misconfigured server cannot stall a run for hours.
	MaxRetryAfter time.Duration

	// RequestsPerSecond limits the rate of attempts of this client (every
	// retry counts). Zero means unlimited.
	RequestsPerSecond float64

	// Burst is how many attempts may go at once under RequestsPerSecond.
	// Zero means 1.
	Burst int

	// MaxRateLimitWait caps the pause taken when a response says the rate
	// budget is spent (X-RateLimit-Remaining: 0) until X-RateLimit-Reset.
	MaxRateLimitWait time.Duration

	// MaxBodyBytes caps how much of a response body is read.
	MaxBodyBytes int64

	// Secrets are values (tokens, passwords) scrubbed from every log field
	// and every error text. More can be added at run time with AddSecret.
	Secrets []string

	// Logger receives one entry per attempt and per wait. Nil discards.
	Logger Logger

	// Now is the clock used to interpret Retry-After dates, X-Retry-After
	// and X-RateLimit-Reset, and to time OutageWindow and UnreachableWindow.
	// Nil means time.Now.
	Now func() time.Time
}

// Logger receives the client's diagnostics. Fields hold only the method,
// URL path, status, attempt, wait and redacted error text: never headers
// or bodies.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// UserAgent returns the User-Agent the provider sends for the given version.
func UserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "terraform-provider-docker/" + version
}

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = UserAgent("")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	switch {
	case o.RetryMax == 0:
		o.RetryMax = DefaultRetryMax
	case o.RetryMax < 0:
		o.RetryMax = 0
	}
	if o.RetryWaitMin <= 0 {
		o.RetryWaitMin = DefaultRetryWaitMin
	}
	if o.RetryWaitMax <= 0 {
		o.RetryWaitMax = DefaultRetryWaitMax
	}
	if o.RetryWaitMax < o.RetryWaitMin {
		o.RetryWaitMax = o.RetryWaitMin
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if o.Burst <= 0 {
		o.Burst = 1
	}
	if o.MaxRateLimitWait <= 0 {
		o.MaxRateLimitWait = DefaultMaxRateLimitWait
	}
	if o.UnreachableWindow <= 0 {
		o.UnreachableWindow = DefaultUnreachableWindow
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Logger == nil {
		o.Logger = nopLogger{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}
