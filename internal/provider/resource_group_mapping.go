package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/snapshot"
	"github.com/dockerscim/terraform-provider-docker/internal/validators"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

var (
	_ resource.ResourceWithConfigure   = &GroupMappingResource{}
	_ resource.ResourceWithImportState = &GroupMappingResource{}
	_ resource.ResourceWithIdentity    = &GroupMappingResource{}
	_ resource.ResourceWithModifyPlan  = &GroupMappingResource{}
)

// GroupMappingResource manages one SCIM group "org:team", which Docker maps
// onto team team of organization org.
type GroupMappingResource struct {
	data *providerData
}

// NewGroupMappingResource returns the docker_group_mapping resource.
func NewGroupMappingResource() resource.Resource { return &GroupMappingResource{} }

type groupMappingModel struct {
	ID          types.String `tfsdk:"id"`
	OrgName     types.String `tfsdk:"org_name"`
	TeamName    types.String `tfsdk:"team_name"`
	DisplayName types.String `tfsdk:"display_name"`
	Members     types.Set    `tfsdk:"members"`
	// MemberUserNames is the membership by people: the members' SCIM
	// userNames (emails), so that plans show who joins and who leaves.
	MemberUserNames types.Set `tfsdk:"member_user_names"`
}

type groupMappingIdentity struct {
	OrgName  types.String `tfsdk:"org_name"`
	TeamName types.String `tfsdk:"team_name"`
}

// Metadata names the resource. The identity holds the team name, which is
// renamed in place, so it is declared mutable.
func (r *GroupMappingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_mapping"
	resp.ResourceBehavior.MutableIdentity = true
}

// Schema describes docker_group_mapping.
func (r *GroupMappingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: 0,
		MarkdownDescription: "Maps a Docker team onto a SCIM group, as an identity provider's group push does: Docker " +
			"treats the SCIM group named `<org_name>:<team_name>` as team `team_name` of organization `org_name`, " +
			"creates the team when it is missing, and makes the group's active members the team's members (joining the " +
			"organization too when they were not already members).\n\n" +
			"With `member_user_names` (recommended) or `members` set, the resource is authoritative for the group's " +
			"membership: members added or removed outside Terraform (by an admin or an IdP sync) show up as drift, and " +
			"the next apply restores the declared set. `member_user_names` lists people by email, so a plan shows who " +
			"joins (`+ \"jane@example.com\"`) and who leaves; `members` lists SCIM ids. Changes are sent as PATCH " +
			"operations that add and remove only the difference, in batches of at most 100 members per request, so " +
			"groups with thousands of members work; the member list is never replaced whole.\n\n" +
			"With neither set, membership is not managed: nothing is added or removed, and plans show no membership " +
			"change. A group created that way does not read its members; one imported, or whose configuration stopped " +
			"setting `member_user_names` or `members`, keeps showing its current members in state.\n\n" +
			"Destroying the resource deletes the SCIM group. Docker keeps the team itself, but removes the group's " +
			"members from it (members who belong to the team through another group or `docker_scim_user.team_name` " +
			"stay). The users keep their organization membership, which comes from their SCIM user.\n\n" +
			"Needs the provider's `scim_base_url` and `scim_token`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "SCIM id of the group, assigned by Docker.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"org_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Organization of the team. It must be one the SSO connection provisions (its own " +
					"organization, or an organization of its company). Changing it replaces the resource: the group is " +
					"deleted and one is created for the new organization.",
				Validators:    []validator.String{validators.DockerName("organization")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"team_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Team the group maps onto; Docker creates it when missing. Changing it renames the " +
					"group in place (a PATCH of `displayName`): the members leave the old team, which Docker keeps, and " +
					"join the new one.",
				Validators: []validator.String{validators.DockerName("team")},
			},
			"display_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The group's SCIM `displayName`, `<org_name>:<team_name>`: the name by which Docker " +
					"maps the group onto the team.",
			},
			"member_user_names": schema.SetAttribute{
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The group's members by SCIM `userName`, their email " +
					"(`docker_scim_user.<name>.user_name`); compared ignoring case, as Docker does. The recommended " +
					"way to declare membership, because plans then name the people who join and leave. When set, this " +
					"is the whole membership: anyone else is removed from the group, and so from the team; an empty " +
					"set removes everyone. Every address must be a SCIM user of the SSO connection at apply, or the " +
					"apply fails before changing anything. Refer to `docker_scim_user.<name>.user_name` rather than " +
					"writing the address, so that Terraform creates the user first. Inactive users stay in the group " +
					"but are not team members until reactivated. Conflicts with `members`. When neither is set, it " +
					"shows the current members if state tracks them (after an import), and is never acted on.",
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(validators.Email()),
					setvalidator.ConflictsWith(path.MatchRoot("members")),
				},
			},
			"members": schema.SetAttribute{
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The group's members by SCIM id (`docker_scim_user.<name>.id`). Prefer " +
					"`member_user_names`, whose plans show emails rather than ids; switching to it for the same people " +
					"changes no membership. When set, this is the whole membership, as for `member_user_names`. " +
					"Conflicts with `member_user_names`. When neither is set, it keeps the ids state already tracks " +
					"(after `members` is removed from the configuration), and is never acted on.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
		},
	}
}

