package mockhub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

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

// writeResource answers with one resource, its ETag and (for 201) its
// Location.
func writeResource(w http.ResponseWriter, r *http.Request, rt *se.ResourceType, status int, res se.Resource, version uint64) {
	w.Header().Set("ETag", etag(version))
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

// --- discovery ---------------------------------------------------------------

func (s *Server) scimServiceProviderConfig(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	base := scimBaseURL(r)
	writeJSON(w, http.StatusOK, scimContentType, map[string]any{
		"schemas":          []string{se.ServiceProviderConfigURN},
		"documentationUri": "https://docs.docker.com/security/for-admins/provisioning/scim/",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": maxResults},
		"changePassword":   map[string]any{"supported": false},
		"sort":             map[string]any{"supported": true},
		"etag":             map[string]any{"supported": true},
		"authenticationSchemes": []any{map[string]any{
			"type":        "oauthbearertoken",
			"name":        "OAuth Bearer Token",
			"description": "The SCIM API token of the SSO connection, shown once when SCIM is enabled or the token rotated.",
			"primary":     true,
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": base + "/ServiceProviderConfig"},
	})
}

func listResponse(total, start int, resources []any) map[string]any {
	if resources == nil {
		resources = []any{}
	}
	return map[string]any{
		"schemas":      []string{se.ListResponseURN},
		"totalResults": total,
		"startIndex":   start,
		"itemsPerPage": len(resources),
		"Resources":    resources,
	}
}

func (s *Server) scimSchemas(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	var out []any
	for _, sc := range se.Schemas() {
		out = append(out, se.SchemaJSON(sc, scimBaseURL(r)))
	}
	writeJSON(w, http.StatusOK, scimContentType, listResponse(len(out), 1, out))
}

func (s *Server) scimSchema(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	id := r.PathValue("id")
	for _, sc := range se.Schemas() {
		if strings.EqualFold(sc.ID, id) {
			writeJSON(w, http.StatusOK, scimContentType, se.SchemaJSON(sc, scimBaseURL(r)))
			return
		}
	}
	writeSCIMError(w, http.StatusNotFound, "", fmt.Sprintf("schema %q not found", id))
}

func (s *Server) scimResourceTypes(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	var out []any
	for _, rt := range se.ResourceTypes() {
		out = append(out, se.ResourceTypeJSON(rt, scimBaseURL(r)))
	}
	writeJSON(w, http.StatusOK, scimContentType, listResponse(len(out), 1, out))
}

func (s *Server) scimResourceType(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	name := r.PathValue("name")
	for _, rt := range se.ResourceTypes() {
		if strings.EqualFold(rt.Name, name) || strings.EqualFold(rt.ID, name) {
			writeJSON(w, http.StatusOK, scimContentType, se.ResourceTypeJSON(rt, scimBaseURL(r)))
			return
		}
	}
	writeSCIMError(w, http.StatusNotFound, "", fmt.Sprintf("resource type %q not found", name))
}

func (s *Server) scimNotImplemented(w http.ResponseWriter, r *http.Request) {
	if !s.scimAuthOnly(w, r) {
		return
	}
	writeSCIMError(w, http.StatusNotImplemented, "", fmt.Sprintf("%s is not supported by Docker Hub's SCIM API", strings.TrimPrefix(r.URL.Path, SCIMBasePath)))
}

// --- users: representation ----------------------------------------------------

// userInput is a User body after normalisation, as mockhub models it.
type userInput struct {
	ExternalID  string
	UserName    string
	Name        userNameParts
	DisplayName string
	Active      bool
	ActiveSet   bool
	Emails      []scimEmail
	Role        string
	Org         string
	Team        string
	Extra       map[string]any
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func boolish(v any) (bool, bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		if p, err := strconv.ParseBool(strings.ToLower(b)); err == nil {
			return p, true
		}
	}
	return false, false
}

// userKeys are the attributes mockhub models; anything else the engine
// accepted is kept verbatim in Extra.
var userKeys = map[string]bool{
	"schemas": true, "id": true, "meta": true, "groups": true, "externalid": true, "username": true,
	"name": true, "displayname": true, "active": true, "emails": true, "password": true,
	strings.ToLower(se.DockerUserExtensionURN): true,
}

// parseUser reads a normalised User resource.
func parseUser(res se.Resource) (*userInput, error) {
	in := &userInput{}
	for k, v := range res {
		lk := strings.ToLower(k)
		switch lk {
		case "externalid":
			in.ExternalID = str(v)
		case "username":
			in.UserName = strings.TrimSpace(str(v))
		case "displayname":
			in.DisplayName = str(v)
		case "active":
			if b, ok := boolish(v); ok {
				in.Active, in.ActiveSet = b, true
			} else if v != nil {
				return nil, scimErr(http.StatusBadRequest, "invalidValue", "active must be a boolean")
			}
		case "name":
			if m, ok := v.(map[string]any); ok {
				for nk, nv := range m {
					switch strings.ToLower(nk) {
					case "givenname":
						in.Name.GivenName = str(nv)
					case "familyname":
						in.Name.FamilyName = str(nv)
					case "middlename":
						in.Name.MiddleName = str(nv)
					case "formatted":
						in.Name.Formatted = str(nv)
					case "honorificprefix":
						in.Name.HonorificPrefix = str(nv)
					case "honorificsuffix":
						in.Name.HonorificSuffix = str(nv)
					}
				}
			}
		case "emails":
			l, _ := v.([]any)
			for _, e := range l {
				m, ok := e.(map[string]any)
				if !ok {
					continue
				}
				var em scimEmail
				for ek, ev := range m {
					switch strings.ToLower(ek) {
					case "value":
						em.Value = str(ev)
					case "type":
						em.Type = str(ev)
					case "display":
						em.Display = str(ev)
					case "primary":
						em.Primary, _ = boolish(ev)
					}
				}
				if em.Value != "" {
					in.Emails = append(in.Emails, em)
				}
			}
		case strings.ToLower(se.DockerUserExtensionURN):
			if m, ok := v.(map[string]any); ok {
				for ek, ev := range m {
					switch strings.ToLower(ek) {
					case "dockerrole":
						in.Role = strings.ToLower(strings.TrimSpace(str(ev)))
					case "dockerorg":
						in.Org = strings.ToLower(strings.TrimSpace(str(ev)))
					case "dockerteam":
						in.Team = strings.TrimSpace(str(ev))
					}
				}
			}
		case strings.ToLower(se.EnterpriseUserExtensionURN):
			// Kept as the engine normalised it; it means nothing to Docker.
			if m, ok := v.(map[string]any); ok && len(m) > 0 {
				if in.Extra == nil {
					in.Extra = map[string]any{}
				}
				in.Extra[se.EnterpriseUserExtensionURN] = m
			}
		default:
			if !userKeys[lk] && !strings.HasPrefix(lk, "urn:") {
				if in.Extra == nil {
					in.Extra = map[string]any{}
				}
				in.Extra[k] = v
			}
		}
	}
	if in.Role != "" && !validRole(in.Role) {
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "dockerRole %q is not one of member, editor, owner", in.Role)
	}
	if in.Role == "" {
		in.Role = "member"
	}
	return in, nil
}

// userResource renders a SCIM user.
func (s *store) userResource(u *scimUser, base string) se.Resource {
	r := make(se.Resource, 12+len(u.Extra))
	for k, v := range u.Extra {
		r[k] = v
	}
	r["schemas"] = []any{se.UserSchemaURN, se.DockerUserExtensionURN}
	if _, ok := u.Extra[se.EnterpriseUserExtensionURN]; ok {
		r["schemas"] = []any{se.UserSchemaURN, se.DockerUserExtensionURN, se.EnterpriseUserExtensionURN}
	}
	r["id"] = u.ID
	if u.ExternalID != "" {
		r["externalId"] = u.ExternalID
	}
	r["userName"] = u.UserName
	if !u.Name.empty() {
		n := map[string]any{}
		for k, v := range map[string]string{
			"givenName": u.Name.GivenName, "familyName": u.Name.FamilyName, "middleName": u.Name.MiddleName,
			"formatted": u.Name.Formatted, "honorificPrefix": u.Name.HonorificPrefix, "honorificSuffix": u.Name.HonorificSuffix,
		} {
			if v != "" {
				n[k] = v
			}
		}
		r["name"] = n
	}
	r["displayName"] = u.DisplayName
	r["active"] = u.Active
	emails := make([]any, 0, len(u.Emails))
	for _, e := range u.Emails {
		m := map[string]any{"value": e.Value}
		if e.Type != "" {
			m["type"] = e.Type
		}
		if e.Display != "" {
			m["display"] = e.Display
		}
		if e.Primary {
			m["primary"] = true
		}
		emails = append(emails, m)
	}
	r["emails"] = emails
	if len(u.groups) > 0 {
		gs := make([]any, 0, len(u.groups))
		for _, g := range u.groups {
			gs = append(gs, map[string]any{"value": g.ID, "display": g.DisplayName, "$ref": base + "/Groups/" + g.ID})
		}
		r["groups"] = gs
	}
	ext := map[string]any{"dockerRole": u.Role}
	if u.Org != "" {
		ext["dockerOrg"] = u.Org
	}
	if u.Team != "" {
		ext["dockerTeam"] = u.Team
	}
	r[se.DockerUserExtensionURN] = ext
	r["meta"] = meta("User", u.Created, u.Modified, base+"/Users/"+u.ID, u.Version)
	return r
}

// isEmailAddress reports whether s is a bare address (no display name, no
// angle brackets) with a local part and a dotted domain, as Docker's
// userName is. Non-ASCII local parts and domains (RFC 6532) are allowed.
func isEmailAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// checkUser validates a user body against the connection: userName present
// and unique, dockerOrg in scope.
func (s *store) checkUser(c *connection, in *userInput, self *scimUser) error {
	if in.UserName == "" {
		return scimErr(http.StatusBadRequest, "invalidValue", "userName is required")
	}
	if !isEmailAddress(in.UserName) {
		return scimErr(http.StatusBadRequest, "invalidValue", "userName %q is not an email address: Docker's userName is the user's email", in.UserName)
	}
	if other := c.userByName[se.Fold(in.UserName)]; other != nil && other != self {
		return scimErr(http.StatusConflict, "uniqueness", "userName %q is already taken by user %s", in.UserName, other.ID)
	}
	if in.Org != "" && !s.inScope(c, in.Org) {
		return scimErr(http.StatusBadRequest, "invalidValue", "dockerOrg %q is not an organization this SSO connection provisions (%s)", in.Org, strings.Join(s.scope(c), ", "))
	}
	return nil
}

// scope lists the orgs a connection provisions into.
func (s *store) scope(c *connection) []string {
	if c.Org != "" {
		return []string{c.Org}
	}
	if co := s.companies[c.Company]; co != nil {
		return co.Orgs
	}
	return nil
}

// applyUserInput copies a validated body onto u (the Docker defaults
// included).
func applyUserInput(u *scimUser, in *userInput) {
	c := u.conn
	if c != nil {
		c.unindexUser(u)
	}
	u.ExternalID = in.ExternalID
	u.UserName = in.UserName
	u.Name = in.Name
	u.DisplayName = in.DisplayName
	if u.DisplayName == "" {
		u.DisplayName = u.Account
	}
	u.Active = in.ActiveSet && in.Active
	u.Emails = in.Emails
	if len(u.Emails) == 0 {
		u.Emails = []scimEmail{{Value: in.UserName, Type: "work", Primary: true}}
	}
	u.Role, u.Org, u.Team = in.Role, in.Org, in.Team
	u.Extra = in.Extra
	if c != nil {
		c.indexUser(u)
	}
}

// resolveAccount finds the Docker account a new SCIM user attaches to (by
// userName or any of its emails), or creates one.
func (s *store) resolveAccount(c *connection, in *userInput) (string, error) {
	candidates := []string{in.UserName}
	for _, e := range in.Emails {
		candidates = append(candidates, e.Value)
	}
	for _, e := range candidates {
		a := s.accountByEmail[se.Fold(e)]
		if a == nil {
			continue
		}
		for _, u := range s.links[a.Username] {
			if u.conn == c {
				return "", scimErr(http.StatusConflict, "uniqueness", "the Docker account with email %q is already provisioned as user %s", e, u.ID)
			}
		}
		return a.Username, nil
	}
	email := in.UserName
	for _, e := range in.Emails {
		if e.Primary {
			email = e.Value
			break
		}
	}
	if !strings.Contains(email, "@") && len(in.Emails) > 0 {
		email = in.Emails[0].Value
	}
	id := s.newDockerID(email)
	a := &account{
		ID:         strings.ReplaceAll(uuid.NewString(), "-", ""),
		Username:   id,
		FullName:   fullName(in.Name),
		DateJoined: s.now().UTC(),
	}
	if strings.Contains(email, "@") && s.accountByEmail[se.Fold(email)] == nil {
		a.Email = email
	}
	s.addAccount(a)
	return id, nil
}

// --- users: handlers ----------------------------------------------------------

// createUser checks a new user against the connection, attaches or creates
// its Docker account, and applies Docker's semantics.
func (st *store) createUser(c *connection, in *userInput) (*scimUser, error) {
	if err := st.checkUser(c, in, nil); err != nil {
		return nil, err
	}
	acct, err := st.resolveAccount(c, in)
	if err != nil {
		return nil, err
	}
	if !in.ActiveSet { // POST without active: active
		in.Active, in.ActiveSet = true, true
	}
	now := st.now().UTC()
	u := &scimUser{Seq: st.nextSeq(), ID: uuid.NewString(), Account: acct, Created: now, Modified: now, Version: 1}
	applyUserInput(u, in)
	st.addUser(c, u)
	st.syncAccount(u.Account)
	return u, nil
}

// errAnswered means the response has been written already.
var errAnswered = errors.New("answered")

// updateUser applies a body to u: the PUT and PATCH common path. Docker: a
// PUT without active deactivates (in.ActiveSet false).
func (st *store) updateUser(c *connection, u *scimUser, in *userInput) error {
	if err := st.checkUser(c, in, u); err != nil {
		return err
	}
	before := *u
	st.dirtyUser(u)
	applyUserInput(u, in)
	if !sameUser(&before, u) {
		st.touchUser(u)
	}
	st.followPrimaryEmail(u.Account, primaryEmail(before.Emails), primaryEmail(u.Emails))
	st.syncAccount(u.Account)
	return nil
}

// primaryEmail is the address marked primary, else the first one.
func primaryEmail(emails []scimEmail) string {
	for _, e := range emails {
		if e.Primary {
			return e.Value
		}
	}
	if len(emails) > 0 {
		return emails[0].Value
	}
	return ""
}

// followPrimaryEmail moves the Docker account's email from was to now when
// the IdP changes the user's primary address, as Docker does: the org's
// member list then shows the new address. An account whose email is
// another address, or a new address that another account holds, is left
// alone.
func (s *store) followPrimaryEmail(username, was, now string) {
	a := s.accounts[username]
	if a == nil || was == "" || now == "" || strings.EqualFold(was, now) || !strings.EqualFold(a.Email, was) ||
		!strings.Contains(now, "@") || s.accountByEmail[se.Fold(now)] != nil {
		return
	}
	s.dirtyAccount(username)
	delete(s.accountByEmail, se.Fold(a.Email))
	a.Email = now
	s.accountByEmail[se.Fold(now)] = a
}

func sameUser(a, b *scimUser) bool {
	return a.ExternalID == b.ExternalID && a.UserName == b.UserName && a.Name == b.Name &&
		a.DisplayName == b.DisplayName && a.Active == b.Active && a.Role == b.Role && a.Org == b.Org &&
		a.Team == b.Team && slices.Equal(a.Emails, b.Emails) && reflect.DeepEqual(a.Extra, b.Extra)
}

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

// --- listing -------------------------------------------------------------------

type listParams struct {
	filter     string
	startIndex int
	count      int
	sortBy     string
	sortOrder  string
	attrs      []string
	excluded   []string
}

func listParamsFromQuery(r *http.Request) (*listParams, error) {
	q := r.URL.Query()
	p := &listParams{
		filter: q.Get("filter"), sortBy: q.Get("sortBy"), sortOrder: q.Get("sortOrder"),
		attrs: splitAttrs(q.Get("attributes")), excluded: splitAttrs(q.Get("excludedAttributes")),
	}
	var err error
	if p.startIndex, err = intParam(q.Get("startIndex"), 1, "startIndex"); err != nil {
		return nil, err
	}
	if p.count, err = intParam(q.Get("count"), defaultCount, "count"); err != nil {
		return nil, err
	}
	return p.clamp(), nil
}

func intParam(v string, def int, name string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, scimErr(http.StatusBadRequest, "invalidValue", "%s must be an integer, not %q", name, v)
	}
	return n, nil
}

// clamp applies RFC 7644 §3.4.2.4: startIndex below 1 reads as 1, a negative
// count as 0, and count is capped at maxResults.
func (p *listParams) clamp() *listParams {
	p.startIndex = max(p.startIndex, 1)
	p.count = min(max(p.count, 0), maxResults)
	return p
}

// listParamsFromSearch reads a POST .search body (RFC 7644 §3.4.3).
func listParamsFromSearch(body map[string]any) (*listParams, error) {
	p := &listParams{startIndex: 1, count: defaultCount}
	for k, v := range body {
		switch strings.ToLower(k) {
		case "filter":
			p.filter = str(v)
		case "sortby":
			p.sortBy = str(v)
		case "sortorder":
			p.sortOrder = str(v)
		case "startindex", "count":
			f, ok := v.(float64)
			if !ok {
				return nil, scimErr(http.StatusBadRequest, "invalidValue", "%s must be an integer", k)
			}
			if strings.EqualFold(k, "count") {
				p.count = int(f)
			} else {
				p.startIndex = int(f)
			}
		case "attributes", "excludedattributes":
			var l []string
			switch x := v.(type) {
			case string:
				l = splitAttrs(x)
			case []any:
				for _, e := range x {
					l = append(l, str(e))
				}
			}
			if strings.EqualFold(k, "attributes") {
				p.attrs = l
			} else {
				p.excluded = l
			}
		}
	}
	return p.clamp(), nil
}

// listable is a stored resource a list can render.
type listable interface{ comparable }

// list runs a SCIM list over items: index candidates (already narrowed by the
// caller) or everything, filtered, sorted and paged. render builds a
// resource. The caller holds a read lock.
func list[T listable](rt *se.ResourceType, p *listParams, f *se.Filter, items []T, render func(T) se.Resource, id func(T) string) (map[string]any, error) {
	type entry struct {
		item T
		res  se.Resource
	}
	var matched []entry
	if f != nil {
		for _, it := range items {
			res := render(it)
			if f.Match(res) {
				matched = append(matched, entry{it, res})
			}
		}
	} else {
		if p.sortBy == "" {
			// Fast path: page straight out of the insertion order.
			total := len(items)
			lo := min(p.startIndex-1, total)
			hi := min(lo+p.count, total)
			out := make([]any, 0, hi-lo)
			for _, it := range items[lo:hi] {
				res, err := projectList(rt, render(it), p)
				if err != nil {
					return nil, err
				}
				out = append(out, res)
			}
			return listResponse(total, p.startIndex, out), nil
		}
		matched = make([]entry, len(items))
		for i, it := range items {
			matched[i] = entry{it, render(it)}
		}
	}
	if p.sortBy != "" {
		cmp, err := se.Comparator(rt, p.sortBy, p.sortOrder)
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(matched, func(a, b entry) int {
			if c := cmp(a.res, b.res); c != 0 {
				return c
			}
			return strings.Compare(id(a.item), id(b.item))
		})
	}
	total := len(matched)
	lo := min(p.startIndex-1, total)
	hi := min(lo+p.count, total)
	out := make([]any, 0, hi-lo)
	for _, e := range matched[lo:hi] {
		res, err := projectList(rt, e.res, p)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return listResponse(total, p.startIndex, out), nil
}

func projectList(rt *se.ResourceType, res se.Resource, p *listParams) (se.Resource, error) {
	if len(p.attrs) == 0 && len(p.excluded) == 0 {
		return res, nil
	}
	return se.Project(rt, res, p.attrs, p.excluded)
}

func checkSortOrder(p *listParams) error {
	switch strings.ToLower(p.sortOrder) {
	case "", "ascending", "descending":
		return nil
	}
	return scimErr(http.StatusBadRequest, "invalidValue", "sortOrder must be ascending or descending, not %q", p.sortOrder)
}

// userCandidates narrows a filter to an index lookup when it is an equality
// on userName, id, externalId or displayName.
func userCandidates(c *connection, f *se.Filter) []*scimUser {
	if f != nil {
		if attr, val, ok := f.Equality(); ok {
			switch strings.ToLower(attr) {
			case "username":
				if u := c.userByName[se.Fold(val)]; u != nil {
					return []*scimUser{u}
				}
				return nil
			case "id":
				if u := c.users[val]; u != nil {
					return []*scimUser{u}
				}
				return nil
			case "externalid":
				return sortedBySeq(c.userByExt[val])
			case "displayname":
				return sortedBySeq(c.userByDisplay[strings.ToLower(val)])
			}
		}
	}
	return c.userOrder
}

func sortedBySeq[T interface{ seqOf() uint64 }](l []T) []T {
	l = slices.Clone(l)
	slices.SortFunc(l, func(a, b T) int { return cmpU64(a.seqOf(), b.seqOf()) })
	return l
}
