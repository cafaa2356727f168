package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/hub"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &SCIMConnectionResource{}
	_ resource.ResourceWithImportState = &SCIMConnectionResource{}
	_ resource.ResourceWithIdentity    = &SCIMConnectionResource{}
)

// The two kinds of scope an SSO connection lives in, as they appear in the
// resource's id, its import string and its identity.
const (
	scopeOrg     = "org"
	scopeCompany = "company"
)

// SCIMConnectionResource manages whether SCIM is enabled on one SSO
// connection, and its API token.
type SCIMConnectionResource struct {
	data *providerData
}

// NewSCIMConnectionResource returns the docker_scim_connection resource.
func NewSCIMConnectionResource() resource.Resource { return &SCIMConnectionResource{} }

type scimConnectionModel struct {
	ID               types.String `tfsdk:"id"`
	OrgName          types.String `tfsdk:"org_name"`
	CompanyName      types.String `tfsdk:"company_name"`
	SSOConnectionID  types.String `tfsdk:"sso_connection_id"`
	BaseURL          types.String `tfsdk:"base_url"`
	Token            types.String `tfsdk:"token"`
	RotationTriggers types.Map    `tfsdk:"rotation_triggers"`
}

type scimConnectionIdentity struct {
	Scope           types.String `tfsdk:"scope"`
	Name            types.String `tfsdk:"name"`
	SSOConnectionID types.String `tfsdk:"sso_connection_id"`
}

// connRef is what locates the connection: its scope and id.
type connRef struct {
	scope  hub.Scope
	connID string
}

func (c connRef) kind() string {
	if c.scope.Company != "" {
		return scopeCompany
	}
	return scopeOrg
}

func (c connRef) name() string {
	if c.scope.Company != "" {
		return c.scope.Company
	}
	return c.scope.Org
}

// id is the resource id and import string: org/<org>/<id> or company/<company>/<id>.
func (c connRef) id() string { return c.kind() + "/" + c.name() + "/" + c.connID }

// describe names both the connection and its org or company, for messages.
func (c connRef) describe() string {
	return fmt.Sprintf("SSO connection %q of %s %q", c.connID, c.kind(), c.name())
}

func (c connRef) identity() scimConnectionIdentity {
	return scimConnectionIdentity{
		Scope:           types.StringValue(c.kind()),
		Name:            types.StringValue(c.name()),
		SSOConnectionID: types.StringValue(c.connID),
	}
}

func refFromModel(m scimConnectionModel) connRef {
	return connRef{
		scope:  hub.Scope{Org: m.OrgName.ValueString(), Company: m.CompanyName.ValueString()},
		connID: m.SSOConnectionID.ValueString(),
	}
}

// parseConnRef reads an import string, org/<org>/<id> or company/<company>/<id>.
func parseConnRef(s string) (connRef, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return connRef{}, fmt.Errorf("got %q", s)
	}
	return refFromParts(parts[0], parts[1], parts[2])
}

func refFromParts(kind, name, connID string) (connRef, error) {
	if name == "" || connID == "" {
		return connRef{}, errors.New("the name and the connection id must not be empty")
	}
	switch kind {
	case scopeOrg:
		return connRef{scope: hub.Scope{Org: name}, connID: connID}, nil
	case scopeCompany:
		return connRef{scope: hub.Scope{Company: name}, connID: connID}, nil
	}
	return connRef{}, fmt.Errorf("the scope must be %q or %q, got %q", scopeOrg, scopeCompany, kind)
}

// Metadata names the resource. Every part of the identity forces a
// replacement, so the identity never changes in place.
func (r *SCIMConnectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_connection"
}

