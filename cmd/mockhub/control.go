package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// The control token guards what only the person running mockhub should
// reach once others can: the console and /_mock/ (faults, reset, the request
// log). With -allow-remote, every path outside the APIs under /v2/ needs it;
// the APIs keep their own credentials (SCIM token, password, access token).

const (
	// controlCookie carries the token for the console's browser, which
	// cannot send a header: set when the console is opened with
	// ?control_token=.
	controlCookie = "mockhub_control"
	// controlQuery is the query parameter the console URL carries.
	controlQuery = "control_token"
)

// newControlToken is a random token for a mockhub started without
// -control-token.
func newControlToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// isAPIPath reports whether p is one of the APIs under /v2/, which do not
// need the control token. The path is checked as sent and cleaned, so that
// "/v2/../_mock/reset" is not taken for an API path.
func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/v2/") && strings.HasPrefix(path.Clean(p), "/v2/")
}

// controlGuard requires token on everything but the APIs: as "Authorization:
// Bearer <token>", or as the cookie the console sets. A GET with
// ?control_token=<token> sets that cookie and redirects to the same URL
// without it. Anything else gets 401 before next sees the request, so a
// refused request changes nothing.
func controlGuard(next http.Handler, token string, secure bool) http.Handler {
	valid := func(s string) bool {
		return s != "" && subtle.ConstantTimeCompare([]byte(s), []byte(token)) == 1
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPIPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		if presented, ok := q[controlQuery]; ok && r.Method == http.MethodGet {
			if len(presented) != 1 || !valid(presented[0]) {
				refuse(w)
				return
			}
			http.SetCookie(w, &http.Cookie{
				Name: controlCookie, Value: token, Path: "/",
				HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode,
			})
			q.Del(controlQuery)
			u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
			http.Redirect(w, r, u.String(), http.StatusSeeOther)
			return
		}
		if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && valid(auth) {
			next.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(controlCookie); err == nil && valid(c.Value) {
			next.ServeHTTP(w, r)
			return
		}
		refuse(w)
	})
}

// refuse answers 401 in the management API's error shape.
func refuse(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="mockhub control"`)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(`{"message":"mockhub's console and /_mock/ need the control token printed on its start line (control_token): send Authorization: Bearer <token>, or open console_url"}` + "\n"))
}