// IdentitySchema declares the org and team as the identity, for import
// blocks with `identity = { org_name = "...", team_name = "..." }`.
func (r *GroupMappingResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"org_name": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Organization of the team.",
			},
			"team_name": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Team the group maps onto.",
			},
		},
	}
}

// Configure receives the provider's clients.
func (r *GroupMappingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans display_name from the names, so that a rename shows the
// new "org:team" rather than "known after apply", and plans the membership
// attributes (see planMembership).
func (r *GroupMappingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(planMembership(ctx, req, resp)...)
	var org, team types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("org_name"), &org)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("team_name"), &team)...)
	if resp.Diagnostics.HasError() || org.IsUnknown() || team.IsUnknown() || org.IsNull() || team.IsNull() {
		return
	}
	name := groupDisplayName(org.ValueString(), team.ValueString())
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("display_name"), types.StringValue(name))...)
	if req.State.Raw.IsNull() {
		r.refuseWithoutGroups(ctx, name, &resp.Diagnostics)
	}
	if r.data != nil {
		me := view.Claimant{ID: view.ClaimantID("docker_group_mapping", []byte(req.Config.Raw.String())),
			Name: fmt.Sprintf("docker_group_mapping for %q", name)}
		if c := r.data.view.Claims.DeclareTeam(name, me); c != nil {
			view.AddConflict(&resp.Diagnostics, path.Root("team_name"), me, name, c)
		}
	}
}

// refuseWithoutGroups fails the plan of a new mapping when the SCIM server
// says it has no groups (Docker's published API has none), before anything
// is sent. Settings still unknown, or missing (reported where they are
// needed), skip the check.
func (r *GroupMappingResource) refuseWithoutGroups(ctx context.Context, name string, diags *diag.Diagnostics) {
	if r.data == nil || r.data.scimSettingsPending() {
		return
	}
	var quiet diag.Diagnostics
	client := r.data.scimClient(&quiet, "Planning docker_group_mapping")
	if client == nil {
		return
	}
	if err := client.GroupsSupported(ctx); err != nil {
		diagnostics.AddAttributeClientError(diags, path.Root("team_name"),
			diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionCreate, What: "SCIM group", ID: name}, err)
	}
}

// membershipConfig says which attribute, if any, manages the membership in
// the configuration.
type membershipConfig struct {
	byName, byID bool
}

func (m membershipConfig) managed() bool { return m.byName || m.byID }

func readMembershipConfig(ctx context.Context, config interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}) (membershipConfig, diag.Diagnostics) {
	var names, ids types.Set
	var diags diag.Diagnostics
	diags.Append(config.GetAttribute(ctx, path.Root("member_user_names"), &names)...)
	diags.Append(config.GetAttribute(ctx, path.Root("members"), &ids)...)
	return membershipConfig{byName: !names.IsNull(), byID: !ids.IsNull()}, diags
}

