package roster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// ApplyResult is the state an apply leaves, with a diagnostic per failed
// write. State records every write that succeeded, so the next plan shows
// only what is left. State is nil when the roster was destroyed.
type ApplyResult struct {
	State    *Roster
	Private  *Private
	Problems diag.Diagnostics
}

// write is one request-level change to one person.
type write struct {
	key    string             // users key, or the email of an unmanaged user
	action diagnostics.Action // create, update, deactivate or delete
	run    func(ctx context.Context) (*scim.User, error)

	user *scim.User // what the server holds afterwards (nil for delete)
	err  error
	seen *scim.User // for a lost update: what the server holds instead
}

// errNotStarted marks a write skipped because the apply was stopped.
var errNotStarted = errors.New("not started: the apply was stopped")

// runBounded runs every write with at most n in flight. ctx ends on Ctrl-C
// (terraform-plugin-go cancels every RPC's context on StopProvider): the
// writes not yet started are then skipped with errNotStarted, and a write
// already on the wire is allowed to finish (the client decides that), so
// that state records it.
func runBounded(ctx context.Context, n int, writes []*write) {
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, w := range writes {
		if ctx.Err() != nil {
			w.err = errNotStarted
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			w.err = errNotStarted
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			w.user, w.err = w.run(ctx)
		}()
	}
	wg.Wait()
}

// desiredUser is the SCIM user a planned entry describes (person.ToUser).
// A display_name planned unknown keeps what the server holds (current),
// unless the configuration gave it back, when it is removed (Docker's
// default); the id and the spelling of the userName are current's.
func desiredUser(key string, p *Person, current *scim.User, giveBackDisplay bool) *scim.User {
	u := person.ToUser(key, "", p)
	if current == nil {
		return u
	}
	if p.Attrs[AttrDisplayName].Unknown && !giveBackDisplay {
		u.DisplayName = current.DisplayName
	}
	u.ID = current.ID
	if strings.EqualFold(current.UserName, key) {
		u.UserName = current.UserName
	}
	return u
}

func boolPtr(b bool) *bool { return &b }

// Apply moves the server from prior (nil when creating) to planned: one write per changed person, only the changed
// settings, at most max_parallel_writes in flight; then the unmanaged
// policy on the people the plan named; then team memberships.
//
// Before any write it makes sure the settings (now) reach the roster's
// people when the plan saw them elsewhere (Confirm: the CLIs plan again
// through the apply's settings, so this holds for a saved plan applied
// with other settings, and for settings pending at plan); otherwise it
// returns an error and writes nothing.
//
// The phases, in order: writes (one per changed person, then one per
// unmanaged person the plan named), run (bounded in parallel), record
// (each person's state from their write's outcome), unmanagedAfter (who
// stays unmanaged) and teams.
func Apply(ctx context.Context, c *scim.Client, now view.Endpoint, prior, planned, config *Roster, priv *Private) (ApplyResult, error) {
	if priv == nil {
		priv = &Private{}
	}
	if err := Confirm(ctx, c, now, prior, priv.Endpoint); err != nil {
		return ApplyResult{}, err
	}
	ap := &applier{c: c, prior: prior, planned: planned, config: config, priv: priv}
	if prior != nil {
		ap.priorKeys = prior.keysByLower()
	}
	ap.writesFor()
	runBounded(ctx, planned.parallel(), ap.writes)
	ap.record(now)
	ap.unmanagedAfter(ctx)
	if planned.ID.Unknown {
		ap.state.ID = tfproto.Known(AllUsers)
		if !planned.Filter.Null {
			ap.state.ID = planned.Filter
		}
	}
	ap.res.Problems = append(ap.res.Problems, applyTeams(ctx, c, prior, ap.state)...)
	ap.res.State, ap.res.Private = ap.state, ap.next
	return ap.res, nil
}

// applier is one apply in progress: what Apply's phases read and write.
type applier struct {
	c                      *scim.Client
	prior, planned, config *Roster
	priv                   *Private
	// priorKeys maps lower-cased emails to the keys of prior.
	priorKeys map[string]string

	writes []*write
	// actOn is whom the policy acts on, by lower-cased email; failed holds
	// the lower-cased emails whose write failed.
	actOn  map[string]unmanagedUser
	failed map[string]bool

	state *Roster
	next  *Private
	res   ApplyResult
}

