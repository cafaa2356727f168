package roster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// This file is the whole protocol layer: the schema, the conversion between
// tftypes values and Roster, diagnostics, and the RPCs, each of
// which decodes, calls plan.go, read.go or apply.go, and encodes.

// TypeName is the resource's type name.
const TypeName = "docker_scim_roster"

// Server serves docker_scim_roster on protocol 6. It reaches the provider
// block the framework side configured through the same view every resource
// has (view.Provider: the shared SCIM client, pending settings, endpoint
// guard, claims); provider returns nil before ConfigureProvider.
type Server struct {
	tfproto.ResourcesOnly
	provider func() *view.Provider
}

// NewServer returns the roster's protocol server.
func NewServer(provider func() *view.Provider) *Server { return &Server{provider: provider} }

var _ tfprotov6.ProviderServer = (*Server)(nil)

var (
	personType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"given_name": tftypes.String, "family_name": tftypes.String, "display_name": tftypes.String,
		"external_id": tftypes.String, "role": tftypes.String, "org_name": tftypes.String,
		"team_name": tftypes.String, "active": tftypes.Bool,
	}}
	usersType    = tftypes.Map{ElementType: personType}
	teamsType    = tftypes.Map{ElementType: tftypes.Set{ElementType: tftypes.String}}
	idsType      = tftypes.Map{ElementType: tftypes.String}
	emailSetType = tftypes.Set{ElementType: tftypes.String}
	rosterType   = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "filter": tftypes.String, "unmanaged": tftypes.String,
		"max_parallel_writes": tftypes.Number, "user": usersType, "teams": teamsType,
		"ids": idsType, "unmanaged_users": emailSetType,
	}}
)

func schema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	attrs := person.SchemaAttributes(func(int) string { return "" })
	attrs = append(attrs, &tfprotov6.SchemaAttribute{Name: "active", Type: tftypes.Bool, Optional: true, Computed: true,
		Description: "Whether the user is active. `false` deactivates them (removed from the organization, SCIM user kept). " +
			"Defaults to `true`: listing a person means they have access.", DescriptionKind: md})
	return &tfprotov6.Schema{Version: 0, Block: &tfprotov6.SchemaBlock{
		BlockTypes: []*tfprotov6.SchemaNestedBlock{{TypeName: "user", Nesting: tfprotov6.SchemaNestedBlockNestingModeMap,
			Block: &tfprotov6.SchemaBlock{Attributes: attrs, DescriptionKind: md,
				Description: "A person, labelled by email (their SCIM `userName`, compared ignoring case)."}}},
		DescriptionKind: md,
		Description: "A set of SCIM users of one SSO connection, managed as a whole from one resource: the people of an " +
			"identity provider's export, kept exactly as listed, with the users it does not list shown and, if asked, " +
			"deactivated or deleted.\n\n" +
			"Each person is a `user` block labelled by their email, with the settings of `docker_scim_user`. A removed " +
			"and an added block that share an `external_id` are one person renamed: their account is kept. A plan " +
			"that changes two people shows those two blocks; apply sends one request per changed person with only the changed attributes, at most " +
			"`max_parallel_writes` at a time, through the provider's shared client (rate limit, retries). A failed " +
			"write fails only its person: state keeps every write that succeeded, and the next apply does what is left.\n\n" +
			"Import with `id = \"*\"` (every user) or a SCIM filter (e.g. `userName ew \"@example.com\"`). " +
			"Needs the provider's `scim_base_url` and `scim_token`.",
		Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "id", Type: tftypes.String, Computed: true, DescriptionKind: md,
				Description: "The roster's scope: `filter`, or `*` when it covers every user."},
			{Name: "filter", Type: tftypes.String, Optional: true, DescriptionKind: md,
				Description: "SCIM filter scoping the roster, e.g. `userName ew \"@moby.example\"`; every user of the " +
					"connection when unset. Several rosters can split one connection. Every listed person must match it: " +
					"one the filter certainly excludes is an error at plan time."},
			{Name: "unmanaged", Type: tftypes.String, Optional: true, Computed: true, DescriptionKind: md,
				Description: "What happens to users in scope that the roster does not list, including people removed " +
					"from it: `ignore` (the default: left as they are, and named in " +
					"`unmanaged_users`), `deactivate`, or `delete`. Under `deactivate` and `delete` the plan names each of " +
					"them, in `unmanaged_users` and in a warning, and apply acts only on the people the plan named. Destroying " +
					"the roster only forgets its people: it never deactivates or deletes anyone."},
			{Name: "max_parallel_writes", Type: tftypes.Number, Optional: true, Computed: true, DescriptionKind: md,
				Description: fmt.Sprintf("Most writes in flight at once (1 to %d, default %d). They share the "+
					"provider's `max_requests_per_second`.", MaxMaxParallelWrites, DefaultMaxParallelWrites)},
			{Name: "teams", Type: teamsType, Optional: true, DescriptionKind: md,
				Description: "Teams whose whole membership the roster sets, keyed by SCIM group `org:team`, each the " +
					"set of emails (labels of `user` blocks) it holds. Authoritative for the teams it names; teams it does not " +
					"name are left alone."},
			{Name: "ids", Type: idsType, Computed: true, DescriptionKind: md,
				Description: "SCIM id of each person, by email as their `user` block spells it."},
			{Name: "unmanaged_users", Type: emailSetType, Computed: true, DescriptionKind: md,
				Description: "Users in scope that the roster does not list and that the `unmanaged` policy has not dealt " +
					"with: under `ignore` every one; under `deactivate` the active ones; under `delete` every one. " +
					"Planned empty under `deactivate` and `delete`, so the plan shows each person it will act on. Under " +
					"`ignore`, known after apply when the plan had to list the scope (a new roster, a changed filter): " +
					"apply lists it after its own writes and those of the other resources."},
		},
	}}
}

