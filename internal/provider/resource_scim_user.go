package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/snapshot"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// docker_scim_user is served directly on terraform-plugin-go and muxed
// beside the framework provider (see mux.go and internal/tfproto): most
// users declare one per person with for_each, so a plan of thousands of
// them pays the resource's per-instance cost thousands of times, and the
// framework's per-attribute machinery cost more than Terraform's own
// per-instance work. What the framework did for this resource is done
// here in plain Go: validators (the framework-validators values, called
// directly, so messages are unchanged), defaults, "use state for unknown",
// case-insensitive user_name, identity, and private state in the
// framework's format.

const scimUserTypeName = "docker_scim_user"

// What on_destroy may say.
const (
	onDestroyDelete     = "delete"
	onDestroyDeactivate = "deactivate"
)

// scimUserServer serves docker_scim_user on protocol 6. data returns the
// configured provider block's data, nil before ConfigureProvider.
type scimUserServer struct {
	tfproto.ResourcesOnly
	data func() *providerData
	// nameLookups counts the imports by user_name (see findByUserName).
	nameLookups atomic.Int32
}

var _ tfprotov6.ProviderServer = (*scimUserServer)(nil)

// scimUserValidators check the configuration's strings, by attribute.
var scimUserValidators = map[string][]validator.String{
	"user_name":    {validators.Email()},
	"given_name":   {stringvalidator.LengthAtLeast(1)},
	"family_name":  {stringvalidator.LengthAtLeast(1)},
	"external_id":  {stringvalidator.LengthAtLeast(1)},
	"display_name": {stringvalidator.LengthAtLeast(1)},
	"role":         {stringvalidator.OneOf(person.Roles...)},
	"org_name":     {validators.DockerName("organization")},
	"team_name":    {validators.DockerName("team")},
	"on_destroy":   {stringvalidator.OneOf(onDestroyDelete, onDestroyDeactivate)},
}

func scimUserSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	attrs := []*tfprotov6.SchemaAttribute{
		{Name: "id", Type: tftypes.String, Computed: true, DescriptionKind: md,
			Description: "SCIM id of the user, assigned by Docker."},
		{Name: "user_name", Type: tftypes.String, Required: true, DescriptionKind: md,
			Description: "The user's email address, which is their SCIM `userName`. Compared ignoring case, " +
				"as Docker does. If a Docker account already has this email, it is attached to the organization."},
		{Name: "active", Type: tftypes.Bool, Optional: true, Computed: true, DescriptionKind: md,
			Description: "Whether the user is active. `false` deactivates them, which removes them from the " +
				"organization while keeping the SCIM user; `true` again reactivates them. Defaults to `true`: " +
				"declaring a person means they have access."},
		{Name: "adopt_existing", Type: tftypes.Bool, Optional: true, Computed: true, DescriptionKind: md,
			Description: "When `true`, creating the resource takes over an **active** SCIM user that " +
				"already has this `user_name` (provisioned by an identity provider, an admin or another " +
				"configuration) and brings it to this configuration, instead of failing with \"already exists\". " +
				"Off by default, because the user may be someone else's to manage: whatever set it up will then " +
				"fight this configuration over it. Prefer an `import` block, which shows the adoption in the plan. " +
				"An *inactive* user with this `user_name` is always reactivated and adopted, as an IdP does when it " +
				"assigns a person again. Has no effect after creation."},
		{Name: "on_destroy", Type: tftypes.String, Optional: true, Computed: true, DescriptionKind: md,
			Description: "What destroying the resource does: `delete` (the default) deletes the SCIM user " +
				"and removes them from the organization; `deactivate` keeps the SCIM user but inactive, as Okta does " +
				"when a person is unassigned."},
	}
	attrs = append(attrs, person.SchemaAttributes(func(i int) string {
		if i == person.TeamName {
			return "To manage a team's whole membership, use `docker_group_mapping` instead."
		}
		return ""
	})...)
	return &tfprotov6.Schema{Version: 0, Block: &tfprotov6.SchemaBlock{
		Attributes:      attrs,
		DescriptionKind: md,
		Description: "A person provisioned into a Docker organization through SCIM 2.0, as an identity provider would.\n\n" +
			"While `active` is true the user is a member of the organization (the SSO connection's organization, or " +
			"`org_name`) with the role `role`. Setting `active = false` deactivates the user: Docker removes them from the " +
			"organization but keeps the SCIM user, and setting it back to true restores the membership. Destroying the " +
			"resource deletes the SCIM user and their organization membership (the Docker account itself stays), or, " +
			"with `on_destroy = \"deactivate\"`, only deactivates them, as Okta does.\n\n" +
			"Needs the provider's `scim_base_url` and `scim_token`.",
	}}
}

