package mockhub

import (
	"net/http"
	"net/mail"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

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
