package mockhub

// Organization access tokens (OATs), as Docker publishes them:
// GET and POST /v2/orgs/{org}/access-tokens, GET, PATCH and DELETE
// /v2/orgs/{org}/access-tokens/{id}, and POST /v2/auth/token with the
// organization's name as identifier and the token as secret.
//
// An OAT signs in as its organization: the access token it yields reaches
// that organization's management API (members, teams, its SSO connections
// and their SCIM settings) and nothing else, not its company's. Its
// resources and scopes are kept and returned but not enforced. Only an
// owner signed in as a Docker account manages OATs; an OAT cannot. mockhub
// keeps the token's SHA-256 only; the token itself is in the creation
// answer and nowhere else. OATs are not written to -state.

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// orgToken is an organization access token.
type orgToken struct {
	ID          string
	Org         string
	Label       string
	Description string
	CreatedBy   string
	Hash        tokenHash
	Active      bool
	Created     time.Time
	Expires     *time.Time
	LastUsed    *time.Time
	Resources   []oatResource
}

type oatResource struct {
	Type   string   `json:"type"`
	Path   string   `json:"path"`
	Scopes []string `json:"scopes"`
}

// oatBody is a create or update body; nil means absent.
type oatBody struct {
	Label       *string        `json:"label"`
	Description *string        `json:"description"`
	Resources   *[]oatResource `json:"resources"`
	ExpiresAt   *string        `json:"expires_at"`
	IsActive    *bool          `json:"is_active"`
}

// check validates b against now; create says whether label is required.
func (b *oatBody) check(now time.Time, create bool) (*time.Time, error) {
	if b.Label != nil && (strings.TrimSpace(*b.Label) == "" || len(*b.Label) > 100) {
		return nil, fmt.Errorf("label must be 1 to 100 characters")
	}
	if create && b.Label == nil {
		return nil, fmt.Errorf("label is required")
	}
	if b.Resources != nil {
		for i, res := range *b.Resources {
			if res.Type != "TYPE_REPO" && res.Type != "TYPE_ORG" {
				return nil, fmt.Errorf("resources[%d].type must be TYPE_REPO or TYPE_ORG, not %q", i, res.Type)
			}
			if res.Path == "" || len(res.Scopes) == 0 {
				return nil, fmt.Errorf("resources[%d] needs a path and at least one scope", i)
			}
		}
	}
	if b.ExpiresAt == nil || *b.ExpiresAt == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, *b.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("expires_at must be an RFC 3339 date-time, not %q", *b.ExpiresAt)
	}
	if !t.After(now) {
		return nil, fmt.Errorf("expires_at %s is not in the future", *b.ExpiresAt)
	}
	return &t, nil
}

func (t *orgToken) json(withResources bool) map[string]any {
	m := map[string]any{
		"id": t.ID, "label": t.Label, "description": t.Description, "created_by": t.CreatedBy,
		"is_active": t.Active, "created_at": t.Created.UTC().Format(time.RFC3339),
		"expires_at": nil, "last_used_at": nil,
	}
	if t.Expires != nil {
		m["expires_at"] = t.Expires.UTC().Format(time.RFC3339)
	}
	if t.LastUsed != nil {
		m["last_used_at"] = t.LastUsed.UTC().Format(time.RFC3339)
	}
	if withResources {
		res := slices.Clone(t.Resources)
		if res == nil {
			res = []oatResource{}
		}
		m["resources"] = res
	}
	return m
}

// usable reports whether t may sign in at now.
func (t *orgToken) usable(now time.Time) bool {
	return t.Active && (t.Expires == nil || now.Before(*t.Expires))
}

// authenticateOAT checks an organization name and one of its tokens, in
// constant time over that organization's tokens, and records the use.
func (s *Server) authenticateOAT(identifier, secret string) (principal, bool) {
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	name := strings.ToLower(strings.TrimSpace(identifier))
	if st.orgs[name] == nil || secret == "" {
		return principal{}, false
	}
	h := hashToken(secret)
	var found *orgToken
	for _, t := range st.oats {
		if t.Org == name && subtle.ConstantTimeCompare(t.Hash[:], h[:]) == 1 {
			found = t
		}
	}
	now := s.now()
	if found == nil || !found.usable(now) {
		return principal{}, false
	}
	used := now.UTC()
	found.LastUsed = &used
	return principal{org: name, oat: found.ID}, true
}