// planMembership plans member_user_names and members, which are Optional and
// Computed so that a configuration that does not manage membership shows no
// change:
//   - the configured attribute is planned as configured, and the other one
//     as null (state then tracks membership one way only);
//   - with neither configured (a group imported into a configuration without
//     them, or a configuration that stopped setting them), both keep what
//     state holds, so the plan shows no removal, and apply sends nothing.
//
// Without this, an Optional attribute left out of the configuration would be
// planned as "- members = [...] -> null", which reads as removing everyone.
func planMembership(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) diag.Diagnostics {
	cfg, diags := readMembershipConfig(ctx, req.Config)
	if diags.HasError() {
		return diags
	}
	prior := groupMappingModel{Members: types.SetNull(types.StringType), MemberUserNames: types.SetNull(types.StringType)}
	if !req.State.Raw.IsNull() {
		diags.Append(req.State.Get(ctx, &prior)...)
		if diags.HasError() {
			return diags
		}
	}
	switch {
	case cfg.byName:
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("members"), types.SetNull(types.StringType))...)
	case cfg.byID:
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("member_user_names"), types.SetNull(types.StringType))...)
	default:
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("members"), prior.Members)...)
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("member_user_names"), prior.MemberUserNames)...)
	}
	return diags
}

// desiredMemberIDs is the membership the plan declares, as SCIM ids:
// member_user_names resolved to users, or members as they are. A name that
// matches no user is an error on member_user_names, found before anything
// is sent.
func (r *GroupMappingResource) desiredMemberIDs(ctx context.Context, client *scim.Client, plan groupMappingModel) ([]string, diag.Diagnostics) {
	if plan.MemberUserNames.IsNull() {
		return memberIDsFromSet(ctx, plan.Members)
	}
	names, diags := memberIDsFromSet(ctx, plan.MemberUserNames)
	if diags.HasError() {
		return nil, diags
	}
	found, missing, err := r.usersByUserName(ctx, client, names)
	if err != nil {
		diagnostics.AddAttributeClientError(&diags, path.Root("member_user_names"),
			diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionList, What: "SCIM users"}, err)
		return nil, diags
	}
	if len(missing) > 0 {
		diags.AddAttributeError(path.Root("member_user_names"), "Unknown group member",
			fmt.Sprintf("%s not the userName of any SCIM user of this SSO connection, so nothing was changed. "+
				"member_user_names takes the emails of provisioned users (docker_scim_user.<name>.user_name); "+
				"refer to that attribute rather than writing the address, so that the user is created first.",
				quotedList(missing)))
		return nil, diags
	}
	ids := make([]string, 0, len(names))
	for _, n := range names {
		ids = append(ids, found[strings.ToLower(n)].ID)
	}
	sort.Strings(ids)
	return slices.Compact(ids), diags
}

// usersByUserName finds the users with these userNames, keyed by lower-case
// userName (Docker compares them ignoring case); missing lists the names no
// user has. A few names are looked up one filter each; more are answered
// from one listing of the users, shared with every Read of this command, so
// a group of thousands costs the listing's pages, not a request per member.
func (r *GroupMappingResource) usersByUserName(ctx context.Context, client *scim.Client, names []string) (found map[string]*scim.User, missing []string, err error) {
	found = make(map[string]*scim.User, len(names))
	var users []*scim.User
	if len(names) > snapshot.DirectReads {
		users, err = r.data.users.All(ctx, client)
		if err != nil && !errors.Is(err, snapshot.ErrNoSnapshot) {
			return nil, nil, err
		}
	}
	if users != nil {
		byName := make(map[string]*scim.User, len(users))
		for _, u := range users {
			byName[strings.ToLower(u.UserName)] = u
		}
		for _, n := range names {
			if u, ok := byName[strings.ToLower(n)]; ok {
				found[strings.ToLower(n)] = u
			}
		}
	} else {
		for _, n := range names {
			u, ferr := client.FindUserByUserName(ctx, n)
			if errors.Is(ferr, httpx.ErrNotFound) {
				continue
			}
			if ferr != nil {
				return nil, nil, ferr
			}
			r.data.users.Put(u)
			found[strings.ToLower(n)] = u
		}
	}
	for _, n := range names {
		if found[strings.ToLower(n)] == nil {
			missing = append(missing, n)
		}
	}
	return found, missing, nil
}

