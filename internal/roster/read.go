package roster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// listScope reads every user matching filter, page by page (the server's
// page size: 5,000 users are 25 requests with mockhub's 200).
func listScope(ctx context.Context, c *scim.Client, filter string, fn func(*scim.User)) error {
	return c.EachUser(ctx, filter, 0, func(u *scim.User) error {
		fn(u)
		return nil
	})
}

// ListerFor is the Lister Plan uses, reading through c.
func ListerFor(c *scim.Client) Lister {
	return func(ctx context.Context, filter string) (map[string]Found, error) {
		out := map[string]Found{}
		err := listScope(ctx, c, filter, func(u *scim.User) {
			out[strings.ToLower(u.UserName)] = Found{UserName: u.UserName, ID: u.ID, Active: u.IsActive(), Person: person.FromUser(u)}
		})
		return out, err
	}
}

// Read refreshes state from one listing of the scope: each listed person
// gets what the server holds; one the listing misses is fetched by id (it
// may have left the filter's scope yet still be this roster's) and
// dropped from state only when gone, so the next plan creates it again;
// and unmanaged_users is recomputed. Teams are read one group each.
//
// now is the endpoint the settings point at: when the roster was last seen
// elsewhere, they must still reach its people: a person the listing finds
// with the id state holds confirms them, else Confirm looks people up by id,
// before anything is dropped.
func Read(ctx context.Context, c *scim.Client, now view.Endpoint, state *Roster, priv *Private) (*Roster, *Private, error) {
	if priv == nil {
		priv = &Private{}
	}
	out := *state
	out.Users = make(map[string]*Person, len(state.Users))
	out.IDs = make(map[string]Str, len(state.Users))
	out.IDsUnknown, out.UsersUnknown, out.UnmanagedUsersUnknown = false, false, false
	next := &Private{Configured: priv.Configured, Unmanaged: map[string]string{}, Endpoint: &now}
	keys := state.keysByLower()
	policy := state.policy()

	nameByID := map[string]string{}
	var unmanaged []string
	err := listScope(ctx, c, state.filter(), func(u *scim.User) {
		lower := strings.ToLower(u.UserName)
		if k, ok := keys[lower]; ok {
			out.Users[k] = person.FromUser(u)
			out.IDs[k] = tfproto.Known(u.ID)
			nameByID[u.ID] = k
			return
		}
		nameByID[u.ID] = u.UserName
		if policy == PolicyDeactivate && !u.IsActive() {
			return
		}
		unmanaged = append(unmanaged, u.UserName)
		next.Unmanaged[lower] = u.ID
	})
	if err != nil {
		return nil, nil, err
	}
	confirmed := false
	for k, id := range out.IDs {
		confirmed = confirmed || id == state.IDs[k]
	}
	if !confirmed {
		if err := Confirm(ctx, c, now, state, priv.Endpoint); err != nil {
			return nil, nil, err
		}
	}
	for _, k := range sortedKeys(state.Users) {
		if _, seen := out.Users[k]; seen {
			continue
		}
		id := state.IDs[k].Value()
		if id == "" {
			continue
		}
		u, err := c.GetUser(ctx, id)
		if errors.Is(err, httpx.ErrNotFound) {
			continue // gone: the next plan creates it again
		}
		if err != nil {
			return nil, nil, err
		}
		out.Users[k] = person.FromUser(u)
		out.IDs[k] = tfproto.Known(u.ID)
		nameByID[u.ID] = k
	}
	slices.Sort(unmanaged)
	out.UnmanagedUsers = unmanaged
	if out.UnmanagedUsers == nil {
		out.UnmanagedUsers = []string{}
	}

	if state.Teams != nil {
		out.Teams = make(map[string][]string, len(state.Teams))
		for _, team := range sortedKeys(state.Teams) {
			members, err := readTeam(ctx, c, team, state.Teams[team], nameByID)
			if err != nil {
				return nil, nil, fmt.Errorf("reading team %q: %w", team, err)
			}
			out.Teams[team] = members
		}
	}
	return &out, next, nil
}