// Schema describes docker_scim_connection.
func (r *SCIMConnectionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Version: 0,
		MarkdownDescription: "SCIM provisioning on an SSO connection of a Docker organization or company: what " +
			"**Setup SCIM** does in the Admin Console. Creating the resource enables SCIM and records the SCIM base URL " +
			"and API token that an identity provider (or this provider's `scim_base_url` and `scim_token`) needs. " +
			"Changing `rotation_triggers` replaces the token in place; the old token stops working at once.\n\n" +
			"Only an owner of the organization or company may manage SCIM, so the provider's `username` and `password` " +
			"must be an owner's, or the organization's name and one of its organization access tokens (which reach only " +
			"that organization's connections, not its company's).\n\n" +
			"Creating fails if SCIM is already enabled on the connection, rather than rotating a token that an identity " +
			"provider may already depend on: import the resource instead.\n\n" +
			"Destroying the resource disables SCIM, which revokes the token. As Docker documents, users already " +
			"provisioned stay in the organization: disabling SCIM only stops the sync.\n\n" +
			"Docker shows the token only when SCIM is enabled or the token is rotated, never afterwards. After an import, " +
			"`token` is therefore null until the next rotation: change `rotation_triggers` to get a new token into state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`org/<org_name>/<sso_connection_id>` or `company/<company_name>/<sso_connection_id>`, " +
					"the same string the resource is imported by.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"org_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Organization the SSO connection belongs to. Exactly one of `org_name` and " +
					"`company_name` is set; when an organization belongs to a company, Docker manages its SSO " +
					"connection at the company level. Changing it replaces the resource.",
				PlanModifiers: replace,
				Validators: []validator.String{
					validators.DockerName("organization"),
					stringvalidator.ExactlyOneOf(path.MatchRoot("org_name"), path.MatchRoot("company_name")),
				},
			},
			"company_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Company the SSO connection belongs to; its SCIM users may join any organization " +
					"of the company. Exactly one of `org_name` and `company_name` is set. Changing it replaces the resource.",
				PlanModifiers: replace,
				// ExactlyOneOf sits on org_name only, so that a wrong
				// combination is reported once.
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"sso_connection_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Id of the SSO connection, as listed by the `docker_sso_connections` data source. " +
					"The token belongs to this connection and reaches only its users and groups. Changing it replaces " +
					"the resource, which disables SCIM on the old connection.",
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"base_url": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "SCIM 2.0 base URL to give the identity provider, such as " +
					"`https://hub.docker.com/v2/scim/2.0`. It stays the same when the token is rotated.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"token": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "SCIM API token (bearer token) of the connection. Docker shows it only when SCIM " +
					"is enabled or the token rotated, so it is null after an import until the next rotation. " +
					"It changes only when `rotation_triggers` changes.",
				PlanModifiers: []planmodifier.String{rotatedTokenModifier{}},
			},
			"rotation_triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary strings; changing any of them rotates the token in place (the old token " +
					"is revoked at once, `base_url` stays). For example `{ rotated = \"2026-01\" }`, or a `time_rotating` id.",
			},
		},
	}
}

// IdentitySchema mirrors the import string: scope "org" or "company", the
// org's or company's name, and the connection id.
func (r *SCIMConnectionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"scope": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       `Where the SSO connection lives: "org" or "company".`,
			},
			"name": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Name of the organization or company.",
			},
			"sso_connection_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Id of the SSO connection.",
			},
		},
	}
}

// Configure receives the provider's clients.
func (r *SCIMConnectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Create enables SCIM. When SCIM is already on it fails and points to
// import, so that a token an IdP depends on is never rotated by surprise.
func (r *SCIMConnectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, client, ok := r.start(ctx, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	ref := refFromModel(plan)

	creds, err := client.EnableSCIM(ctx, ref.scope, ref.connID)
	if errors.Is(err, hub.ErrSCIMAlreadyEnabled) {
		diagnostics.AddAlreadyExists(&resp.Diagnostics, path.Root("sso_connection_id"), "SCIM on this connection",
			fmt.Sprintf("SCIM is already enabled on %s. Enabling it again would mean rotating a token that an "+
				"identity provider may depend on, so nothing was changed. After an import, token is null until "+
				"rotation_triggers changes.", ref.describe()), ref.id())
		return
	}
	if err != nil {
		addConnectionError(&resp.Diagnostics, diagnostics.ActionEnable, ref, err)
		return
	}

	plan.ID = types.StringValue(ref.id())
	plan.BaseURL = types.StringValue(creds.BaseURL)
	plan.Token = types.StringValue(creds.Token)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, ref.identity())...)
}

// start reads the model from src and gets the management client, or adds
// the diagnostics that say why it cannot.
func (r *SCIMConnectionResource) start(ctx context.Context, src modelSource, diags *diag.Diagnostics) (scimConnectionModel, *hub.Client, bool) {
	var m scimConnectionModel
	diags.Append(src.Get(ctx, &m)...)
	if diags.HasError() {
		return m, nil, false
	}
	client := r.data.hubClient(diags, "docker_scim_connection")
	return m, client, client != nil
}

// Read refreshes base_url. SCIM disabled outside Terraform removes the
// resource, so the next plan enables it again; the token is kept from
// state, since Docker never shows it again.
func (r *SCIMConnectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, client, ok := r.start(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	ref := refFromModel(state)

	scimState, err := client.GetSCIM(ctx, ref.scope, ref.connID)
	if err != nil {
		addConnectionError(&resp.Diagnostics, diagnostics.ActionRead, ref, err)
		return
	}
	if !scimState.Enabled {
		forget(ctx, resp, ref.identity())
		return
	}

	state.ID = types.StringValue(ref.id())
	state.BaseURL = types.StringValue(scimState.BaseURL)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, ref.identity())...)
}

// Update can only be a change of rotation_triggers (everything else forces
// replacement): it rotates the token.
func (r *SCIMConnectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior scimConnectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ref := refFromModel(plan)
	plan.ID = types.StringValue(ref.id())
	plan.BaseURL = prior.BaseURL
	plan.Token = prior.Token

	if !plan.RotationTriggers.Equal(prior.RotationTriggers) {
		client := r.data.hubClient(&resp.Diagnostics, "docker_scim_connection")
		if client == nil {
			return
		}
		creds, err := client.RotateSCIMToken(ctx, ref.scope, ref.connID)
		if errors.Is(err, httpx.ErrConflict) {
			resp.Diagnostics.AddError("Error rotating SCIM token",
				fmt.Sprintf("SCIM is no longer enabled on %s, so its token cannot be rotated. Run plan again: "+
					"the resource will be planned for creation, which enables SCIM with a new token.", ref.describe()))
			return
		}
		if err != nil {
			addConnectionError(&resp.Diagnostics, diagnostics.ActionRotate, ref, err)
			return
		}
		plan.BaseURL = types.StringValue(creds.BaseURL)
		plan.Token = types.StringValue(creds.Token)
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, ref.identity())...)
}