// oatOwner authenticates an OAT management call: an owner of {org} signed in
// as a Docker account. The caller holds the store lock.
func (s *Server) oatOwner(w http.ResponseWriter, r *http.Request, who principal) *org {
	if who.org != "" {
		writeHubError(w, http.StatusForbidden, "an organization access token cannot manage organization access tokens: sign in as an owner")
		return nil
	}
	return s.hubOrg(w, r, who)
}

// orgTokensOf lists an org's tokens, oldest first.
func (s *store) orgTokensOf(o string) []*orgToken {
	var out []*orgToken
	for _, t := range s.oats {
		if t.Org == o {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *orgToken) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (s *Server) hubCreateOAT(w http.ResponseWriter, r *http.Request, who principal) {
	var body oatBody
	if !hubBody(w, r, &body) {
		return
	}
	now := s.now()
	expires, err := body.check(now, true)
	if err != nil {
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	st := s.st
	st.mu.Lock()
	og := s.oatOwner(w, r, who)
	if og == nil {
		st.mu.Unlock()
		return
	}
	secret := randomToken("dckr_oat_")
	t := &orgToken{
		ID: uuid.NewString(), Org: og.Name, Label: strings.TrimSpace(*body.Label), CreatedBy: who.user,
		Hash: hashToken(secret), Active: true, Created: now.UTC(), Expires: expires,
	}
	if body.Description != nil {
		t.Description = *body.Description
	}
	if body.Resources != nil {
		t.Resources = slices.Clone(*body.Resources)
	}
	st.oats[t.ID] = t
	out := t.json(true)
	st.mu.Unlock()
	out["token"] = secret
	s.log.Info("organization access token created", "org", t.Org, "id", t.ID)
	writeJSON(w, http.StatusCreated, "application/json", out)
}

func (s *Server) hubListOATs(w http.ResponseWriter, r *http.Request, who principal) {
	page, size, err := pageParamsDefault(r, 10)
	if err != nil {
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	st := s.st
	st.mu.RLock()
	og := s.oatOwner(w, r, who)
	if og == nil {
		st.mu.RUnlock()
		return
	}
	var all []any
	for _, t := range st.orgTokensOf(og.Name) {
		all = append(all, t.json(false))
	}
	st.mu.RUnlock()
	paginateAs(w, r, page, size, all, "total")
}

// oatByID resolves {id} within {org}; the caller holds the store lock.
func (s *Server) oatByID(w http.ResponseWriter, r *http.Request, who principal) *orgToken {
	og := s.oatOwner(w, r, who)
	if og == nil {
		return nil
	}
	t := s.st.oats[r.PathValue("id")]
	if t == nil || t.Org != og.Name {
		writeHubError(w, http.StatusNotFound, fmt.Sprintf("organization access token %q not found in organization %q", r.PathValue("id"), og.Name))
		return nil
	}
	return t
}

func (s *Server) hubGetOAT(w http.ResponseWriter, r *http.Request, who principal) {
	hubGet(s, w, r, who, s.oatByID, func(t *orgToken) map[string]any { return t.json(true) })
}

func (s *Server) hubUpdateOAT(w http.ResponseWriter, r *http.Request, who principal) {
	var body oatBody
	if !hubBody(w, r, &body) {
		return
	}
	if body.ExpiresAt != nil {
		writeHubError(w, http.StatusBadRequest, "expires_at cannot be changed; create a new token")
		return
	}
	if _, err := body.check(s.now(), false); err != nil {
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	st := s.st
	st.mu.Lock()
	t := s.oatByID(w, r, who)
	if t == nil {
		st.mu.Unlock()
		return
	}
	if body.Label != nil {
		t.Label = strings.TrimSpace(*body.Label)
	}
	if body.Description != nil {
		t.Description = *body.Description
	}
	if body.Resources != nil {
		t.Resources = slices.Clone(*body.Resources)
	}
	if body.IsActive != nil {
		t.Active = *body.IsActive
	}
	out := t.json(true)
	st.mu.Unlock()
	writeJSON(w, http.StatusOK, "application/json", out)
}

func (s *Server) hubDeleteOAT(w http.ResponseWriter, r *http.Request, who principal) {
	st := s.st
	st.mu.Lock()
	t := s.oatByID(w, r, who)
	if t != nil {
		delete(st.oats, t.ID)
	}
	st.mu.Unlock()
	if t != nil {
		s.log.Info("organization access token deleted", "org", t.Org, "id", t.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}

// oatRevoked reports whether the OAT behind who was deleted, deactivated or
// has expired since it signed in: its access tokens then stop working.
func (s *Server) oatRevoked(who principal) bool {
	if who.oat == "" {
		return false
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	t := s.st.oats[who.oat]
	return t == nil || !t.usable(s.now())
}