// --- value conversion ---

func stringList(v tftypes.Value) ([]string, bool) {
	if !v.IsKnown() {
		return nil, true
	}
	var elems []tftypes.Value
	_ = v.As(&elems)
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if s := tfproto.StrOf(e); !s.Null && !s.Unknown {
			out = append(out, s.V)
		} else if s.Unknown {
			return nil, true
		}
	}
	return out, false
}

// decode turns a request's value into a Roster; nil for a null object.
func decode(dv *tfprotov6.DynamicValue) (*Roster, error) {
	if dv == nil {
		return nil, nil
	}
	v, err := dv.Unmarshal(rosterType)
	if err != nil {
		return nil, err
	}
	if v.IsNull() {
		return nil, nil
	}
	var a map[string]tftypes.Value
	if err := v.As(&a); err != nil {
		return nil, err
	}
	r := &Roster{
		ID: tfproto.StrOf(a["id"]), Filter: tfproto.StrOf(a["filter"]), Unmanaged: tfproto.StrOf(a["unmanaged"]),
		MaxParallelWrites: tfproto.IntOf(a["max_parallel_writes"]),
	}
	if users := a["user"]; !users.IsKnown() {
		r.UsersUnknown = true
	} else if !users.IsNull() {
		var m map[string]tftypes.Value
		if err := users.As(&m); err != nil {
			return nil, err
		}
		r.Users = make(map[string]*Person, len(m))
		for k, pv := range m {
			var pa map[string]tftypes.Value
			if err := pv.As(&pa); err != nil {
				return nil, err
			}
			p := &Person{Active: tfproto.BoolOf(pa["active"])}
			for i, name := range AttrNames {
				p.Attrs[i] = tfproto.StrOf(pa[name])
			}
			r.Users[k] = p
		}
	}
	if teams := a["teams"]; !teams.IsKnown() {
		r.TeamsUnknown = true
	} else if !teams.IsNull() {
		var m map[string]tftypes.Value
		if err := teams.As(&m); err != nil {
			return nil, err
		}
		r.Teams = make(map[string][]string, len(m))
		for k, sv := range m {
			members, unknown := stringList(sv)
			if unknown {
				r.TeamsUnknown = true
			}
			r.Teams[k] = members
		}
	}
	if ids := a["ids"]; !ids.IsKnown() {
		r.IDsUnknown = true
	} else if !ids.IsNull() {
		var m map[string]tftypes.Value
		if err := ids.As(&m); err != nil {
			return nil, err
		}
		r.IDs = make(map[string]Str, len(m))
		for k, iv := range m {
			r.IDs[k] = tfproto.StrOf(iv)
		}
	}
	r.UnmanagedUsers, r.UnmanagedUsersUnknown = stringList(a["unmanaged_users"])
	return r, nil
}

func stringSet(ss []string, unknown bool) tftypes.Value {
	if unknown {
		return tftypes.NewValue(emailSetType, tftypes.UnknownValue)
	}
	if ss == nil {
		return tftypes.NewValue(emailSetType, nil)
	}
	elems := make([]tftypes.Value, len(ss))
	for i, s := range ss {
		elems[i] = tftypes.NewValue(tftypes.String, s)
	}
	return tftypes.NewValue(emailSetType, elems)
}

