package view

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Claims catches, at plan time, two resources of one configuration that
// would fight over a person or a team: a person declared by two resources
// (docker_scim_user or a roster's user block), a team declared by two (a
// roster's teams or docker_group_mapping), and a roster whose unmanaged
// policy would deactivate or delete a person another resource declares.
//
// Each resource claims what it plans in PlanResourceChange (ModifyPlan on
// the framework side) in the Provider of its provider block, which every
// resource of the block shares for one walk. Whoever claims second finds
// the first claim and reports the conflict, naming both, so the result does
// not depend on the order in which the CLI plans resources: the plan fails
// either way, before anything is written.
//
// Limits (see DESIGN.md): claims are per provider block, so two aliases of
// one connection do not see each other's; the protocol does not tell a
// provider a resource's address, so the other resource is named by its type
// and what it declares; two resources whose configuration is identical are
// one claimant (a resource planned twice in a walk, as a replacement is,
// must not conflict with itself), and a policy conflicts only with the
// people the plan knows it acts on.
type Claims struct {
	mu       sync.Mutex
	subjects map[string]*claimed
}

// Claimant is one resource of the configuration as claims see it.
type Claimant struct {
	// ID tells resources apart: the resource type and a digest of its
	// configuration (see ClaimantID).
	ID string
	// Name describes the resource to a reader, e.g. `docker_scim_user with
	// user_name "a@x.example"`.
	Name string
}

// ClaimantID is the ID of a resource of type typeName whose configuration
// encodes as config: stable across the plans of one resource in a walk.
func ClaimantID(typeName string, config []byte) string {
	sum := sha256.Sum256(config)
	return typeName + ":" + hex.EncodeToString(sum[:8])
}

type claim struct {
	by       Claimant
	spelling string
	verb     string // for a policy: "deactivate" or "delete"
}

type claimed struct {
	declared *claim
	actedOn  *claim
}

// ConflictKind says what two claims on one subject mean.
type ConflictKind int

// The conflicts Claims reports.
const (
	// DeclaredTwice: two resources declare the person or team.
	DeclaredTwice ConflictKind = iota + 1
	// ActsOnDeclared: this roster's policy acts on a person another declares.
	ActsOnDeclared
	// DeclaredActedOn: this resource declares a person another roster's
	// policy acts on.
	DeclaredActedOn
)

// Conflict is a claim that found an earlier one by another resource.
type Conflict struct {
	Kind  ConflictKind
	Other Claimant
	// Spelling is the subject as the other resource spells it.
	Spelling string
	// Verb is the policy's verb ("deactivate", "delete"), for the policy
	// conflicts.
	Verb string
	// Team says the subject is a team, not a person.
	Team bool
}

func (c *Claims) subject(key string) *claimed {
	if c.subjects == nil {
		c.subjects = map[string]*claimed{}
	}
	s := c.subjects[key]
	if s == nil {
		s = &claimed{}
		c.subjects[key] = s
	}
	return s
}

// DeclarePerson records that by declares the person email (compared
// ignoring case, as Docker compares user names).
func (c *Claims) DeclarePerson(email string, by Claimant) *Conflict {
	return c.declare("user:"+strings.ToLower(email), email, false, by)
}

// DeclareTeam records that by declares the whole membership of team
// ("org:team", compared ignoring case).
func (c *Claims) DeclareTeam(team string, by Claimant) *Conflict {
	return c.declare("team:"+strings.ToLower(team), team, true, by)
}

func (c *Claims) declare(key, spelling string, team bool, by Claimant) *Conflict {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.subject(key)
	if d := s.declared; d != nil && d.by.ID != by.ID {
		return &Conflict{Kind: DeclaredTwice, Other: d.by, Spelling: d.spelling, Team: team}
	}
	if s.declared == nil {
		s.declared = &claim{by: by, spelling: spelling}
	}
	if a := s.actedOn; a != nil && a.by.ID != by.ID {
		return &Conflict{Kind: DeclaredActedOn, Other: a.by, Spelling: a.spelling, Verb: a.verb}
	}
	return nil
}

// ActOnPerson records that by's unmanaged policy will verb ("deactivate"
// or "delete") the person email.
func (c *Claims) ActOnPerson(email, verb string, by Claimant) *Conflict {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.subject("user:" + strings.ToLower(email))
	if s.actedOn == nil {
		s.actedOn = &claim{by: by, spelling: email, verb: verb}
	}
	if d := s.declared; d != nil && d.by.ID != by.ID {
		return &Conflict{Kind: ActsOnDeclared, Other: d.by, Spelling: d.spelling, Verb: verb}
	}
	return nil
}

// AddConflict adds the error for conflict c, found when me claimed subject
// (an email or "org:team"), at attribute path at of me.
func AddConflict(diags *diag.Diagnostics, at path.Path, me Claimant, subject string, c *Conflict) {
	var summary, detail string
	switch c.Kind {
	case DeclaredTwice:
		what, remedy := "person", "Keep the person in one of them: remove them from the other resource (to move people "+
			"between a docker_scim_roster and docker_scim_user without a write, see the roster migration guide)."
		if c.Team {
			what, remedy = "team", "Keep the team's membership in one of them: remove the team from the roster's teams, "+
				"or remove the docker_group_mapping."
		}
		summary = fmt.Sprintf("One %s declared by two resources", what)
		if typeOf(me) == "docker_scim_user" && typeOf(c.Other) == "docker_scim_user" {
			summary = "Two docker_scim_user resources for one person"
		}
		detail = fmt.Sprintf("%q is declared by this resource, %s, and by another resource of this configuration, %s (as %q). "+
			"Docker compares user names and group names ignoring case, so both resources would manage the same "+
			"object and undo each other's changes on every apply. %s",
			subject, me.Name, c.Other.Name, c.Spelling, remedy)
	case ActsOnDeclared:
		summary = "The unmanaged policy would act on a person another resource declares"
		detail = fmt.Sprintf("The scope of this resource, %s, holds %q, which it does not list, so unmanaged = %q would "+
			"%s them; but another resource of this configuration declares them: %s. Each apply would undo the other. "+
			"Narrow this roster's filter so that its scope leaves out the other resource's people, list the person "+
			"in this roster instead of there, or set unmanaged = \"ignore\".",
			me.Name, subject, c.Verb, c.Verb, c.Other.Name)
	case DeclaredActedOn:
		summary = "A person this resource declares would be " + c.Verb + "d by another roster"
		detail = fmt.Sprintf("%q is declared by this resource, %s, but it is in the scope of another resource of this "+
			"configuration, %s, which does not list them, and whose unmanaged = %q would %s them. Each apply would "+
			"undo the other. Narrow that roster's filter so that its scope leaves out this person, list the person "+
			"there instead of here, or set its unmanaged = \"ignore\".",
			subject, me.Name, c.Other.Name, c.Verb, c.Verb)
	}
	diags.AddAttributeError(at, summary, detail)
}

func typeOf(c Claimant) string {
	if i := strings.Index(c.ID, ":"); i > 0 {
		return c.ID[:i]
	}
	return c.ID
}
