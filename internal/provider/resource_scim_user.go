package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &SCIMUserResource{}
	_ resource.ResourceWithImportState = &SCIMUserResource{}
	_ resource.ResourceWithIdentity    = &SCIMUserResource{}
	_ resource.ResourceWithModifyPlan  = &SCIMUserResource{}
)

// Roles Docker's SCIM extension accepts in dockerRole.
var dockerRoles = []string{"member", "editor", "owner"}

// What on_destroy may say.
const (
	onDestroyDelete     = "delete"
	onDestroyDeactivate = "deactivate"
)

// SCIMUserResource manages one SCIM-provisioned Docker user.
type SCIMUserResource struct {
	data *providerData
}

// NewSCIMUserResource returns the docker_scim_user resource.
func NewSCIMUserResource() resource.Resource { return &SCIMUserResource{} }

type scimUserModel struct {
	ID          types.String          `tfsdk:"id"`
	UserName    caseInsensitiveString `tfsdk:"user_name"`
	GivenName   types.String          `tfsdk:"given_name"`
	FamilyName  types.String          `tfsdk:"family_name"`
	ExternalID  types.String          `tfsdk:"external_id"`
	DisplayName types.String          `tfsdk:"display_name"`
	Active      types.Bool            `tfsdk:"active"`
	Role        types.String          `tfsdk:"role"`
	OrgName     types.String          `tfsdk:"org_name"`
	TeamName    types.String          `tfsdk:"team_name"`
	OnDestroy   types.String          `tfsdk:"on_destroy"`
	Adopt       types.Bool            `tfsdk:"adopt_existing"`
}

type scimUserIdentity struct {
	UserName types.String `tfsdk:"user_name"`
}

// Metadata names the resource. The identity is the user_name, which may be
// renamed in place, so it is declared mutable.
func (r *SCIMUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
	resp.ResourceBehavior.MutableIdentity = true
}

// Schema describes docker_scim_user.
func (r *SCIMUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: 0,
		MarkdownDescription: "A person provisioned into a Docker organization through SCIM 2.0, as an identity provider would.\n\n" +
			"While `active` is true the user is a member of the organization (the SSO connection's organization, or " +
			"`org_name`) with the role `role`. Setting `active = false` deactivates the user: Docker removes them from the " +
			"organization but keeps the SCIM user, and setting it back to true restores the membership. Destroying the " +
			"resource deletes the SCIM user and their organization membership (the Docker account itself stays), or, " +
			"with `on_destroy = \"deactivate\"`, only deactivates them, as Okta does.\n\n" +
			"Needs the provider's `scim_base_url` and `scim_token`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "SCIM id of the user, assigned by Docker.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_name": schema.StringAttribute{
				Required:   true,
				CustomType: caseInsensitiveStringType{},
				MarkdownDescription: "The user's email address, which is their SCIM `userName`. Compared ignoring case, " +
					"as Docker does. If a Docker account already has this email, it is attached to the organization.",
				Validators: []validator.String{validators.Email()},
			},
			"given_name": idpOwnedString("First name (`name.givenName`).",
				stringvalidator.LengthAtLeast(1)),
			"family_name": idpOwnedString("Surname (`name.familyName`).",
				stringvalidator.LengthAtLeast(1)),
			"external_id": idpOwnedString("Identifier of the user in the identity provider (`externalId`).",
				stringvalidator.LengthAtLeast(1)),
			"display_name": idpOwnedString("Display name (`displayName`). Docker sets it to the user's Docker ID "+
				"when nobody else does.", stringvalidator.LengthAtLeast(1)),
			"active": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether the user is active. `false` deactivates them, which removes them from the " +
					"organization while keeping the SCIM user; `true` again reactivates them. Defaults to `true`: " +
					"declaring a person means they have access.",
			},
			"role": idpOwnedString("Role in the organization (Docker's `dockerRole`): `member`, `editor` or `owner`. "+
				"A new user gets `member` when it is not set.", stringvalidator.OneOf(dockerRoles...)),
			"org_name": idpOwnedString("Organization the user joins (Docker's `dockerOrg`), overriding the SSO "+
				"connection's default organization. It must be covered by the connection.",
				validators.DockerName("organization")),
			"team_name": idpOwnedString("Team the user joins (Docker's `dockerTeam`); Docker creates it when missing. "+
				"To manage a team's whole membership, use `docker_group_mapping` instead.",
				validators.DockerName("team")),
			"adopt_existing": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, creating the resource takes over an **active** SCIM user that " +
					"already has this `user_name` (provisioned by an identity provider, an admin or another " +
					"configuration) and brings it to this configuration, instead of failing with \"already exists\". " +
					"Off by default, because the user may be someone else's to manage: whatever set it up will then " +
					"fight this configuration over it. Prefer an `import` block, which shows the adoption in the plan. " +
					"An *inactive* user with this `user_name` is always reactivated and adopted, as an IdP does when it " +
					"assigns a person again. Has no effect after creation.",
			},
			"on_destroy": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(onDestroyDelete),
				MarkdownDescription: "What destroying the resource does: `delete` (the default) deletes the SCIM user " +
					"and removes them from the organization; `deactivate` keeps the SCIM user but inactive, as Okta does " +
					"when a person is unassigned.",
				Validators: []validator.String{stringvalidator.OneOf(onDestroyDelete, onDestroyDeactivate)},
			},
		},
	}
}

