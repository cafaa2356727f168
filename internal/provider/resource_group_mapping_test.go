package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
)

// gmRecorder keeps the operations of every PATCH to a SCIM group that
// mockhub served, so that tests can see exactly what was sent; mockhub's
// /_mock/stats only counts requests.
type gmRecorder struct {
	mu      sync.Mutex
	patches [][]gmOp
}

// gmOp is one PATCH operation as sent: op, path and the member ids of its value.
type gmOp struct {
	Op, Path string
	Values   []string
}

func (r *gmRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.patches)
}

func (r *gmRecorder) since(n int) [][]gmOp {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.patches[n:])
}

// gmNewHub starts a mockhub, like newHub, behind a handler that records the
// bodies of group PATCH requests.
func gmNewHub(t *testing.T) (*testHub, *gmRecorder) {
	t.Helper()
	mh, err := mockhub.New(mockhub.Options{SCIMToken: "scim-" + randomHex(t)})
	if err != nil {
		t.Fatalf("starting mockhub: %v", err)
	}
	rec := &gmRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/scim/2.0/Groups/") {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			var body struct {
				Operations []struct {
					Op    string          `json:"op"`
					Path  string          `json:"path"`
					Value json.RawMessage `json:"value"`
				}
			}
			_ = json.Unmarshal(b, &body)
			var ops []gmOp
			for _, o := range body.Operations {
				op := gmOp{Op: strings.ToLower(o.Op), Path: o.Path}
				var members []struct{ Value string }
				if json.Unmarshal(o.Value, &members) == nil {
					for _, m := range members {
						op.Values = append(op.Values, m.Value)
					}
				}
				ops = append(ops, op)
			}
			rec.mu.Lock()
			rec.patches = append(rec.patches, ops)
			rec.mu.Unlock()
		}
		mh.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &testHub{t: t, srv: srv, info: mh.Info(srv.URL)}, rec
}

// gmUsers declares four users; the mapping's members are chosen among them.
const gmUsers = `
resource "docker_scim_user" "a" {
  user_name = "gm-ann@moby.example"
}
resource "docker_scim_user" "b" {
  user_name = "gm-bob@moby.example"
}
resource "docker_scim_user" "c" {
  user_name = "gm-cat@moby.example"
}
resource "docker_scim_user" "d" {
  user_name = "gm-dan@moby.example"
}
`

var gmEmails = map[string]string{
	"a": "gm-ann@moby.example", "b": "gm-bob@moby.example",
	"c": "gm-cat@moby.example", "d": "gm-dan@moby.example",
}

// gmConfig is the four users and a mapping of team with the given members
// (letters among a-d); a nil members leaves the attribute out.
func gmConfig(h *testHub, team string, members []string) string {
	m := ""
	if members != nil {
		refs := make([]string, len(members))
		for i, x := range members {
			refs[i] = "docker_scim_user." + x + ".id"
		}
		m = "  members   = [" + strings.Join(refs, ", ") + "]\n"
	}
	return h.scimProvider() + gmUsers + fmt.Sprintf(`
resource "docker_group_mapping" "team" {
  org_name  = "moby"
  team_name = %q
%s}
`, team, m)
}

// gmTeam lists a team's members through the management API as sorted emails;
// ok is false when the team does not exist.
func gmTeam(h *testHub, team string) (emails []string, ok bool) {
	h.t.Helper()
	status, body := h.mgmt(http.MethodGet, "/v2/orgs/moby/groups/"+team+"/members?page_size=100", nil)
	if status == http.StatusNotFound {
		return nil, false
	}
	if status != http.StatusOK {
		h.t.Fatalf("listing members of team %s: status %d: %v", team, status, body)
	}
	results, _ := body["results"].([]any)
	for _, r := range results {
		emails = append(emails, strings.ToLower(fmt.Sprint(r.(map[string]any)["email"])))
	}
	sort.Strings(emails)
	return emails, true
}

// gmTeamCount is the member count the management API reports for a team.
func gmTeamCount(h *testHub, team string) int {
	h.t.Helper()
	status, body := h.mgmt(http.MethodGet, "/v2/orgs/moby/groups/"+team+"/members?page_size=100", nil)
	if status != http.StatusOK {
		h.t.Fatalf("listing members of team %s: status %d: %v", team, status, body)
	}
	n, _ := body["count"].(float64)
	return int(n)
}

// checkTeam asserts that team has exactly the users with these letters.
func checkTeam(h *testHub, team string, letters ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want := []string{}
		for _, l := range letters {
			want = append(want, gmEmails[l])
		}
		sort.Strings(want)
		got, ok := gmTeam(h, team)
		if !ok {
			return fmt.Errorf("team %s does not exist in moby, want members %v", team, want)
		}
		if got == nil {
			got = []string{}
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("team %s has members %v, want exactly %v", team, got, want)
		}
		return nil
	}
}