// encode turns a Roster into a response value; nil is a null object.
func encode(r *Roster) (*tfprotov6.DynamicValue, error) {
	if r == nil {
		dv, err := tfprotov6.NewDynamicValue(rosterType, tftypes.NewValue(rosterType, nil))
		return &dv, err
	}
	a := map[string]tftypes.Value{
		"id": r.ID.Terraform(), "filter": r.Filter.Terraform(), "unmanaged": r.Unmanaged.Terraform(),
		"unmanaged_users": stringSet(r.UnmanagedUsers, r.UnmanagedUsersUnknown),
	}
	a["max_parallel_writes"] = r.MaxParallelWrites.Terraform()
	switch {
	case r.UsersUnknown:
		a["user"] = tftypes.NewValue(usersType, tftypes.UnknownValue)
	case r.Users == nil:
		a["user"] = tftypes.NewValue(usersType, nil)
	default:
		m := make(map[string]tftypes.Value, len(r.Users))
		for k, p := range r.Users {
			pa := make(map[string]tftypes.Value, NumAttrs+1)
			for i, name := range AttrNames {
				pa[name] = p.Attrs[i].Terraform()
			}
			pa["active"] = p.Active.Terraform()
			m[k] = tftypes.NewValue(personType, pa)
		}
		a["user"] = tftypes.NewValue(usersType, m)
	}
	switch {
	case r.TeamsUnknown:
		a["teams"] = tftypes.NewValue(teamsType, tftypes.UnknownValue)
	case r.Teams == nil:
		a["teams"] = tftypes.NewValue(teamsType, nil)
	default:
		m := make(map[string]tftypes.Value, len(r.Teams))
		for k, members := range r.Teams {
			m[k] = stringSet(members, false)
			if members == nil {
				m[k] = stringSet([]string{}, false)
			}
		}
		a["teams"] = tftypes.NewValue(teamsType, m)
	}
	switch {
	case r.IDsUnknown:
		a["ids"] = tftypes.NewValue(idsType, tftypes.UnknownValue)
	case r.IDs == nil:
		a["ids"] = tftypes.NewValue(idsType, nil)
	default:
		m := make(map[string]tftypes.Value, len(r.IDs))
		for k, id := range r.IDs {
			m[k] = id.Terraform()
		}
		a["ids"] = tftypes.NewValue(idsType, m)
	}
	dv, err := tfprotov6.NewDynamicValue(rosterType, tftypes.NewValue(rosterType, a))
	return &dv, err
}

func decodePrivate(b []byte) *Private {
	p := &Private{}
	if len(b) > 0 {
		_ = json.Unmarshal(b, p)
	}
	return p
}

func encodePrivate(p *Private) []byte {
	if p == nil {
		return nil
	}
	b, _ := json.Marshal(p)
	return b
}

// --- diagnostics ---

func detail(action diagnostics.Action, what, id string, err error) string {
	return diagnostics.Detail(diagnostics.Call{API: diagnostics.SCIM, Action: action, What: what, ID: id}, err)
}

func errorDiag(summary string, err error) []*tfprotov6.Diagnostic {
	return tfproto.Error(summary, err.Error())
}

// client returns the configured provider's view and its SCIM client, or
// diagnostics saying why there is none. pending (settings known only after
// apply) is not an error: the view comes without a client.
func (s *Server) client() (*view.Provider, *scim.Client, bool, []*tfprotov6.Diagnostic) {
	var p *view.Provider
	if s.provider != nil {
		p = s.provider()
	}
	if p == nil {
		return nil, nil, false, tfproto.Error("Provider not configured", TypeName+" was called before the provider was configured. This is a bug in the provider.")
	}
	if p.Pending() {
		return p, nil, true, nil
	}
	var diags diag.Diagnostics
	c := p.SCIM(&diags, TypeName)
	return p, c, false, tfproto.FromFramework(diags)
}

// failure is the diagnostic for err, which stopped an RPC: an endpoint
// that changed gets the provider block's one full explanation; anything
// else is worded by internal/diagnostics for action on what (the users in
// the roster's scope, see usersInScope).
func failure(p *view.Provider, summary string, action diagnostics.Action, what string, err error) []*tfprotov6.Diagnostic {
	var changed *EndpointChangedError
	if errors.As(err, &changed) {
		var diags diag.Diagnostics
		p.AddEndpointChanged(&diags, changed.Was, changed.Subject, "remove the roster from state on purpose "+
			"(terraform state rm <address>, or tofu state rm) and import it again by its filter, through the "+
			"settings you mean (an import block with id = the filter, or \"*\")")
		return tfproto.FromFramework(diags)
	}
	return errorDiag(summary, errors.New(detail(action, what, "", err)))
}

