package mockhub

import (
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/google/uuid"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

// groupInput is a Group body after normalisation.
type groupInput struct {
	ExternalID  string
	DisplayName string
	Members     []string
	Extra       map[string]any
}

var groupKeys = map[string]bool{"schemas": true, "id": true, "meta": true, "externalid": true, "displayname": true, "members": true}

func parseGroup(res se.Resource) (*groupInput, error) {
	in := &groupInput{}
	for k, v := range res {
		switch lk := strings.ToLower(k); lk {
		case "externalid":
			in.ExternalID = str(v)
		case "displayname":
			in.DisplayName = strings.TrimSpace(str(v))
		case "members":
			l, _ := v.([]any)
			for _, e := range l {
				m, ok := e.(map[string]any)
				if !ok {
					return nil, scimErr(http.StatusBadRequest, "invalidValue", "members must be objects with a value")
				}
				var val, typ string
				for mk, mv := range m {
					switch strings.ToLower(mk) {
					case "value":
						val = str(mv)
					case "type":
						typ = str(mv)
					}
				}
				if val == "" {
					return nil, scimErr(http.StatusBadRequest, "invalidValue", "a member has no value")
				}
				if strings.EqualFold(typ, "Group") {
					return nil, scimErr(http.StatusBadRequest, "invalidValue", "member %q: nested groups are not supported", val)
				}
				in.Members = append(in.Members, val)
			}
		default:
			if !groupKeys[lk] && !strings.HasPrefix(lk, "urn:") {
				if in.Extra == nil {
					in.Extra = map[string]any{}
				}
				in.Extra[k] = v
			}
		}
	}
	return in, nil
}

// splitGroupName reads "org:team".
func splitGroupName(n string) (org, team string, ok bool) {
	o, t, found := strings.Cut(n, ":")
	o, t = strings.TrimSpace(o), strings.TrimSpace(t)
	if !found || o == "" || t == "" {
		return "", "", false
	}
	return strings.ToLower(o), t, true
}

// checkGroup validates a group body against the connection and returns the
// org and team it maps to.
func (s *store) checkGroup(c *connection, in *groupInput, self *scimGroup) (string, string, error) {
	if in.DisplayName == "" {
		return "", "", scimErr(http.StatusBadRequest, "invalidValue", "displayName is required")
	}
	o, t, ok := splitGroupName(in.DisplayName)
	if !ok {
		return "", "", scimErr(http.StatusBadRequest, "invalidValue", "displayName %q must be \"organization:team\"", in.DisplayName)
	}
	if !s.inScope(c, o) {
		return "", "", scimErr(http.StatusBadRequest, "invalidValue", "group %q: organization %q is not one this SSO connection provisions (%s)", in.DisplayName, o, strings.Join(s.scope(c), ", "))
	}
	if other := c.groupByName[strings.ToLower(in.DisplayName)]; other != nil && other != self {
		return "", "", scimErr(http.StatusConflict, "uniqueness", "displayName %q is already taken by group %s", in.DisplayName, other.ID)
	}
	for _, id := range in.Members {
		if c.users[id] == nil {
			return "", "", scimErr(http.StatusBadRequest, "invalidValue", "member %q is not a user of this SSO connection", id)
		}
	}
	return o, t, nil
}

func (s *store) groupResource(g *scimGroup, base string) se.Resource {
	r := make(se.Resource, 8+len(g.Extra))
	for k, v := range g.Extra {
		r[k] = v
	}
	r["schemas"] = []any{se.GroupSchemaURN}
	r["id"] = g.ID
	if g.ExternalID != "" {
		r["externalId"] = g.ExternalID
	}
	r["displayName"] = g.DisplayName
	members := make([]any, 0, len(g.Members))
	for _, id := range g.Members {
		m := map[string]any{"value": id, "$ref": base + "/Users/" + id}
		if u := g.conn.users[id]; u != nil {
			m["display"] = u.DisplayName
		}
		members = append(members, m)
	}
	r["members"] = members
	r["meta"] = meta("Group", g.Created, g.Modified, base+"/Groups/"+g.ID, g.Version)
	return r
}

// applyGroupInput writes a validated body onto g, keeping indexes, team and
// memberships in step.
func (s *store) applyGroupInput(g *scimGroup, in *groupInput, o, t string) {
	c := g.conn
	s.dirtyGroup(g)
	c.unindexGroup(g)
	before := struct {
		ext, name string
		members   []string
		extra     map[string]any
	}{g.ExternalID, g.DisplayName, slices.Clone(g.Members), g.Extra}
	renamed := g.Org != o || !strings.EqualFold(g.Team, t)
	g.ExternalID, g.DisplayName, g.Org, g.Team, g.Extra = in.ExternalID, in.DisplayName, o, t, in.Extra
	c.indexGroup(g)
	s.ensureTeam(s.orgs[o], t) // created when missing, even with no members
	changed := s.setGroupMembers(g, in.Members)
	if renamed {
		for _, id := range g.Members {
			changed = append(changed, c.users[id].Account)
		}
	}
	slices.Sort(changed)
	for _, a := range slices.Compact(changed) {
		s.syncAccount(a)
	}
	if before.ext != g.ExternalID || before.name != g.DisplayName || !slices.Equal(before.members, g.Members) || !reflect.DeepEqual(before.extra, g.Extra) {
		s.touchGroup(g)
	}
}

func (s *store) deleteGroup(g *scimGroup) {
	c := g.conn
	changed := s.setGroupMembers(g, nil)
	s.dirtyGroupGone(g)
	c.unindexGroup(g)
	c.groupOrder = deleteBySeq(c.groupOrder, g.Seq)
	for _, a := range changed {
		s.syncAccount(a)
	}
}

// createGroup checks a new group against the connection and makes its
// members members of its team.
func (st *store) createGroup(c *connection, in *groupInput) (*scimGroup, error) {
	o, t, err := st.checkGroup(c, in, nil)
	if err != nil {
		return nil, err
	}
	now := st.now().UTC()
	g := &scimGroup{Seq: st.nextSeq(), ID: uuid.NewString(), Created: now, Modified: now, conn: c, memberSet: map[string]struct{}{}}
	c.groupOrder = append(c.groupOrder, g)
	st.applyGroupInput(g, in, o, t)
	g.Version, g.Modified = 1, now
	return g, nil
}

// updateGroup applies a body to g: the PUT and PATCH common path.
func (st *store) updateGroup(c *connection, g *scimGroup, in *groupInput) error {
	o, t, err := st.checkGroup(c, in, g)
	if err != nil {
		return err
	}
	st.applyGroupInput(g, in, o, t)
	return nil
}

func groupCandidates(c *connection, f *se.Filter) []*scimGroup {
	if f != nil {
		if attr, val, ok := f.Equality(); ok {
			switch strings.ToLower(attr) {
			case "displayname":
				if g := c.groupByName[strings.ToLower(val)]; g != nil {
					return []*scimGroup{g}
				}
				return nil
			case "id":
				if g := c.groups[val]; g != nil {
					return []*scimGroup{g}
				}
				return nil
			case "externalid":
				return sortedBySeq(c.groupByExt[val])
			}
		}
	}
	return c.groupOrder
}
