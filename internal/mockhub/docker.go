package mockhub

import (
	"slices"
	"strings"
)

// --- Docker semantics ---------------------------------------------------------

var roleRank = map[string]int{"": 0, "member": 1, "editor": 2, "owner": 3}

// syncAccount makes the account's org and team memberships reflect its SCIM
// users: an active SCIM user is a member of its dockerOrg (or its
// connection's default org) with its dockerRole, a member of its dockerTeam,
// and a member of the team of each of its groups. What SCIM applied before
// and no longer wants is removed; nothing else is touched.
func (s *store) syncAccount(username string) {
	s.dirtyAccount(username)
	var want applied
	addOrg := func(o, role string) {
		for i := range want.Orgs {
			if want.Orgs[i].Org == o {
				if roleRank[role] > roleRank[want.Orgs[i].Role] {
					want.Orgs[i].Role = role
				}
				return
			}
		}
		want.Orgs = append(want.Orgs, orgRole{Org: o, Role: role})
	}
	addTeam := func(o, t string) {
		for _, x := range want.Teams {
			if x.Org == o && strings.EqualFold(x.Team, t) {
				return
			}
		}
		want.Teams = append(want.Teams, teamRef{Org: o, Team: t})
	}
	for _, u := range s.links[username] {
		if !u.Active {
			continue
		}
		o := u.Org
		if o == "" {
			o = s.defaultOrg(u.conn)
		}
		role := u.Role
		if role == "" {
			role = "member"
		}
		addOrg(o, role)
		if u.Team != "" {
			addTeam(o, u.Team)
		}
		for _, g := range u.groups {
			addOrg(g.Org, "")
			addTeam(g.Org, g.Team)
		}
	}
	prev := s.applied[username]
	if prev == nil {
		prev = &applied{}
	}
	// Remove what is no longer wanted.
	for _, p := range prev.Orgs {
		if slices.ContainsFunc(want.Orgs, func(w orgRole) bool { return w.Org == p.Org }) {
			continue
		}
		if og := s.orgs[p.Org]; og != nil {
			delete(og.members, username)
			for _, t := range og.teams {
				delete(t.members, username)
			}
		}
	}
	for _, p := range prev.Teams {
		if slices.ContainsFunc(want.Teams, func(w teamRef) bool { return w.Org == p.Org && strings.EqualFold(w.Team, p.Team) }) {
			continue
		}
		if og := s.orgs[p.Org]; og != nil {
			if t := og.teams[strings.ToLower(p.Team)]; t != nil {
				delete(t.members, username)
			}
		}
	}
	// Apply what is wanted.
	now := s.now().UTC()
	for _, w := range want.Orgs {
		og := s.orgs[w.Org]
		if og == nil {
			continue
		}
		m := og.members[username]
		if m == nil {
			role := w.Role
			if role == "" {
				role = "member"
			}
			og.members[username] = &membership{Role: role, Joined: now}
			continue
		}
		if w.Role == "" {
			continue
		}
		prevRole := ""
		for _, p := range prev.Orgs {
			if p.Org == w.Org {
				prevRole = p.Role
			}
		}
		if prevRole != w.Role {
			m.Role = w.Role
		}
	}
	for _, w := range want.Teams {
		og := s.orgs[w.Org]
		if og == nil {
			continue
		}
		s.ensureTeam(og, w.Team).members[username] = struct{}{}
	}
	if len(want.Orgs) == 0 && len(want.Teams) == 0 {
		delete(s.applied, username)
	} else {
		s.applied[username] = &want
	}
	// Keep the account's name in step with its SCIM user.
	if a := s.accounts[username]; a != nil {
		for _, u := range s.links[username] {
			if n := fullName(u.Name); n != "" {
				a.FullName = n
			}
		}
	}
}

func fullName(n userNameParts) string {
	if n.Formatted != "" {
		return n.Formatted
	}
	return strings.TrimSpace(n.GivenName + " " + n.FamilyName)
}

// removeOrgMember removes an account from an org and its teams (the
// management API's DELETE member).
func (s *store) removeOrgMember(og *org, username string) bool {
	if _, ok := og.members[username]; !ok {
		return false
	}
	s.dirtyAccount(username)
	delete(og.members, username)
	for _, t := range og.teams {
		delete(t.members, username)
	}
	return true
}