// memberUserNameSet is the set of the group's members by userName. A name
// equal ignoring case to one in spelled (what state or the configuration
// says) keeps that spelling, so that Docker's own capitalisation shows no
// diff. A member that is no user of the connection is listed by its id, so
// that the plan shows it leaving. Users come from the provider's snapshot:
// after a few GETs, one listing answers every member.
func memberUserNameSet(ctx context.Context, data *providerData, client *scim.Client, g *scim.Group, spelled types.Set) (types.Set, diag.Diagnostics) {
	var diags diag.Diagnostics
	spelling := map[string]string{}
	if !spelled.IsNull() && !spelled.IsUnknown() {
		var names []string
		diags.Append(spelled.ElementsAs(ctx, &names, false)...)
		for _, n := range names {
			spelling[strings.ToLower(n)] = n
		}
	}
	ids := groupMemberIDs(g)
	elems := make([]attr.Value, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		name := id
		u, err := data.users.Get(ctx, client, id)
		switch {
		case err == nil:
			name = u.UserName
			if s, ok := spelling[strings.ToLower(name)]; ok {
				name = s
			}
		case !errors.Is(err, httpx.ErrNotFound):
			diagnostics.AddClientError(&diags, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionRead, What: "SCIM user", ID: id}, err)
			return types.SetNull(types.StringType), diags
		}
		if key := strings.ToLower(name); !seen[key] {
			seen[key] = true
			elems = append(elems, types.StringValue(name))
		}
	}
	set, d := types.SetValue(types.StringType, elems)
	diags.Append(d...)
	return set, diags
}

