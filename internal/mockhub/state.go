package mockhub

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// stateFormat versions the -state file.
const stateFormat = 1

// snapshot is the -state file: the whole world, SCIM tokens as SHA-256
// hashes only.
type snapshot struct {
	Format      int                 `json:"format"`
	Seq         uint64              `json:"seq"`
	NextTeamID  int                 `json:"next_team_id"`
	Accounts    []*account          `json:"accounts"`
	Companies   []*company          `json:"companies"`
	Orgs        []orgSnap           `json:"orgs"`
	Connections []connSnap          `json:"connections"`
	Applied     map[string]*applied `json:"applied,omitempty"`
}

type orgSnap struct {
	Name    string       `json:"name"`
	Company string       `json:"company,omitempty"`
	Members []memberSnap `json:"members"`
	Teams   []teamSnap   `json:"teams"`
}

type memberSnap struct {
	Username string    `json:"username"`
	Role     string    `json:"role"`
	Joined   time.Time `json:"joined"`
}

type teamSnap struct {
	ID          int       `json:"id"`
	UUID        string    `json:"uuid"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
	Members     []string  `json:"members"`
}

type connSnap struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Domains     []string     `json:"domains"`
	Org         string       `json:"org,omitempty"`
	Company     string       `json:"company,omitempty"`
	SCIMEnabled bool         `json:"scim_enabled"`
	TokenSHA256 []string     `json:"scim_token_sha256,omitempty"`
	Users       []*scimUser  `json:"users"`
	Groups      []*scimGroup `json:"groups"`
}

// snapshot captures the store; the caller holds the lock.
func (s *store) snapshot() *snapshot {
	snap := &snapshot{Format: stateFormat, Seq: s.seq, NextTeamID: s.nextTeamID, Applied: s.applied}
	names := make([]string, 0, len(s.accounts))
	for n := range s.accounts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		snap.Accounts = append(snap.Accounts, s.accounts[n])
	}
	for _, n := range s.companyOrder {
		snap.Companies = append(snap.Companies, s.companies[n])
	}
	for _, n := range s.orgOrder {
		og := s.orgs[n]
		os := orgSnap{Name: og.Name, Company: og.Company, Members: []memberSnap{}, Teams: []teamSnap{}}
		for _, u := range sortedKeys(og.members) {
			m := og.members[u]
			os.Members = append(os.Members, memberSnap{Username: u, Role: m.Role, Joined: m.Joined})
		}
		for _, k := range sortedKeys(og.teams) {
			t := og.teams[k]
			os.Teams = append(os.Teams, teamSnap{ID: t.ID, UUID: t.UUID, Name: t.Name, Description: t.Description, Created: t.Created, Members: sortedKeys(t.members)})
		}
		snap.Orgs = append(snap.Orgs, os)
	}
	for _, c := range s.connOrder {
		cs := connSnap{ID: c.ID, Name: c.Name, Type: c.Type, Domains: c.Domains, Org: c.Org, Company: c.Company,
			SCIMEnabled: c.SCIMEnabled, Users: c.userOrder, Groups: c.groupOrder}
		for _, h := range c.tokens {
			cs.TokenSHA256 = append(cs.TokenSHA256, hex.EncodeToString(h[:]))
		}
		if cs.Users == nil {
			cs.Users = []*scimUser{}
		}
		if cs.Groups == nil {
			cs.Groups = []*scimGroup{}
		}
		snap.Connections = append(snap.Connections, cs)
	}
	return snap
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// storeFromSnapshot rebuilds a store, with its indexes, from a snapshot.
func storeFromSnapshot(snap *snapshot, now func() time.Time) (*store, error) {
	if snap.Format != stateFormat {
		return nil, fmt.Errorf("state format %d, want %d", snap.Format, stateFormat)
	}
	s := newStore(now)
	s.seq = snap.Seq
	s.nextTeamID = max(1, snap.NextTeamID)
	for _, a := range snap.Accounts {
		s.addAccount(a)
	}
	for _, co := range snap.Companies {
		s.companies[co.Name] = co
		s.companyOrder = append(s.companyOrder, co.Name)
	}
	for _, os := range snap.Orgs {
		og := &org{Name: os.Name, Company: os.Company, members: map[string]*membership{}, teams: map[string]*team{}}
		for _, m := range os.Members {
			og.members[m.Username] = &membership{Role: m.Role, Joined: m.Joined}
		}
		for _, t := range os.Teams {
			tm := &team{ID: t.ID, UUID: t.UUID, Name: t.Name, Description: t.Description, Created: t.Created, members: map[string]struct{}{}}
			for _, m := range t.Members {
				tm.members[m] = struct{}{}
			}
			og.teams[strings.ToLower(t.Name)] = tm
		}
		s.orgs[og.Name] = og
		s.orgOrder = append(s.orgOrder, og.Name)
	}
	for _, cs := range snap.Connections {
		c := newConnection()
		c.ID, c.Name, c.Type, c.Domains, c.Org, c.Company = cs.ID, cs.Name, cs.Type, cs.Domains, cs.Org, cs.Company
		c.SCIMEnabled = cs.SCIMEnabled
		for _, hx := range cs.TokenSHA256 {
			b, err := hex.DecodeString(hx)
			if err != nil || len(b) != 32 {
				return nil, fmt.Errorf("connection %s: bad token hash", c.ID)
			}
			var h tokenHash
			copy(h[:], b)
			c.tokens = append(c.tokens, h)
			s.tokenIndex[h] = c
		}
		s.conns[c.ID] = c
		s.connOrder = append(s.connOrder, c)
		for _, u := range cs.Users {
			s.addUser(c, u)
		}
		for _, g := range cs.Groups {
			g.conn = c
			g.memberSet = make(map[string]struct{}, len(g.Members))
			for _, id := range g.Members {
				g.memberSet[id] = struct{}{}
				if u := c.users[id]; u != nil {
					u.groups = append(u.groups, g)
				}
			}
			c.indexGroup(g)
			c.groupOrder = append(c.groupOrder, g)
		}
	}
	if snap.Applied != nil {
		s.applied = snap.Applied
	}
	return s, nil
}

// openState opens the -state database at path and returns the world it
// holds, or a nil store when it is new. A JSON state file, which mockhub
// wrote before its state became a database, is refused with what to do
// rather than read: the converter that read it is gone, and bbolt would
// only call it an invalid database.
func openState(path string, now func() time.Time, log *slog.Logger) (*store, *durable, error) {
	legacy, err := isJSONState(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading state: %w", err)
	}
	if legacy {
		return nil, nil, fmt.Errorf("state %s is a JSON state file, written by a mockhub before -state became a database; "+
			"this mockhub does not read it: move it away and start again (with the seed, or with -scim-token) to make a new state", path)
	}
	d, err := openDurable(path, log)
	if err != nil {
		return nil, nil, err
	}
	snap, err := d.load()
	if err != nil {
		d.close()
		return nil, nil, fmt.Errorf("state %s: %w", path, err)
	}
	if snap == nil {
		return nil, d, nil
	}
	st, err := storeFromSnapshot(snap, now)
	if err != nil {
		d.close()
		return nil, nil, fmt.Errorf("state %s: %w", path, err)
	}
	return st, d, nil
}
