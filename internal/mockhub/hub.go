package mockhub

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

// accessTokenTTL is how long a management API access token lives.
const accessTokenTTL = 10 * time.Minute

// accessTokens are the management API's bearer tokens. They live outside the
// store, so /_mock/reset does not log clients out.
type accessTokens struct {
	mu     sync.Mutex
	key    []byte // signs the JWTs; random per Server
	tokens map[string]accessToken
}

type accessToken struct {
	who     principal
	expires time.Time
}

// principal is who an access token speaks for: a Docker account (signed in
// with a password or personal access token) or an organization (signed in
// with one of its organization access tokens).
type principal struct {
	user string // Docker ID, for an account
	org  string // organization name, for an organization access token
	oat  string // that token's id
}

func (p principal) String() string {
	if p.org != "" {
		return "the organization access token of " + strconv.Quote(p.org)
	}
	return p.user
}

// refusal is the 403 message for p on the named org or company.
func (p principal) refusal(kind, name string) string {
	if p.org != "" {
		return fmt.Sprintf("%s reaches only organization %q, not %s %q", p, p.org, kind, name)
	}
	return fmt.Sprintf("%s is not an owner of %s %q", p.user, kind, name)
}

// mayManage reports whether p may call the management API of org o: an
// owner of it (or of its company), or one of its organization access
// tokens.
func (s *store) mayManage(p principal, o string) bool {
	if p.org != "" {
		return p.org == o
	}
	return s.isOrgOwner(p.user, o)
}

func randomToken(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// issue returns a new access token for who: a JWT (HS256, signed with a key
// of this Server) whose sub is the Docker ID or the organization name and
// whose exp is accessTokenTTL away. The server still looks tokens up by
// value, so one it did not issue is unknown whatever its signature.
func (a *accessTokens) issue(who principal, now time.Time) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tokens == nil {
		a.tokens = map[string]accessToken{}
		a.key = make([]byte, 32)
		rand.Read(a.key)
	}
	for k, t := range a.tokens {
		if now.After(t.expires) {
			delete(a.tokens, k)
		}
	}
	expires := now.Add(accessTokenTTL)
	claims := map[string]any{"iss": "mockhub", "iat": now.Unix(), "exp": expires.Unix(), "jti": randomToken("")}
	if who.org != "" {
		claims["sub"], claims["org_name"], claims["token_type"] = who.org, who.org, "oat"
	} else {
		claims["sub"], claims["username"] = who.user, who.user
	}
	tok := signJWT(a.key, claims)
	a.tokens[tok] = accessToken{who: who, expires: expires}
	return tok
}

func signJWT(key []byte, claims map[string]any) string {
	enc := base64.RawURLEncoding
	payload, _ := json.Marshal(claims)
	unsigned := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(unsigned))
	return unsigned + "." + enc.EncodeToString(mac.Sum(nil))
}

// lookup returns the token's principal; expired reports a known but expired token.
func (a *accessTokens) lookup(tok string, now time.Time) (who principal, expired bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.tokens[tok]
	if !ok {
		return principal{}, false
	}
	if !now.Before(t.expires) {
		return principal{}, true
	}
	return t.who, false
}

// hubBody decodes a JSON body into v, answering 413 or 400 on failure.
func hubBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, status, msg := readBody(w, r)
	if status != 0 {
		writeHubError(w, status, msg)
		return false
	}
	if !utf8.Valid(b) {
		writeHubError(w, http.StatusBadRequest, "request body is not valid UTF-8")
		return false
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil {
		writeHubError(w, http.StatusBadRequest, "request body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

// authenticate checks an identifier (username or email) and secret (password
// or personal access token) in constant time.
func (s *Server) authenticate(identifier, secret string) (string, bool) {
	st := s.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	id := strings.ToLower(strings.TrimSpace(identifier))
	a := st.accounts[id]
	if a == nil {
		a = st.accountByEmail[se.Fold(strings.TrimSpace(identifier))]
	}
	if a == nil || a.Password == "" || secret == "" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(a.Password), []byte(secret)) != 1 {
		return "", false
	}
	return a.Username, true
}

func (s *Server) hubAuthToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Identifier string `json:"identifier"`
		Secret     string `json:"secret"`
	}
	if !hubBody(w, r, &body) {
		return
	}
	who := principal{}
	if u, ok := s.authenticate(body.Identifier, body.Secret); ok {
		who.user = u
	} else if p, ok := s.authenticateOAT(body.Identifier, body.Secret); ok {
		who = p
	} else {
		writeHubError(w, http.StatusUnauthorized, "incorrect identifier or secret")
		return
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"access_token": s.tokens.issue(who, s.now())})
}