// Create creates the group with its members. The first batch of members goes
// in the POST, so that a typical group is created in one atomic request; the
// rest follow as PATCH batches.
func (r *GroupMappingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan groupMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.scimClient(&resp.Diagnostics, "docker_group_mapping")
	if client == nil {
		return
	}
	desired, diags := r.desiredMemberIDs(ctx, client, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := groupDisplayName(plan.OrgName.ValueString(), plan.TeamName.ValueString())
	first, rest := splitCreateMembers(desired, scim.DefaultMemberBatchSize)

	created, err := client.CreateGroup(ctx, &scim.Group{DisplayName: name, Members: membersOf(first)})
	if err != nil {
		var conflict *scim.ConflictError
		if errors.As(err, &conflict) && conflict.ExistingID != "" {
			diagnostics.AddAlreadyExists(&resp.Diagnostics, path.Root("team_name"), "SCIM group",
				fmt.Sprintf("A SCIM group named %q already exists on this SSO connection (id %s).", name, conflict.ExistingID),
				name)
			return
		}
		r.addCreateError(ctx, &resp.Diagnostics, client, plan, name, first, err)
		return
	}
	r.data.groups.Put(created)

	state := groupMappingModel{
		ID:              types.StringValue(created.ID),
		OrgName:         plan.OrgName,
		TeamName:        plan.TeamName,
		DisplayName:     types.StringValue(name),
		Members:         plan.Members,
		MemberUserNames: plan.MemberUserNames,
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, groupIdentity(plan.OrgName.ValueString(), plan.TeamName.ValueString()))...)
	resp.Diagnostics.Append(r.data.recordSCIMEndpoint(ctx, resp.Private)...)

	if len(rest) > 0 {
		if err := client.UpdateGroupMembers(ctx, created.ID, rest, nil, scim.DefaultMemberBatchSize); err != nil {
			// The group exists: record what it holds now, so that Terraform
			// tracks it, and report what failed.
			r.data.groups.Remove(created.ID)
			if fresh, gerr := client.GetGroup(ctx, created.ID); gerr == nil {
				r.data.groups.Put(fresh)
				resp.Diagnostics.Append(r.readMembership(ctx, client, fresh, &state)...)
			}
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
			r.addMembershipError(ctx, &resp.Diagnostics, client, plan.MemberUserNames.IsNull(), name, rest, err)
			return
		}
		created.Members = membersOf(desired)
		r.data.groups.Put(created)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Read refreshes the group. A group deleted outside Terraform is removed from
// state, so the next plan creates it again.
func (r *GroupMappingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data.keptWhilePending(ctx, resp, groupIdentity(state.OrgName.ValueString(), state.TeamName.ValueString())) {
		return
	}
	client := r.data.scimClient(&resp.Diagnostics, "docker_group_mapping")
	if client == nil {
		return
	}

	g, err := r.data.groups.Get(ctx, client, state.ID.ValueString())
	if errors.Is(err, httpx.ErrNotFound) {
		r.data.forgetIfVanished(ctx, req, resp, groupIdentity(state.OrgName.ValueString(), state.TeamName.ValueString()), "SCIM group", state.DisplayName.ValueString())
		return
	}
	if err != nil {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionRead, What: "SCIM group", ID: state.ID.ValueString()}, err)
		return
	}

	next := modelFromGroup(g)
	next.Members, next.MemberUserNames = state.Members, state.MemberUserNames
	resp.Diagnostics.Append(r.readMembership(ctx, client, g, &next)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, _, ok := splitGroupDisplayName(g.DisplayName); !ok {
		// Not an "org:team" name (another client renamed it): keep the names
		// from state, so the plan renames it back.
		next.OrgName, next.TeamName = state.OrgName, state.TeamName
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
	resp.Diagnostics.Append(r.data.recordSCIMEndpoint(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, groupIdentity(next.OrgName.ValueString(), next.TeamName.ValueString()))...)
}

// Update renames the group when team_name changed, then sends the membership
// difference against what the server holds now (not what the last refresh
// saw), so that the result is exactly the declared set.
func (r *GroupMappingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior groupMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	cfg, diags := readMembershipConfig(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.scimClient(&resp.Diagnostics, "docker_group_mapping")
	if client == nil {
		return
	}
	id := prior.ID.ValueString()
	name := groupDisplayName(plan.OrgName.ValueString(), plan.TeamName.ValueString())

	// Resolve the people first, so that an unknown one changes nothing.
	// Without either attribute configured, the plan only carries state's
	// tracked membership along, and membership is left alone.
	var desired []string
	if cfg.managed() {
		desired, diags = r.desiredMemberIDs(ctx, client, plan)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	if name != prior.DisplayName.ValueString() {
		renamed, err := client.RenameGroup(ctx, id, name, "")
		if errors.Is(err, httpx.ErrConflict) {
			resp.Diagnostics.AddAttributeError(path.Root("team_name"), "SCIM group already exists",
				fmt.Sprintf("Couldn't rename SCIM group %s to %q: another group of this SSO connection already has that "+
					"name. Import that group instead, or choose another team_name.\n\n%s", id, name, err))
			return
		}
		if err != nil {
			diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionRename, What: "SCIM group", ID: id}, err)
			return
		}
		r.data.groups.Put(renamed)
	}

	if cfg.managed() {
		current, err := client.GetGroup(ctx, id)
		if err != nil {
			diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionRead, What: "SCIM group", ID: id}, err)
			return
		}
		add, remove := groupMemberChanges(current, desired)
		if len(add)+len(remove) > 0 {
			err := client.UpdateGroupMembers(ctx, id, add, remove, scim.DefaultMemberBatchSize)
			// Whatever happened, the snapshot no longer matches the server.
			r.data.groups.Remove(id)
			if err != nil {
				r.addMembershipError(ctx, &resp.Diagnostics, client, cfg.byID, name, add, err)
				return
			}
		}
		current.DisplayName = name
		current.Members = membersOf(desired)
		r.data.groups.Put(current)
	}

	state := plan
	state.ID = prior.ID
	state.DisplayName = types.StringValue(name)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, groupIdentity(plan.OrgName.ValueString(), plan.TeamName.ValueString()))...)
}

// Delete deletes the SCIM group. Docker keeps the team and removes the
// group's members from it. A group already gone counts as deleted.
func (r *GroupMappingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.data.scimClient(&resp.Diagnostics, "docker_group_mapping")
	if client == nil {
		return
	}
	id := state.ID.ValueString()
	if err := client.DeleteGroup(ctx, id, ""); err != nil && !errors.Is(err, httpx.ErrNotFound) {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionDelete, What: "SCIM group", ID: state.DisplayName.ValueString()}, err)
		return
	}
	r.data.groups.Remove(id)
}