// gmIDs maps the users' letters to their SCIM ids in state.
func gmIDs(s *terraform.State) map[string]string {
	ids := map[string]string{}
	for _, l := range []string{"a", "b", "c", "d"} {
		if r, ok := s.RootModule().Resources["docker_scim_user."+l]; ok {
			ids[l] = r.Primary.ID
		}
	}
	return ids
}

// checkMemberPatches asserts that since index n exactly one group PATCH was
// sent, holding one add of the letters in add and one remove per letter in
// remove, with the path members[value eq "id"], and nothing else.
func checkMemberPatches(rec *gmRecorder, n *int, add, remove []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ids := gmIDs(s)
		patches := rec.since(*n)
		if len(patches) != 1 {
			return fmt.Errorf("sent %d group PATCH requests (%v), want 1", len(patches), patches)
		}
		var gotAdd, gotRemove, wantAdd, wantRemove []string
		for _, l := range add {
			wantAdd = append(wantAdd, ids[l])
		}
		for _, l := range remove {
			wantRemove = append(wantRemove, fmt.Sprintf("members[value eq %q]", ids[l]))
		}
		for _, op := range patches[0] {
			switch {
			case op.Op == "add" && op.Path == "members":
				gotAdd = append(gotAdd, op.Values...)
			case op.Op == "remove" && len(op.Values) == 0:
				gotRemove = append(gotRemove, op.Path)
			default:
				return fmt.Errorf("unexpected operation %+v: only member adds and removes of the difference may be sent", op)
			}
		}
		for _, l := range [][]string{gotAdd, gotRemove, wantAdd, wantRemove} {
			sort.Strings(l)
		}
		if !slices.Equal(gotAdd, wantAdd) || !slices.Equal(gotRemove, wantRemove) {
			return fmt.Errorf("PATCH added %v and removed %v, want added %v and removed %v", gotAdd, gotRemove, wantAdd, wantRemove)
		}
		return nil
	}
}

// gmGroupsNamed counts the SCIM groups with this displayName.
func gmGroupsNamed(h *testHub, name string) int {
	h.t.Helper()
	status, body := h.scim(http.MethodGet, "/Groups?filter="+url.QueryEscape(fmt.Sprintf("displayName eq %q", name)), nil)
	if status != http.StatusOK {
		h.t.Fatalf("listing groups: status %d: %v", status, body)
	}
	n, _ := body["totalResults"].(float64)
	return int(n)
}

// gmOutOfBand changes a group's members with the SCIM API, as an admin or an
// IdP would.
func gmOutOfBand(t *testing.T, h *testHub, ops ...map[string]any) {
	t.Helper()
	status, body := h.scim(http.MethodGet, "/Groups?filter="+url.QueryEscape(`displayName sw "moby:"`), nil)
	if status != http.StatusOK {
		t.Fatalf("listing groups: %d %v", status, body)
	}
	res, _ := body["Resources"].([]any)
	if len(res) != 1 {
		t.Fatalf("found %d moby groups, want 1", len(res))
	}
	id := res[0].(map[string]any)["id"].(string)
	status, body = h.scim(http.MethodPatch, "/Groups/"+id, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": ops,
	})
	if status != http.StatusOK && status != http.StatusNoContent {
		t.Fatalf("out-of-band PATCH: %d %v", status, body)
	}
}

// gmImportedNames checks that an import read the members as these users'
// emails, in member_user_names, and left members null.
func gmImportedNames(letters ...string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("imported %d objects, want 1", len(states))
		}
		attrs := states[0].Attributes
		var got, want []string
		for k, v := range attrs {
			if strings.HasPrefix(k, "member_user_names.") && k != "member_user_names.#" {
				got = append(got, v)
			}
		}
		for _, l := range letters {
			want = append(want, gmEmails[l])
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("imported member_user_names %v, want %v", got, want)
		}
		if n := attrs["members.#"]; n != "" && n != "0" {
			return fmt.Errorf("imported %s members ids, want members left null", n)
		}
		return nil
	}
}

// gmUserID is the SCIM id of the user with this email.
func gmUserID(t *testing.T, h *testHub, email string) string {
	t.Helper()
	u, ok := h.scimUsers()[email]
	if !ok {
		t.Fatalf("%s is not on the server", email)
	}
	return u["id"].(string)
}