// idpOwnedAttributes may be set by the identity provider as well as by the
// configuration. One that the configuration does not set is not managed:
// Terraform neither strips nor resets it, reports what the server holds,
// and a change the IdP makes to it is not drift. One that the configuration
// stops setting is given back: removed on the server (role and
// display_name go back to Docker's defaults).
var idpOwnedAttributes = []string{"given_name", "family_name", "external_id", "display_name", "role", "org_name", "team_name"}

// idpOwnedString is the schema of an attribute in idpOwnedAttributes.
func idpOwnedString(description string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: description + " When the configuration does not set it, it is not managed: Terraform " +
			"neither removes nor resets what the identity provider or Docker set, and reports it. Removing it from " +
			"a configuration that set it removes it on the server.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		Validators:    v,
	}
}

// IdentitySchema declares user_name as the identity, for import blocks with
// `identity = { user_name = "..." }`.
func (r *SCIMUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"user_name": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The user's email address (SCIM userName), in lower case.",
			},
		},
	}
}

// Configure receives the provider's clients.
func (r *SCIMUserResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan catches two resources for one person, and plans the
// attributes the identity provider may own (see planIdPOwned).
func (r *SCIMUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config scimUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if r.data != nil && !plan.UserName.IsUnknown() && !plan.UserName.IsNull() {
		claimant := "new:" + plan.UserName.ValueString()
		if !req.State.Raw.IsNull() {
			var prior scimUserModel
			resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
			claimant = "id:" + prior.ID.ValueString()
		}
		if other := r.data.plannedUserNames.claim(plan.UserName.ValueString(), claimant); other != "" {
			resp.Diagnostics.AddAttributeError(path.Root("user_name"), "Two docker_scim_user resources for one person",
				fmt.Sprintf("user_name %q names the same person as another docker_scim_user of this configuration "+
					"(%q): Docker compares user names ignoring case, so both resources would manage one SCIM user "+
					"and undo each other's changes. Keep only one of them.",
					plan.UserName.ValueString(), other))
		}
	}

	resp.Diagnostics.Append(r.planIdPOwned(ctx, req, resp)...)
}

// planIdPOwned plans the attributes in idpOwnedAttributes that the
// configuration does not set. On create, Docker's defaults: nothing, role
// member, and a display_name Docker picks. On update, what the server
// holds (the attribute's UseStateForUnknown has planned it so), unless
// the configuration set it last time: then its removal.
func (r *SCIMUserResource) planIdPOwned(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) diag.Diagnostics {
	var diags diag.Diagnostics
	creating := req.State.Raw.IsNull()
	var configured map[string]bool
	if !creating {
		configured, diags = configuredAttributes(ctx, req.Private)
	}
	for _, name := range idpOwnedAttributes {
		var v types.String
		diags.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		if diags.HasError() || !v.IsNull() {
			continue
		}
		if !creating && !configured[name] {
			continue
		}
		var planned types.String
		switch name {
		case "display_name":
			planned = types.StringUnknown()
		case "role":
			planned = types.StringValue("member")
		default:
			planned = types.StringNull()
		}
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root(name), planned)...)
	}
	return diags
}