// writesFor makes one write per changed person: a conditional update of a
// managed one, an update of one adopted or renamed (the plan knows their
// id), a create of a new one; then one per unmanaged person the plan named.
func (ap *applier) writesFor() {
	c, prior, planned, config, priv := ap.c, ap.prior, ap.planned, ap.config, ap.priv
	for _, k := range sortedKeys(planned.Users) {
		p := planned.Users[k]
		lower := strings.ToLower(k)
		pk, managed := ap.priorKeys[lower]
		switch {
		case managed:
			recorded := person.ToUser(pk, prior.IDs[pk].Value(), prior.Users[pk])
			giveBack := priv.Configured[lower].Has(AttrDisplayName)
			if len(scim.UserPatchOps(recorded, desiredUser(k, p, recorded, giveBack))) == 0 {
				continue
			}
			w := &write{key: k, action: diagnostics.ActionUpdate}
			w.run = func(ctx context.Context) (*scim.User, error) {
				return conditionalUpdate(ctx, c, w, recorded, prior.Users[pk], config.Users[k], k, p, giveBack)
			}
			ap.writes = append(ap.writes, w)
		case !planned.IDs[k].Unknown && planned.IDs[k].V != "":
			// On the server already: adopted, or renamed (see Plan).
			id := planned.IDs[k].V
			action := diagnostics.ActionUpdate
			if priv.Renamed[lower] != "" {
				action = diagnostics.ActionRename
			}
			ap.writes = append(ap.writes, &write{key: k, action: action, run: func(ctx context.Context) (*scim.User, error) {
				current, err := c.GetUser(ctx, id)
				if err != nil {
					return nil, err
				}
				return updateUser(ctx, c, current, desiredUser(k, p, current, false), current.ETag)
			}})
		default:
			ap.writes = append(ap.writes, &write{key: k, action: diagnostics.ActionCreate, run: func(ctx context.Context) (*scim.User, error) {
				u, _, err := c.CreateOrReactivateUser(ctx, desiredUser(k, p, nil, false), true)
				return u, err
			}})
		}
	}
	ap.actOn = unmanagedToActOn(planned, priv)
	for _, lower := range sortedKeys(ap.actOn) {
		ap.writes = append(ap.writes, unmanagedWrite(c, planned.policy(), ap.actOn[lower]))
	}
}

// record sets each person's state from the outcome of their write: what
// the server holds after a write that succeeded, the prior state (or, for
// a lost update, the server's version) after one that failed, and the
// plan for people without a write. Every write that succeeded is kept.
func (ap *applier) record(now view.Endpoint) {
	prior, planned, config, priv := ap.prior, ap.planned, ap.config, ap.priv
	state := *planned
	state.Users = make(map[string]*Person, len(planned.Users))
	state.IDs = make(map[string]Str, len(planned.Users))
	next := &Private{Configured: map[string]person.Configured{}, Unmanaged: map[string]string{}, Endpoint: &now}
	ap.state, ap.next, ap.failed = &state, next, map[string]bool{}
	for k, p := range planned.Users {
		lower := strings.ToLower(k)
		if pk, managed := ap.priorKeys[lower]; managed {
			state.Users[k], state.IDs[k] = prior.Users[pk], prior.IDs[pk]
			next.Configured[lower] = priv.Configured[lower]
			if !hasUnknown(p) {
				// Unchanged people (no write) are as planned.
				state.Users[k], state.IDs[k] = p, planned.IDs[k]
				next.Configured[lower] = person.ConfiguredIn(config.Users[k])
			}
		}
	}
	notStarted := 0
	for _, w := range ap.writes {
		lower := strings.ToLower(w.key)
		if w.err != nil {
			ap.failed[lower] = true
			if errors.Is(w.err, errNotStarted) {
				notStarted++
			} else {
				ap.res.Problems = append(ap.res.Problems, writeProblem(w, planned.Users[w.key]))
			}
			if pk, managed := ap.priorKeys[lower]; managed && w.action == diagnostics.ActionUpdate {
				state.Users[w.key], state.IDs[w.key] = prior.Users[pk], prior.IDs[pk]
				next.Configured[lower] = priv.Configured[lower]
				if w.seen != nil {
					// A lost update: state records what the server holds,
					// so the next plan shows the real difference.
					state.Users[w.key] = person.FromUser(w.seen)
				}
			}
			if old := priv.Renamed[lower]; old != "" && prior != nil {
				// A failed rename keeps the person under their old email.
				state.Users[old], state.IDs[old] = prior.Users[old], prior.IDs[old]
				next.Configured[strings.ToLower(old)] = priv.Configured[strings.ToLower(old)]
			}
			continue
		}
		if _, listed := planned.Users[w.key]; !listed {
			continue // an unmanaged user, dealt with
		}
		state.Users[w.key] = settle(planned.Users[w.key], w.user)
		state.IDs[w.key] = tfproto.Known(w.user.ID)
		next.Configured[lower] = person.ConfiguredIn(config.Users[w.key])
	}
	if notStarted > 0 {
		ap.res.Problems = append(ap.res.Problems, errorAt(path.Empty(), "Apply stopped",
			fmt.Sprintf("The apply was stopped with %d of %d writes not started. State records every write that "+
				"finished; run apply again to do the rest.", notStarted, len(ap.writes))))
	}
}