// configText is the configuration in a canonical form (map keys sorted,
// which msgpack from tftypes does not guarantee), which tells resources
// apart in claims (view.ClaimantID).
func configText(dv *tfprotov6.DynamicValue) []byte {
	if dv == nil {
		return nil
	}
	v, err := dv.Unmarshal(rosterType)
	if err != nil {
		return append(append([]byte(nil), dv.MsgPack...), dv.JSON...)
	}
	return []byte(v.String())
}

// claim declares, in the claims of the provider block, the people and
// teams config lists and the people its policy acts on, and returns an
// error for each that another resource of the configuration claimed first.
func claim(p *view.Provider, req *tfprotov6.PlanResourceChangeRequest, config *Roster, res PlanResult) []*tfprotov6.Diagnostic {
	name := TypeName + " without a filter"
	if config.Filter.IsSet() {
		name = fmt.Sprintf("%s with filter %s", TypeName, scopeText(config.Filter))
	}
	me := view.Claimant{ID: view.ClaimantID(TypeName, configText(req.Config)), Name: fmt.Sprintf("%s (%d %s)", name, len(config.Users), plural(len(config.Users), "person", "people"))}
	var diags diag.Diagnostics
	for _, k := range sortedKeys(config.Users) {
		if c := p.Claims.DeclarePerson(k, me); c != nil {
			view.AddConflict(&diags, path.Root("user").AtMapKey(k), me, k, c)
		}
	}
	if !config.TeamsUnknown {
		for _, team := range sortedKeys(config.Teams) {
			if c := p.Claims.DeclareTeam(team, me); c != nil {
				view.AddConflict(&diags, path.Root("teams").AtMapKey(team), me, team, c)
			}
		}
	}
	for _, who := range res.ActOn {
		if c := p.Claims.ActOnPerson(who, res.Planned.policy(), me); c != nil {
			view.AddConflict(&diags, path.Root("unmanaged"), me, who, c)
		}
	}
	return tfproto.FromFramework(diags)
}

// --- RPCs ---

// GetMetadata names the one resource this server serves.
func (s *Server) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return tfproto.Metadata(TypeName), nil
}

// GetProviderSchema returns the resource's schema. The provider block's
// schema is the framework side's: this server declares none.
func (s *Server) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return tfproto.Schemas(TypeName, schema()), nil
}

// GetResourceIdentitySchemas returns none: the roster has no identity.
func (s *Server) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{}}, nil
}

// ValidateResourceConfig checks the configuration without the server.
func (s *Server) ValidateResourceConfig(_ context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	c, err := decode(req.Config)
	if err != nil {
		return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: errorDiag("Invalid configuration", err)}, nil
	}
	if c == nil {
		return &tfprotov6.ValidateResourceConfigResponse{}, nil
	}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: tfproto.FromFramework(Validate(c))}, nil
}

// UpgradeResourceState hands the stored JSON back as it is (see
// tfproto.UpgradeState): a state of thousands of people is not decoded and
// encoded again for nothing.
func (s *Server) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return tfproto.UpgradeState(TypeName, req), nil
}

// ReadResource refreshes the roster from one listing of its scope.
func (s *Server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}
	state, err := decode(req.CurrentState)
	if err != nil || state == nil {
		if err != nil {
			resp.Diagnostics = errorDiag("Cannot read state", err)
		}
		return resp, nil
	}
	p, c, pending, diags := s.client()
	if diags != nil || pending {
		resp.Diagnostics = diags
		return resp, nil // pending: refreshed by the next plan, once the settings are known
	}
	fresh, priv, err := Read(ctx, c, p.Endpoint(), state, decodePrivate(req.Private))
	if err != nil {
		resp.Diagnostics = failure(p, "Error reading SCIM users", diagnostics.ActionRead, usersInScope(state.Filter), err)
		return resp, nil
	}
	if resp.NewState, err = encode(fresh); err != nil {
		resp.Diagnostics = errorDiag("Cannot encode state", err)
	}
	resp.Private = encodePrivate(priv)
	return resp, nil
}