// GetMetadata names the resource this server serves, and its list
// resource (list_scim_user.go).
func (s *scimUserServer) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp := tfproto.Metadata(scimUserTypeName)
	resp.ListResources = []tfprotov6.ListResourceMetadata{{TypeName: scimUserTypeName}}
	return resp, nil
}

// GetProviderSchema returns the resource's schema and its list resource's;
// the provider block's is the framework side's.
func (s *scimUserServer) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp := tfproto.Schemas(scimUserTypeName, scimUserSchema())
	resp.ListResourceSchemas = map[string]*tfprotov6.Schema{scimUserTypeName: scimUserListSchema()}
	return resp, nil
}

// GetResourceIdentitySchemas declares user_name as the identity, for
// import blocks with `identity = { user_name = "..." }`. The user_name
// may be renamed in place, so the identity can change.
func (s *scimUserServer) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{
		scimUserTypeName: {Version: 0, IdentityAttributes: []*tfprotov6.ResourceIdentitySchemaAttribute{{
			Name: "user_name", Type: tftypes.String, RequiredForImport: true,
			Description: "The user's email address (SCIM userName), in lower case.",
		}}},
	}}, nil
}

// UpgradeResourceState hands the stored JSON back (see tfproto.UpgradeState).
func (s *scimUserServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return tfproto.UpgradeState(scimUserTypeName, req), nil
}

// UpgradeResourceIdentity hands the stored identity back: it has one version.
func (s *scimUserServer) UpgradeResourceIdentity(_ context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	if req.RawIdentity == nil || len(req.RawIdentity.JSON) == 0 || req.Version != 0 {
		return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: tfproto.Error("Cannot read resource identity",
			fmt.Sprintf("%s identity of version %d is not one this provider wrote; it knows version 0.", scimUserTypeName, req.Version))}, nil
	}
	return &tfprotov6.UpgradeResourceIdentityResponse{UpgradedIdentity: &tfprotov6.ResourceIdentityData{
		IdentityData: &tfprotov6.DynamicValue{JSON: req.RawIdentity.JSON}}}, nil
}

// ValidateResourceConfig checks the configuration without the server.
func (s *scimUserServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	a, err := tfproto.Attributes(req.Config, scimUserType)
	if err != nil {
		return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: tfproto.Error("Invalid configuration", err.Error())}, nil
	}
	var diags diag.Diagnostics
	for name, checks := range scimUserValidators {
		v := tfproto.StrOf(a[name])
		if !v.IsSet() {
			continue
		}
		vreq := validator.StringRequest{Path: path.Root(name), PathExpression: path.MatchRoot(name), ConfigValue: types.StringValue(v.V)}
		for _, check := range checks {
			vresp := &validator.StringResponse{}
			check.ValidateString(ctx, vreq, vresp)
			diags.Append(vresp.Diagnostics...)
		}
	}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: tfproto.FromFramework(diags)}, nil
}

// ReadResource refreshes the user. A user deleted outside Terraform is
// removed from state, so the next plan creates it again; but only when the
// provider still points where the user was last seen (see
// confirmVanished). While the SCIM settings are only known after apply (a
// connection being created, re-enabled or rotated in the same apply), the
// recorded state is kept as it is: the user is refreshed by the next plan.
func (s *scimUserServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}
	state, err := decodeSCIMUser(req.CurrentState)
	if err != nil || state == nil {
		if err != nil {
			resp.Diagnostics = tfproto.Error("Cannot read state", err.Error())
		}
		return resp, nil
	}
	// The identity is the user's as read, else the state's (Terraform <
	// 1.12 sends none).
	identity := state.UserName.Value()
	var diags diag.Diagnostics
	user, vanished, private := s.refresh(ctx, state, req.Private, &diags)
	switch {
	case vanished:
		resp.NewState, err = (*scimUserModel)(nil).encode()
	case user != nil:
		identity = user.UserName
		resp.NewState, err = modelFromUser(user, state).encode()
		if tidyUserPrivate(s.data(), private) || settleWrite(private, user) {
			resp.Private = private.Encode()
		}
	}
	if err == nil {
		resp.NewIdentity, err = scimUserIdentity(identity)
	}
	if err != nil {
		diags.AddError("Cannot encode state", err.Error())
	}
	resp.Diagnostics = tfproto.FromFramework(diags)
	return resp, nil
}

