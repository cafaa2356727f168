package roster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
)

// errorAt is an error diagnostic on the attribute at p, or on the resource
// when p is empty. The roster's diagnostics are the framework's diag values
// that internal/diagnostics and the validators write: tfproto.FromFramework
// turns all of them into protocol diagnostics, in one place.
func errorAt(p path.Path, summary, detail string) diag.Diagnostic {
	if len(p.Steps()) == 0 {
		return diag.NewErrorDiagnostic(summary, detail)
	}
	return diag.NewAttributeErrorDiagnostic(p, summary, detail)
}

// Validate checks a configuration without the server. Unknown values pass.
func Validate(c *Roster) diag.Diagnostics {
	var out diag.Diagnostics
	if p := c.Unmanaged; !p.Null && !p.Unknown && !slices.Contains([]string{PolicyIgnore, PolicyDeactivate, PolicyDelete}, p.V) {
		out = append(out, errorAt(path.Root("unmanaged"), "Invalid unmanaged policy",
			fmt.Sprintf("unmanaged must be %q, %q or %q, got %q.", PolicyIgnore, PolicyDeactivate, PolicyDelete, p.V)))
	}
	if n := c.MaxParallelWrites; !n.Null && !n.Unknown && (n.V < 1 || n.V > MaxMaxParallelWrites) {
		out = append(out, errorAt(path.Root("max_parallel_writes"), "Invalid max_parallel_writes",
			fmt.Sprintf("max_parallel_writes must be between 1 and %d, got %d.", MaxMaxParallelWrites, n.V)))
	}
	if f := c.Filter; !f.Null && !f.Unknown && strings.TrimSpace(f.V) == "" {
		out = append(out, errorAt(path.Root("filter"), "Empty filter",
			"filter must be a SCIM filter such as `userName ew \"@example.com\"`; leave it unset for every user."))
	}
	if c.UsersUnknown {
		return out
	}
	seen := map[string]string{}
	for _, k := range sortedKeys(c.Users) {
		at := path.Root("user").AtMapKey(k)
		if !validators.IsEmail(k) {
			out = append(out, errorAt(at, "Invalid email", fmt.Sprintf("%q is not an email address: each user block is labelled by the person's email (their SCIM userName).", k)))
		}
		if other, dup := seen[strings.ToLower(k)]; dup {
			out = append(out, errorAt(at, "One person listed twice",
				fmt.Sprintf("%q and %q are the same person: Docker compares user names ignoring case. Keep only one of them.", other, k)))
		}
		seen[strings.ToLower(k)] = k
		p := c.Users[k]
		if f := c.Filter; f.IsSet() && outsideFilter(f.V, k, p) {
			out = append(out, errorAt(at, "Person outside the roster's filter",
				fmt.Sprintf("%q does not match the roster's filter %s, so it is outside the roster's scope: the roster "+
					"would manage a person another roster (or the identity provider) may manage too, and fetch them "+
					"one by one on every refresh. Fix the email, or widen the filter so that it covers every person "+
					"the roster lists.", k, scopeText(f))))
		}
		if r := p.Attrs[AttrRole]; !r.Null && !r.Unknown && !slices.Contains(person.Roles, r.V) {
			out = append(out, errorAt(at.AtName("role"), "Invalid role",
				fmt.Sprintf("role must be member, editor or owner, got %q.", r.V)))
		}
		for _, i := range []int{AttrOrgName, AttrTeamName} {
			if v := p.Attrs[i]; !v.Null && !v.Unknown && !validators.IsDockerName(v.V) {
				out = append(out, errorAt(at.AtName(AttrNames[i]), "Invalid name",
					fmt.Sprintf("%s %q is not a Docker organization or team name.", AttrNames[i], v.V)))
			}
		}
		for i, v := range p.Attrs {
			if !v.Null && !v.Unknown && v.V == "" {
				out = append(out, errorAt(at.AtName(AttrNames[i]), "Empty value",
					fmt.Sprintf("%s must not be empty: leave it unset to leave it to the identity provider.", AttrNames[i])))
			}
		}
	}
	if c.TeamsUnknown {
		return out
	}
	for _, team := range sortedKeys(c.Teams) {
		at := path.Root("teams").AtMapKey(team)
		org, name, ok := strings.Cut(team, ":")
		if !ok || !validators.IsDockerName(org) || !validators.IsDockerName(name) {
			out = append(out, errorAt(at, "Invalid team key",
				fmt.Sprintf("%q is not \"org:team\": teams is keyed by the SCIM group Docker maps onto a team, e.g. \"moby:backend\".", team)))
		}
		for _, m := range c.Teams[team] {
			if _, listed := seen[strings.ToLower(m)]; !listed && m != "" {
				out = append(out, errorAt(at, "Team member not listed",
					fmt.Sprintf("%q is a member of %q but has no user block: a roster's teams hold only the people it lists.", m, team)))
			}
		}
	}
	return out
}