// Create provisions the user. A person whose SCIM user exists but is
// inactive (deactivated earlier, for instance by on_destroy = "deactivate")
// is reactivated and brought to the configuration, as an IdP does when it
// assigns someone again.
func (r *SCIMUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, client, ok := r.start(ctx, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}

	created, adopted, err := client.CreateOrReactivateUser(ctx, userFromModel(plan), plan.Adopt.ValueBool())
	if err != nil {
		var conflict *scim.ConflictError
		if errors.As(err, &conflict) && conflict.ExistingID != "" {
			diagnostics.AddAlreadyExists(&resp.Diagnostics, path.Root("user_name"), "SCIM user",
				fmt.Sprintf("An active SCIM user with user_name %q already exists on this SSO connection (id %s). "+
					"If another docker_scim_user of this configuration declares the same person (Docker compares "+
					"user names ignoring case), keep only one of them. To take the user over on create instead, "+
					"set adopt_existing = true (see its documentation for the risks).",
					plan.UserName.ValueString(), conflict.ExistingID),
				conflict.ExistingID)
			return
		}
		addUserWriteError(&resp.Diagnostics, diagnostics.ActionCreate, plan, err)
		return
	}
	if adopted {
		tflog.Info(ctx, "adopted the existing SCIM user instead of creating one", map[string]any{"id": created.ID})
	}
	r.data.users.Put(created)
	resp.Diagnostics.Append(r.saveUser(ctx, &resp.State, resp.Private, resp.Identity, created, plan)...)
	resp.Diagnostics.Append(r.rememberConfigured(ctx, req.Config, resp.Private)...)
}

// start reads the model from src and gets the SCIM client, or adds the
// diagnostics that say why it cannot.
func (r *SCIMUserResource) start(ctx context.Context, src modelSource, diags *diag.Diagnostics) (scimUserModel, *scim.Client, bool) {
	var m scimUserModel
	diags.Append(src.Get(ctx, &m)...)
	if diags.HasError() {
		return m, nil, false
	}
	client := r.data.scimClient(diags, "docker_scim_user")
	return m, client, client != nil
}

// Read refreshes the user. A user deleted outside Terraform is removed from
// state, so the next plan creates it again; but only when the provider
// still points where the user was last seen (see confirmVanished). While
// the SCIM settings are only known after apply (a connection being
// created, re-enabled or rotated in the same apply), the recorded state is
// kept as it is: the user is refreshed by the next plan.
func (r *SCIMUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scimUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data.keptWhilePending(ctx, resp, identityFor(userFromModel(state))) {
		return
	}
	client := r.data.scimClient(&resp.Diagnostics, "docker_scim_user")
	if client == nil {
		return
	}

	user, err := r.data.users.Get(ctx, client, state.ID.ValueString())
	if errors.Is(err, httpx.ErrNotFound) {
		r.data.forgetIfVanished(ctx, req, resp, identityFor(userFromModel(state)), "SCIM user", state.UserName.ValueString())
		return
	}
	if err != nil {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionRead, What: "SCIM user", ID: state.UserName.ValueString()}, err)
		return
	}
	resp.Diagnostics.Append(r.saveUser(ctx, &resp.State, resp.Private, resp.Identity, user, state)...)
}

// Update sends only what changed: a PATCH where the server supports it,
// guarded by the ETag of the last read so that an edit made outside
// Terraform since then is never silently overwritten.
func (r *SCIMUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior scimUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.scimClient(&resp.Diagnostics, "docker_scim_user")
	if client == nil {
		return
	}
	etag, diags := getETag(ctx, req.Private)
	resp.Diagnostics.Append(diags...)

	current := userFromModel(prior)
	current.ID = prior.ID.ValueString()
	desired := userFromModel(plan)
	desired.ID = prior.ID.ValueString()

	updated, changed, err := client.UpdateUser(ctx, current, desired, etag)
	if errors.Is(err, httpx.ErrPreconditionFailed) {
		// Someone changed the user since it was read. Record what the server
		// holds now, so the next plan shows the real difference.
		if fresh, gerr := client.GetUser(ctx, current.ID); gerr == nil {
			r.data.users.Put(fresh)
			resp.Diagnostics.Append(r.saveUser(ctx, &resp.State, resp.Private, resp.Identity, fresh, prior)...)
		}
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionUpdate, What: "SCIM user", ID: plan.UserName.ValueString()}, err)
		return
	}
	if err != nil {
		addUserWriteError(&resp.Diagnostics, diagnostics.ActionUpdate, plan, err)
		return
	}
	resp.Diagnostics.Append(r.rememberConfigured(ctx, req.Config, resp.Private)...)
	if !changed {
		// Nothing the server holds changed (only on_destroy did, or the case
		// of user_name): no request was sent, and the stored ETag is still
		// the right one.
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFor(current))...)
		return
	}
	r.data.users.Put(updated)
	resp.Diagnostics.Append(r.saveUser(ctx, &resp.State, resp.Private, resp.Identity, updated, plan)...)
}