func TestAccGroupMapping_lifecycle(t *testing.T) {
	h, rec := gmNewHub(t)
	const addr = "docker_group_mapping.team"
	var n, puts, patches int
	mark := func() {
		n, puts, patches = rec.count(), h.requestsTo("PUT /v2/scim/2.0/Groups/{id}"), h.requestsTo("PATCH /v2/scim/2.0/Groups/{id}")
	}
	// noPut also checks that mockhub's own request counts agree with the
	// recorder's, so the recorded operations are all that was sent.
	noPut := func(*terraform.State) error {
		if got := h.requestsTo("PUT /v2/scim/2.0/Groups/{id}") - puts; got != 0 {
			return fmt.Errorf("sent %d PUT requests to groups, want 0: membership must never be replaced whole", got)
		}
		if got, recorded := h.requestsTo("PATCH /v2/scim/2.0/Groups/{id}")-patches, rec.count()-n; got != recorded {
			return fmt.Errorf("mockhub counted %d group PATCH requests, the recorder %d", got, recorded)
		}
		return nil
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy: func(*terraform.State) error {
			if n := gmGroupsNamed(h, "moby:platform"); n != 0 {
				return fmt.Errorf("%d SCIM groups moby:platform remain after destroy, want 0", n)
			}
			// Docker keeps the team but removes the group's members from it.
			members, ok := gmTeam(h, "platform")
			if !ok {
				return fmt.Errorf("team platform was deleted with its group; Docker keeps it")
			}
			if len(members) != 0 {
				return fmt.Errorf("team platform still has members %v after its group was deleted", members)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: mark,
				Config:    gmConfig(h, "backend", []string{"a", "b", "c"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("moby:backend")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("moby:backend")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.SetSizeExact(3)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeam(h, "backend", "a", "b", "c"),
					resource.TestCheckTypeSetElemAttrPair(addr, "members.*", "docker_scim_user.a", "id"),
					resource.TestCheckTypeSetElemAttrPair(addr, "members.*", "docker_scim_user.b", "id"),
					resource.TestCheckTypeSetElemAttrPair(addr, "members.*", "docker_scim_user.c", "id"),
					func(*terraform.State) error {
						// Three members fit in the POST: no PATCH at all.
						if got := rec.count() - n; got != 0 {
							return fmt.Errorf("create sent %d group PATCH requests, want 0", got)
						}
						return nil
					},
				),
			},
			{
				// Import reads the members by people (member_user_names);
				// gmImportNames checks them.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"members", "member_user_names"},
				ImportStateCheck:        gmImportedNames("a", "b", "c"),
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        "moby:backend",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateVerifyIgnore:              []string{"members", "member_user_names"},
				ImportStateCheck:                     gmImportedNames("a", "b", "c"),
			},
			{
				// A rename is an in-place update whose plan already shows the
				// new display name; Docker moves the members to the new team
				// and keeps the old one, empty.
				PreConfig: mark,
				Config:    gmConfig(h, "platform", []string{"a", "b", "c"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("moby:platform")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("team_name"), knownvalue.StringExact("platform")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("moby:platform")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeam(h, "platform", "a", "b", "c"),
					checkTeam(h, "backend"),
					noPut,
					func(*terraform.State) error {
						patches := rec.since(n)
						if len(patches) != 1 || len(patches[0]) != 1 || patches[0][0].Op != "replace" || patches[0][0].Path != "displayName" {
							return fmt.Errorf("rename sent group PATCHes %+v, want one replace of displayName", patches)
						}
						return nil
					},
				),
			},
			{
				// Import blocks take "org:team" too. Into a configuration
				// that uses members (ids), the plan switches the tracked
				// attribute from member_user_names to members; the same
				// people, so apply would send no PATCH.
				ResourceName:       addr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateId:      "moby:platform",
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.SetSizeExact(3)),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), knownvalue.Null()),
					},
				},
			},
			{
				// Add d and remove a: one PATCH with exactly that difference.
				PreConfig: mark,
				Config:    gmConfig(h, "platform", []string{"b", "c", "d"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeam(h, "platform", "b", "c", "d"),
					checkMemberPatches(rec, &n, []string{"d"}, []string{"a"}),
					noPut,
				),
			},
			{
				// Removing only: one remove operation.
				PreConfig: mark,
				Config:    gmConfig(h, "platform", []string{"c", "d"}),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeam(h, "platform", "c", "d"),
					checkMemberPatches(rec, &n, nil, []string{"b"}),
					noPut,
				),
			},
			{
				// Someone adds a and removes c outside Terraform: the plan
				// shows an update, and apply restores exactly c and d.
				PreConfig: func() {
					gmOutOfBand(t, h,
						map[string]any{"op": "add", "path": "members", "value": []map[string]any{{"value": gmUserID(t, h, gmEmails["a"])}}},
						map[string]any{"op": "remove", "path": fmt.Sprintf("members[value eq %q]", gmUserID(t, h, gmEmails["c"]))},
					)
					if got, _ := gmTeam(h, "platform"); !slices.Equal(got, []string{gmEmails["a"], gmEmails["d"]}) {
						t.Fatalf("after the out-of-band change team platform has %v, want ann and dan", got)
					}
					mark()
				},
				Config: gmConfig(h, "platform", []string{"c", "d"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeam(h, "platform", "c", "d"),
					checkMemberPatches(rec, &n, []string{"c"}, []string{"a"}),
					noPut,
				),
			},
			{
				// An empty set removes everyone.
				PreConfig: mark,
				Config:    gmConfig(h, "platform", []string{}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.SetSizeExact(0)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeam(h, "platform"),
					checkMemberPatches(rec, &n, nil, []string{"c", "d"}),
				),
			},
			{
				// Without members, membership is not managed: dropping the
				// attribute sends nothing...
				PreConfig: func() {
					gmOutOfBand(t, h, map[string]any{"op": "add", "path": "members", "value": []map[string]any{{"value": gmUserID(t, h, gmEmails["b"])}}})
					mark()
				},
				// ...and the plan shows no change at all (no "- members ->
				// null", which would read as removing everyone): state
				// keeps tracking the current members.
				Config: gmConfig(h, "platform", nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.SetSizeExact(1)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.SetSizeExact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeam(h, "platform", "b"),
					func(*terraform.State) error {
						if got := rec.count() - n; got != 0 {
							return fmt.Errorf("unmanaged members sent %d group PATCH requests, want 0", got)
						}
						return nil
					},
				),
			},
			{
				// ...and changes made outside Terraform are not drift.
				PreConfig: func() {
					gmOutOfBand(t, h, map[string]any{"op": "add", "path": "members", "value": []map[string]any{{"value": gmUserID(t, h, gmEmails["a"])}}})
				},
				Config:   gmConfig(h, "platform", nil),
				PlanOnly: true,
			},
		},
	})
}