// ImportState accepts a SCIM group id, an "org:team" display name (in any
// case), or an identity. The group is looked up either way, so a typo fails
// here.
func (r *GroupMappingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	client := r.data.scimClient(&resp.Diagnostics, "Importing docker_group_mapping")
	if client == nil {
		return
	}

	key := strings.TrimSpace(req.ID)
	if key == "" && req.Identity != nil {
		var ident groupMappingIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
		key = groupDisplayName(ident.OrgName.ValueString(), ident.TeamName.ValueString())
	}
	if key == "" {
		resp.Diagnostics.AddError("Missing import ID",
			`Import docker_group_mapping by its SCIM group id, or by its display name "org:team".`)
		return
	}

	var (
		g     *scim.Group
		err   error
		diags diag.Diagnostics
	)
	if strings.Contains(key, ":") {
		// Docker's organization and team names are lower case, and SCIM
		// compares displayName ignoring case, as user import does userName.
		key = strings.ToLower(key)
		g, err = client.FindGroupByDisplayName(ctx, key)
	} else {
		g, err = client.GetGroup(ctx, key)
	}
	if errors.Is(err, httpx.ErrNotFound) {
		resp.Diagnostics.AddError("Cannot import SCIM group",
			fmt.Sprintf("No SCIM group %q exists on this SSO connection. Import by the group's SCIM id or by its "+
				"display name \"org:team\".", key))
		return
	}
	if err != nil {
		diagnostics.AddClientError(&resp.Diagnostics, diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionImport, What: "SCIM group", ID: key}, err)
		return
	}
	if _, _, ok := splitGroupDisplayName(g.DisplayName); !ok {
		resp.Diagnostics.AddError("Cannot import SCIM group",
			fmt.Sprintf("SCIM group %s is named %q, which is not \"org:team\", so Docker maps it onto no team.", g.ID, g.DisplayName))
		return
	}
	r.data.groups.Put(g)

	// The members are imported by people: a configuration with
	// member_user_names then plans exactly the difference, by email, and one
	// without membership plans no change (see planMembership).
	state := modelFromGroup(g)
	state.MemberUserNames, diags = memberUserNameSet(ctx, r.data, client, g, types.SetNull(types.StringType))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, groupIdentity(state.OrgName.ValueString(), state.TeamName.ValueString()))...)
}

// addCreateError reports a failed POST on the attribute to fix: a member
// id at fault, or else Docker's refusal of an organization the connection
// does not provision (the names are validated at plan time, so a 400 about
// no member is about the organization).
func (r *GroupMappingResource) addCreateError(ctx context.Context, diags *diag.Diagnostics, client *scim.Client, plan groupMappingModel, name string, added []string, err error) {
	call := diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionCreate, What: "SCIM group", ID: name}
	if plan.MemberUserNames.IsNull() && r.addUnknownMembers(ctx, diags, client, call, added, err) {
		return
	}
	if diagnostics.AddOrgNotProvisioned(diags, path.Root("org_name"), "org_name", plan.OrgName.ValueString(), call, err) {
		return
	}
	diagnostics.AddClientError(diags, call, err)
}

// readMembership refreshes whichever membership attributes m tracks (the
// others stay null, so a group created without membership costs no member
// lookups).
func (r *GroupMappingResource) readMembership(ctx context.Context, client *scim.Client, g *scim.Group, m *groupMappingModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if !m.Members.IsNull() {
		m.Members = memberSetOf(g)
	}
	if !m.MemberUserNames.IsNull() {
		m.MemberUserNames, diags = memberUserNameSet(ctx, r.data, client, g, m.MemberUserNames)
	}
	return diags
}

// addMembershipError reports a failed membership change: a member id at
// fault when members manages membership, else the client error. (Ids
// resolved from member_user_names were users a moment ago.)
func (r *GroupMappingResource) addMembershipError(ctx context.Context, diags *diag.Diagnostics, client *scim.Client, byID bool, name string, added []string, err error) {
	call := diagnostics.Call{API: diagnostics.SCIM, Action: diagnostics.ActionUpdate, What: "SCIM group", ID: name}
	if byID && r.addUnknownMembers(ctx, diags, client, call, added, err) {
		return
	}
	diagnostics.AddClientError(diags, call, err)
}