// Delete deletes or deactivates the user, as on_destroy says. A user that is
// already gone counts as deleted.
func (r *SCIMUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, client, ok := r.start(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()

	if state.OnDestroy.ValueString() == onDestroyDeactivate {
		if !state.Active.ValueBool() {
			return
		}
		current := userFromModel(state)
		current.ID = id
		desired := userFromModel(state)
		desired.ID = id
		desired.Active = boolPtr(false)
		updated, _, err := client.UpdateUser(ctx, current, desired, "")
		if errors.Is(err, httpx.ErrNotFound) {
			return
		}
		if err != nil {
			diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionDeactivate, What: "SCIM user", ID: state.UserName.ValueString()}, err)
			return
		}
		r.data.users.Put(updated)
		return
	}

	err := client.DeleteUser(ctx, id, "")
	if err != nil && !errors.Is(err, httpx.ErrNotFound) {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionDelete, What: "SCIM user", ID: state.UserName.ValueString()}, err)
		return
	}
	r.data.users.Remove(id)
}

// ImportState accepts a SCIM id, a user_name (anything with an @), or an
// identity. Either way the user is looked up, so a typo fails here rather
// than as a confusing empty plan.
func (r *SCIMUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	client := r.data.scimClient(&resp.Diagnostics, "Importing docker_scim_user")
	if client == nil {
		return
	}

	key := strings.TrimSpace(req.ID)
	if key == "" && req.Identity != nil {
		var ident scimUserIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		key = ident.UserName.ValueString()
	}
	if key == "" {
		resp.Diagnostics.AddError("Missing import ID",
			"Import docker_scim_user by its SCIM id, or by its user_name (the email address).")
		return
	}

	var (
		user *scim.User
		err  error
	)
	if strings.Contains(key, "@") {
		user, err = client.FindUserByUserName(ctx, key)
	} else {
		user, err = client.GetUser(ctx, key)
	}
	if errors.Is(err, httpx.ErrNotFound) {
		resp.Diagnostics.AddError("Cannot import SCIM user",
			fmt.Sprintf("No SCIM user %q exists on this SSO connection. Import by the user's SCIM id or by their user_name (email).", key))
		return
	}
	if err != nil {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionImport, What: "SCIM user", ID: key}, err)
		return
	}

	// Attributes with defaults get them, as if the user had been created by
	// this configuration; Read then fills in everything else.
	prior := scimUserModel{OnDestroy: types.StringValue(onDestroyDelete)}
	resp.Diagnostics.Append(r.saveUser(ctx, &resp.State, resp.Private, resp.Identity, user, prior)...)
}

// saveUser writes what the server holds of u into the response: the
// state (settings that exist only in Terraform come from prior), the ETag
// for the next conditional update, the endpoint it was seen through, and
// the identity.
func (r *SCIMUserResource) saveUser(ctx context.Context, state *tfsdk.State, private privateState,
	identity *tfsdk.ResourceIdentity, u *scim.User, prior scimUserModel) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(state.Set(ctx, modelFromUser(u, prior))...)
	diags.Append(setETag(ctx, private, u.ETag)...)
	diags.Append(r.data.recordSCIMEndpoint(ctx, private)...)
	if identity != nil {
		diags.Append(identity.Set(ctx, identityFor(u))...)
	}
	return diags
}