func TestAccGroupMapping_deletedOutside(t *testing.T) {
	h := newHub(t)
	cfg := gmConfig(h, "ops", []string{"a"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: cfg, Check: checkTeam(h, "ops", "a")},
			{
				PreConfig: func() {
					status, body := h.scim(http.MethodGet, "/Groups?filter="+url.QueryEscape(`displayName eq "moby:ops"`), nil)
					res, _ := body["Resources"].([]any)
					if status != http.StatusOK || len(res) != 1 {
						t.Fatalf("finding moby:ops: %d %v", status, body)
					}
					id := res[0].(map[string]any)["id"].(string)
					if status, body := h.scim(http.MethodDelete, "/Groups/"+id, nil); status != http.StatusNoContent {
						t.Fatalf("out-of-band DELETE: %d %v", status, body)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_group_mapping.team", plancheck.ResourceActionCreate)},
				},
				Check: checkTeam(h, "ops", "a"),
			},
		},
	})
}

func TestAccGroupMapping_orgChangeReplaces(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: gmConfig(h, "ops", nil)},
			{
				// whale is outside the connection's scope: the plan says
				// replace, and Docker's refusal names the org.
				Config: strings.Replace(gmConfig(h, "ops", nil), `org_name  = "moby"`, `org_name  = "whale"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_group_mapping.team", plancheck.ResourceActionReplace)},
				},
				// The error is on org_name, in the provider's words, with
				// Docker's own text after it.
				ExpectError: regexp.MustCompile(`(?s)Docker refused org_name\s+=\s+"whale".*set\s+org_name\s+to.*organization "whale" is not one\s+this\s+SSO\s+connection\s+provisions`),
			},
		},
	})
}

func TestAccGroupMapping_importByIdentity(t *testing.T) {
	h := newHub(t)
	const addr = "docker_group_mapping.team"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: gmNamesConfig(h, "ident", "a", "b"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, teamIdentity("moby", "ident")),
				},
			},
			importStep(addr, resource.ImportBlockWithResourceIdentity),
			{
				// The identity follows a rename.
				Config: gmNamesConfig(h, "ident-renamed", "a", "b"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, teamIdentity("moby", "ident-renamed")),
				},
			},
			importStep(addr, resource.ImportBlockWithResourceIdentity),
		},
	})
}

func TestAccGroupMapping_createConflictNamesImport(t *testing.T) {
	h := newHub(t)
	id := h.idpGroup("moby:taken")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.scimProvider() + `resource "docker_group_mapping" "x" {` + "\n" + `  org_name = "moby"` + "\n" + `  team_name = "taken"` + "\n}\n",
			// The advice leads with the import block, then names both CLIs.
			ExpectError: regexp.MustCompile(`(?s)already exists.*` + id + `.*import \{.*id = "moby:taken".*terraform\s+import.*tofu\s+import`),
		}},
	})
	if n := gmGroupsNamed(h, "moby:taken"); n != 1 {
		t.Fatalf("the server holds %d groups moby:taken after the failed create, want 1", n)
	}
}

func TestAccGroupMapping_unknownMember(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.scimProvider() + `
resource "docker_scim_user" "a" {
  user_name = "gm-ann@moby.example"
}
resource "docker_group_mapping" "x" {
  org_name  = "moby"
  team_name = "ghosts"
  members   = [docker_scim_user.a.id, "gm-bob@moby.example"]
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unknown group member.*"gm-bob@moby.example"\s+is\s+not\s+a\s+SCIM\s+user.*docker_scim_user`),
		}},
	})
	if n := gmGroupsNamed(h, "moby:ghosts"); n != 0 {
		t.Fatalf("the server holds %d groups moby:ghosts after the failed create, want 0", n)
	}
}

func TestAccGroupMapping_planTimeValidation(t *testing.T) {
	h := newHub(t)
	cases := map[string]struct {
		org, team, want string
	}{
		"uppercase org":     {"Moby", "dev", `(?s)org_name.*organization name.*"Moby"`},
		"team with a space": {"moby", "dev team", `(?s)team_name.*team name.*"dev team"`},
		"team too short":    {"moby", "x", `(?s)team_name.*"x"`},
		"team separator":    {"moby", "dev--ops", `(?s)team_name.*"dev--ops"`},
	}
	// Plan only, and every configuration is invalid: no request of any
	// kind (not even a read) may reach mockhub. Runs after the subtests.
	t.Cleanup(func() { h.checkNoRequests(t) })
	for name, tc := range cases {
		for _, kind := range []string{"resource", "data"} {
			t.Run(kind+"/"+name, func(t *testing.T) {
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: protoV6,
					Steps: []resource.TestStep{{
						Config: h.scimProvider() + fmt.Sprintf(`
%s "docker_group_mapping" "x" {
  org_name  = %q
  team_name = %q
}
`, kind, tc.org, tc.team),
						PlanOnly:    true,
						ExpectError: regexp.MustCompile(tc.want),
					}},
				})
			})
		}
	}
}

// TestAccGroupMapping_largeGroup creates a group of 250 members (users made
// outside Terraform, so that the test stays quick): the first 100 go in the
// POST and the rest in PATCH batches of at most 100; then a one-person change
// is one small PATCH, not a replacement of the list.
func TestAccGroupMapping_largeGroup(t *testing.T) {
	h, rec := gmNewHub(t)
	const total = 251
	ids := make([]string, total)
	for i := range ids {
		ids[i] = h.seedUser(fmt.Sprintf("bulk%03d@moby.example", i))
	}
	config := func(members []string) string {
		b, _ := json.Marshal(members)
		return h.scimProvider() + fmt.Sprintf(`
resource "docker_group_mapping" "big" {
  org_name  = "moby"
  team_name = "everyone"
  members   = %s
}
`, b)
	}
	var n int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: config(ids[:250]),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_group_mapping.big", tfjsonpath.New("members"), knownvalue.SetSizeExact(250)),
				},
				Check: func(*terraform.State) error {
					if got := gmTeamCount(h, "everyone"); got != 250 {
						return fmt.Errorf("team everyone has %d members, want 250", got)
					}
					patches := rec.since(0)
					if len(patches) != 2 {
						return fmt.Errorf("create sent %d group PATCH requests, want 2 (150 members after the POST's 100)", len(patches))
					}
					for _, p := range patches {
						if len(p) != 1 || p[0].Op != "add" || len(p[0].Values) > scim.DefaultMemberBatchSize {
							return fmt.Errorf("create sent PATCH %+v, want one add of at most %d members", p, scim.DefaultMemberBatchSize)
						}
					}
					n = rec.count()
					return nil
				},
			},
			{
				Config: config(append(slices.Clone(ids[1:250]), ids[250])),
				Check: func(*terraform.State) error {
					if got := gmTeamCount(h, "everyone"); got != 250 {
						return fmt.Errorf("team everyone has %d members, want 250", got)
					}
					patches := rec.since(n)
					want := []gmOp{
						{Op: "add", Path: "members", Values: []string{ids[250]}},
						{Op: "remove", Path: fmt.Sprintf("members[value eq %q]", ids[0])},
					}
					if len(patches) != 1 || !slices.EqualFunc(patches[0], want, func(a, b gmOp) bool {
						return a.Op == b.Op && a.Path == b.Path && slices.Equal(a.Values, b.Values)
					}) {
						return fmt.Errorf("a one-person change sent %+v, want one PATCH %+v", patches, want)
					}
					if puts := h.requestsTo("PUT /v2/scim/2.0/Groups/{id}"); puts != 0 {
						return fmt.Errorf("sent %d group PUT requests, want 0", puts)
					}
					return nil
				},
			},
		},
	})
}

func TestAccGroupMappingDataSource(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: gmConfig(h, "readers", []string{"a", "c"}) + `
data "docker_group_mapping" "readers" {
  org_name  = docker_group_mapping.team.org_name
  team_name = docker_group_mapping.team.team_name
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.docker_group_mapping.readers", tfjsonpath.New("id"),
						"docker_group_mapping.team", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("data.docker_group_mapping.readers", tfjsonpath.New("members"),
						"docker_group_mapping.team", tfjsonpath.New("members"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.docker_group_mapping.readers", tfjsonpath.New("display_name"), knownvalue.StringExact("moby:readers")),
					statecheck.ExpectKnownValue("data.docker_group_mapping.readers", tfjsonpath.New("members"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue("data.docker_group_mapping.readers", tfjsonpath.New("member_user_names"),
						gmNames("gm-ann@moby.example", "gm-cat@moby.example")),
				},
			},
			{
				Config: h.scimProvider() + `
data "docker_group_mapping" "missing" {
  org_name  = "moby"
  team_name = "nobody"
}
`,
				ExpectError: regexp.MustCompile(`(?s)No SCIM group named "moby:nobody"`),
			},
		},
	})
}

// gmNamesConfig is the four users and a mapping of team whose
// member_user_names are these HCL expressions (a letter a-d stands for
// docker_scim_user.<letter>.user_name).
func gmNamesConfig(h *testHub, team string, names ...string) string {
	exprs := make([]string, len(names))
	for i, n := range names {
		if len(n) == 1 {
			exprs[i] = "docker_scim_user." + n + ".user_name"
		} else {
			exprs[i] = strconv.Quote(n)
		}
	}
	return h.scimProvider() + gmUsers + fmt.Sprintf(`
resource "docker_group_mapping" "team" {
  org_name          = "moby"
  team_name         = %q
  member_user_names = [%s]
}
`, team, strings.Join(exprs, ", "))
}

// gmNames is a check for a set of exactly these strings.
func gmNames(names ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		checks[i] = knownvalue.StringExact(n)
	}
	return knownvalue.SetExact(checks)
}

// gmPriorValue checks an attribute's value before a planned change: with
// plancheck.ExpectKnownValue on the planned value, it pins down what the
// plan shows being added and removed.
type gmPriorValue struct {
	addr  string
	path  tfjsonpath.Path
	check knownvalue.Check
}

func (c gmPriorValue) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr || rc.Change == nil {
			continue
		}
		v, err := tfjsonpath.Traverse(rc.Change.Before, c.path)
		if err != nil {
			resp.Error = fmt.Errorf("%s before the change: %w", c.addr, err)
			return
		}
		if err := c.check.CheckValue(v); err != nil {
			resp.Error = fmt.Errorf("%s.%s before the change: %w", c.addr, c.path, err)
		}
		return
	}
	resp.Error = fmt.Errorf("the plan has no change for %s", c.addr)
}

// gmNoPatchSince fails when a group PATCH was sent since *n.
func gmNoPatchSince(rec *gmRecorder, n *int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := rec.since(*n); len(got) != 0 {
			return fmt.Errorf("sent group PATCH requests %+v, want none", got)
		}
		return nil
	}
}

