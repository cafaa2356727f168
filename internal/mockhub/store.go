package mockhub

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"

	"github.com/google/uuid"
)

// accountNamespace makes seeded account ids stable across restarts.
var accountNamespace = uuid.MustParse("0b7e2c1a-6d55-4a4e-9f0b-6d6f636b6875")

// account is a Docker account (a Docker ID).
type account struct {
	ID         string    `json:"id"`
	Username   string    `json:"username"`
	Email      string    `json:"email"`
	FullName   string    `json:"full_name,omitempty"`
	Password   string    `json:"password,omitempty"`
	DateJoined time.Time `json:"date_joined"`
}

// membership is an account's membership of an org.
type membership struct {
	Role   string    `json:"role"`
	Joined time.Time `json:"joined"`
}

// team is a team of an org (Hub's API calls it a group).
type team struct {
	ID          int
	UUID        string
	Name        string
	Description string
	Created     time.Time
	members     map[string]struct{} // usernames
}

type org struct {
	Name    string
	Company string // company key, "" when the org is on its own
	members map[string]*membership
	teams   map[string]*team // by lowercased name
}

type company struct {
	Name   string   `json:"name"`
	Owners []string `json:"owners"`
	Orgs   []string `json:"orgs"`
}

type tokenHash = [32]byte

func hashToken(t string) tokenHash { return sha256.Sum256([]byte(t)) }

// connection is an SSO connection, with its own SCIM namespace of users and
// groups.
type connection struct {
	ID          string
	Name        string
	Type        string
	Domains     []string
	Org         string
	Company     string
	SCIMEnabled bool
	tokens      []tokenHash
	knownTokens []string // plaintext tokens given at start (seed or -scim-token), for Info

	users         map[string]*scimUser
	userByName    map[string]*scimUser   // userName in se.Fold form
	userByExt     map[string][]*scimUser // externalId (case-exact)
	userByDisplay map[string][]*scimUser // lowercased displayName
	userOrder     []*scimUser            // by seq

	groups      map[string]*scimGroup
	groupByName map[string]*scimGroup   // lowercased displayName
	groupByExt  map[string][]*scimGroup // externalId
	groupOrder  []*scimGroup            // by seq
}

func newConnection() *connection {
	return &connection{
		users:         map[string]*scimUser{},
		userByName:    map[string]*scimUser{},
		userByExt:     map[string][]*scimUser{},
		userByDisplay: map[string][]*scimUser{},
		groups:        map[string]*scimGroup{},
		groupByName:   map[string]*scimGroup{},
		groupByExt:    map[string][]*scimGroup{},
	}
}

// hasToken reports whether t is one of the connection's SCIM tokens.
func (c *connection) hasToken(h tokenHash) bool {
	ok := 0
	for _, t := range c.tokens {
		ok |= subtle.ConstantTimeCompare(t[:], h[:])
	}
	return ok == 1
}

type userNameParts struct {
	GivenName       string `json:"givenName,omitempty"`
	FamilyName      string `json:"familyName,omitempty"`
	MiddleName      string `json:"middleName,omitempty"`
	Formatted       string `json:"formatted,omitempty"`
	HonorificPrefix string `json:"honorificPrefix,omitempty"`
	HonorificSuffix string `json:"honorificSuffix,omitempty"`
}

func (n userNameParts) empty() bool { return n == userNameParts{} }