// Delete disables SCIM, which revokes the token; provisioned users stay in
// the organization. SCIM already off, or a connection already gone, counts
// as done.
func (r *SCIMConnectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, client, ok := r.start(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	ref := refFromModel(state)

	err := client.DisableSCIM(ctx, ref.scope, ref.connID)
	if err != nil && !errors.Is(err, hub.ErrSCIMAlreadyDisabled) && !errors.Is(err, httpx.ErrNotFound) {
		addConnectionError(&resp.Diagnostics, diagnostics.ActionDisable, ref, err)
	}
}

// ImportState accepts org/<org>/<connection-id>, company/<company>/<connection-id>
// or an identity, and checks that SCIM is on before anything enters state.
func (r *SCIMConnectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	const usage = "Import docker_scim_connection as org/<org_name>/<sso_connection_id> or " +
		"company/<company_name>/<sso_connection_id>, for example org/moby/6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01."

	var (
		ref connRef
		err error
	)
	if req.ID == "" && req.Identity != nil {
		var ident scimConnectionIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		ref, err = refFromParts(ident.Scope.ValueString(), ident.Name.ValueString(), ident.SSOConnectionID.ValueString())
		if err != nil {
			resp.Diagnostics.AddError("Invalid import identity", fmt.Sprintf("Invalid identity: %s. "+
				`The identity's scope is "org" or "company", name is the organization's or company's name, `+
				"and sso_connection_id the connection's id.", err))
			return
		}
	} else {
		ref, err = parseConnRef(req.ID)
		if err != nil {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Invalid import ID: %s. %s", err, usage))
			return
		}
	}

	client := r.data.hubClient(&resp.Diagnostics, "Importing docker_scim_connection")
	if client == nil {
		return
	}
	scimState, err := client.GetSCIM(ctx, ref.scope, ref.connID)
	if err != nil {
		addConnectionError(&resp.Diagnostics, diagnostics.ActionImport, ref, err)
		return
	}
	if !scimState.Enabled {
		resp.Diagnostics.AddError("Cannot import SCIM connection",
			fmt.Sprintf("SCIM is not enabled on %s, so there is nothing to import. Create the resource instead: "+
				"that enables SCIM.", ref.describe()))
		return
	}

	state := scimConnectionModel{
		ID:               types.StringValue(ref.id()),
		OrgName:          stringOrNull(ref.scope.Org),
		CompanyName:      stringOrNull(ref.scope.Company),
		SSOConnectionID:  types.StringValue(ref.connID),
		BaseURL:          types.StringValue(scimState.BaseURL),
		Token:            types.StringNull(),
		RotationTriggers: types.MapNull(types.StringType),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, ref.identity())...)
}

// addConnectionError reports a failed call on the connection (action is
// "enable", "read", "rotate", "disable" or "import"). A 404 is worded here,
// naming both the connection and its org or company, because the server
// cannot tell which of the two the configuration got wrong.
func addConnectionError(diags *diag.Diagnostics, action diagnostics.Action, ref connRef, err error) {
	if errors.Is(err, httpx.ErrNotFound) {
		diags.AddError("SSO connection not found",
			fmt.Sprintf("Couldn't %s SCIM on %s: either %s %q does not exist (or is not visible to this account), "+
				"or it has no SSO connection with id %q. The docker_sso_connections data source lists the connections "+
				"of an organization or company; a connection on a company is reached only through company_name. If the "+
				"connection was deleted, remove this resource from state.\n\nServer said: %s",
				action, ref.describe(), ref.kind(), ref.name(), ref.connID, err))
		return
	}
	diagnostics.AddClientError(diags, diagnostics.Call{API: diagnostics.Management, Action: action, What: "SCIM connection", ID: ref.id()}, err)
}

// rotatedTokenModifier keeps the token from state, as UseStateForUnknown
// would, unless rotation_triggers changes: then the plan shows the token as
// known only after apply, because the update rotates it.
type rotatedTokenModifier struct{}

func (rotatedTokenModifier) Description(context.Context) string {
	return "Keeps the token unless rotation_triggers changes."
}

func (m rotatedTokenModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (rotatedTokenModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	// Create (no state) leaves the token unknown; destroy has no plan.
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planned, prior types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("rotation_triggers"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("rotation_triggers"), &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !planned.Equal(prior) {
		resp.PlanValue = types.StringUnknown()
		return
	}
	resp.PlanValue = req.StateValue
}