// unmanagedAfter is who stays unmanaged: under deactivate and delete, the
// people whose write failed, for the next apply; under ignore, everyone in
// scope the roster does not list (listed now when the plan could not).
func (ap *applier) unmanagedAfter(ctx context.Context) {
	state, next := ap.state, ap.next
	if ap.planned.policy() != PolicyIgnore {
		state.UnmanagedUsers = []string{}
		for _, lower := range sortedKeys(ap.actOn) {
			if ap.failed[lower] {
				state.UnmanagedUsers = append(state.UnmanagedUsers, ap.actOn[lower].name)
				next.Unmanaged[lower] = ap.actOn[lower].id
			}
		}
		return
	}
	if !state.UnmanagedUsersUnknown {
		for _, name := range state.UnmanagedUsers {
			lower := strings.ToLower(name)
			next.Unmanaged[lower] = ap.priv.Unmanaged[lower]
		}
		return
	}
	listed, err := ListerFor(ap.c)(ctx, ap.planned.filter())
	if err != nil {
		ap.res.Problems = append(ap.res.Problems, errorAt(path.Root("unmanaged_users"), "Error listing SCIM users", err.Error()))
	}
	state.UnmanagedUsers = []string{}
	keys := state.keysByLower()
	for lower, f := range listed {
		if _, listed := keys[lower]; !listed {
			state.UnmanagedUsers = append(state.UnmanagedUsers, f.UserName)
			next.Unmanaged[lower] = f.ID
		}
	}
	slices.Sort(state.UnmanagedUsers)
	state.UnmanagedUsersUnknown = false
}

// conditionalUpdate is the write of a person the roster manages, made as
// docker_scim_user makes its updates: the user is read first and compared
// with what state recorded (was, from recorded) on what the configuration
// manages (user_name ignoring case, active, and the settings cfg sets); an
// edit made outside Terraform since the refresh fails the write, keeping
// the server's version in w.seen, and otherwise only the planned changes
// are sent, conditional on the ETag of that read.
func conditionalUpdate(ctx context.Context, c *scim.Client, w *write, recorded *scim.User, was, cfg *Person,
	key string, planned *Person, giveBack bool) (*scim.User, error) {
	current, err := c.GetUser(ctx, recorded.ID)
	if err != nil {
		return nil, err
	}
	if changedOnServer(person.FromUser(current), was, cfg) || !strings.EqualFold(current.UserName, recorded.UserName) {
		w.seen = current
		return nil, fmt.Errorf("%w: the user was changed outside Terraform since it was read", httpx.ErrPreconditionFailed)
	}
	desired := desiredUser(key, planned, current, giveBack)
	u, _, err := c.UpdateUser(ctx, recorded, desired, current.ETag)
	if errors.Is(err, httpx.ErrPreconditionFailed) {
		if fresh, gerr := c.GetUser(ctx, recorded.ID); gerr == nil {
			w.seen = fresh
		}
	}
	return u, err
}

// changedOnServer says whether server differs from state on what the
// configuration manages: active, and the settings cfg sets. A setting the
// configuration leaves to the identity provider may change freely.
func changedOnServer(server, state, cfg *Person) bool {
	if server.Active.V != state.Active.V {
		return true
	}
	for i := range server.Attrs {
		if cfg != nil && !cfg.Attrs[i].Null && server.Attrs[i] != state.Attrs[i] {
			return true
		}
	}
	return false
}

// hasUnknown says whether a planned entry waits on the server for a value.
func hasUnknown(p *Person) bool {
	for _, a := range p.Attrs {
		if a.Unknown {
			return true
		}
	}
	return p.Active.Unknown
}

// settle is a planned entry with its unknown values taken from what the
// server holds after the write.
func settle(planned *Person, u *scim.User) *Person {
	server := person.FromUser(u)
	out := *planned
	for i, a := range out.Attrs {
		if a.Unknown {
			out.Attrs[i] = server.Attrs[i]
		}
	}
	if out.Active.Unknown {
		out.Active = server.Active
	}
	return &out
}

// unmanagedUser is a user the plan named for the unmanaged policy.
type unmanagedUser struct{ name, id string }

// unmanagedToActOn is whom apply deactivates or deletes: the users the
// plan named (their ids in private state), never anyone it did not.
func unmanagedToActOn(planned *Roster, priv *Private) map[string]unmanagedUser {
	out := map[string]unmanagedUser{}
	if planned.policy() == PolicyIgnore {
		return out
	}
	listed := planned.keysByLower()
	for lower, id := range priv.Unmanaged {
		if _, ok := listed[lower]; ok || id == "" {
			continue
		}
		out[lower] = unmanagedUser{name: lower, id: id}
	}
	return out
}