func TestAccGroupMapping_memberUserNames(t *testing.T) {
	h, rec := gmNewHub(t)
	const addr = "docker_group_mapping.team"
	var n int
	mark := func() { n = rec.count() }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				// The users are created in the same apply: the references
				// to user_name order them before the mapping, which
				// resolves the emails to ids.
				PreConfig: mark,
				Config:    gmNamesConfig(h, "backend", "a", "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["a"], gmEmails["b"])),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["a"], gmEmails["b"])),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkTeam(h, "backend", "a", "b"), gmNoPatchSince(rec, &n)),
			},
			{
				// Bob leaves and Cat joins: the plan shows both emails.
				// Cat is written in capitals; Docker compares ignoring
				// case, and refresh keeps the configured spelling, so the
				// plan after apply is empty.
				PreConfig: mark,
				Config:    gmNamesConfig(h, "backend", "a", "GM-CAT@moby.example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						gmPriorValue{addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["a"], gmEmails["b"])},
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["a"], "GM-CAT@moby.example")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeam(h, "backend", "a", "c"),
					checkMemberPatches(rec, &n, []string{"c"}, []string{"b"}),
				),
			},
			{
				// An address that is no user fails on member_user_names,
				// naming it, before anything is sent: the rename in the
				// same change does not happen either.
				PreConfig:   mark,
				Config:      gmNamesConfig(h, "renamed", "a", "nobody@moby.example"),
				ExpectError: regexp.MustCompile(`(?s)Unknown group member.*"nobody@moby.example"\s+is\s+not\s+the\s+userName\s+of\s+any\s+SCIM\s+user`),
			},
			{
				PreConfig: func() {
					if got := rec.since(n); len(got) != 0 {
						t.Fatalf("the failed apply sent group PATCH requests %+v, want none", got)
					}
					if n := gmGroupsNamed(h, "moby:backend"); n != 1 {
						t.Fatalf("after the failed apply %d groups are named moby:backend, want 1", n)
					}
				},
				Config:   gmNamesConfig(h, "backend", "a", "GM-CAT@moby.example"),
				PlanOnly: true,
			},
			{
				// Dropping member_user_names leaves membership alone and
				// plans no change: no "- member_user_names -> null".
				PreConfig: mark,
				Config:    gmConfig(h, "backend", nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), knownvalue.SetSizeExact(2)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkTeam(h, "backend", "a", "c"), gmNoPatchSince(rec, &n)),
			},
		},
	})
}