// addUserWriteError reports a failed create or update. Docker's refusal of
// an organization the connection does not provision points at org_name,
// in the provider's words rather than the SCIM field's.
func addUserWriteError(diags *diag.Diagnostics, action diagnostics.Action, plan scimUserModel, err error) {
	call := diagnostics.Call{API: diagnostics.SCIM, Action: action, What: "SCIM user", ID: plan.UserName.ValueString()}
	if scim.IsOrgOutOfScope(err) && diagnostics.AddOrgNotProvisioned(diags, path.Root("org_name"), "org_name",
		plan.OrgName.ValueString(), call, err) {
		return
	}
	diagnostics.AddClientError(diags, call, err)
}

// userFromModel builds the SCIM user a configuration describes.
func userFromModel(m scimUserModel) *scim.User {
	u := &scim.User{
		UserName:    m.UserName.ValueString(),
		ExternalID:  m.ExternalID.ValueString(),
		DisplayName: stringIfKnown(m.DisplayName),
		Active:      boolPtr(m.Active.IsNull() || m.Active.IsUnknown() || m.Active.ValueBool()),
	}
	if !m.GivenName.IsNull() || !m.FamilyName.IsNull() {
		u.Name = &scim.Name{GivenName: m.GivenName.ValueString(), FamilyName: m.FamilyName.ValueString()}
	}
	role := stringIfKnown(m.Role)
	if role == "" {
		role = "member"
	}
	u.Docker = &scim.DockerExtension{Role: role, Org: m.OrgName.ValueString(), Team: m.TeamName.ValueString()}
	return u
}

// modelFromUser maps what the server holds onto the model. Settings that
// exist only in Terraform (on_destroy) come from prior.
func modelFromUser(u *scim.User, prior scimUserModel) scimUserModel {
	m := scimUserModel{
		ID:          types.StringValue(u.ID),
		UserName:    newCaseInsensitiveString(u.UserName),
		ExternalID:  stringOrNull(u.ExternalID),
		DisplayName: stringOrNull(u.DisplayName),
		Active:      types.BoolValue(u.Active == nil || *u.Active),
		Role:        types.StringValue("member"),
		OrgName:     types.StringNull(),
		TeamName:    types.StringNull(),
		GivenName:   types.StringNull(),
		FamilyName:  types.StringNull(),
		OnDestroy:   prior.OnDestroy,
		Adopt:       prior.Adopt,
	}
	if m.Adopt.IsNull() || m.Adopt.IsUnknown() {
		m.Adopt = types.BoolValue(false)
	}
	if m.OnDestroy.IsNull() || m.OnDestroy.IsUnknown() {
		m.OnDestroy = types.StringValue(onDestroyDelete)
	}
	if u.Name != nil {
		m.GivenName = stringOrNull(u.Name.GivenName)
		m.FamilyName = stringOrNull(u.Name.FamilyName)
	}
	if u.Docker != nil {
		if u.Docker.Role != "" {
			m.Role = types.StringValue(u.Docker.Role)
		}
		m.OrgName = stringOrNull(u.Docker.Org)
		m.TeamName = stringOrNull(u.Docker.Team)
	}
	return m
}

// configuredKey records in private state which of idpOwnedAttributes the
// configuration set at the last create or update, so that a later plan can
// tell "never set, the IdP's" from "no longer set, give it back".
const configuredKey = "configured_attributes"

// rememberConfigured records which of idpOwnedAttributes config sets.
func (r *SCIMUserResource) rememberConfigured(ctx context.Context, config tfsdk.Config, p privateState) diag.Diagnostics {
	var diags diag.Diagnostics
	set := []string{}
	for _, name := range idpOwnedAttributes {
		var v types.String
		diags.Append(config.GetAttribute(ctx, path.Root(name), &v)...)
		if !v.IsNull() {
			set = append(set, name)
		}
	}
	if p == nil || diags.HasError() {
		return diags
	}
	b, _ := json.Marshal(set)
	return append(diags, p.SetKey(ctx, configuredKey, b)...)
}

func configuredAttributes(ctx context.Context, p privateState) (map[string]bool, diag.Diagnostics) {
	out := map[string]bool{}
	if p == nil {
		return out, nil
	}
	b, diags := p.GetKey(ctx, configuredKey)
	var names []string
	if len(b) > 0 && json.Unmarshal(b, &names) == nil {
		for _, n := range names {
			out[n] = true
		}
	}
	return out, diags
}

func identityFor(u *scim.User) scimUserIdentity {
	return scimUserIdentity{UserName: types.StringValue(strings.ToLower(u.UserName))}
}
