package mockhub

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The request log: the last requestLogSize API requests, for tests and for
// people debugging an IdP integration, at GET /_mock/requests. Bodies are
// cut at requestLogBody bytes, and secrets are redacted before they are
// stored: the log never holds a token or a password.
const (
	requestLogSize = 500
	requestLogBody = 4 << 10
)

// loggedRequest is one entry of GET /_mock/requests.
type loggedRequest struct {
	Time         time.Time `json:"time"`
	Method       string    `json:"method"`
	Path         string    `json:"path"`
	Query        string    `json:"query,omitempty"`
	Route        string    `json:"route"`
	Status       int       `json:"status"`
	LatencyMS    float64   `json:"latency_ms"`
	RequestBody  string    `json:"request_body,omitempty"`
	ResponseBody string    `json:"response_body,omitempty"`

	seq uint64 // the entry's number since start, for the console
}

type requestLog struct {
	mu      sync.Mutex
	entries []loggedRequest // a ring of requestLogSize
	next    int
	full    bool
	// seq counts the entries added and the clears since start: the
	// console's way to tell that something happened.
	seq uint64
}

func (l *requestLog) add(e loggedRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = make([]loggedRequest, requestLogSize)
	}
	l.seq++
	e.seq = l.seq
	l.entries[l.next] = e
	l.next = (l.next + 1) % requestLogSize
	l.full = l.full || l.next == 0
}

// list returns the entries oldest first.
func (l *requestLog) list() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]loggedRequest{}, l.entries[:l.next]...)
	}
	return append(append([]loggedRequest{}, l.entries[l.next:]...), l.entries[:l.next]...)
}

func (l *requestLog) clear() {
	l.mu.Lock()
	l.entries, l.next, l.full = nil, 0, false
	l.seq++
	l.mu.Unlock()
}

// version is seq: it changes whenever the log does.
func (l *requestLog) version() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

// capBuf keeps the first requestLogBody bytes written to it.
type capBuf struct {
	b         []byte
	truncated bool
}

func (c *capBuf) Write(p []byte) (int, error) {
	room := requestLogBody - len(c.b)
	if len(p) > room {
		c.b = append(c.b, p[:max(room, 0)]...)
		c.truncated = true
	} else {
		c.b = append(c.b, p...)
	}
	return len(p), nil
}

// secretKey matches the JSON members whose values are secrets.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	return k == "password" || k == "secret" || strings.Contains(k, "token") || k == "authorization"
}

// bearerRE finds bearer tokens written into any text.
var bearerRE = regexp.MustCompile(`(?i)(bearer\s+)[^\s",]+`)

// redactBody returns a body fit for the log: secret members of a JSON body
// replaced (however deep), bearer tokens in any text replaced, cut at
// requestLogBody bytes.
func redactBody(c *capBuf) string {
	if len(c.b) == 0 {
		return ""
	}
	var v any
	if !c.truncated && json.Unmarshal(c.b, &v) == nil {
		redactJSON(v)
		if b, err := json.Marshal(v); err == nil {
			return bearerRE.ReplaceAllString(string(b), "${1}[redacted]")
		}
	}
	s := string(c.b)
	// Not JSON, or cut: redact "key": "value" pairs textually.
	s = secretPairRE.ReplaceAllString(s, `$1"[redacted]"`)
	s = bearerRE.ReplaceAllString(s, "${1}[redacted]")
	if c.truncated {
		s += "…[truncated]"
	}
	return s
}

// secretPairRE matches a JSON member with a secret name and a string value,
// or a cut string value running to the end of the text.
var secretPairRE = regexp.MustCompile(`(?i)("[a-z_]*(?:password|secret|token|authorization)[a-z_]*"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)`)

func redactJSON(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if secretKey(k) {
				if e != nil {
					x[k] = "[redacted]"
				}
				continue
			}
			redactJSON(e)
		}
	case []any:
		for _, e := range x {
			redactJSON(e)
		}
	}
}

// queryTokenRE finds secret-looking query parameters.
var queryTokenRE = regexp.MustCompile(`(?i)((?:^|&)[a-z_]*(?:password|secret|token)[a-z_]*=)[^&]*`)

func redactQuery(q string) string { return queryTokenRE.ReplaceAllString(q, "${1}[redacted]") }
