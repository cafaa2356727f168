// Package person describes a person once, below every resource that
// arranges people (docker_scim_user, docker_scim_roster): their settings,
// the schema attributes and descriptions of those settings, who owns a
// setting the configuration leaves out, and the mapping to and from a SCIM
// user. The resources import it, never each other.
package person

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// The settings of a person, by index into Person.Attrs. Each may be set by
// the identity provider as well as by the configuration (see IdPOwned).
const (
	GivenName = iota
	FamilyName
	DisplayName
	ExternalID
	Role
	OrgName
	TeamName
	NumAttrs
)

// Names are the schema names of the settings, by index.
var Names = [NumAttrs]string{"given_name", "family_name", "display_name", "external_id", "role", "org_name", "team_name"}

// Roles are the roles Docker's SCIM extension accepts in dockerRole.
var Roles = []string{"member", "editor", "owner"}

// DefaultRole is the role of a person whose role nobody set.
const DefaultRole = "member"

// Person is the settings of one SCIM user, and whether they are active.
type Person struct {
	Attrs  [NumAttrs]tfproto.Str
	Active tfproto.Bool
}

// meanings say what each setting is and where SCIM keeps it: all that a
// reader of the person (a data source) is told.
var meanings = [NumAttrs]string{
	"First name (`name.givenName`).",
	"Surname (`name.familyName`).",
	"Display name (`displayName`). Docker sets it to the user's Docker ID when nobody else does.",
	"Identifier of the user in the identity provider (`externalId`).",
	"Role in the organization (Docker's `dockerRole`): `member`, `editor` or `owner`.",
	"Organization the user joins (Docker's `dockerOrg`), overriding the SSO connection's default organization.",
	"Team the user joins (Docker's `dockerTeam`); Docker creates it when missing.",
}

// settingNotes add what setting each one does, for a resource that sets it.
var settingNotes = [NumAttrs]string{
	Role:    "A new user gets `member` when it is not set.",
	OrgName: "It must be covered by the connection.",
}

// Meaning describes setting i as it is reported (Markdown).
func Meaning(i int) string { return meanings[i] }

// IdPOwned is the rule for a setting the configuration leaves out, as each
// setting's description ends.
const IdPOwned = "When the configuration does not set it, it is not managed: Terraform neither removes nor resets " +
	"what the identity provider or Docker set, and reports it. Removing it from a configuration that set it removes " +
	"it on the server."

// SchemaAttributes are the schema attributes of the settings (Optional and
// Computed), each described once, with note(i) (may be "") before the
// ownership rule.
func SchemaAttributes(note func(i int) string) []*tfprotov6.SchemaAttribute {
	out := make([]*tfprotov6.SchemaAttribute, 0, NumAttrs+1)
	for i, name := range Names {
		d := meanings[i]
		for _, n := range []string{settingNotes[i], note(i)} {
			if n != "" {
				d += " " + n
			}
		}
		out = append(out, &tfprotov6.SchemaAttribute{Name: name, Type: tftypes.String, Optional: true, Computed: true,
			Description: d + " " + IdPOwned, DescriptionKind: tfprotov6.StringKindMarkdown})
	}
	return out
}

// FromUser is what the server holds of u.
func FromUser(u *scim.User) *Person {
	p := &Person{Active: tfproto.KnownBool(u.IsActive())}
	for i := range p.Attrs {
		p.Attrs[i] = tfproto.NullStr()
	}
	p.Attrs[DisplayName] = tfproto.OrNull(u.DisplayName)
	p.Attrs[ExternalID] = tfproto.OrNull(u.ExternalID)
	p.Attrs[Role] = tfproto.Known(DefaultRole)
	if u.Name != nil {
		p.Attrs[GivenName] = tfproto.OrNull(u.Name.GivenName)
		p.Attrs[FamilyName] = tfproto.OrNull(u.Name.FamilyName)
	}
	if u.Docker != nil {
		if u.Docker.Role != "" {
			p.Attrs[Role] = tfproto.Known(u.Docker.Role)
		}
		p.Attrs[OrgName] = tfproto.OrNull(u.Docker.Org)
		p.Attrs[TeamName] = tfproto.OrNull(u.Docker.Team)
	}
	return p
}

// ToUser is the SCIM user userName (with SCIM id id, "" when new) that p
// describes. An unset or unknown setting is left out (display_name then
// Docker's), an unset role is DefaultRole, and active defaults to true.
func ToUser(userName, id string, p *Person) *scim.User {
	active := p.Active.Null || p.Active.Unknown || p.Active.V
	u := &scim.User{
		ID:          id,
		UserName:    userName,
		ExternalID:  p.Attrs[ExternalID].Value(),
		DisplayName: p.Attrs[DisplayName].Value(),
		Active:      &active,
	}
	if g, f := p.Attrs[GivenName].Value(), p.Attrs[FamilyName].Value(); g != "" || f != "" {
		u.Name = &scim.Name{GivenName: g, FamilyName: f}
	}
	role := p.Attrs[Role].Value()
	if role == "" {
		role = DefaultRole
	}
	u.Docker = &scim.DockerExtension{Role: role, Org: p.Attrs[OrgName].Value(), Team: p.Attrs[TeamName].Value()}
	return u
}