func TestAccGroupMapping_memberUserNamesValidation(t *testing.T) {
	h := newHub(t)
	cases := map[string]struct{ attrs, want string }{
		"not an email": {`member_user_names = ["gm-ann"]`, `(?s)Invalid email address.*member_user_names.*"gm-ann"`},
		"both": {`member_user_names = ["gm-ann@moby.example"]` + "\n" + `  members = ["0b9f3a52-1c7e-4d2a-9f60-3e8b5a7c1d24"]`,
			`(?s)Invalid Attribute Combination.*member_user_names.*members`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config: h.scimProvider() + fmt.Sprintf(`
resource "docker_group_mapping" "x" {
  org_name  = "moby"
  team_name = "checked"
  %s
}
`, tc.attrs),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// Switching from members to member_user_names for the same people changes
// no membership: the apply sends no PATCH.
func TestAccGroupMapping_switchToUserNames(t *testing.T) {
	h, rec := gmNewHub(t)
	const addr = "docker_group_mapping.team"
	var n int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: gmConfig(h, "switch", []string{"a", "b"}), Check: checkTeam(h, "switch", "a", "b")},
			{
				PreConfig: func() { n = rec.count() },
				Config:    gmNamesConfig(h, "switch", "a", "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["a"], gmEmails["b"])),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.Null()),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkTeam(h, "switch", "a", "b"), gmNoPatchSince(rec, &n)),
			},
		},
	})
}