// hubLogin is Hub's older POST /v2/users/login.
func (s *Server) hubLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !hubBody(w, r, &body) {
		return
	}
	u, ok := s.authenticate(body.Username, body.Password)
	if !ok {
		writeHubError(w, http.StatusUnauthorized, "incorrect username or password")
		return
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"token": s.tokens.issue(principal{user: u}, s.now())})
}

// signedIn is the management API's authentication, around every handler
// but sign-in: h runs for the principal the bearer token speaks for, and
// a request without a valid one is answered 401.
func (s *Server) signedIn(h func(w http.ResponseWriter, r *http.Request, who principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if who, ok := s.hubUser(w, r); ok {
			h(w, r, who)
		}
	}
}

// hubUser authenticates a management request, answering 401 on failure.
func (s *Server) hubUser(w http.ResponseWriter, r *http.Request) (principal, bool) {
	tok := bearerToken(r)
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mockhub"`)
		writeHubError(w, http.StatusUnauthorized, "authentication required: send Authorization: Bearer <access token from POST /v2/auth/token>")
		return principal{}, false
	}
	who, expired := s.tokens.lookup(tok, s.now())
	revoked := s.oatRevoked(who)
	if who == (principal{}) || revoked {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mockhub"`)
		msg := "unknown access token"
		switch {
		case expired:
			msg = "access token expired: get a new one from POST /v2/auth/token"
		case revoked:
			msg = "the organization access token this access token was issued for is deleted, inactive or expired"
		}
		writeHubError(w, http.StatusUnauthorized, msg)
		return principal{}, false
	}
	return who, true
}

// hubOrg resolves {org} for an owner; the caller holds the store lock.
func (s *Server) hubOrg(w http.ResponseWriter, r *http.Request, who principal) *org {
	return s.hubOrgNamed(w, r.PathValue("org"), who)
}

// rlockOrg takes the store's read lock and resolves the path's org as
// hubOrg does. It returns with the lock held, or nil, the answer written
// and the lock released.
func (s *Server) rlockOrg(w http.ResponseWriter, r *http.Request, who principal) *org {
	s.st.mu.RLock()
	og := s.hubOrg(w, r, who)
	if og == nil {
		s.st.mu.RUnlock()
	}
	return og
}

// lockOrg is rlockOrg with the store's write lock.
func (s *Server) lockOrg(w http.ResponseWriter, r *http.Request, who principal) *org {
	s.st.mu.Lock()
	og := s.hubOrg(w, r, who)
	if og == nil {
		s.st.mu.Unlock()
	}
	return og
}

// hubOrgNamed resolves the org called name for an owner (or the org's
// access token), answering 404 or 403 otherwise; the caller holds the
// store lock.
func (s *Server) hubOrgNamed(w http.ResponseWriter, name string, who principal) *org {
	og := s.st.orgs[strings.ToLower(name)]
	if og == nil {
		writeHubError(w, http.StatusNotFound, fmt.Sprintf("organization %q not found", name))
		return nil
	}
	if !s.st.mayManage(who, og.Name) {
		writeHubError(w, http.StatusForbidden, who.refusal("organization", og.Name))
		return nil
	}
	return og
}

// pageParams reads page and page_size (default 25).
func pageParams(r *http.Request) (page, size int, err error) { return pageParamsDefault(r, 25) }

// pageParamsDefault reads page and page_size (default def, at most 100).
func pageParamsDefault(r *http.Request, def int) (page, size int, err error) {
	q := r.URL.Query()
	page, size = 1, def
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return 0, 0, fmt.Errorf("page must be a positive integer, not %q", v)
		}
	}
	if v := q.Get("page_size"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			return 0, 0, fmt.Errorf("page_size must be a positive integer, not %q", v)
		}
	}
	return page, min(size, 100), nil
}

// paginate answers {count, next, previous, results} with absolute links.
func paginate(w http.ResponseWriter, r *http.Request, page, size int, all []any) {
	paginateAs(w, r, page, size, all, "count")
}

