package mockhub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// hostileFilter is the audit's attack: 8,000 nested brackets, under the
// 16 KiB length cap.
var hostileFilter = strings.Repeat("(", 8000) + `userName eq "a"` + strings.Repeat(")", 8000)

// hostileRequests sends 32 hostile filters at once, half through GET /Users,
// half through POST /Users/.search, and returns each answer's status and
// scimType.
func hostileRequests(e *env) []string {
	out := make([]string, 32)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			var req *http.Request
			if i%2 == 0 {
				req, _ = http.NewRequest("GET", e.ts.URL+scimPrefix+"/Users?filter="+url.QueryEscape(hostileFilter), nil)
			} else {
				b, _ := json.Marshal(map[string]any{"schemas": []string{searchRequestURN}, "filter": hostileFilter})
				req, _ = http.NewRequest("POST", e.ts.URL+scimPrefix+"/Users/.search", strings.NewReader(string(b)))
				req.Header.Set("Content-Type", "application/scim+json")
			}
			req.Header.Set("Authorization", "Bearer "+mobyToken)
			res, err := e.ts.Client().Do(req)
			if err != nil {
				out[i] = err.Error()
				return
			}
			defer res.Body.Close()
			var body struct{ ScimType string }
			raw, _ := io.ReadAll(res.Body)
			_ = json.Unmarshal(raw, &body)
			out[i] = fmt.Sprintf("%d %s", res.StatusCode, body.ScimType)
		})
	}
	wg.Wait()
	return out
}

func TestHostileFiltersRefused(t *testing.T) {
	e := newEnv(t)
	for i, got := range hostileRequests(e) {
		if got != "400 invalidFilter" {
			t.Errorf("request %d: %s, want 400 invalidFilter", i, got)
		}
	}
	// A long chain of terms is refused as too much work.
	chain := strings.Repeat(`userName eq "a" or `, 200) + `userName eq "a"`
	wantSCIMError(t, e.scim("GET", "/Users?filter="+url.QueryEscape(chain), nil), 400, "tooMany")
	// So is a PATCH path that nests too deep.
	id := e.createUser("deep@moby.example")
	wantSCIMError(t, e.scim("PATCH", "/Users/"+id, patchBody(op("remove", "emails["+strings.Repeat("(", 100)+`type eq "work"`+strings.Repeat(")", 100)+"]", nil))), 400, "invalidPath")
}

// BenchmarkHostileFilterRequests measures 32 concurrent hostile filters
// over HTTP: run with -benchmem; /usr/bin/time -v shows the peak RSS.
func BenchmarkHostileFilterRequests(b *testing.B) {
	e := newEnv(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, got := range hostileRequests(e) {
			if got != "400 invalidFilter" {
				b.Fatal(got)
			}
		}
	}
}
