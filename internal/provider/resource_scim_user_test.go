package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func userConfig(h *testHub, body string) string {
	return h.scimProvider() + fmt.Sprintf(`
resource "docker_scim_user" "jane" {
%s
}
`, body)
}

// checkUserGone fails unless jane is absent from the connection.
func checkUserGone(h *testHub, userName string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, ok := h.scimUsers()[userName]; ok {
			return fmt.Errorf("SCIM user %s still exists after destroy", userName)
		}
		if _, ok := h.orgMembers("moby")[userName]; ok {
			return fmt.Errorf("%s is still a member of moby after destroy", userName)
		}
		return nil
	}
}

// checkMember asserts jane's org membership as the management API reports it.
func checkMember(h *testHub, email, wantRole string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		role, ok := h.orgMembers("moby")[email]
		switch {
		case wantRole == "" && ok:
			return fmt.Errorf("%s is a member of moby with role %s, want no membership", email, role)
		case wantRole != "" && !ok:
			return fmt.Errorf("%s is not a member of moby, want role %s", email, wantRole)
		case wantRole != "" && role != wantRole:
			return fmt.Errorf("%s has role %s in moby, want %s", email, role, wantRole)
		}
		return nil
	}
}

func TestAccSCIMUser_lifecycle(t *testing.T) {
	h := newHub(t)
	const email = "jane.doe@moby.example"
	var patchesBefore int

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             checkUserGone(h, email),
		Steps: []resource.TestStep{
			{
				Config: userConfig(h, `
  user_name   = "jane.doe@moby.example"
  given_name  = "Jane"
  family_name = "Doe"
  role        = "editor"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.jane", plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("role"), knownvalue.StringExact("editor")),
					statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("display_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("on_destroy"), knownvalue.StringExact("delete")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMember(h, email, "editor"),
					func(*terraform.State) error {
						patchesBefore = h.requestsTo("PATCH /v2/scim/2.0/Users/{id}")
						return nil
					},
				),
			},
			{
				// A name change is one PATCH, never a full PUT.
				Config: userConfig(h, `
  user_name   = "jane.doe@moby.example"
  given_name  = "Janet"
  family_name = "Doe"
  role        = "editor"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.jane", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("given_name"), knownvalue.StringExact("Janet")),
				},
				Check: func(*terraform.State) error {
					if got := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}") - patchesBefore; got != 1 {
						return fmt.Errorf("update sent %d PATCH requests, want 1", got)
					}
					if puts := h.requestsTo("PUT /v2/scim/2.0/Users/{id}"); puts != 0 {
						return fmt.Errorf("update sent %d PUT requests, want 0", puts)
					}
					u := h.scimUsers()[email]
					if name := u["name"].(map[string]any); name["givenName"] != "Janet" {
						return fmt.Errorf("server holds givenName %v, want Janet", name["givenName"])
					}
					return nil
				},
			},
			{
				// Deactivating removes the membership but keeps the SCIM user.
				Config: userConfig(h, `
  user_name   = "jane.doe@moby.example"
  given_name  = "Janet"
  family_name = "Doe"
  role        = "editor"
  active      = false
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("active"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMember(h, email, ""),
					func(*terraform.State) error {
						u, ok := h.scimUsers()[email]
						if !ok || u["active"] != false {
							return fmt.Errorf("SCIM user after deactivation = %v, want it kept with active false", u)
						}
						return nil
					},
				),
			},
			{
				// Reactivating restores the membership with the same role.
				Config: userConfig(h, `
  user_name   = "jane.doe@moby.example"
  given_name  = "Janet"
  family_name = "Doe"
  role        = "editor"
  active      = true
`),
				Check: checkMember(h, email, "editor"),
			},
			{
				ResourceName:      "docker_scim_user.jane",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:                         "docker_scim_user.jane",
				ImportState:                          true,
				ImportStateId:                        "Jane.Doe@moby.example",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
			},
		},
	})
}

func TestAccSCIMUser_drift(t *testing.T) {
	h := newHub(t)
	const email = "drift@moby.example"
	cfg := userConfig(h, `
  user_name  = "drift@moby.example"
  given_name = "Dana"
`)
	userID := func() string {
		u, ok := h.scimUsers()[email]
		if !ok {
			t.Fatalf("%s is not on the server", email)
		}
		return u["id"].(string)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             checkUserGone(h, email),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// An admin renames and deactivates the user outside Terraform:
				// the plan shows it, and apply puts the declared values back.
				PreConfig: func() {
					status, body := h.scim(http.MethodPatch, "/Users/"+userID(), map[string]any{
						"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
						"Operations": []map[string]any{
							{"op": "replace", "path": "name.givenName", "value": "Mallory"},
							{"op": "replace", "path": "active", "value": false},
						},
					})
					if status != http.StatusOK {
						t.Fatalf("out-of-band PATCH: %d %v", status, body)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("docker_scim_user.jane", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("given_name"), knownvalue.StringExact("Dana")),
						plancheck.ExpectKnownValue("docker_scim_user.jane", tfjsonpath.New("active"), knownvalue.Bool(true)),
					},
				},
				Check: func(*terraform.State) error {
					u := h.scimUsers()[email]
					if u["active"] != true || u["name"].(map[string]any)["givenName"] != "Dana" {
						return fmt.Errorf("server holds %v after apply, want Dana and active", u)
					}
					return checkMember(h, email, "member")(nil)
				},
			},
			{
				// The server changes the userName's case: no diff.
				PreConfig: func() {
					status, body := h.scim(http.MethodPatch, "/Users/"+userID(), map[string]any{
						"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
						"Operations": []map[string]any{{"op": "replace", "path": "userName", "value": "DRIFT@MOBY.EXAMPLE"}},
					})
					if status != http.StatusOK {
						t.Fatalf("out-of-band PATCH: %d %v", status, body)
					}
				},
				Config:   cfg,
				PlanOnly: true,
			},
			{
				// Deleted outside Terraform: planned for creation again.
				PreConfig: func() {
					if status, body := h.scim(http.MethodDelete, "/Users/"+userID(), nil); status != http.StatusNoContent {
						t.Fatalf("out-of-band DELETE: %d %v", status, body)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.jane", plancheck.ResourceActionCreate)},
				},
				Check: checkMember(h, email, "member"),
			},
		},
	})
}

func TestAccSCIMUser_onDestroyDeactivate(t *testing.T) {
	h := newHub(t)
	const email = "okta.style@moby.example"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy: func(*terraform.State) error {
			u, ok := h.scimUsers()[email]
			if !ok || u["active"] != false {
				return fmt.Errorf("after destroy the SCIM user is %v, want it kept and inactive", u)
			}
			return checkMember(h, email, "")(nil)
		},
		Steps: []resource.TestStep{
			{
				Config: userConfig(h, `
  user_name  = "okta.style@moby.example"
  team_name  = "platform"
`),
				Check: checkMember(h, email, "member"),
			},
			{
				// on_destroy lives only in Terraform: changing it sends nothing.
				Config: userConfig(h, `
  user_name  = "okta.style@moby.example"
  on_destroy = "deactivate"
  team_name  = "platform"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_user.jane", plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					writes := h.requestsTo("PATCH /v2/scim/2.0/Users/{id}") + h.requestsTo("PUT /v2/scim/2.0/Users/{id}")
					if writes != 0 {
						return fmt.Errorf("changing on_destroy sent %d writes to the server, want 0", writes)
					}
					return nil
				},
			},
		},
	})
}