// addUnknownMembers reports the member ids Docker refused. Docker answers
// 400 when a member is not a user of the connection; the ids at fault are
// then looked up and named on the members attribute, since the usual
// mistake is an email or username where a docker_scim_user id belongs. It
// returns false, adding nothing, when no member is at fault.
func (r *GroupMappingResource) addUnknownMembers(ctx context.Context, diags *diag.Diagnostics, client *scim.Client, call diagnostics.Call, added []string, err error) bool {
	if errors.Is(err, httpx.ErrBadRequest) && len(added) > 0 {
		var unknown []string
		for _, id := range added {
			if _, gerr := r.data.users.Get(ctx, client, id); errors.Is(gerr, httpx.ErrNotFound) {
				unknown = append(unknown, id)
			}
		}
		if len(unknown) > 0 {
			diags.AddAttributeError(path.Root("members"), "Unknown group member",
				fmt.Sprintf("Couldn't %s SCIM group %q: %s not a SCIM user of this SSO connection. members takes the "+
					"SCIM ids of users (docker_scim_user.<name>.id), not emails or Docker IDs.",
					call.Action, call.ID, quotedList(unknown)))
			return true
		}
	}
	return false
}

// groupDisplayName is the SCIM displayName Docker maps onto team team of org.
func groupDisplayName(org, team string) string { return org + ":" + team }

// splitGroupDisplayName reads "org:team".
func splitGroupDisplayName(name string) (org, team string, ok bool) {
	org, team, found := strings.Cut(name, ":")
	if !found || org == "" || team == "" {
		return "", "", false
	}
	return org, team, true
}

func groupIdentity(org, team string) groupMappingIdentity {
	return groupMappingIdentity{OrgName: types.StringValue(org), TeamName: types.StringValue(team)}
}

// modelFromGroup maps a group onto the model, membership left null: the
// caller fills in the attributes it tracks.
func modelFromGroup(g *scim.Group) groupMappingModel {
	org, team, _ := splitGroupDisplayName(g.DisplayName)
	return groupMappingModel{
		ID:              types.StringValue(g.ID),
		OrgName:         types.StringValue(org),
		TeamName:        types.StringValue(team),
		DisplayName:     types.StringValue(g.DisplayName),
		Members:         types.SetNull(types.StringType),
		MemberUserNames: types.SetNull(types.StringType),
	}
}

// memberSetOf is the set of the group's member ids.
func memberSetOf(g *scim.Group) types.Set {
	ids := groupMemberIDs(g)
	elems := make([]attr.Value, len(ids))
	for i, id := range ids {
		elems[i] = types.StringValue(id)
	}
	return types.SetValueMust(types.StringType, elems)
}

// groupMemberIDs lists the group's member ids, sorted, without duplicates.
func groupMemberIDs(g *scim.Group) []string {
	seen := make(map[string]bool, len(g.Members))
	ids := make([]string, 0, len(g.Members))
	for _, m := range g.Members {
		if m.Value != "" && !seen[m.Value] {
			seen[m.Value] = true
			ids = append(ids, m.Value)
		}
	}
	sort.Strings(ids)
	return ids
}

// memberIDsFromSet reads the members attribute; null is no members.
func memberIDsFromSet(ctx context.Context, s types.Set) ([]string, diag.Diagnostics) {
	if s.IsNull() || s.IsUnknown() {
		return nil, nil
	}
	var ids []string
	diags := s.ElementsAs(ctx, &ids, false)
	sort.Strings(ids)
	return ids, diags
}

// groupMemberChanges is the difference between the group's members and the
// desired ones: who to add and who to remove, and nothing else.
func groupMemberChanges(current *scim.Group, desired []string) (add, remove []string) {
	return scim.MemberDiff(groupMemberIDs(current), desired)
}

// splitCreateMembers splits the members of a new group into those sent with
// the POST (at most batchSize) and those added afterwards in PATCH batches.
func splitCreateMembers(ids []string, batchSize int) (first, rest []string) {
	if batchSize <= 0 {
		batchSize = scim.DefaultMemberBatchSize
	}
	if len(ids) <= batchSize {
		return ids, nil
	}
	return ids[:batchSize], ids[batchSize:]
}

func membersOf(ids []string) []scim.Member {
	if len(ids) == 0 {
		return nil
	}
	ms := make([]scim.Member, len(ids))
	for i, id := range ids {
		ms[i] = scim.Member{Value: id}
	}
	return ms
}

// quotedList words ids for a message: `"a" is`, `"a" and "b" are`, ...
func quotedList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = quote(id)
	}
	if len(q) == 1 {
		return q[0] + " is"
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1] + " are"
}
