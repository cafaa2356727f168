package person

import (
	"testing"

	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// What the server holds maps to a person and back to the same user; a
// person with nothing set is a member, active, with Docker's display name.
func TestUserRoundTrip(t *testing.T) {
	active := false
	u := &scim.User{
		ID: "1", UserName: "ann@x.example", ExternalID: "00uA", DisplayName: "Ann L", Active: &active,
		Name:   &scim.Name{GivenName: "Ann", FamilyName: "L"},
		Docker: &scim.DockerExtension{Role: "editor", Org: "moby", Team: "dev"},
	}
	p := FromUser(u)
	if p.Active.V || p.Attrs[Role] != tfproto.Known("editor") || p.Attrs[TeamName] != tfproto.Known("dev") {
		t.Fatalf("FromUser = %+v", p)
	}
	back := ToUser(u.UserName, u.ID, p)
	if back.ExternalID != "00uA" || back.DisplayName != "Ann L" || *back.Active || back.Name.FamilyName != "L" ||
		back.Docker.Org != "moby" || back.ID != "1" {
		t.Fatalf("ToUser = %+v", back)
	}

	empty := &Person{Active: tfproto.Bool{Null: true}}
	for i := range empty.Attrs {
		empty.Attrs[i] = tfproto.NullStr()
	}
	nu := ToUser("new@x.example", "", empty)
	if !*nu.Active || nu.Docker.Role != DefaultRole || nu.DisplayName != "" || nu.Name != nil {
		t.Fatalf("a person with nothing set: %+v", nu)
	}
	if got := FromUser(&scim.User{UserName: "b@x.example"}); got.Attrs[Role] != tfproto.Known(DefaultRole) || !got.Attrs[OrgName].Null {
		t.Fatalf("a bare user: %+v", got)
	}
}

func TestSchemaAttributesDescribeOnce(t *testing.T) {
	attrs := SchemaAttributes(func(i int) string {
		if i == TeamName {
			return "A note."
		}
		return ""
	})
	if len(attrs) != NumAttrs || attrs[TeamName].Description != Meaning(TeamName)+" A note. "+IdPOwned ||
		attrs[Role].Description != Meaning(Role)+" "+settingNotes[Role]+" "+IdPOwned || !attrs[Role].Optional || !attrs[Role].Computed {
		t.Fatalf("attributes: %+v", attrs)
	}
}