func TestAccSCIMUser_createConflictNamesImport(t *testing.T) {
	h := newHub(t)
	id := h.seedUser("taken@moby.example")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      userConfig(h, `user_name = "TAKEN@moby.example"`),
			ExpectError: regexp.MustCompile(`(?s)already exists.*` + id + `.*import`),
		}},
	})
	if n := len(h.scimUsers()); n != 1 {
		t.Fatalf("the server holds %d users after the failed create, want 1", n)
	}
}

func TestAccSCIMUser_planTimeValidation(t *testing.T) {
	h := newHub(t)
	cases := map[string]struct {
		body string
		want string
	}{
		"malformed email": {`user_name = "not-an-email"`, `(?s)user_name.*email address.*not-an-email`},
		"unknown role": {`
  user_name = "x@moby.example"
  role      = "admin"`, `(?s)role.*value must be one of.*admin`},
		"bad team name": {`
  user_name = "x@moby.example"
  team_name = "Dev Team"`, `(?s)team_name.*Dev Team`},
		"bad on_destroy": {`
  user_name  = "x@moby.example"
  on_destroy = "keep"`, `(?s)on_destroy.*keep`},
	}
	// Plan only, and every configuration is invalid: no request of any
	// kind (not even a read) may reach mockhub. Runs after the subtests.
	t.Cleanup(func() { h.checkNoRequests(t) })
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      userConfig(h, tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestAccSCIMUser_missingCredentials(t *testing.T) {
	t.Setenv(EnvSCIMToken, "")
	t.Setenv(EnvSCIMBaseURL, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      `resource "docker_scim_user" "x" { user_name = "x@moby.example" }`,
			ExpectError: regexp.MustCompile(`(?s)scim_base_url.*DOCKER_SCIM_BASE_URL`),
		}},
	})
}

func TestAccSCIMUser_importByIdentity(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: userConfig(h, `
  user_name   = "ident@moby.example"
  family_name = "Ident"
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("docker_scim_user.jane", map[string]knownvalue.Check{
						"user_name": knownvalue.StringExact("ident@moby.example"),
					}),
				},
			},
			importStep("docker_scim_user.jane", resource.ImportBlockWithResourceIdentity),
			importStep("docker_scim_user.jane", resource.ImportBlockWithID),
		},
	})
}

func TestAccSCIMUserDataSources(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.scimProvider() + `
resource "docker_scim_user" "a" {
  user_name  = "ops-a@moby.example"
  given_name = "Ada"
}
resource "docker_scim_user" "b" {
  user_name = "ops-b@moby.example"
  active    = false
}
resource "docker_scim_user" "c" {
  user_name = "dev-c@moby.example"
}
data "docker_scim_user" "by_name" {
  user_name = upper(docker_scim_user.a.user_name)
}
data "docker_scim_user" "by_id" {
  id = docker_scim_user.b.id
}
data "docker_scim_users" "ops" {
  filter     = "userName sw \"ops-\""
  depends_on = [docker_scim_user.a, docker_scim_user.b, docker_scim_user.c]
}
data "docker_scim_users" "inactive" {
  filter     = "active eq false"
  depends_on = [docker_scim_user.a, docker_scim_user.b, docker_scim_user.c]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.docker_scim_user.by_name", tfjsonpath.New("given_name"), knownvalue.StringExact("Ada")),
				statecheck.ExpectKnownValue("data.docker_scim_user.by_id", tfjsonpath.New("active"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.docker_scim_users.ops", tfjsonpath.New("users"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.docker_scim_users.inactive", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"user_name": knownvalue.StringExact("ops-b@moby.example")}),
				})),
			},
		}},
	})
}

func TestAccSCIMUserDataSource_notFound(t *testing.T) {
	h := newHub(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      h.scimProvider() + `data "docker_scim_user" "x" { user_name = "nobody@moby.example" }`,
			ExpectError: regexp.MustCompile(`No SCIM user "nobody@moby.example"`),
		}},
	})
}