// Found is one user of the scope, as a listing saw it.
type Found struct {
	UserName string
	ID       string
	Active   bool
	Person   *Person
}

// ErrScopeUnknown is what a Lister returns while the scope cannot be listed
// yet (the provider's settings are known only after apply).
var ErrScopeUnknown = errors.New("the SCIM settings are known only after apply")

// Lister lists every user matching filter ("" for all), by lower-cased
// userName.
type Lister func(ctx context.Context, filter string) (map[string]Found, error)

// PlanResult is what a plan proposes.
type PlanResult struct {
	Planned  *Roster
	Private  *Private
	Problems diag.Diagnostics
	// ActOn names the people the unmanaged policy will deactivate or
	// delete, as the server spells them.
	ActOn []string
	// Counts is what the plan will do, as its summary line says.
	Counts Counts
}

// Counts is what a plan will do to people and teams.
type Counts struct {
	Create, Change, Rename, Adopt, Deactivate, Delete, Teams int
}

func (c Counts) any() bool { return c != Counts{} }

// String is the plan's summary line: the CLI counts the roster as one
// resource to change, however many people it touches.
func (c Counts) String() string {
	line := fmt.Sprintf("%d %s to create, %d to change, %d to rename, %d to deactivate, %d to delete",
		c.Create, plural(c.Create, "person", "people"), c.Change, c.Rename, c.Deactivate, c.Delete)
	if c.Adopt > 0 {
		line += fmt.Sprintf(", %d to adopt", c.Adopt)
	}
	return line + fmt.Sprintf("; %d %s to change", c.Teams, plural(c.Teams, "team", "teams"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Plan proposes config over prior (nil when creating) and says, as warnings,
// whom the unmanaged policy will act on. list is called only when the plan
// must see the scope and no refresh has (see mustList).
//
// Planning a person:
//   - a setting the configuration sets is planned as written;
//   - one it does not set is the identity provider's: it keeps what the
//     server holds (state, just refreshed), unless the configuration set it
//     at the last apply, when it is given back: role to "member",
//     display_name to Docker's default (unknown until apply), others removed;
//   - for a new person, unset settings are planned as a new docker_scim_user
//     would be: role "member", display_name unknown, the rest null;
//   - active defaults to true: listing a person means they have access.
//
// The phases, in order: scope (whom the policy finds unmanaged), renames,
// people, leavers (people dropped from the roster), policy (what the
// policy will do, named in warnings) and counts.
func Plan(ctx context.Context, prior, config *Roster, priv *Private, list Lister) (PlanResult, error) {
	pl := newPlanner(prior, config, priv)
	if config.UsersUnknown {
		pl.planned.UsersUnknown, pl.planned.IDsUnknown, pl.planned.UnmanagedUsersUnknown = true, true, true
		return pl.res, nil
	}
	if err := pl.scope(ctx, list); err != nil {
		return pl.res, err
	}
	pl.renames()
	pl.people()
	pl.leavers()
	pl.policy()
	pl.counts()
	return pl.res, nil
}

// planner is one plan in progress: what Plan's phases read and write.
type planner struct {
	prior, config *Roster
	priv          *Private
	planned       *Roster
	next          *Private
	res           PlanResult

	// priorKeys and configKeys map lower-cased emails to the keys of
	// prior and config.
	priorKeys, configKeys map[string]string
	policyName            string

	// found is the scope as a listing saw it, when the plan listed it.
	found map[string]Found
	// unmanaged is whom the policy finds unmanaged, lower-cased email → id;
	// names keeps their spelling.
	unmanaged, names map[string]string
	// renamed maps a new person's lower-cased email to the prior key of the
	// person they were; renamedFrom holds those prior keys, lower-cased.
	renamed     map[string]string
	renamedFrom map[string]bool
	// dropped are the prior keys the configuration no longer lists.
	dropped []string
}

func newPlanner(prior, config *Roster, priv *Private) *planner {
	if priv == nil {
		priv = &Private{}
	}
	planned := &Roster{
		Filter:            config.Filter,
		Unmanaged:         config.Unmanaged,
		MaxParallelWrites: config.MaxParallelWrites,
		Teams:             config.Teams,
		TeamsUnknown:      config.TeamsUnknown,
	}
	if planned.Unmanaged.Null {
		planned.Unmanaged = tfproto.Known(PolicyIgnore)
	}
	if planned.MaxParallelWrites.Null {
		planned.MaxParallelWrites = Int{V: DefaultMaxParallelWrites}
	}
	switch {
	case config.Filter.Unknown:
		planned.ID = Str{Unknown: true}
	case config.Filter.Null:
		planned.ID = tfproto.Known(AllUsers)
	default:
		planned.ID = tfproto.Known(config.Filter.V)
	}
	next := &Private{Configured: priv.Configured, Unmanaged: map[string]string{}}
	pl := &planner{
		prior: prior, config: config, priv: priv, planned: planned, next: next,
		res:        PlanResult{Planned: planned, Private: next},
		configKeys: config.keysByLower(), policyName: planned.policy(),
		unmanaged: map[string]string{}, names: map[string]string{},
	}
	if prior != nil {
		pl.priorKeys = prior.keysByLower()
	}
	return pl
}

// scope finds whom the policy sees unmanaged: from a listing when the plan
// must see the scope (see mustList), else from the refreshed state.
func (pl *planner) scope(ctx context.Context, list Lister) error {
	switch {
	case pl.config.Filter.Unknown:
		pl.planned.UnmanagedUsersUnknown = true
	case mustList(pl.prior, pl.config, pl.priv, pl.priorKeys, pl.policyName):
		found, err := list(ctx, pl.config.filter())
		if errors.Is(err, ErrScopeUnknown) {
			pl.planned.UnmanagedUsersUnknown = true
			return nil
		}
		if err != nil {
			return err
		}
		pl.found = found
		for lower, f := range found {
			if _, listed := pl.priorKeys[lower]; listed {
				continue
			}
			if pl.policyName == PolicyDeactivate && !f.Active {
				continue
			}
			pl.unmanaged[lower], pl.names[lower] = f.ID, f.UserName
		}
	default:
		for _, name := range pl.prior.UnmanagedUsers {
			lower := strings.ToLower(name)
			pl.unmanaged[lower], pl.names[lower] = pl.priv.Unmanaged[lower], name
		}
	}
	return nil
}

// renames pairs a person the configuration drops and one it adds who share
// an external_id (the identity provider's immutable identifier): one
// person whose email changed, renamed, keeping their account.
func (pl *planner) renames() {
	pl.renamed, pl.renamedFrom = renames(pl.prior, pl.config, pl.priorKeys, pl.configKeys, pl.found)
	pl.next.Renamed = pl.renamed
}

// people plans each person the configuration lists (see planPerson):
// managed, renamed, adopted from the server, or new.
func (pl *planner) people() {
	pl.planned.Users = make(map[string]*Person, len(pl.config.Users))
	pl.planned.IDs = make(map[string]Str, len(pl.config.Users))
	for k, c := range pl.config.Users {
		lower := strings.ToLower(k)
		var p *Person
		var id Str
		var configured person.Configured
		if pk, ok := pl.priorKeys[lower]; ok {
			p, id, configured = pl.prior.Users[pk], pl.prior.IDs[pk], pl.priv.Configured[lower]
		} else if pk, ok := pl.renamed[lower]; ok {
			p, id, configured = pl.prior.Users[pk], pl.prior.IDs[pk], pl.priv.Configured[strings.ToLower(pk)]
		} else if f, ok := pl.found[lower]; ok {
			// Already on the server: adopted, and the settings the
			// configuration does not set stay what the server holds.
			p, id = f.Person, tfproto.Known(f.ID)
		} else {
			id = Str{Unknown: true}
		}
		delete(pl.unmanaged, lower)
		pl.planned.Users[k] = planPerson(c, p, configured)
		pl.planned.IDs[k] = id
	}
}

// leavers hands the people dropped from the roster (not renamed) to the
// policy, as unmanaged.
func (pl *planner) leavers() {
	if pl.prior == nil {
		return
	}
	for _, k := range sortedKeys(pl.prior.Users) {
		lower := strings.ToLower(k)
		if _, still := pl.configKeys[lower]; still || pl.renamedFrom[lower] {
			continue
		}
		if pl.policyName == PolicyDeactivate && !pl.prior.Users[k].Active.V {
			continue
		}
		pl.dropped = append(pl.dropped, k)
		pl.unmanaged[lower], pl.names[lower] = pl.prior.IDs[k].Value(), k
	}
}

// policy records the unmanaged people's ids for apply, plans
// unmanaged_users, and names in a warning each person the policy will
// deactivate or delete (res.ActOn).
func (pl *planner) policy() {
	for lower, id := range pl.unmanaged {
		pl.next.Unmanaged[lower] = id
	}
	planned, policy := pl.planned, pl.policyName
	if planned.UnmanagedUsersUnknown {
		if pl.prior != nil && len(pl.dropped) > 0 && policy != PolicyIgnore {
			pl.res.Problems.AddAttributeWarning(path.Root("unmanaged"), "Apply will act on people removed from the roster",
				fmt.Sprintf("unmanaged = %q applies to: %s", policy, strings.Join(pl.dropped, ", ")))
		}
		return
	}
	who := make([]string, 0, len(pl.unmanaged))
	for lower := range pl.unmanaged {
		who = append(who, pl.names[lower])
	}
	slices.Sort(who)
	planned.UnmanagedUsers = []string{}
	if policy == PolicyIgnore {
		if pl.found != nil {
			// Listed now: the CLIs plan again in the apply walk, after
			// other resources' writes, and a listing then may differ, so
			// apply lists the scope after its own writes instead.
			planned.UnmanagedUsers, planned.UnmanagedUsersUnknown = nil, true
			return
		}
		planned.UnmanagedUsers = who
		return
	}
	if len(who) == 0 {
		return
	}
	pl.res.ActOn = who
	verb := map[string]string{PolicyDeactivate: "deactivate", PolicyDelete: "delete"}[policy]
	pl.res.Problems.AddAttributeWarning(path.Root("unmanaged"),
		fmt.Sprintf("Apply will %s %d SCIM user(s) this roster does not list", verb, len(who)),
		fmt.Sprintf("unmanaged = %q: these users are in the roster's scope (filter %s) but have no user block, "+
			"so apply will %s them:\n  %s", policy, scopeText(pl.config.Filter), verb, strings.Join(who, "\n  ")))
}

// counts states, whenever the plan changes anything, the roster's own
// counts in one line, and the renames by name.
func (pl *planner) counts() {
	c := count(pl.prior, pl.planned, pl.priorKeys, pl.renamed, len(pl.res.ActOn), pl.policyName)
	pl.res.Counts = c
	if !c.any() {
		return
	}
	detail := "The CLI counts the roster as one resource to change; these are the people and teams behind it."
	if len(pl.renamed) > 0 {
		var lines []string
		for _, lower := range sortedKeys(pl.renamed) {
			k := pl.configKeys[lower]
			lines = append(lines, fmt.Sprintf("%s → %s (external_id %q)", pl.renamed[lower], k, pl.config.Users[k].Attrs[AttrExternalID].V))
		}
		detail += "\n\nRenamed, keeping their account:\n  " + strings.Join(lines, "\n  ")
	}
	pl.res.Problems.AddWarning("Roster: "+c.String(), detail)
}

// renames pairs each person config adds (neither in prior nor found on the
// server) with the person it drops who has the same external_id, when the
// configuration sets one: renamed maps the new lower-cased email to the
// prior key, renamedFrom holds the prior keys, lower-cased.
func renames(prior, config *Roster, priorKeys, configKeys map[string]string, found map[string]Found) (renamed map[string]string, renamedFrom map[string]bool) {
	renamed, renamedFrom = map[string]string{}, map[string]bool{}
	if prior == nil {
		return renamed, renamedFrom
	}
	byExternalID := map[string]string{}
	for _, pk := range sortedKeys(prior.Users) {
		if _, still := configKeys[strings.ToLower(pk)]; still {
			continue
		}
		if x := prior.Users[pk].Attrs[AttrExternalID]; x.IsSet() && prior.IDs[pk].IsSet() && prior.IDs[pk].V != "" {
			byExternalID[x.V] = pk
		}
	}
	for _, k := range sortedKeys(config.Users) {
		lower := strings.ToLower(k)
		if _, managed := priorKeys[lower]; managed {
			continue
		}
		if _, exists := found[lower]; exists {
			continue
		}
		x := config.Users[k].Attrs[AttrExternalID]
		if pk, ok := byExternalID[x.Value()]; ok && x.IsSet() {
			renamed[lower], renamedFrom[strings.ToLower(pk)] = pk, true
			delete(byExternalID, x.V)
		}
	}
	return renamed, renamedFrom
}

// count is what the plan will do: people created, changed, renamed,
// adopted (on the server already), deactivated or deleted by the policy,
// and teams whose membership changes.
func count(prior, planned *Roster, priorKeys, renamed map[string]string, actOn int, policy string) Counts {
	var c Counts
	for k, p := range planned.Users {
		lower := strings.ToLower(k)
		pk, managed := priorKeys[lower]
		switch {
		case managed:
			if *p != *prior.Users[pk] {
				c.Change++
			}
		case renamed[lower] != "":
			c.Rename++
		case planned.IDs[k].Unknown:
			c.Create++
		default:
			c.Adopt++
		}
	}
	switch policy {
	case PolicyDeactivate:
		c.Deactivate = actOn
	case PolicyDelete:
		c.Delete = actOn
	}
	if !planned.TeamsUnknown {
		for team, members := range planned.Teams {
			var before []string
			had := false
			if prior != nil {
				before, had = prior.Teams[team]
			}
			if !had || !sameMembers(before, members) {
				c.Teams++
			}
		}
	}
	return c
}

// sameMembers compares two teams' members ignoring case and order.
func sameMembers(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	set := make(map[string]bool, len(a))
	for _, m := range a {
		set[strings.ToLower(m)] = true
	}
	for _, m := range b {
		if !set[strings.ToLower(m)] {
			return false
		}
	}
	return true
}

// scopeText is the roster's filter as messages show it: as written, since
// a filter quotes its values ("userName ew \"@moby.example\"" read back
// through %q is hard to recognise).
func scopeText(f Str) string {
	if f.Null {
		return "unset: every user of the connection"
	}
	return f.V
}

// usersInScope names the users of the roster's scope in an error.
func usersInScope(f Str) string {
	return "SCIM users in the roster's scope (filter " + scopeText(f) + ")"
}

// importSubject names what an import with id reads, in an error.
func importSubject(id string) string {
	if id == "*" {
		return "SCIM users (import id *: every user of the connection)"
	}
	return "SCIM users with filter " + id
}

// planPerson plans one entry: c from the configuration, p from state (nil
// for a new person), configured the settings the configuration set at the
// last apply.
func planPerson(c, p *Person, configured person.Configured) *Person {
	out := &Person{}
	for i := range NumAttrs {
		switch {
		case !c.Attrs[i].Null:
			out.Attrs[i] = c.Attrs[i]
		case p != nil && !configured.Has(i):
			out.Attrs[i] = p.Attrs[i]
		case i == AttrRole:
			out.Attrs[i] = tfproto.Known("member")
		case i == AttrDisplayName:
			if p != nil && p.Attrs[i].Null {
				out.Attrs[i] = p.Attrs[i]
			} else {
				out.Attrs[i] = Str{Unknown: true}
			}
		default:
			out.Attrs[i] = tfproto.NullStr()
		}
	}
	out.Active = c.Active
	if c.Active.Null {
		out.Active = Bool{V: true}
	}
	return out
}

// mustList says whether a plan must list the scope: a roster being created
// (people it lists may exist already, and its policy may act on others), a
// changed filter or policy, or a person added who is on the server already
// (named in unmanaged_users), whose settings the plan then keeps.
func mustList(prior, config *Roster, priv *Private, priorKeys map[string]string, policy string) bool {
	if prior == nil || prior.UnmanagedUsersUnknown || prior.Filter != config.Filter ||
		(policy != PolicyIgnore && prior.policy() != policy) {
		return true
	}
	for k := range config.Users {
		lower := strings.ToLower(k)
		if _, managed := priorKeys[lower]; managed {
			continue
		}
		if _, onServer := priv.Unmanaged[lower]; onServer {
			return true
		}
	}
	return false
}