// refresh reads the user state describes. It returns nil, and state is
// kept as it is, while the settings are pending or when diags says why the
// user could not be read; vanished says the user was deleted outside
// Terraform (through the settings it was last seen through).
func (s *scimUserServer) refresh(ctx context.Context, state *scimUserModel, rawPrivate []byte, diags *diag.Diagnostics) (user *scim.User, vanished bool, private tfproto.Private) {
	data := s.data()
	if data.scimSettingsPending() {
		return nil, false, nil
	}
	client := data.scimClient(diags, scimUserTypeName)
	if client == nil {
		return nil, false, nil
	}
	private = tfproto.DecodePrivate(rawPrivate)
	user, err := data.users.Get(ctx, client, state.ID.Value())
	if w, ok := lastWrite(private); ok {
		user, err = client.WaitVisible(ctx, state.ID.Value(), w, user, err)
	}
	if errors.Is(err, httpx.ErrNotFound) {
		return nil, data.confirmVanished(ctx, private, diags, "SCIM user", state.UserName.Value()), private
	}
	if err != nil {
		diagnostics.AddClientError(diags, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionRead, What: "SCIM user", ID: state.UserName.Value()}, err)
		return nil, false, private
	}
	return user, false, private
}

// PlanResourceChange plans what the framework's schema features did:
// defaults, the id and the IdP-owned attributes kept from state, and the
// IdP-owned attributes the configuration stopped setting given back
// (planIdPOwned). It also catches two resources for one person.
func (s *scimUserServer) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate, PlannedIdentity: req.PriorIdentity}
	if resp.PlannedIdentity == nil {
		resp.PlannedIdentity = nullSCIMUserIdentity()
	}
	planned, err := decodeSCIMUser(req.ProposedNewState)
	if err != nil || planned == nil {
		if err != nil {
			resp.Diagnostics = tfproto.Error("Cannot read the proposed plan", err.Error())
		}
		return resp, nil // destroy
	}
	config, err := decodeSCIMUser(req.Config)
	if err != nil || config == nil {
		resp.Diagnostics = tfproto.Error("Cannot read configuration", fmt.Sprint(err))
		return resp, nil
	}
	prior, err := decodeSCIMUser(req.PriorState)
	if err != nil {
		resp.Diagnostics = tfproto.Error("Cannot read state", err.Error())
		return resp, nil
	}

	// Defaults, for attributes the configuration leaves unset.
	if config.Active.Null {
		planned.Active = tfproto.KnownBool(true)
	}
	if config.Adopt.Null {
		planned.Adopt = tfproto.KnownBool(false)
	}
	if config.OnDestroy.Null {
		planned.OnDestroy = tfproto.Known(onDestroyDelete)
	}
	if prior == nil {
		planned.ID = tfproto.UnknownStr()
	} else {
		planned.ID = prior.ID
	}
	planIdPOwned(planned, config, prior, req.PriorPrivate)

	var diags diag.Diagnostics
	if data := s.data(); data != nil && planned.UserName.IsSet() {
		me := view.Claimant{ID: view.ClaimantID(scimUserTypeName, configBytes(req.Config)),
			Name: fmt.Sprintf("%s with user_name %q", scimUserTypeName, planned.UserName.V)}
		if c := data.view.Claims.DeclarePerson(planned.UserName.V, me); c != nil {
			view.AddConflict(&diags, path.Root("user_name"), me, planned.UserName.V, c)
		}
	}
	resp.Diagnostics = tfproto.FromFramework(diags)
	if resp.PlannedState, err = planned.encode(); err != nil {
		resp.Diagnostics = append(resp.Diagnostics, tfproto.Error("Cannot encode plan", err.Error())...)
	}
	return resp, nil
}

// configBytes is the encoded configuration of a resource, which tells
// resources apart in claims (view.ClaimantID): docker_scim_user has no map
// attribute, and an object's attributes are encoded in a fixed order, so
// the bytes are the same for the same configuration.
func configBytes(dv *tfprotov6.DynamicValue) []byte {
	if dv == nil {
		return nil
	}
	if len(dv.MsgPack) > 0 {
		return dv.MsgPack
	}
	return dv.JSON
}

