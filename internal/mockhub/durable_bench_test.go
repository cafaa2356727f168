package mockhub

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCreate20kOver8Connections creates 20,000 users through 8
// concurrent HTTP connections, in memory and with -state, and reports the
// time of the first and of the last tenth of the creates. Run it with
// -benchtime=1x: one op is all 20,000 creates.
func BenchmarkCreate20kOver8Connections(b *testing.B) { benchCreateOver8(b, 20_000) }

// BenchmarkCreate100kOver8Connections is the same with 100,000 users: the
// directory size the README reports for -state. Run it with -benchtime=1x.
func BenchmarkCreate100kOver8Connections(b *testing.B) { benchCreateOver8(b, 100_000) }

// benchCreateOver8 creates total users through 8 concurrent connections,
// in memory and with -state.
func benchCreateOver8(b *testing.B, total int) {
	const conns = 8
	for _, mode := range []string{"memory", "state"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			var first, last, all time.Duration
			for b.Loop() {
				b.StopTimer()
				o := Options{SCIMToken: mobyToken}
				if mode == "state" {
					o.StatePath = filepath.Join(b.TempDir(), "state.db")
				}
				srv, err := New(o)
				if err != nil {
					b.Fatal(err)
				}
				ts := httptest.NewServer(srv)
				client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
				done := make([]time.Duration, total) // completion time of the i-th create to finish
				var next, finished atomic.Int64
				var wg sync.WaitGroup
				b.StartTimer()
				start := time.Now()
				for range conns {
					wg.Go(func() {
						for {
							i := next.Add(1) - 1
							if i >= int64(total) {
								return
							}
							body := fmt.Sprintf(`{"schemas":["%s"],"userName":"load%06d@moby.example","name":{"givenName":"L","familyName":"%d"}}`, userURN, i, i)
							req, _ := http.NewRequest("POST", ts.URL+scimPrefix+"/Users", strings.NewReader(body))
							req.Header.Set("Authorization", "Bearer "+mobyToken)
							req.Header.Set("Content-Type", "application/scim+json")
							res, err := client.Do(req)
							if err != nil {
								b.Error(err)
								return
							}
							res.Body.Close()
							if res.StatusCode != 201 {
								b.Errorf("create %d: %d", i, res.StatusCode)
								return
							}
							done[finished.Add(1)-1] = time.Since(start)
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				tenth := total / 10
				first += done[tenth-1]
				last += done[total-1] - done[total-tenth-1]
				all += done[total-1]
				ts.Close()
				client.CloseIdleConnections()
				if err := srv.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			n := float64(b.N)
			b.ReportMetric(all.Seconds()/n, "s/all")
			b.ReportMetric(first.Seconds()/n, "s/first-tenth")
			b.ReportMetric(last.Seconds()/n, "s/last-tenth")
			b.ReportMetric(last.Seconds()/first.Seconds(), "last/first")
		})
	}
}
