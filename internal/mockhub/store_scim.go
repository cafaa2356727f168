package mockhub

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

// --- SCIM users and groups: indexes and changes ------------------------------

func (c *connection) indexUser(u *scimUser) {
	c.users[u.ID] = u
	c.userByName[se.Fold(u.UserName)] = u
	if u.ExternalID != "" {
		c.userByExt[u.ExternalID] = append(c.userByExt[u.ExternalID], u)
	}
	if u.DisplayName != "" {
		k := strings.ToLower(u.DisplayName)
		c.userByDisplay[k] = append(c.userByDisplay[k], u)
	}
}

func removeFrom[T comparable](m map[string][]T, k string, v T) {
	l := m[k]
	if i := slices.Index(l, v); i >= 0 {
		l = slices.Delete(l, i, i+1)
	}
	if len(l) == 0 {
		delete(m, k)
	} else {
		m[k] = l
	}
}

func (c *connection) unindexUser(u *scimUser) {
	delete(c.users, u.ID)
	if c.userByName[se.Fold(u.UserName)] == u {
		delete(c.userByName, se.Fold(u.UserName))
	}
	if u.ExternalID != "" {
		removeFrom(c.userByExt, u.ExternalID, u)
	}
	if u.DisplayName != "" {
		removeFrom(c.userByDisplay, strings.ToLower(u.DisplayName), u)
	}
}

func (c *connection) indexGroup(g *scimGroup) {
	c.groups[g.ID] = g
	c.groupByName[strings.ToLower(g.DisplayName)] = g
	if g.ExternalID != "" {
		c.groupByExt[g.ExternalID] = append(c.groupByExt[g.ExternalID], g)
	}
}

func (c *connection) unindexGroup(g *scimGroup) {
	delete(c.groups, g.ID)
	if c.groupByName[strings.ToLower(g.DisplayName)] == g {
		delete(c.groupByName, strings.ToLower(g.DisplayName))
	}
	if g.ExternalID != "" {
		removeFrom(c.groupByExt, g.ExternalID, g)
	}
}

func deleteBySeq[T interface{ seqOf() uint64 }](l []T, seq uint64) []T {
	i, ok := sort.Find(len(l), func(i int) int {
		switch s := l[i].seqOf(); {
		case seq < s:
			return -1
		case seq > s:
			return 1
		}
		return 0
	})
	if ok {
		l = slices.Delete(l, i, i+1)
	}
	return l
}

func (u *scimUser) seqOf() uint64  { return u.Seq }
func (g *scimGroup) seqOf() uint64 { return g.Seq }

// addUser inserts a new SCIM user and links it to its account.
func (s *store) addUser(c *connection, u *scimUser) {
	u.conn = c
	s.dirtyUser(u)
	c.indexUser(u)
	c.userOrder = append(c.userOrder, u)
	s.links[u.Account] = append(s.links[u.Account], u)
}

// deleteUser removes a SCIM user, its group memberships and what SCIM
// applied for it.
func (s *store) deleteUser(u *scimUser) {
	c := u.conn
	for _, g := range u.groups {
		g.removeMember(u.ID)
		s.touchGroup(g)
	}
	u.groups = nil
	s.dirtyUserGone(u)
	c.unindexUser(u)
	c.userOrder = deleteBySeq(c.userOrder, u.Seq)
	removeFrom(s.links, u.Account, u)
	s.syncAccount(u.Account)
}

func (s *store) touchUser(u *scimUser) {
	s.dirtyUser(u)
	u.Version++
	u.Modified = s.now().UTC()
}

func (s *store) touchGroup(g *scimGroup) {
	s.dirtyGroup(g)
	g.Version++
	g.Modified = s.now().UTC()
}

func (g *scimGroup) removeMember(id string) {
	if _, ok := g.memberSet[id]; !ok {
		return
	}
	delete(g.memberSet, id)
	if i := slices.Index(g.Members, id); i >= 0 {
		g.Members = slices.Delete(g.Members, i, i+1)
	}
}

// setGroupMembers replaces the members of g with ids (all users of g's
// connection, deduplicated) and returns the accounts whose teams change.
func (s *store) setGroupMembers(g *scimGroup, ids []string) []string {
	s.dirtyGroup(g)
	c := g.conn
	newSet := make(map[string]struct{}, len(ids))
	var members []string
	for _, id := range ids {
		if _, dup := newSet[id]; dup {
			continue
		}
		newSet[id] = struct{}{}
		members = append(members, id)
	}
	var changed []string
	for id := range g.memberSet {
		if _, keep := newSet[id]; !keep {
			if u := c.users[id]; u != nil {
				if i := slices.Index(u.groups, g); i >= 0 {
					u.groups = slices.Delete(u.groups, i, i+1)
				}
				changed = append(changed, u.Account)
			}
		}
	}
	for _, id := range members {
		if _, had := g.memberSet[id]; !had {
			if u := c.users[id]; u != nil {
				u.groups = append(u.groups, g)
				slices.SortFunc(u.groups, func(a, b *scimGroup) int { return cmp.Compare(a.Seq, b.Seq) })
				changed = append(changed, u.Account)
			}
		}
	}
	g.Members = members
	g.memberSet = newSet
	return changed
}