type scimEmail struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Display string `json:"display,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// scimUser is a SCIM user of one connection, linked to a Docker account.
type scimUser struct {
	Seq         uint64         `json:"seq"`
	ID          string         `json:"id"`
	ExternalID  string         `json:"externalId,omitempty"`
	UserName    string         `json:"userName"`
	Name        userNameParts  `json:"name"`
	DisplayName string         `json:"displayName"`
	Active      bool           `json:"active"`
	Emails      []scimEmail    `json:"emails,omitempty"`
	Role        string         `json:"dockerRole"`
	Org         string         `json:"dockerOrg,omitempty"`
	Team        string         `json:"dockerTeam,omitempty"`
	Account     string         `json:"account"`
	Created     time.Time      `json:"created"`
	Modified    time.Time      `json:"lastModified"`
	Version     uint64         `json:"version"`
	Extra       map[string]any `json:"extra,omitempty"`

	groups []*scimGroup
	conn   *connection
}

// scimGroup is a SCIM group of one connection: team Team of org Org.
type scimGroup struct {
	Seq         uint64         `json:"seq"`
	ID          string         `json:"id"`
	ExternalID  string         `json:"externalId,omitempty"`
	DisplayName string         `json:"displayName"`
	Org         string         `json:"org"`
	Team        string         `json:"team"`
	Members     []string       `json:"members,omitempty"` // user ids, in the order added
	Created     time.Time      `json:"created"`
	Modified    time.Time      `json:"lastModified"`
	Version     uint64         `json:"version"`
	Extra       map[string]any `json:"extra,omitempty"`

	memberSet map[string]struct{}
	conn      *connection
}

// orgRole and teamRef record what SCIM applied to an account, so that a later
// change removes exactly that.
type orgRole struct {
	Org  string `json:"org"`
	Role string `json:"role,omitempty"` // "" when joined only through a group
}

type teamRef struct {
	Org  string `json:"org"`
	Team string `json:"team"` // team display name
}

type applied struct {
	Orgs  []orgRole `json:"orgs,omitempty"`
	Teams []teamRef `json:"teams,omitempty"`
}

// store is mockhub's world behind one RWMutex.
type store struct {
	mu sync.RWMutex
	world
	// dirty records what changed since the last persist; nil without
	// -state.
	dirty *dirtySet
}

// world is everything the store guards; reset swaps it whole.
type world struct {
	now func() time.Time

	accounts       map[string]*account // by lowercased username
	accountByEmail map[string]*account // by email in se.Fold form
	companies      map[string]*company
	companyOrder   []string
	orgs           map[string]*org
	orgOrder       []string
	conns          map[string]*connection // by lowercased id
	connOrder      []*connection
	tokenIndex     map[tokenHash]*connection
	links          map[string][]*scimUser // account username -> its SCIM users
	applied        map[string]*applied
	suffixHint     map[string]int
	seq            uint64
	nextTeamID     int
	// oats are the organization access tokens, by id. They are not written
	// to -state: a restart forgets them (see oat.go).
	oats map[string]*orgToken
	// invites are the pending org invites, by id; not written to -state
	// either (see invites.go).
	invites     map[string]*invite
	invitesGone int // invites cancelled, so that Seq keeps growing
}

func newStore(now func() time.Time) *store {
	return &store{world: world{
		now:            now,
		accounts:       map[string]*account{},
		accountByEmail: map[string]*account{},
		companies:      map[string]*company{},
		orgs:           map[string]*org{},
		conns:          map[string]*connection{},
		tokenIndex:     map[tokenHash]*connection{},
		links:          map[string][]*scimUser{},
		applied:        map[string]*applied{},
		suffixHint:     map[string]int{},
		oats:           map[string]*orgToken{},
		invites:        map[string]*invite{},
		nextTeamID:     1,
	}}
}

// storeFromSeed builds a store from a validated seed.
func storeFromSeed(seed *Seed, now func() time.Time) *store {
	s := newStore(now)
	t0 := now().UTC()
	for _, a := range seed.Accounts {
		u := strings.ToLower(a.Username)
		s.addAccount(&account{
			ID:         strings.ReplaceAll(uuid.NewSHA1(accountNamespace, []byte(u)).String(), "-", ""),
			Username:   u,
			Email:      a.Email,
			FullName:   a.FullName,
			Password:   a.Password,
			DateJoined: t0,
		})
	}
	for _, o := range seed.Orgs {
		on := strings.ToLower(o.Name)
		og := &org{Name: on, members: map[string]*membership{}, teams: map[string]*team{}}
		s.orgs[on] = og
		s.orgOrder = append(s.orgOrder, on)
		for _, m := range o.Members {
			role := m.Role
			if role == "" {
				role = "member"
			}
			og.members[strings.ToLower(m.Username)] = &membership{Role: role, Joined: t0}
		}
		for _, t := range o.Teams {
			tm := s.ensureTeam(og, t.Name)
			tm.Description = t.Description
			for _, m := range t.Members {
				tm.members[strings.ToLower(m)] = struct{}{}
			}
		}
	}
	for _, c := range seed.Companies {
		cn := strings.ToLower(c.Name)
		co := &company{Name: cn}
		for _, o := range c.Owners {
			co.Owners = append(co.Owners, strings.ToLower(o))
		}
		for _, o := range c.Orgs {
			on := strings.ToLower(o)
			co.Orgs = append(co.Orgs, on)
			s.orgs[on].Company = cn
		}
		s.companies[cn] = co
		s.companyOrder = append(s.companyOrder, cn)
	}
	for _, sc := range seed.Connections {
		c := newConnection()
		c.ID = strings.ToLower(sc.ID)
		c.Name = sc.Name
		c.Type = strings.ToUpper(sc.Type)
		c.Domains = append([]string{}, sc.Domains...)
		c.Org = strings.ToLower(sc.Org)
		c.Company = strings.ToLower(sc.Company)
		s.conns[c.ID] = c
		s.connOrder = append(s.connOrder, c)
		if sc.SCIMToken != "" {
			s.enableSCIM(c, sc.SCIMToken)
			c.knownTokens = append(c.knownTokens, sc.SCIMToken)
		}
	}
	return s
}

func (s *store) addAccount(a *account) {
	s.dirtyAccount(a.Username)
	s.accounts[a.Username] = a
	if a.Email != "" {
		s.accountByEmail[se.Fold(a.Email)] = a
	}
}

func (s *store) nextSeq() uint64 { s.seq++; return s.seq }

// ensureTeam returns the team of og named name, creating it when missing.
func (s *store) ensureTeam(og *org, name string) *team {
	k := strings.ToLower(name)
	if t := og.teams[k]; t != nil {
		return t
	}
	t := &team{ID: s.nextTeamID, UUID: uuid.NewString(), Name: name, Created: s.now().UTC(), members: map[string]struct{}{}}
	s.nextTeamID++
	og.teams[k] = t
	s.dirtyTeam(og.Name, k)
	return t
}

// enableSCIM turns SCIM on with token tok (added to the connection's tokens).
func (s *store) enableSCIM(c *connection, tok string) {
	s.dirtyConn(c)
	h := hashToken(tok)
	c.SCIMEnabled = true
	if !c.hasToken(h) {
		c.tokens = append(c.tokens, h)
	}
	s.tokenIndex[h] = c
}

// setSCIMToken revokes every token of c and makes tok its only one.
func (s *store) setSCIMToken(c *connection, tok string) {
	s.revokeSCIM(c)
	s.enableSCIM(c, tok)
}

func (s *store) revokeSCIM(c *connection) {
	s.dirtyConn(c)
	for _, h := range c.tokens {
		delete(s.tokenIndex, h)
	}
	c.tokens = nil
	c.knownTokens = nil
	c.SCIMEnabled = false
}

// connectionForToken finds the connection a SCIM token belongs to.
func (s *store) connectionForToken(tok string) *connection {
	h := hashToken(tok)
	c := s.tokenIndex[h]
	if c == nil || !c.SCIMEnabled || !c.hasToken(h) {
		return nil
	}
	return c
}

// defaultOrg is the org a connection's SCIM users land in by default.
func (s *store) defaultOrg(c *connection) string {
	if c.Org != "" {
		return c.Org
	}
	if co := s.companies[c.Company]; co != nil && len(co.Orgs) > 0 {
		return co.Orgs[0]
	}
	return ""
}

// inScope reports whether org o is in the connection's scope.
func (s *store) inScope(c *connection, o string) bool {
	if c.Org != "" {
		return c.Org == o
	}
	og := s.orgs[o]
	return og != nil && og.Company == c.Company
}

// isOwner reports whether username administers org o (as an owner of the org
// or of its company).
func (s *store) isOrgOwner(username, o string) bool {
	og := s.orgs[o]
	if og == nil {
		return false
	}
	if m := og.members[username]; m != nil && m.Role == "owner" {
		return true
	}
	return og.Company != "" && s.isCompanyOwner(username, og.Company)
}

// ownerCount is how many members of og are owners.
func (og *org) ownerCount() int {
	n := 0
	for _, m := range og.members {
		if m.Role == "owner" {
			n++
		}
	}
	return n
}

func (s *store) isCompanyOwner(username, c string) bool {
	co := s.companies[c]
	return co != nil && slices.Contains(co.Owners, username)
}

// nameTaken reports whether a Docker ID (or org name) is in use.
func (s *store) nameTaken(n string) bool {
	_, a := s.accounts[n]
	_, o := s.orgs[n]
	return a || o
}

// newDockerID derives a free Docker ID from an email: the local part's
// lowercase letters and digits, at least four characters (padded with 0),
// made unique with a numeric suffix.
func (s *store) newDockerID(email string) string {
	local := email
	if i := strings.IndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(local) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	base := b.String()
	if len(base) > 26 {
		base = base[:26]
	}
	if base == "" {
		base = "user"
	}
	for len(base) < 4 {
		base += "0"
	}
	if !s.nameTaken(base) {
		return base
	}
	for n := max(1, s.suffixHint[base]); ; n++ {
		cand := base + strconv.Itoa(n)
		if !s.nameTaken(cand) {
			s.suffixHint[base] = n + 1
			return cand
		}
	}
}

func (s *store) String() string {
	return fmt.Sprintf("store{%d accounts, %d orgs, %d connections}", len(s.accounts), len(s.orgs), len(s.conns))
}