// EndpointChangedError says that a person of the roster was not found
// through the provider's current SCIM settings, which differ from the ones
// the roster was last seen through (Was): the settings most likely point at
// another connection, so nothing may be dropped from state or created.
type EndpointChangedError struct {
	Was     view.Endpoint
	Subject string // e.g. `SCIM user "a@x.example"`
}

func (e *EndpointChangedError) Error() string {
	return e.Subject + " was not found through the changed SCIM settings"
}

// Confirm checks, when the settings (now) differ from the endpoint the
// roster was last seen through (was; nil for state written before it was
// recorded, which is trusted as before), that they still reach the
// roster's people: the first person found by their id confirms the same
// connection (a rotated token, another spelling of the URL), and the first
// not found fails with *EndpointChangedError before anything is dropped
// or written. It asks for at most confirmTries people, so that a person
// deleted outside Terraform does not pass for another connection while a
// roster of thousands under a wrong token costs a few requests. A roster
// without people confirms nothing and passes.
func Confirm(ctx context.Context, c *scim.Client, now view.Endpoint, r *Roster, was *view.Endpoint) error {
	if r == nil || was == nil || *was == now {
		return nil
	}
	var missing string
	tries := 0
	for _, k := range sortedKeys(r.Users) {
		id := r.IDs[k].Value()
		if id == "" {
			continue
		}
		_, err := c.GetUser(ctx, id)
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, httpx.ErrNotFound):
			return err
		}
		if missing == "" {
			missing = k
		}
		if tries++; tries == confirmTries {
			break
		}
	}
	if missing == "" {
		return nil
	}
	return &EndpointChangedError{Was: *was, Subject: fmt.Sprintf("SCIM user %q of this roster", missing)}
}

// confirmTries is how many people Confirm looks up at most.
const confirmTries = 3

// readTeam returns the emails of the members of group team, spelled as
// prior spells them where it names the same person.
func readTeam(ctx context.Context, c *scim.Client, team string, prior []string, nameByID map[string]string) ([]string, error) {
	g, err := c.FindGroupByDisplayName(ctx, team)
	if errors.Is(err, httpx.ErrNotFound) {
		return []string{}, nil
	}
	if err != nil {
		return nil, err
	}
	spelling := map[string]string{}
	for _, m := range prior {
		spelling[strings.ToLower(m)] = m
	}
	out := make([]string, 0, len(g.Members))
	for _, m := range g.Members {
		name, ok := nameByID[m.Value]
		if !ok {
			u, err := c.GetUser(ctx, m.Value)
			if err != nil {
				if errors.Is(err, httpx.ErrNotFound) {
					continue
				}
				return nil, err
			}
			name = u.UserName
			nameByID[m.Value] = name
		}
		if s, ok := spelling[strings.ToLower(name)]; ok {
			name = s
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out, nil
}

// Import reads every user of a scope into a new roster: importID is a SCIM
// filter, or AllUsers. Nothing is configured yet, so every setting stays
// the identity provider's until a configuration sets it.
func Import(ctx context.Context, c *scim.Client, importID string) (*Roster, *Private, error) {
	id := strings.TrimSpace(importID)
	if id == "" {
		return nil, nil, fmt.Errorf("the import ID must be a SCIM filter (e.g. userName ew \"@example.com\") or %q for every user", AllUsers)
	}
	r := &Roster{
		ID:                tfproto.Known(id),
		Filter:            tfproto.Known(id),
		Unmanaged:         tfproto.Known(PolicyIgnore),
		MaxParallelWrites: Int{V: DefaultMaxParallelWrites},
		Users:             map[string]*Person{},
		IDs:               map[string]Str{},
		UnmanagedUsers:    []string{},
	}
	if id == AllUsers {
		r.Filter = tfproto.NullStr()
	}
	err := listScope(ctx, c, r.filter(), func(u *scim.User) {
		r.Users[u.UserName] = person.FromUser(u)
		r.IDs[u.UserName] = tfproto.Known(u.ID)
	})
	if err != nil {
		return nil, nil, err
	}
	return r, &Private{}, nil
}