// planIdPOwned plans the person's settings (person.Names) that the
// configuration does not set. On create, Docker's defaults: nothing, role
// member, and a display_name Docker picks. On update, what the server
// holds (Terraform proposes the prior value), unless the configuration set
// it last time: then its removal.
func planIdPOwned(planned, config, prior *scimUserModel, priorPrivate []byte) {
	var configured *person.Configured // read from private state on first need
	for i := range person.Names {
		if !config.IdPOwned[i].Null {
			continue
		}
		if prior != nil {
			if configured == nil {
				c := person.ReadConfigured(tfproto.DecodePrivate(priorPrivate))
				configured = &c
			}
			if !configured.Has(i) {
				continue
			}
		}
		switch i {
		case person.DisplayName:
			planned.IdPOwned[i] = tfproto.UnknownStr()
		case person.Role:
			planned.IdPOwned[i] = tfproto.Known("member")
		default:
			planned.IdPOwned[i] = tfproto.NullStr()
		}
	}
}

// ApplyResourceChange creates, updates or destroys the user.
func (s *scimUserServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate, NewIdentity: req.PlannedIdentity}
	prior, err := decodeSCIMUser(req.PriorState)
	if err != nil {
		resp.Diagnostics = tfproto.Error("Cannot read state", err.Error())
		return resp, nil
	}
	planned, err := decodeSCIMUser(req.PlannedState)
	if err != nil {
		resp.Diagnostics = tfproto.Error("Cannot read plan", err.Error())
		return resp, nil
	}
	config, err := decodeSCIMUser(req.Config)
	if err != nil {
		resp.Diagnostics = tfproto.Error("Cannot read configuration", err.Error())
		return resp, nil
	}
	var diags diag.Diagnostics
	data := s.data()
	client := data.scimClient(&diags, scimUserTypeName)
	if client == nil {
		resp.Diagnostics = tfproto.FromFramework(diags)
		return resp, nil
	}

	var saved *scim.User // what the server holds afterwards, to record
	private := tfproto.DecodePrivate(req.PlannedPrivate)
	switch {
	case planned == nil:
		if s.destroy(ctx, client, prior, &diags) {
			resp.NewState, _ = (*scimUserModel)(nil).encode()
			resp.NewIdentity = nil
		}
		resp.Diagnostics = tfproto.FromFramework(diags)
		return resp, nil
	case prior == nil:
		saved = s.create(ctx, client, planned, &diags)
	default:
		saved = s.update(ctx, client, prior, planned, config, private, &diags)
	}
	if saved != nil {
		newState := modelFromUser(saved, planned)
		if diags.HasError() {
			// A lost update: record what the server holds now, so that
			// the next plan shows the real difference.
			newState = modelFromUser(saved, prior)
		} else {
			// Terraform holds apply to the plan: an IdP-owned attribute
			// the identity provider changed since the refresh, which the
			// configuration does not set, keeps its planned value until
			// the next refresh reports it.
			newState.keepPlanned(planned)
			person.WriteConfigured(private, person.ConfiguredIn(&person.Person{Attrs: config.IdPOwned}))
			rememberWrite(private, saved)
		}
		tidyUserPrivate(data, private)
		data.users.Put(saved)
		var encErr error
		if resp.NewState, encErr = newState.encode(); encErr == nil {
			resp.NewIdentity, encErr = scimUserIdentity(saved.UserName)
		}
		if encErr != nil {
			diags.AddError("Cannot encode state", encErr.Error())
		}
		resp.Private = private.Encode()
	}
	resp.Diagnostics = tfproto.FromFramework(diags)
	return resp, nil
}