func unmanagedWrite(c *scim.Client, policy string, u unmanagedUser) *write {
	if policy == PolicyDelete {
		return &write{key: u.name, action: diagnostics.ActionDelete, run: func(ctx context.Context) (*scim.User, error) {
			err := c.DeleteUser(ctx, u.id, "")
			if errors.Is(err, httpx.ErrNotFound) {
				err = nil
			}
			return nil, err
		}}
	}
	return &write{key: u.name, action: diagnostics.ActionDeactivate, run: func(ctx context.Context) (*scim.User, error) {
		current, err := c.GetUser(ctx, u.id)
		if errors.Is(err, httpx.ErrNotFound) {
			return nil, nil
		}
		if err != nil || !current.IsActive() {
			return current, err
		}
		desired := *current
		desired.Active = boolPtr(false)
		return updateUser(ctx, c, current, &desired, current.ETag)
	}}
}

// call is the write as a diagnostic names it.
func (w *write) call() diagnostics.Call {
	return diagnostics.Call{API: diagnostics.SCIM, Action: w.action, What: "SCIM user", ID: w.key}
}

// updateUser is scim.Client.UpdateUser for a write, which needs only the
// user after it.
func updateUser(ctx context.Context, c *scim.Client, current, desired *scim.User, ifMatch string) (*scim.User, error) {
	u, _, err := c.UpdateUser(ctx, current, desired, ifMatch)
	return u, err
}

// writeProblem names the person and carries the server's reason.
func writeProblem(w *write, p *Person) diag.Diagnostic {
	at := path.Root("user").AtMapKey(w.key)
	if p == nil {
		at = path.Root("unmanaged")
	}
	if p != nil && scim.IsOrgOutOfScope(w.err) {
		return errorAt(at.AtName("org_name"), diagnostics.Summary(w.call()),
			fmt.Sprintf("Couldn't %s SCIM user %q: Docker refused org_name = %q. An SSO connection provisions only its "+
				"own organization, or the organizations of its company.\n\nDocker answered: %s",
				w.action, w.key, p.Attrs[AttrOrgName].Value(), w.err))
	}
	return errorAt(at, diagnostics.Summary(w.call()), diagnostics.Detail(w.call(), w.err))
}

// applyTeams makes each team the configuration names hold exactly its
// listed people: the group's members are read, and only the difference is
// sent, in batches. Teams the configuration stops naming are left as they
// are. A team that fails keeps its prior value in state.
func applyTeams(ctx context.Context, c *scim.Client, prior, state *Roster) diag.Diagnostics {
	if state.Teams == nil {
		return nil
	}
	idOf := map[string]string{}
	for k, id := range state.IDs {
		idOf[strings.ToLower(k)] = id.Value()
	}
	var problems diag.Diagnostics
	teams := make(map[string][]string, len(state.Teams))
	for _, team := range sortedKeys(state.Teams) {
		var want, members []string
		for _, m := range state.Teams[team] {
			if id := idOf[strings.ToLower(m)]; id != "" {
				want = append(want, id)
				members = append(members, m)
			}
		}
		err := setTeam(ctx, c, team, want)
		if err != nil {
			problems = append(problems, errorAt(path.Root("teams").AtMapKey(team), "Error updating team",
				diagnostics.Detail(diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionUpdate, What: "SCIM group", ID: team}, err)))
			if prior != nil && prior.Teams != nil {
				if before, ok := prior.Teams[team]; ok {
					teams[team] = before
				}
			}
			continue
		}
		slices.Sort(members)
		teams[team] = members
		if len(members) == len(state.Teams[team]) {
			teams[team] = state.Teams[team]
		}
	}
	state.Teams = teams
	return problems
}

func setTeam(ctx context.Context, c *scim.Client, team string, want []string) error {
	g, err := c.FindGroupByDisplayName(ctx, team)
	if errors.Is(err, httpx.ErrNotFound) {
		members := make([]scim.Member, len(want))
		for i, id := range want {
			members[i] = scim.Member{Value: id}
		}
		_, err = c.CreateGroup(ctx, &scim.Group{DisplayName: team, Members: members})
		return err
	}
	if err != nil {
		return err
	}
	current := make([]string, len(g.Members))
	for i, m := range g.Members {
		current[i] = m.Value
	}
	add, remove := scim.MemberDiff(current, want)
	return c.UpdateGroupMembers(ctx, g.ID, add, remove, 0)
}