// PlanResourceChange plans the people, and names whom the unmanaged policy
// will act on.
func (s *Server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}
	config, err := decode(req.Config)
	if err != nil {
		resp.Diagnostics = errorDiag("Invalid configuration", err)
		return resp, nil
	}
	if config == nil {
		return resp, nil // destroy
	}
	prior, err := decode(req.PriorState)
	if err != nil {
		resp.Diagnostics = errorDiag("Cannot read state", err)
		return resp, nil
	}
	p, c, pending, diags := s.client()
	if p == nil || (!pending && diags != nil) {
		resp.Diagnostics = diags
		return resp, nil
	}
	priv := decodePrivate(req.PriorPrivate)
	now := p.Endpoint()
	if !pending {
		// Without a refresh (-refresh=false), the people were last seen
		// through the recorded settings: make sure these reach them.
		if err := Confirm(ctx, c, now, prior, priv.Endpoint); err != nil {
			resp.Diagnostics = failure(p, "Error reading SCIM users", diagnostics.ActionRead, usersInScope(config.Filter), err)
			return resp, nil
		}
	}
	list := func(ctx context.Context, filter string) (map[string]Found, error) {
		if pending {
			return nil, ErrScopeUnknown
		}
		return ListerFor(c)(ctx, filter)
	}
	res, err := Plan(ctx, prior, config, priv, list)
	if err != nil {
		resp.Diagnostics = failure(p, "Error listing SCIM users", diagnostics.ActionList, usersInScope(config.Filter), err)
		return resp, nil
	}
	res.Private.Endpoint = priv.Endpoint
	if !pending {
		res.Private.Endpoint = &now // confirmed above
	}
	resp.Diagnostics = append(tfproto.FromFramework(res.Problems), claim(p, req, config, res)...)
	if resp.PlannedState, err = encode(res.Planned); err != nil {
		resp.Diagnostics = append(resp.Diagnostics, errorDiag("Cannot encode plan", err)...)
	}
	resp.PlannedPrivate = encodePrivate(res.Private)
	return resp, nil
}

// ApplyResourceChange sends the writes and records each one that succeeded.
func (s *Server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate}
	prior, err := decode(req.PriorState)
	if err != nil {
		resp.Diagnostics = errorDiag("Cannot read state", err)
		return resp, nil
	}
	planned, err := decode(req.PlannedState)
	if err != nil {
		resp.Diagnostics = errorDiag("Cannot read plan", err)
		return resp, nil
	}
	config, err := decode(req.Config)
	if err != nil {
		resp.Diagnostics = errorDiag("Cannot read configuration", err)
		return resp, nil
	}
	if planned == nil {
		// Destroy forgets the people and touches no one: a roster whose
		// first apply partly failed is tainted, and its replacement must
		// not take anyone's access away.
		resp.NewState, _ = encode(nil)
		return resp, nil
	}
	p, c, _, diags := s.client()
	if diags != nil || c == nil {
		resp.Diagnostics = diags
		return resp, nil
	}
	res, err := Apply(ctx, c, p.Endpoint(), prior, planned, config, decodePrivate(req.PlannedPrivate))
	if err != nil {
		// Nothing was written: state stays as it was.
		resp.Diagnostics = failure(p, "Error applying "+TypeName, diagnostics.ActionUpdate, usersInScope(planned.Filter), err)
		return resp, nil
	}
	resp.Diagnostics = tfproto.FromFramework(res.Problems)
	if resp.NewState, err = encode(res.State); err != nil {
		resp.Diagnostics = append(resp.Diagnostics, errorDiag("Cannot encode state", err)...)
	}
	resp.Private = encodePrivate(res.Private)
	return resp, nil
}

// ImportResourceState reads every user of the scope the ID names.
func (s *Server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp := &tfprotov6.ImportResourceStateResponse{}
	p, c, pending, diags := s.client()
	if pending {
		diags = errorDiag("Cannot import yet", errors.New("the provider's SCIM settings are known only after apply; import once they are known"))
	}
	if diags != nil {
		resp.Diagnostics = diags
		return resp, nil
	}
	r, priv, err := Import(ctx, c, req.ID)
	if priv != nil {
		now := p.Endpoint()
		priv.Endpoint = &now
	}
	if err != nil {
		resp.Diagnostics = errorDiag("Cannot import "+TypeName, errors.New(detail(diagnostics.ActionImport, importSubject(req.ID), "", err)))
		return resp, nil
	}
	state, err := encode(r)
	if err != nil {
		resp.Diagnostics = errorDiag("Cannot encode state", err)
		return resp, nil
	}
	resp.ImportedResources = []*tfprotov6.ImportedResource{{TypeName: TypeName, State: state, Private: encodePrivate(priv)}}
	return resp, nil
}

// UpgradeResourceIdentity is not supported: the roster has no identity.
func (s *Server) UpgradeResourceIdentity(context.Context, *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: tfproto.Unsupported(TypeName, "resource identity")}, nil
}
