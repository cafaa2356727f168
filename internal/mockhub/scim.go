package mockhub

// SCIM plumbing: errors, authentication, request bodies, ETags, projection
// and the answer of one resource.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

const scimContentType = "application/scim+json"

// SCIM list limits: count defaults to defaultCount and is capped at
// maxResults, which ServiceProviderConfig advertises.
const (
	defaultCount = 100
	maxResults   = 200
)

const searchRequestURN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

func writeSCIMError(w http.ResponseWriter, status int, scimType, detail string) {
	body := map[string]any{
		"schemas": []string{se.ErrorURN},
		"status":  strconv.Itoa(status),
		"detail":  detail,
	}
	if scimType != "" {
		body["scimType"] = scimType
	}
	writeJSON(w, status, scimContentType, body)
}

// scimErr is a SCIM error raised by mockhub itself.
func scimErr(status int, scimType, format string, args ...any) *se.Error {
	return &se.Error{Status: status, SCIMType: scimType, Detail: fmt.Sprintf(format, args...)}
}

func writeSCIMErr(w http.ResponseWriter, err error) {
	var e *se.Error
	if errors.As(err, &e) {
		status := e.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		writeSCIMError(w, status, e.SCIMType, e.Detail)
		return
	}
	writeSCIMError(w, http.StatusInternalServerError, "", err.Error())
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func scimBaseURL(r *http.Request) string { return baseURL(r) + SCIMBasePath }

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return ""
	}
	return strings.TrimSpace(h[7:])
}

// scimConn authenticates a SCIM request; the caller holds the store lock. On
// failure it has answered 401.
func (s *Server) scimConn(w http.ResponseWriter, r *http.Request) *connection {
	tok := bearerToken(r)
	var c *connection
	if tok != "" {
		c = s.st.connectionForToken(tok)
	}
	if c == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mockhub SCIM"`)
		detail := "missing bearer token"
		if tok != "" {
			detail = "unknown or revoked SCIM token"
		}
		writeSCIMError(w, http.StatusUnauthorized, "", detail)
	}
	return c
}

// scimDiscovery authenticates a discovery request and refuses a filter:
// RFC 7644 §4 answers 403 so that a client cannot believe its filter held.
func (s *Server) scimDiscovery(w http.ResponseWriter, r *http.Request) bool {
	if !s.scimAuthOnly(w, r) {
		return false
	}
	if r.URL.Query().Has("filter") {
		writeSCIMError(w, http.StatusForbidden, "", "discovery endpoints do not support filter (RFC 7644 §4)")
		return false
	}
	return true
}

// scimAuthOnly authenticates under a read lock, for endpoints that do not
// touch the store.
func (s *Server) scimAuthOnly(w http.ResponseWriter, r *http.Request) bool {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	return s.scimConn(w, r) != nil
}

// scimBody reads a JSON object body. It answers 413, or 400 invalidSyntax,
// and returns nil, on failure.
func scimBody(w http.ResponseWriter, r *http.Request) map[string]any {
	b, status, msg := readBody(w, r)
	if status != 0 {
		writeSCIMError(w, status, "", msg)
		return nil
	}
	if len(bytes.TrimSpace(b)) == 0 {
		writeSCIMError(w, http.StatusBadRequest, "invalidSyntax", "request body is empty")
		return nil
	}
	if !utf8.Valid(b) {
		// encoding/json would store U+FFFD in place of each bad byte.
		writeSCIMError(w, http.StatusBadRequest, "invalidSyntax", "request body is not valid UTF-8 (RFC 7644 §3.8: JSON in UTF-8)")
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&v); err != nil {
		writeSCIMError(w, http.StatusBadRequest, "invalidSyntax", "request body is not valid JSON: "+err.Error())
		return nil
	}
	if dec.More() {
		writeSCIMError(w, http.StatusBadRequest, "invalidSyntax", "request body has data after the JSON object")
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		writeSCIMError(w, http.StatusBadRequest, "invalidSyntax", "request body must be a JSON object")
		return nil
	}
	return m
}

func etag(v uint64) string { return `W/"` + strconv.FormatUint(v, 10) + `"` }

func etagMatches(header string, v uint64) bool {
	cur := strings.TrimPrefix(etag(v), "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == cur {
			return true
		}
	}
	return false
}

// checkIfMatch applies If-Match: a stale version is 412.
func checkIfMatch(r *http.Request, v uint64) error {
	h := r.Header.Get("If-Match")
	if h == "" || etagMatches(h, v) {
		return nil
	}
	return scimErr(http.StatusPreconditionFailed, "", "If-Match %s does not match the current version %s", h, etag(v))
}

func splitAttrs(v string) []string {
	var out []string
	for _, a := range strings.Split(v, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// project applies the attributes and excludedAttributes query parameters.
func project(rt *se.ResourceType, r *http.Request, res se.Resource) (se.Resource, error) {
	q := r.URL.Query()
	attrs, excl := splitAttrs(q.Get("attributes")), splitAttrs(q.Get("excludedAttributes"))
	if len(attrs) == 0 && len(excl) == 0 {
		return res, nil
	}
	return se.Project(rt, res, attrs, excl)
}

// etagVersion is v when the dialect has ETags, else 0: no ETag.
func (s *Server) etagVersion(v uint64) uint64 {
	if s.dialect.etags {
		return v
	}
	return 0
}

// writeResource answers with one resource, its ETag (none, and no
// meta.version, when version is 0) and (for 201) its Location.
func writeResource(w http.ResponseWriter, r *http.Request, rt *se.ResourceType, status int, res se.Resource, version uint64) {
	if version != 0 {
		w.Header().Set("ETag", etag(version))
	} else if m, ok := res["meta"].(map[string]any); ok {
		delete(m, "version")
	}
	if status == http.StatusCreated {
		if m, ok := res["meta"].(map[string]any); ok {
			if loc, ok := m["location"].(string); ok {
				w.Header().Set("Location", loc)
			}
		}
	}
	out, err := project(rt, r, res)
	if err != nil {
		writeSCIMErr(w, err)
		return
	}
	writeJSON(w, status, scimContentType, out)
}

func timeString(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func meta(resourceType string, created, modified time.Time, location string, version uint64) map[string]any {
	return map[string]any{
		"resourceType": resourceType,
		"created":      timeString(created),
		"lastModified": timeString(modified),
		"location":     location,
		"version":      etag(version),
	}
}

// errAnswered means the response has been written already.
var errAnswered = errors.New("answered")

// patchOps reads a PatchOp body.
func patchOps(body map[string]any) ([]se.PatchOperation, error) {
	var raw any
	for k, v := range body {
		if strings.EqualFold(k, "Operations") {
			raw = v
		}
	}
	list, ok := raw.([]any)
	if !ok || len(list) == 0 {
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "a PATCH body needs a non-empty Operations list")
	}
	ops := make([]se.PatchOperation, 0, len(list))
	for i, o := range list {
		m, ok := o.(map[string]any)
		if !ok {
			return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "Operations[%d] is not an object", i)
		}
		op := se.PatchOperation{NoValue: true}
		for k, v := range m {
			switch strings.ToLower(k) {
			case "op":
				op.Op, ok = v.(string)
				if !ok {
					return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "Operations[%d].op is not a string", i)
				}
			case "path":
				op.Path, ok = v.(string)
				if !ok {
					return nil, scimErr(http.StatusBadRequest, "invalidPath", "Operations[%d].path is not a string", i)
				}
			case "value":
				op.Value, op.NoValue = v, false
			}
		}
		ops = append(ops, op)
	}
	return ops, nil
}