// gmSeedOutside makes the users ann, bob and cat and the group moby:backend
// holding ann and bob, outside Terraform, as an identity provider would.
func gmSeedOutside(t *testing.T, h *testHub) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, l := range []string{"a", "b", "c"} {
		ids[l] = h.seedUser(gmEmails[l])
	}
	h.idpGroup("moby:backend", ids["a"], ids["b"])
	return ids
}

// gmImportConfig imports the group by "MOBY:Backend" (in capitals: Docker's
// names are lower case and the import ignores case) into a mapping with
// these extra attributes.
func gmImportConfig(h *testHub, attrs string) string {
	return h.scimProvider() + `
import {
  to = docker_group_mapping.team
  id = "MOBY:Backend"
}

resource "docker_group_mapping" "team" {
  org_name  = "moby"
  team_name = "backend"
` + attrs + `}
`
}

// checkOnePatch asserts that since *n exactly one group PATCH was sent,
// adding exactly add and removing exactly remove (SCIM ids).
func checkOnePatch(rec *gmRecorder, n *int, add, remove string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want := []gmOp{
			{Op: "add", Path: "members", Values: []string{add}},
			{Op: "remove", Path: fmt.Sprintf("members[value eq %q]", remove)},
		}
		got := rec.since(*n)
		if len(got) != 1 || !slices.EqualFunc(got[0], want, func(a, b gmOp) bool {
			return a.Op == b.Op && a.Path == b.Path && slices.Equal(a.Values, b.Values)
		}) {
			return fmt.Errorf("sent group PATCH requests %+v, want one %+v", got, want)
		}
		return nil
	}
}

// Importing into a configuration that does not manage membership shows no
// change and removes no one; managing it afterwards by email plans exactly
// the difference.
func TestAccGroupMapping_importUnmanaged(t *testing.T) {
	h, rec := gmNewHub(t)
	ids := gmSeedOutside(t, h)
	const addr = "docker_group_mapping.team"
	var n int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { n = rec.count() },
				Config:    gmImportConfig(h, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["a"], gmEmails["b"])),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.Null()),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkTeam(h, "backend", "a", "b"), gmNoPatchSince(rec, &n)),
			},
			{
				PreConfig: func() { n = rec.count() },
				Config:    gmImportConfig(h, `  member_user_names = ["gm-bob@moby.example", "gm-cat@moby.example"]`+"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						gmPriorValue{addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["a"], gmEmails["b"])},
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["b"], gmEmails["c"])),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkTeam(h, "backend", "b", "c"), checkOnePatch(rec, &n, ids["c"], ids["a"])),
			},
		},
	})
}

// Importing into a configuration with member_user_names plans exactly the
// difference between the group and the configuration, by email.
func TestAccGroupMapping_importWithUserNames(t *testing.T) {
	h, rec := gmNewHub(t)
	ids := gmSeedOutside(t, h)
	const addr = "docker_group_mapping.team"
	n := 0
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: gmImportConfig(h, `  member_user_names = ["gm-bob@moby.example", "gm-cat@moby.example"]`+"\n"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					gmPriorValue{addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["a"], gmEmails["b"])},
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_user_names"), gmNames(gmEmails["b"], gmEmails["c"])),
				},
			},
			Check: resource.ComposeAggregateTestCheckFunc(checkTeam(h, "backend", "b", "c"), checkOnePatch(rec, &n, ids["c"], ids["a"])),
		}},
	})
}

// The plan/diff code of the resource, without Terraform.

func gmIDList(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("user-%05d", i)
	}
	return ids
}

