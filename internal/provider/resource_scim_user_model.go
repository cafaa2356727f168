package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// The values of docker_scim_user as plain Go types, and their conversion
// to and from the protocol and the SCIM client (see resource_scim_user.go).

// scimUserModel is one docker_scim_user: configuration, plan or state.
type scimUserModel struct {
	ID       tfproto.Str
	UserName tfproto.Str
	// IdPOwned are the person's settings (internal/person, by its index,
	// as in docker_scim_roster), which the identity provider may set as
	// well as the configuration. One the configuration does not set is not
	// managed: Terraform neither strips nor resets it, reports what the
	// server holds, and a change the IdP makes to it is not drift. One the
	// configuration stops setting is given back: removed on the server
	// (role and display_name go back to Docker's defaults).
	IdPOwned  [person.NumAttrs]tfproto.Str
	Active    tfproto.Bool
	Adopt     tfproto.Bool
	OnDestroy tfproto.Str
}

var (
	scimUserType = func() tftypes.Object {
		t := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			"id": tftypes.String, "user_name": tftypes.String, "on_destroy": tftypes.String,
			"active": tftypes.Bool, "adopt_existing": tftypes.Bool,
		}}
		for _, name := range person.Names {
			t.AttributeTypes[name] = tftypes.String
		}
		return t
	}()
	scimUserIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"user_name": tftypes.String}}
)

// decodeSCIMUser reads a request's value; nil for a null object (a
// resource being created or destroyed).
func decodeSCIMUser(dv *tfprotov6.DynamicValue) (*scimUserModel, error) {
	a, err := tfproto.Attributes(dv, scimUserType)
	if a == nil || err != nil {
		return nil, err
	}
	m := &scimUserModel{
		ID:        tfproto.StrOf(a["id"]),
		UserName:  tfproto.StrOf(a["user_name"]),
		Active:    tfproto.BoolOf(a["active"]),
		Adopt:     tfproto.BoolOf(a["adopt_existing"]),
		OnDestroy: tfproto.StrOf(a["on_destroy"]),
	}
	for i, name := range person.Names {
		m.IdPOwned[i] = tfproto.StrOf(a[name])
	}
	return m, nil
}

// encode writes m as a response value; a nil m is a null object.
func (m *scimUserModel) encode() (*tfprotov6.DynamicValue, error) {
	if m == nil {
		return tfproto.Object(scimUserType, nil)
	}
	a := make(map[string]tftypes.Value, len(scimUserType.AttributeTypes))
	a["id"] = m.ID.Terraform()
	a["user_name"] = m.UserName.Terraform()
	a["active"] = m.Active.Terraform()
	a["adopt_existing"] = m.Adopt.Terraform()
	a["on_destroy"] = m.OnDestroy.Terraform()
	for i, name := range person.Names {
		a[name] = m.IdPOwned[i].Terraform()
	}
	return tfproto.Object(scimUserType, a)
}

// scimUserIdentity is the resource identity: the user_name in lower case.
func scimUserIdentity(userName string) (*tfprotov6.ResourceIdentityData, error) {
	dv, err := tfproto.Object(scimUserIdentityType, map[string]tftypes.Value{
		"user_name": tftypes.NewValue(tftypes.String, strings.ToLower(userName)),
	})
	return &tfprotov6.ResourceIdentityData{IdentityData: dv}, err
}

// nullSCIMUserIdentity is the identity of a resource that has none yet.
func nullSCIMUserIdentity() *tfprotov6.ResourceIdentityData {
	dv, _ := tfproto.Object(scimUserIdentityType, nil)
	return &tfprotov6.ResourceIdentityData{IdentityData: dv}
}

// identityUserName reads the user_name of an identity; "" when there is none.
func identityUserName(id *tfprotov6.ResourceIdentityData) string {
	if id == nil {
		return ""
	}
	a, err := tfproto.Attributes(id.IdentityData, scimUserIdentityType)
	if err != nil || a == nil {
		return ""
	}
	return tfproto.StrOf(a["user_name"]).Value()
}

// userFromModel builds the SCIM user a configuration or state describes,
// as docker_scim_roster builds a person's.
func userFromModel(m *scimUserModel) *scim.User {
	return person.ToUser(m.UserName.Value(), m.ID.Value(), &person.Person{Attrs: m.IdPOwned, Active: m.Active})
}

// modelFromUser maps what the server holds onto the model. Settings that
// exist only in Terraform (on_destroy, adopt_existing) come from prior, and
// so does the spelling of user_name when the server's differs only in case:
// Docker compares user names ignoring case, so that is no change.
func modelFromUser(u *scim.User, prior *scimUserModel) *scimUserModel {
	m := &scimUserModel{
		ID:        tfproto.Known(u.ID),
		UserName:  tfproto.Known(u.UserName),
		Adopt:     prior.Adopt,
		OnDestroy: prior.OnDestroy,
	}
	if p := prior.UserName; p.IsSet() && strings.EqualFold(p.V, u.UserName) {
		m.UserName = p
	}
	if !m.Adopt.IsSet() {
		m.Adopt = tfproto.KnownBool(false)
	}
	if !m.OnDestroy.IsSet() || m.OnDestroy.V == "" {
		m.OnDestroy = tfproto.Known(onDestroyDelete)
	}
	p := person.FromUser(u)
	m.IdPOwned, m.Active = p.Attrs, p.Active
	return m
}

// keepPlanned sets every attribute planned holds a known value for to
// that value: apply may fill in what the plan left unknown, nothing else.
func (m *scimUserModel) keepPlanned(planned *scimUserModel) {
	for i, p := range planned.IdPOwned {
		if !p.Unknown {
			m.IdPOwned[i] = p
		}
	}
	if !planned.Active.Unknown {
		m.Active = planned.Active
	}
}

// changedOnServer names the first attribute that differs between what the
// server holds (server) and what state recorded (state), among those an
// update manages: user_name (ignoring case), active, and the IdP-owned
// attributes the configuration sets. "" when none does. An IdP-owned
// attribute the configuration leaves alone may change under it freely.
func changedOnServer(server, state, config *scimUserModel) string {
	if !strings.EqualFold(server.UserName.Value(), state.UserName.Value()) {
		return "user_name"
	}
	if server.Active.V != state.Active.V {
		return "active"
	}
	for i, name := range person.Names {
		if !config.IdPOwned[i].Null && server.IdPOwned[i] != state.IdPOwned[i] {
			return name
		}
	}
	return ""
}
