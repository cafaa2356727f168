// Package roster implements docker_scim_roster: a set of SCIM users of one
// connection managed as a whole, from one resource.
//
// The resource is served directly on terraform-plugin-go (protocol 6) and
// combined with the framework provider by terraform-plugin-mux, as the
// Kubernetes provider serves kubernetes_manifest: the framework's
// per-attribute machinery costs more than Terraform's own per-instance
// floor once one resource holds thousands of people. The package keeps the
// protocol layer thin and in one file (protocol.go: schema, value
// conversion and diagnostics); everything else works on the plain Go types
// of this file:
//
//   - plan.go: what a plan proposes (pure: no I/O but an optional listing);
//   - read.go: refresh and import, from one paged listing of the scope;
//   - apply.go: the writes, one per changed person, bounded in parallel.
package roster

import (
	"sort"
	"strings"

	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// The attribute values of the roster, shared with the other resources
// served on terraform-plugin-go.
type (
	Str  = tfproto.Str
	Bool = tfproto.Bool
	Int  = tfproto.Int
)

// The settings of one person: the person model's (internal/person), which
// docker_scim_user shares.
const (
	AttrGivenName   = person.GivenName
	AttrFamilyName  = person.FamilyName
	AttrDisplayName = person.DisplayName
	AttrExternalID  = person.ExternalID
	AttrRole        = person.Role
	AttrOrgName     = person.OrgName
	AttrTeamName    = person.TeamName
	NumAttrs        = person.NumAttrs
)

// AttrNames are the schema names of a person's string settings, by index.
var AttrNames = person.Names

// Person is one entry of users: the settings of one SCIM user.
type Person = person.Person

// Roster is the whole resource: configuration, plan or state.
type Roster struct {
	ID                Str
	Filter            Str
	Unmanaged         Str
	MaxParallelWrites Int

	// Users is keyed by email as the configuration spells it.
	Users        map[string]*Person
	UsersUnknown bool

	// Teams is keyed by "org:team"; nil when null.
	Teams        map[string][]string
	TeamsUnknown bool

	// IDs maps each key of Users to its SCIM id; an unknown id is "".
	IDs        map[string]Str
	IDsUnknown bool

	// UnmanagedUsers are the users in scope that the roster does not list
	// and that its unmanaged policy has not dealt with (see plan.go).
	UnmanagedUsers        []string
	UnmanagedUsersUnknown bool
}

// Unmanaged policies.
const (
	PolicyIgnore     = "ignore"
	PolicyDeactivate = "deactivate"
	PolicyDelete     = "delete"
)

// Defaults of the optional settings.
const (
	DefaultMaxParallelWrites = 8
	MaxMaxParallelWrites     = 64
)

// AllUsers is the import ID that puts every user of the connection in scope.
const AllUsers = "*"

// policy is the unmanaged policy r states, with its default.
func (r *Roster) policy() string {
	if r.Unmanaged.Null || r.Unmanaged.Unknown || r.Unmanaged.V == "" {
		return PolicyIgnore
	}
	return r.Unmanaged.V
}

// parallel is the bound on writes in flight.
func (r *Roster) parallel() int {
	if r.MaxParallelWrites.Null || r.MaxParallelWrites.Unknown || r.MaxParallelWrites.V < 1 {
		return DefaultMaxParallelWrites
	}
	return int(min(r.MaxParallelWrites.V, MaxMaxParallelWrites))
}

// filter is the SCIM filter of the scope, "" for every user.
func (r *Roster) filter() string { return r.Filter.Value() }

// keysByLower maps each user key, lower-cased, to the key: Docker compares
// user names ignoring case.
func (r *Roster) keysByLower() map[string]string {
	out := make(map[string]string, len(r.Users))
	for k := range r.Users {
		out[strings.ToLower(k)] = k
	}
	return out
}

// Private is what the resource keeps in private state, beside the state.
type Private struct {
	// Configured records, per lower-cased email, which settings the
	// configuration set at the last apply (person.Configured): a setting
	// it never set is the identity provider's, one it stopped setting is
	// given back.
	Configured map[string]person.Configured `json:"c,omitempty"`
	// Unmanaged holds the SCIM ids of the users named in unmanaged_users
	// (and of those a plan will act on), by lower-cased email, so that apply
	// acts on exactly the people the plan showed.
	Unmanaged map[string]string `json:"u,omitempty"`
	// Endpoint is the SCIM endpoint every person and team of the roster
	// was last seen through: a refresh either sees each of them through the
	// current settings or fails (see Confirm), so one record stands for
	// all. Nil in state written before it was recorded.
	Endpoint *view.Endpoint `json:"e,omitempty"`
	// Renamed maps the lower-cased email of each person a plan renames to
	// their previous email (see Plan).
	Renamed map[string]string `json:"r,omitempty"`
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
