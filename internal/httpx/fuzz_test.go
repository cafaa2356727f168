package httpx

import (
	"strings"
	"testing"
)

// FuzzErrorBody feeds arbitrary bytes to the error parser as a server's
// error body: never a panic, and never the secret in the error text.
func FuzzErrorBody(f *testing.F) {
	const secret = "s3cr3t-token"
	for _, seed := range []string{
		`{"detail":"bad s3cr3t-token","scimType":"invalidValue"}`,
		`{"message":"s3cr3t\u002dtoken"}`,
		`{"error":{"nested":true}}`,
		`<html>s3cr3t-token</html>`,
		``, `null`, `"str"`, `{"detail":12}`,
	} {
		f.Add([]byte(seed), "application/json")
		f.Add([]byte(seed), "text/plain")
	}
	var r Redactor
	r.Add(secret)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		e := newError("GET", "/x", 400, contentType, body, r.Redact)
		if strings.Contains(e.Error(), secret) {
			t.Fatalf("error leaks the secret: %q", e.Error())
		}
	})
}