// paginateAs is paginate with the total under countKey ("total" for
// organization access tokens, as published).
func paginateAs(w http.ResponseWriter, r *http.Request, page, size int, all []any, countKey string) {
	total := len(all)
	lo := min((page-1)*size, total)
	hi := min(lo+size, total)
	link := func(p int) any {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("page_size", strconv.Itoa(size))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		return baseURL(r) + u.String()
	}
	var next, prev any
	if hi < total {
		next = link(page + 1)
	}
	if page > 1 {
		prev = link(min(page-1, max(1, (total+size-1)/size)))
	}
	results := all[lo:hi]
	if results == nil {
		results = []any{}
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{countKey: total, "next": next, "previous": prev, "results": results})
}

func (s *Server) hubListMembers(w http.ResponseWriter, r *http.Request, who principal) {
	page, size, err := pageParams(r)
	if err != nil {
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	q := r.URL.Query()
	search, role := strings.ToLower(q.Get("search")), strings.ToLower(q.Get("role"))
	if role != "" && !validRole(role) {
		writeHubError(w, http.StatusBadRequest, fmt.Sprintf("role must be member, editor or owner, not %q", q.Get("role")))
		return
	}
	// type (all, invitee, member) and invites (true) say whether pending
	// invites and members are listed.
	kind := strings.ToLower(q.Get("type"))
	if kind != "" && kind != "all" && kind != "invitee" && kind != "member" {
		writeHubError(w, http.StatusBadRequest, fmt.Sprintf("type must be all, invitee or member, not %q", q.Get("type")))
		return
	}
	withInvites := kind == "invitee" || strings.EqualFold(q.Get("invites"), "true") && kind != "member"
	withMembers := kind != "invitee"
	st := s.st
	og := s.rlockOrg(w, r, who)
	if og == nil {
		return
	}
	teamsOf := map[string][]string{}
	for _, k := range sortedKeys(og.teams) {
		t := og.teams[k]
		for m := range t.members {
			teamsOf[m] = append(teamsOf[m], t.Name)
		}
	}
	var all []any
	for _, name := range sortedKeys(og.members) {
		m := og.members[name]
		a := st.accounts[name]
		if !withMembers || a == nil || role != "" && m.Role != role {
			continue
		}
		if search != "" && !strings.Contains(a.Username, search) && !strings.Contains(strings.ToLower(a.FullName), search) &&
			!strings.Contains(strings.ToLower(a.Email), search) {
			continue
		}
		groups := teamsOf[name]
		if groups == nil {
			groups = []string{}
		}
		all = append(all, map[string]any{
			"id": a.ID, "username": a.Username, "full_name": a.FullName, "email": a.Email,
			"role": s.dialect.memberRole(m.Role), "groups": groups, "type": s.dialect.memberType, "date_joined": m.Joined.UTC().Format(time.RFC3339),
		})
	}
	if withInvites && role == "" {
		for _, m := range s.inviteeMembers(og) {
			mm := m.(map[string]any)
			if search == "" || strings.Contains(strings.ToLower(mm["username"].(string)+" "+mm["email"].(string)), search) {
				all = append(all, m)
			}
		}
	}
	st.mu.RUnlock()
	paginate(w, r, page, size, all)
}

func (s *Server) hubUpdateMember(w http.ResponseWriter, r *http.Request, who principal) {
	var body struct {
		Role string `json:"role"`
	}
	if !hubBody(w, r, &body) {
		return
	}
	role := strings.ToLower(body.Role)
	if !validRole(role) {
		writeHubError(w, http.StatusBadRequest, fmt.Sprintf("role must be member, editor or owner, not %q", body.Role))
		return
	}
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	og := s.hubOrg(w, r, who)
	if og == nil {
		return
	}
	name := strings.ToLower(r.PathValue("username"))
	m := og.members[name]
	if m == nil {
		writeHubError(w, http.StatusNotFound, fmt.Sprintf("%q is not a member of organization %q", r.PathValue("username"), og.Name))
		return
	}
	m.Role = role
	st.dirtyAccount(name)
	s.persist(r)
	a := st.accounts[name]
	writeJSON(w, http.StatusOK, "application/json", map[string]any{
		"id": a.ID, "username": a.Username, "full_name": a.FullName, "email": a.Email, "role": s.dialect.memberRole(m.Role), "type": s.dialect.memberType,
		"date_joined": m.Joined.UTC().Format(time.RFC3339),
	})
}

func (s *Server) hubRemoveMember(w http.ResponseWriter, r *http.Request, who principal) {
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	og := s.hubOrg(w, r, who)
	if og == nil {
		return
	}
	name := strings.ToLower(r.PathValue("username"))
	if m := og.members[name]; m != nil && m.Role == "owner" && og.ownerCount() == 1 {
		writeHubError(w, http.StatusBadRequest, fmt.Sprintf("%q is the last owner of organization %q: make another member owner first", r.PathValue("username"), og.Name))
		return
	}
	if !st.removeOrgMember(og, name) {
		writeHubError(w, http.StatusNotFound, fmt.Sprintf("%q is not a member of organization %q", r.PathValue("username"), og.Name))
		return
	}
	s.persist(r)
	w.WriteHeader(http.StatusNoContent)
}

func teamJSON(t *team) map[string]any {
	return map[string]any{"id": t.ID, "uuid": t.UUID, "name": t.Name, "description": t.Description, "member_count": len(t.members)}
}

func (s *Server) hubListTeams(w http.ResponseWriter, r *http.Request, who principal) {
	page, size, err := pageParams(r)
	if err != nil {
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	st := s.st
	og := s.rlockOrg(w, r, who)
	if og == nil {
		return
	}
	// search: a substring of the name; username: the teams that member is on.
	search, username := strings.ToLower(r.URL.Query().Get("search")), strings.ToLower(r.URL.Query().Get("username"))
	var all []any
	for _, k := range sortedKeys(og.teams) {
		t := og.teams[k]
		if _, in := t.members[username]; username != "" && !in || !strings.Contains(k, search) {
			continue
		}
		all = append(all, teamJSON(t))
	}
	st.mu.RUnlock()
	paginate(w, r, page, size, all)
}

// hubTeam resolves {org} and {team}; the caller holds the store lock.
func (s *Server) hubTeam(w http.ResponseWriter, r *http.Request, who principal) *team {
	og := s.hubOrg(w, r, who)
	if og == nil {
		return nil
	}
	t := og.teams[strings.ToLower(r.PathValue("team"))]
	if t == nil {
		writeHubError(w, http.StatusNotFound, fmt.Sprintf("team %q not found in organization %q", r.PathValue("team"), og.Name))
	}
	return t
}

func (s *Server) hubGetTeam(w http.ResponseWriter, r *http.Request, who principal) {
	hubGet(s, w, r, who, s.hubTeam, teamJSON)
}

func (s *Server) hubListTeamMembers(w http.ResponseWriter, r *http.Request, who principal) {
	page, size, err := pageParams(r)
	if err != nil {
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	st := s.st
	st.mu.RLock()
	t := s.hubTeam(w, r, who)
	if t == nil {
		st.mu.RUnlock()
		return
	}
	// search: a substring of the username, full name or email.
	search := strings.ToLower(r.URL.Query().Get("search"))
	var all []any
	for _, name := range sortedKeys(t.members) {
		a := st.accounts[name]
		if a == nil || !strings.Contains(strings.ToLower(a.Username+"\x00"+a.FullName+"\x00"+a.Email), search) {
			continue
		}
		all = append(all, map[string]any{"id": a.ID, "username": a.Username, "full_name": a.FullName, "email": a.Email})
	}
	st.mu.RUnlock()
	paginate(w, r, page, size, all)
}

// --- SSO connections and SCIM administration (mockhub's own design) -----------

// hubScope resolves {org} or {company} for an owner and returns a predicate
// for the connections on it; the caller holds the store lock.
func (s *Server) hubScope(w http.ResponseWriter, r *http.Request, who principal) (string, func(*connection) bool, bool) {
	st := s.st
	if o := r.PathValue("org"); o != "" {
		og := s.hubOrg(w, r, who)
		if og == nil {
			return "", nil, false
		}
		return "organization " + strconv.Quote(og.Name), func(c *connection) bool { return c.Org == og.Name }, true
	}
	name := strings.ToLower(r.PathValue("company"))
	if st.companies[name] == nil {
		writeHubError(w, http.StatusNotFound, fmt.Sprintf("company %q not found", r.PathValue("company")))
		return "", nil, false
	}
	if who.org != "" || !st.isCompanyOwner(who.user, name) {
		writeHubError(w, http.StatusForbidden, who.refusal("company", name))
		return "", nil, false
	}
	return "company " + strconv.Quote(name), func(c *connection) bool { return c.Company == name }, true
}

func (s *Server) hubConnection(w http.ResponseWriter, r *http.Request, who principal) *connection {
	where, on, ok := s.hubScope(w, r, who)
	if !ok {
		return nil
	}
	c := s.st.conns[strings.ToLower(r.PathValue("id"))]
	if c == nil || !on(c) {
		writeHubError(w, http.StatusNotFound, fmt.Sprintf("SSO connection %q not found in %s", r.PathValue("id"), where))
		return nil
	}
	return c
}

func connectionJSON(c *connection) map[string]any {
	m := map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "domains": slices.Clone(c.Domains), "scim_enabled": c.SCIMEnabled}
	if m["domains"] == nil {
		m["domains"] = []string{}
	}
	if c.Org != "" {
		m["org_name"] = c.Org
	}
	if c.Company != "" {
		m["company_name"] = c.Company
	}
	return m
}

func (s *Server) hubListConnections(w http.ResponseWriter, r *http.Request, who principal) {
	st := s.st
	st.mu.RLock()
	_, on, ok := s.hubScope(w, r, who)
	if !ok {
		st.mu.RUnlock()
		return
	}
	results := []any{}
	for _, c := range st.connOrder {
		if on(c) {
			results = append(results, connectionJSON(c))
		}
	}
	st.mu.RUnlock()
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"count": len(results), "results": results})
}