// create provisions the user. A person whose SCIM user exists but is
// inactive (deactivated earlier, for instance by on_destroy = "deactivate")
// is reactivated and brought to the configuration, as an IdP does when it
// assigns someone again.
func (s *scimUserServer) create(ctx context.Context, client *scim.Client, plan *scimUserModel, diags *diag.Diagnostics) *scim.User {
	created, adopted, err := client.CreateOrReactivateUser(ctx, userFromModel(plan), plan.Adopt.V)
	if err != nil {
		var conflict *scim.ConflictError
		if errors.As(err, &conflict) && conflict.ExistingID != "" {
			diagnostics.AddAlreadyExists(diags, path.Root("user_name"), "SCIM user",
				fmt.Sprintf("An active SCIM user with user_name %q already exists on this SSO connection (id %s). "+
					"If another docker_scim_user of this configuration declares the same person (Docker compares "+
					"user names ignoring case), keep only one of them. To take the user over on create instead, "+
					"set adopt_existing = true (see its documentation for the risks).",
					plan.UserName.Value(), conflict.ExistingID),
				conflict.ExistingID)
			return nil
		}
		addUserWriteError(diags, diagnostics.ActionCreate, plan, err)
		return answeredUser(err)
	}
	if adopted {
		tflog.Info(ctx, "adopted the existing SCIM user instead of creating one", map[string]any{"id": created.ID})
	}
	return created
}

// update sends only what changed: a PATCH where the server supports it.
// An edit made outside Terraform since the state was read is never
// silently overwritten: the user is read first and compared with the
// state on what this configuration manages (which costs one GET per
// update, where earlier builds kept an ETag per user in private state, one
// more value per instance that every plan carried), and the write is
// conditional on the ETag of that read. On a lost update it returns the
// server's user with an error in diags.
func (s *scimUserServer) update(ctx context.Context, client *scim.Client, prior, plan, config *scimUserModel, priorPrivate tfproto.Private, diags *diag.Diagnostics) *scim.User {
	call := diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionUpdate, What: "SCIM user", ID: plan.UserName.Value()}
	current, err := client.GetUser(ctx, prior.ID.Value())
	if w, ok := lastWrite(priorPrivate); ok {
		current, err = client.WaitVisible(ctx, prior.ID.Value(), w, current, err)
	}
	if err != nil {
		diagnostics.AddClientError(diags, call, err)
		return nil
	}
	if changed := changedOnServer(modelFromUser(current, prior), prior, config); changed != "" {
		tflog.Info(ctx, "changed outside Terraform since it was read", map[string]any{"attribute": changed})
		diagnostics.AddClientError(diags, call, httpx.ErrPreconditionFailed)
		return current
	}
	desired := userFromModel(plan)
	desired.ID = current.ID
	updated, changed, err := client.UpdateUser(ctx, userFromModel(prior), desired, current.ETag)
	if errors.Is(err, httpx.ErrPreconditionFailed) {
		// Changed between the read and the write.
		if fresh, gerr := client.GetUser(ctx, current.ID); gerr == nil {
			diagnostics.AddClientError(diags, call, err)
			return fresh
		}
	}
	if err != nil {
		addUserWriteError(diags, diagnostics.ActionUpdate, plan, err)
		return answeredUser(err)
	}
	if !changed {
		// Only on_destroy or the case of user_name changed: nothing was sent.
		return current
	}
	return updated
}

// destroy deletes or deactivates the user, as on_destroy says, and reports
// whether it is gone from Terraform's view. A user already gone counts as
// deleted.
func (s *scimUserServer) destroy(ctx context.Context, client *scim.Client, state *scimUserModel, diags *diag.Diagnostics) bool {
	call := diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionDelete, What: "SCIM user", ID: state.UserName.Value()}
	id := state.ID.Value()
	if state.OnDestroy.Value() == onDestroyDeactivate {
		if !state.Active.V {
			return true
		}
		current := userFromModel(state)
		desired := userFromModel(state)
		desired.Active = boolPtr(false)
		updated, _, err := client.UpdateUser(ctx, current, desired, "")
		if errors.Is(err, httpx.ErrNotFound) {
			return true
		}
		if err != nil {
			call.Action = diagnostics.ActionDeactivate
			diagnostics.AddClientError(diags, call, err)
			return false
		}
		s.data().users.Put(updated)
		return true
	}
	if err := client.DeleteUser(ctx, id, ""); err != nil && !errors.Is(err, httpx.ErrNotFound) {
		diagnostics.AddClientError(diags, call, err)
		return false
	}
	s.data().users.Remove(id)
	return true
}