func TestGroupMemberChanges(t *testing.T) {
	t.Parallel()
	group := func(ids []string) *scim.Group { return &scim.Group{ID: "g", Members: membersOf(ids)} }
	big := gmIDList(5000)
	cases := []struct {
		name              string
		current, desired  []string
		addN, removeN     int
		wantAdd, wantRemv []string
	}{
		{name: "0 to 0"},
		{name: "0 to 1", desired: []string{"u1"}, addN: 1, wantAdd: []string{"u1"}},
		{name: "1 to 0", current: []string{"u1"}, removeN: 1, wantRemv: []string{"u1"}},
		{name: "1 unchanged", current: []string{"u1"}, desired: []string{"u1"}},
		{name: "0 to 5000", desired: big, addN: 5000},
		{name: "5000 to 0", current: big, removeN: 5000},
		{name: "5000 unchanged", current: big, desired: slices.Clone(big)},
		{
			name: "5000 swap one", current: big, desired: append(slices.Clone(big[1:]), "newcomer"),
			addN: 1, removeN: 1, wantAdd: []string{"newcomer"}, wantRemv: []string{big[0]},
		},
		{name: "duplicates on the server", current: []string{"u1", "u1", "u2"}, desired: []string{"u2"}, removeN: 1, wantRemv: []string{"u1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			add, remove := groupMemberChanges(group(tc.current), tc.desired)
			if len(add) != tc.addN || len(remove) != tc.removeN {
				t.Fatalf("add %d, remove %d; want add %d, remove %d", len(add), len(remove), tc.addN, tc.removeN)
			}
			if tc.wantAdd != nil && !slices.Equal(add, tc.wantAdd) {
				t.Errorf("add = %v, want %v", add, tc.wantAdd)
			}
			if tc.wantRemv != nil && !slices.Equal(remove, tc.wantRemv) {
				t.Errorf("remove = %v, want %v", remove, tc.wantRemv)
			}
			// Whatever the size, the requests carry only the difference,
			// at most DefaultMemberBatchSize values each.
			batches := scim.MemberPatchBatches(add, remove, scim.DefaultMemberBatchSize)
			wantBatches := (len(add) + len(remove) + scim.DefaultMemberBatchSize - 1) / scim.DefaultMemberBatchSize
			if len(batches) != wantBatches {
				t.Errorf("%d PATCH requests, want %d", len(batches), wantBatches)
			}
			sent := 0
			for _, ops := range batches {
				values := 0
				for _, op := range ops {
					if op.Op == "replace" {
						t.Fatalf("a batch replaces: %+v", op)
					}
					if ms, ok := op.Value.([]scim.Member); ok {
						values += len(ms)
					} else {
						values++
					}
				}
				if values > scim.DefaultMemberBatchSize {
					t.Errorf("a PATCH carries %d member values, want at most %d", values, scim.DefaultMemberBatchSize)
				}
				sent += values
			}
			if sent != len(add)+len(remove) {
				t.Errorf("the PATCHes carry %d member values, want %d", sent, len(add)+len(remove))
			}
		})
	}
}

func TestSplitCreateMembers(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, scim.DefaultMemberBatchSize, scim.DefaultMemberBatchSize + 1, 5000} {
		ids := gmIDList(n)
		first, rest := splitCreateMembers(ids, scim.DefaultMemberBatchSize)
		if len(first) > scim.DefaultMemberBatchSize {
			t.Errorf("%d members: the POST carries %d, want at most %d", n, len(first), scim.DefaultMemberBatchSize)
		}
		if got := append(slices.Clone(first), rest...); !slices.Equal(got, ids) {
			t.Errorf("%d members: POST and PATCHes together carry %d members, want all %d once", n, len(got), n)
		}
		if n <= scim.DefaultMemberBatchSize && len(rest) != 0 {
			t.Errorf("%d members: %d left for PATCH, want none", n, len(rest))
		}
	}
}

func TestGroupDisplayName(t *testing.T) {
	t.Parallel()
	if got := groupDisplayName("moby", "platform"); got != "moby:platform" {
		t.Fatalf("groupDisplayName = %q", got)
	}
	for in, want := range map[string][2]string{"moby:platform": {"moby", "platform"}, "moby:": {}, ":x": {}, "moby": {}} {
		o, tm, ok := splitGroupDisplayName(in)
		if ok != (want[0] != "") || o != want[0] || tm != want[1] {
			t.Errorf("splitGroupDisplayName(%q) = %q, %q, %v; want %q, %q", in, o, tm, ok, want[0], want[1])
		}
	}
}

func TestQuotedList(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"a":     `"a" is`,
		"a,b":   `"a" and "b" are`,
		"a,b,c": `"a", "b" and "c" are`,
	} {
		if got := quotedList(strings.Split(in, ",")); got != want {
			t.Errorf("quotedList(%s) = %s, want %s", in, got, want)
		}
	}
}