func (s *Server) hubGetConnection(w http.ResponseWriter, r *http.Request, who principal) {
	hubGet(s, w, r, who, s.hubConnection, connectionJSON)
}

func (s *Server) hubGetSCIM(w http.ResponseWriter, r *http.Request, who principal) {
	hubGet(s, w, r, who, s.hubConnection, func(c *connection) map[string]any {
		out := map[string]any{"enabled": c.SCIMEnabled, "base_url": ""}
		if c.SCIMEnabled {
			out["base_url"] = scimBaseURL(r)
		}
		return out
	})
}

// hubGet answers a GET with what render makes of the object that find
// locates for the signed-in user, under the read lock. find writes the 403
// or 404 itself when there is nothing to render.
func hubGet[T any](s *Server, w http.ResponseWriter, r *http.Request, who principal,
	find func(w http.ResponseWriter, r *http.Request, who principal) *T, render func(*T) map[string]any,
) {
	st := s.st
	st.mu.RLock()
	var out map[string]any
	if v := find(w, r, who); v != nil {
		out = render(v)
	}
	st.mu.RUnlock()
	if out != nil {
		writeJSON(w, http.StatusOK, "application/json", out)
	}
}

// scimAdmin runs an enable, rotate or disable under the write lock.
func (s *Server) scimAdmin(w http.ResponseWriter, r *http.Request, who principal, fn func(st *store, c *connection) (int, any)) {
	st := s.st
	st.mu.Lock()
	c := s.hubConnection(w, r, who)
	if c == nil {
		st.mu.Unlock()
		return
	}
	status, out := fn(st, c)
	if status < 300 {
		s.persist(r)
	}
	st.mu.Unlock()
	switch v := out.(type) {
	case string:
		writeHubError(w, status, v)
	case nil:
		w.WriteHeader(status)
	default:
		writeJSON(w, status, "application/json", v)
	}
}

