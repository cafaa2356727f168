package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Sentinels matched by errors.Is against an *Error of the same status.
var (
	ErrBadRequest         = errors.New("bad request")
	ErrUnauthorized       = errors.New("unauthorized")
	ErrForbidden          = errors.New("forbidden")
	ErrNotFound           = errors.New("not found")
	ErrConflict           = errors.New("conflict")
	ErrPreconditionFailed = errors.New("precondition failed")
	ErrRateLimited        = errors.New("rate limited")
)

var sentinelStatus = map[error]int{
	ErrBadRequest:         http.StatusBadRequest,
	ErrUnauthorized:       http.StatusUnauthorized,
	ErrForbidden:          http.StatusForbidden,
	ErrNotFound:           http.StatusNotFound,
	ErrConflict:           http.StatusConflict,
	ErrPreconditionFailed: http.StatusPreconditionFailed,
	ErrRateLimited:        http.StatusTooManyRequests,
}

// Error is what every non-2xx answer becomes. errors.Is(err, ErrNotFound)
// and the other sentinels match it by status code.
type Error struct {
	Method     string // "GET"
	Path       string // URL path only: never the query's values, never headers
	StatusCode int
	Type       string // SCIM scimType, when the server sent one
	Detail     string // the server's human text, with secrets redacted
	// Schemas are the body's "schemas" URNs, when it had any: a SCIM error
	// says urn:ietf:params:scim:api:messages:2.0:Error, which tells a
	// SCIM server's 404 for a resource from a web server's 404 for a path.
	Schemas []string
}

// Error formats the answer as "PATCH /path: 409 Conflict (uniqueness): detail".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Type != "" {
		b.WriteString(" (" + e.Type + ")")
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Is reports whether target is the sentinel for e's status code.
func (e *Error) Is(target error) bool {
	status, ok := sentinelStatus[target]
	return ok && status == e.StatusCode
}

// TransportError is a request that got no HTTP answer: the connection
// failed, dropped, or timed out. For a POST or PATCH the server may or may
// not have acted, so the caller must reconcile before sending again.
type TransportError struct {
	Method string
	Path   string
	Err    error  // the underlying network error, for errors.Is and errors.As
	text   string // Err's text, redacted when the error was made
}

// Error says which request got no answer and why.
func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: no response: %s", e.Method, e.Path, e.text)
}

// Unwrap returns the underlying network error.
func (e *TransportError) Unwrap() error { return e.Err }

// IsNoResponse reports whether err means a request got no HTTP answer, so
// the server may or may not have acted on it. A request that a tripped
// client never sent is not one: the server certainly did not act.
func IsNoResponse(err error) bool {
	var oe *OutageError
	if errors.As(err, &oe) {
		err = oe.Err
	}
	var te *TransportError
	return errors.As(err, &te)
}

// DecodeError is a 2xx answer whose body is not the JSON expected.
type DecodeError struct {
	Method      string
	Path        string
	ContentType string
	Size        int
	Err         error
	text        string
}

// Error names the request, the decoding failure and what the body looked like.
func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "none"
	}
	return fmt.Sprintf("%s %s: decoding response: %s (content-type %s, %s)", e.Method, e.Path, e.text, ct, FormatSize(e.Size))
}

// Unwrap returns the JSON error.
func (e *DecodeError) Unwrap() error { return e.Err }

// FormatSize renders a byte count the way error messages show it: "512 B",
// "1.2 KiB", "3.0 MiB".
func FormatSize(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}

// maxDetailLen keeps a server's text readable in a diagnostic.
const maxDetailLen = 500

// newError builds the typed error for a non-2xx answer. It understands
// SCIM errors ({"detail","scimType"}) and Docker Hub errors ({"message"},
// also "detail" or "error"); anything else is summarised, not quoted whole.
func newError(method, path string, status int, contentType string, body []byte, redact func(string) string) *Error {
	e := &Error{Method: method, Path: path, StatusCode: status}
	var payload struct {
		Detail   json.RawMessage `json:"detail"`
		Message  json.RawMessage `json:"message"`
		Error    json.RawMessage `json:"error"`
		ScimType json.RawMessage `json:"scimType"`
		Schemas  json.RawMessage `json:"schemas"`
	}
	if err := json.Unmarshal(body, &payload); err == nil {
		e.Type = redact(clip(rawString(payload.ScimType)))
		e.Schemas = schemaList(payload.Schemas)
		for _, raw := range []json.RawMessage{payload.Detail, payload.Message, payload.Error} {
			if s := rawString(raw); s != "" {
				e.Detail = redact(clip(s))
				break
			}
		}
		return e
	}
	if len(body) == 0 {
		return e
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/plain" && utf8.Valid(body) {
		e.Detail = redact(clip(strings.Join(strings.Fields(string(body)), " ")))
		return e
	}
	if mt == "" {
		mt = "unknown"
	}
	e.Detail = fmt.Sprintf("non-JSON response (content-type %s, %s)", mt, FormatSize(len(body)))
	return e
}

// schemaList reads "schemas" leniently: a list of strings as RFC 7644 has
// it, or the single string some servers send; anything else is nothing.
func schemaList(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	if s := rawString(raw); s != "" {
		return []string{s}
	}
	return nil
}

// rawString returns a JSON string's value, or a number's text, else "".
func rawString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func clip(s string) string {
	if len(s) <= maxDetailLen {
		return s
	}
	cut := maxDetailLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