// ImportResourceState accepts a SCIM id, a user_name (anything with an @),
// or an identity. Either way the user is looked up, so a typo fails here
// rather than as a confusing empty plan.
func (s *scimUserServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp := &tfprotov6.ImportResourceStateResponse{}
	var diags diag.Diagnostics
	defer func() { resp.Diagnostics = append(resp.Diagnostics, tfproto.FromFramework(diags)...) }()
	data := s.data()
	client := data.scimClient(&diags, "Importing docker_scim_user")
	if client == nil {
		return resp, nil
	}
	key := strings.TrimSpace(req.ID)
	if key == "" {
		key = identityUserName(req.Identity)
	}
	if key == "" {
		diags.AddError("Missing import ID",
			"Import docker_scim_user by its SCIM id, or by its user_name (the email address).")
		return resp, nil
	}

	var (
		user *scim.User
		err  error
	)
	if strings.Contains(key, "@") {
		user, err = s.findByUserName(ctx, data, client, key)
	} else {
		user, err = data.users.Get(ctx, client, key)
	}
	if errors.Is(err, httpx.ErrNotFound) {
		diags.AddError("Cannot import SCIM user",
			fmt.Sprintf("No SCIM user %q exists on this SSO connection. Import by the user's SCIM id or by their user_name (email).", key))
		return resp, nil
	}
	if err != nil {
		diagnostics.AddClientError(&diags, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionImport, What: "SCIM user", ID: key}, err)
		return resp, nil
	}

	imported := &tfprotov6.ImportedResource{TypeName: scimUserTypeName}
	if imported.State, err = importedSCIMUser(user).encode(); err == nil {
		imported.Identity, err = scimUserIdentity(user.UserName)
	}
	if err != nil {
		diags.AddError("Cannot encode state", err.Error())
		return resp, nil
	}
	private := tfproto.Private{}
	data.recordSCIMEndpointIfChanged(private)
	imported.Private = private.Encode()
	resp.ImportedResources = []*tfprotov6.ImportedResource{imported}
	return resp, nil
}

// findByUserName looks a user up by userName for an import: the first few
// by a filtered GET each, the rest in the listing of the users that every
// import and Read of the command shares (data.users), so that adopting
// thousands of people, as `terraform query -generate-config-out` or
// examples/adopt-idp-org do, costs the listing's pages rather than a
// request per person. A name the listing lacks (a user created since) is
// looked up on its own.
func (s *scimUserServer) findByUserName(ctx context.Context, data *providerData, client *scim.Client, name string) (*scim.User, error) {
	if s.nameLookups.Add(1) > snapshot.DirectReads {
		if users, err := data.users.All(ctx, client); err == nil {
			for _, u := range users {
				if strings.EqualFold(u.UserName, name) {
					return u, nil
				}
			}
		}
	}
	user, err := client.FindUserByUserName(ctx, name)
	if err == nil {
		data.users.Put(user)
	}
	return user, err
}

// importedSCIMUser is the state an import records for u, and what a list
// result holds: attributes with defaults get them, as if the user had been
// created by this configuration; Read then fills in everything else.
func importedSCIMUser(u *scim.User) *scimUserModel {
	return modelFromUser(u, &scimUserModel{Adopt: tfproto.KnownBool(false), OnDestroy: tfproto.Known(onDestroyDelete)})
}

// tidyUserPrivate records the endpoint the user was just seen through,
// and drops the ETag that earlier builds kept per user (see update). It
// reports whether private changed.
func tidyUserPrivate(data *providerData, private tfproto.Private) bool {
	changed := data.recordSCIMEndpointIfChanged(private)
	if _, ok := private[legacyETagKey]; ok {
		delete(private, legacyETagKey)
		changed = true
	}
	return changed
}

// legacyETagKey is where earlier builds kept each user's ETag.
const legacyETagKey = "etag"

// answeredUser is the user a failed write left on the server, when the
// error says (a server that answered with another value than the one
// sent): recorded, so that state and the next plan tell the truth.
func answeredUser(err error) *scim.User {
	var mismatch *scim.NotKeptError
	if errors.As(err, &mismatch) {
		return mismatch.User
	}
	return nil
}

// addUserWriteError reports a failed create or update. Docker's refusal of
// an organization the connection does not provision points at org_name,
// in the provider's words rather than the SCIM field's.
func addUserWriteError(diags *diag.Diagnostics, action diagnostics.Action, plan *scimUserModel, err error) {
	call := diagnostics.Call{API: diagnostics.SCIM, Action: action, What: "SCIM user", ID: plan.UserName.Value()}
	if scim.IsOrgOutOfScope(err) && diagnostics.AddOrgNotProvisioned(diags, path.Root("org_name"), "org_name",
		plan.IdPOwned[person.OrgName].Value(), call, err) {
		return
	}
	diagnostics.AddClientError(diags, call, err)
}