func (s *Server) hubEnableSCIM(w http.ResponseWriter, r *http.Request, who principal) {
	s.scimAdmin(w, r, who, func(st *store, c *connection) (int, any) {
		if c.SCIMEnabled {
			return http.StatusConflict, fmt.Sprintf("SCIM is already enabled on SSO connection %s; rotate the token with POST .../scim/token", c.ID)
		}
		tok := randomToken("dckr_scim_")
		st.setSCIMToken(c, tok)
		s.log.Info("SCIM enabled", "connection", c.ID)
		return http.StatusCreated, map[string]any{"enabled": true, "base_url": scimBaseURL(r), "token": tok}
	})
}

func (s *Server) hubRotateSCIM(w http.ResponseWriter, r *http.Request, who principal) {
	s.scimAdmin(w, r, who, func(st *store, c *connection) (int, any) {
		if !c.SCIMEnabled {
			return http.StatusConflict, fmt.Sprintf("SCIM is not enabled on SSO connection %s", c.ID)
		}
		tok := randomToken("dckr_scim_")
		st.setSCIMToken(c, tok)
		s.log.Info("SCIM token rotated", "connection", c.ID)
		return http.StatusOK, map[string]any{"enabled": true, "base_url": scimBaseURL(r), "token": tok}
	})
}

func (s *Server) hubDisableSCIM(w http.ResponseWriter, r *http.Request, who principal) {
	s.scimAdmin(w, r, who, func(st *store, c *connection) (int, any) {
		if !c.SCIMEnabled {
			return http.StatusConflict, fmt.Sprintf("SCIM is already disabled on SSO connection %s", c.ID)
		}
		st.revokeSCIM(c)
		s.log.Info("SCIM disabled", "connection", c.ID)
		return http.StatusNoContent, nil
	})
}
