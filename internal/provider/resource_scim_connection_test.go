package provider

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// The seeded SSO connections (DESIGN.md).
const (
	connOrgID     = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01" // Moby Okta, org moby
	connCompanyID = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e02" // Moby Inc Entra, company moby-inc
	connWhaleID   = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e03" // Whale OneLogin, org whale
)

// newHubSCIMOff starts a mockhub on which SCIM is off on every connection.
func newHubSCIMOff(t *testing.T) *testHub {
	t.Helper()
	return newHubWith(t, mockhub.Options{})
}

// connBaseURL is the SCIM base URL mockhub hands out for every connection.
func connBaseURL(h *testHub) string { return h.info.HubURL + "/v2/scim/2.0" }

// connConfig is the owner's provider block and one docker_scim_connection.
func connConfig(h *testHub, body string) string {
	return h.hubProvider() + fmt.Sprintf(`
resource "docker_scim_connection" "c" {
%s
}
`, body)
}

// connSCIMStatus calls GET /Users with token and returns the status: 200
// while the token works, 401 once it is revoked or rotated.
func connSCIMStatus(h *testHub, token string) int {
	h.t.Helper()
	status, _ := h.call(http.MethodGet, connBaseURL(h)+"/Users?count=1", "Bearer "+token, nil)
	return status
}

// connProvision creates a SCIM user with token, as an IdP would.
func connProvision(h *testHub, token, email string) error {
	status, body := h.call(http.MethodPost, connBaseURL(h)+"/Users", "Bearer "+token, map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": email,
		"active":   true,
	})
	if status != http.StatusCreated {
		return fmt.Errorf("provisioning %s with the connection's token: status %d: %v", email, status, body)
	}
	return nil
}

// connEnabled reports whether SCIM is on for a connection, through the
// management API (scopePath is orgs/<org> or companies/<company>).
func connEnabled(h *testHub, scopePath, connID string) bool {
	h.t.Helper()
	status, body := h.mgmt(http.MethodGet, "/v2/"+scopePath+"/sso/connections/"+connID+"/scim", nil)
	if status != http.StatusOK {
		h.t.Fatalf("reading SCIM state of %s: status %d: %v", connID, status, body)
	}
	return body["enabled"] == true
}

// connCheckTeam fails unless the team of moby has exactly these members'
// emails, as the management API reports them.
func connCheckTeam(h *testHub, team string, emails ...string) error {
	status, body := h.mgmt(http.MethodGet, "/v2/orgs/moby/groups/"+team+"/members?page_size=100", nil)
	if status != http.StatusOK {
		return fmt.Errorf("listing members of team %s: status %d: %v", team, status, body)
	}
	got := map[string]bool{}
	results, _ := body["results"].([]any)
	for _, r := range results {
		got[strings.ToLower(fmt.Sprint(r.(map[string]any)["email"]))] = true
	}
	if len(got) != len(emails) {
		return fmt.Errorf("team %s has members %v, want %v", team, got, emails)
	}
	for _, e := range emails {
		if !got[e] {
			return fmt.Errorf("team %s has members %v, want %v", team, got, emails)
		}
	}
	return nil
}

// connToken captures the token the state holds into *dst.
func connToken(address string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in state", address)
		}
		tok := rs.Primary.Attributes["token"]
		if tok == "" {
			return fmt.Errorf("%s has no token in state", address)
		}
		*dst = tok
		return nil
	}
}

func TestAccSCIMConnection_lifecycle(t *testing.T) {
	h := newHubSCIMOff(t)
	const email = "provisioned@moby.example"
	var firstToken, secondToken string

	cfg := func(triggers string) string {
		return connConfig(h, fmt.Sprintf(`
  org_name          = "moby"
  sso_connection_id = %q
  rotation_triggers = { rotated = %q }
`, connOrgID, triggers))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy: func(*terraform.State) error {
			if connEnabled(h, "orgs/moby", connOrgID) {
				return fmt.Errorf("SCIM is still enabled after destroy")
			}
			if got := connSCIMStatus(h, secondToken); got != http.StatusUnauthorized {
				return fmt.Errorf("the token answers %d after destroy, want 401 (revoked)", got)
			}
			// Docker keeps provisioned users in the org when SCIM is disabled.
			if _, ok := h.orgMembers("moby")[email]; !ok {
				return fmt.Errorf("%s is no longer a member of moby after SCIM was disabled", email)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("docker_scim_connection.c", plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue("docker_scim_connection.c", tfjsonpath.New("token")),
						plancheck.ExpectSensitiveValue("docker_scim_connection.c", tfjsonpath.New("token")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_scim_connection.c", tfjsonpath.New("id"), knownvalue.StringExact("org/moby/"+connOrgID)),
					statecheck.ExpectKnownValue("docker_scim_connection.c", tfjsonpath.New("base_url"), knownvalue.StringExact(connBaseURL(h))),
					statecheck.ExpectKnownValue("docker_scim_connection.c", tfjsonpath.New("company_name"), knownvalue.Null()),
					statecheck.ExpectSensitiveValue("docker_scim_connection.c", tfjsonpath.New("token")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					connToken("docker_scim_connection.c", &firstToken),
					func(*terraform.State) error {
						if !connEnabled(h, "orgs/moby", connOrgID) {
							return fmt.Errorf("SCIM is not enabled on the server after create")
						}
						if got := connSCIMStatus(h, firstToken); got != http.StatusOK {
							return fmt.Errorf("GET /Users with the token from state answered %d, want 200", got)
						}
						return connProvision(h, firstToken, email)
					},
				),
			},
			{
				// Nothing changed: the token is not shown as changing.
				Config: cfg("1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A new trigger rotates the token in place; base_url stays.
				Config: cfg("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("docker_scim_connection.c", plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue("docker_scim_connection.c", tfjsonpath.New("token")),
						plancheck.ExpectKnownValue("docker_scim_connection.c", tfjsonpath.New("base_url"), knownvalue.StringExact(connBaseURL(h))),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_scim_connection.c", tfjsonpath.New("base_url"), knownvalue.StringExact(connBaseURL(h))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					connToken("docker_scim_connection.c", &secondToken),
					func(*terraform.State) error {
						if secondToken == firstToken {
							return fmt.Errorf("the token in state did not change on rotation")
						}
						if got := connSCIMStatus(h, firstToken); got != http.StatusUnauthorized {
							return fmt.Errorf("the old token answers %d after rotation, want 401", got)
						}
						if got := connSCIMStatus(h, secondToken); got != http.StatusOK {
							return fmt.Errorf("the new token answers %d, want 200", got)
						}
						return nil
					},
				),
			},
			connImportStep("org/moby/" + connOrgID),
		},
	})
}

// connImportStep imports docker_scim_connection.c by id and checks it
// against state, but for what an import cannot know: the token (Docker
// shows it only when issued) and rotation_triggers (configuration only).
func connImportStep(id string) resource.TestStep {
	return resource.TestStep{
		ResourceName: "docker_scim_connection.c", ImportState: true, ImportStateId: id,
		ImportStateVerify: true, ImportStateVerifyIgnore: []string{"token", "rotation_triggers"},
	}
}

func TestAccSCIMConnection_companyDriftAndImport(t *testing.T) {
	h := newHubSCIMOff(t)
	cfg := connConfig(h, fmt.Sprintf(`
  company_name      = "moby-inc"
  sso_connection_id = %q
`, connCompanyID))
	var token string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy: func(*terraform.State) error {
			if connEnabled(h, "companies/moby-inc", connCompanyID) {
				return fmt.Errorf("SCIM is still enabled on the company connection after destroy")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_scim_connection.c", tfjsonpath.New("id"), knownvalue.StringExact("company/moby-inc/"+connCompanyID)),
					statecheck.ExpectKnownValue("docker_scim_connection.c", tfjsonpath.New("org_name"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					connToken("docker_scim_connection.c", &token),
					func(*terraform.State) error {
						if got := connSCIMStatus(h, token); got != http.StatusOK {
							return fmt.Errorf("the company connection's token answers %d, want 200", got)
						}
						return nil
					},
				),
			},
			connImportStep("company/moby-inc/" + connCompanyID),
			{
				// An owner disables SCIM in the Admin Console: the plan
				// enables it again.
				PreConfig: func() {
					status, body := h.mgmt(http.MethodDelete, "/v2/companies/moby-inc/sso/connections/"+connCompanyID+"/scim", nil)
					if status != http.StatusNoContent {
						t.Fatalf("out-of-band disable: %d %v", status, body)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("docker_scim_connection.c", plancheck.ResourceActionCreate)},
				},
				Check: func(*terraform.State) error {
					if !connEnabled(h, "companies/moby-inc", connCompanyID) {
						return fmt.Errorf("SCIM is not enabled again after apply")
					}
					if got := connSCIMStatus(h, token); got != http.StatusUnauthorized {
						return fmt.Errorf("the token from before the out-of-band disable answers %d, want 401", got)
					}
					return nil
				},
			},
		},
	})
}

func TestAccSCIMConnection_importByIdentity(t *testing.T) {
	h := newHubSCIMOff(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: h.hubProvider() + fmt.Sprintf(`
resource "docker_scim_connection" "c" {
  org_name          = "whale"
  sso_connection_id = %q
}
resource "docker_scim_connection" "co" {
  company_name      = "moby-inc"
  sso_connection_id = %q
}
`, connWhaleID, connCompanyID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("docker_scim_connection.c", map[string]knownvalue.Check{
						"scope":             knownvalue.StringExact("org"),
						"name":              knownvalue.StringExact("whale"),
						"sso_connection_id": knownvalue.StringExact(connWhaleID),
					}),
					statecheck.ExpectIdentity("docker_scim_connection.co", map[string]knownvalue.Check{
						"scope":             knownvalue.StringExact("company"),
						"name":              knownvalue.StringExact("moby-inc"),
						"sso_connection_id": knownvalue.StringExact(connCompanyID),
					}),
				},
			},
			importStep("docker_scim_connection.c", resource.ImportBlockWithResourceIdentity),
			importStep("docker_scim_connection.co", resource.ImportBlockWithResourceIdentity),
			importStep("docker_scim_connection.c", resource.ImportBlockWithID),
		},
	})
}

func TestAccSCIMConnection_importErrors(t *testing.T) {
	h := newHubSCIMOff(t)
	cases := map[string]struct {
		id, want string
	}{
		"too few parts": {"moby/" + connOrgID, `(?s)Invalid import ID.*org/<org_name>/<sso_connection_id>`},
		"unknown scope": {"team/moby/" + connOrgID, `(?s)Invalid import ID.*"org" or "company"`},
		"scim off":      {"org/moby/" + connOrgID, `(?s)SCIM is not enabled on SSO connection.*moby.*nothing to import`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:        connConfig(h, `sso_connection_id = "x"`+"\n  org_name = \"moby\""),
					ResourceName:  "docker_scim_connection.c",
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestAccSCIMConnection_alreadyEnabledPointsToImport(t *testing.T) {
	h := newHub(t) // SCIM already on for the org connection, as an IdP uses it
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: connConfig(h, fmt.Sprintf(`
  org_name          = "moby"
  sso_connection_id = %q
`, connOrgID)),
			ExpectError: regexp.MustCompile(`(?s)SCIM is already enabled.*import.*org/moby/` + connOrgID),
		}},
	})
	// The token the IdP holds was not rotated.
	if got := connSCIMStatus(h, h.info.SCIMToken); got != http.StatusOK {
		t.Fatalf("the existing token answers %d after the failed create, want 200", got)
	}
	if n := h.requestsTo("POST /v2/orgs/{org}/sso/connections/{id}/scim/token"); n != 0 {
		t.Fatalf("the failed create rotated the token %d times", n)
	}
}

func TestAccSCIMConnection_nonOwner(t *testing.T) {
	h := newHubSCIMOff(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "docker" {
  host     = %q
  username = "dev"
  password = "mockhub-dev-password"
}
resource "docker_scim_connection" "c" {
  org_name          = "moby"
  sso_connection_id = %q
}
`, h.info.HubURL, connOrgID),
			ExpectError: regexp.MustCompile(`(?s)Error enabling SCIM connection.*owner of the organization or company is\s+required`),
		}},
	})
	if connEnabled(h, "orgs/moby", connOrgID) {
		t.Fatal("a non-owner enabled SCIM")
	}
}

func TestAccSCIMConnection_notFound(t *testing.T) {
	h := newHubSCIMOff(t)
	cases := map[string]struct {
		body, want string
	}{
		"unknown connection": {`
  org_name          = "moby"
  sso_connection_id = "00000000-0000-0000-0000-000000000000"`,
			`(?s)SSO connection not found.*org "moby".*"00000000-0000-0000-0000-000000000000"`},
		"unknown org": {fmt.Sprintf(`
  org_name          = "nosuchorg"
  sso_connection_id = %q`, connOrgID),
			`(?s)SSO connection not found.*org "nosuchorg".*` + connOrgID},
		"company connection through its org": {fmt.Sprintf(`
  org_name          = "moby"
  sso_connection_id = %q`, connCompanyID),
			`(?s)SSO connection not found.*org "moby".*` + connCompanyID + `.*company_name`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      connConfig(h, tc.body),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestAccSCIMConnection_planTimeValidation(t *testing.T) {
	h := newHubSCIMOff(t)
	cases := map[string]struct {
		body, want string
	}{
		"both": {fmt.Sprintf(`
  org_name          = "moby"
  company_name      = "moby-inc"
  sso_connection_id = %q`, connOrgID),
			`(?s)Invalid Attribute Combination.*org_name\s+= "moby".*2 attributes specified when one \(and only one\) of\s+\[org_name,company_name\] is\s+required`},
		"neither": {fmt.Sprintf(`
  sso_connection_id = %q`, connOrgID),
			`(?s)Invalid Attribute Combination.*No attribute specified when one \(and only one\) of\s+\[org_name,company_name\] is\s+required`},
	}
	// Plan only, and every configuration is invalid: no request of any
	// kind (not even a read) may reach mockhub. Runs after the subtests.
	t.Cleanup(func() { h.checkNoRequests(t) })
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      connConfig(h, tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// bootstrapConfig enables SCIM, then provisions people and maps a team
// through an aliased provider configured from the connection, in one apply:
// the shape of examples/bootstrap.
func bootstrapConfig(h *testHub) string {
	return h.hubProvider() + connectionWithProviderHCL("okta", "moby", connOrgID, "scim") + `
resource "docker_scim_user" "ada" {
  provider  = docker.scim
  user_name = "ada@moby.example"
  role      = "owner"
}

resource "docker_scim_user" "grace" {
  provider  = docker.scim
  user_name = "grace@moby.example"
}

resource "docker_group_mapping" "platform" {
  provider  = docker.scim
  org_name  = "moby"
  team_name = "platform"
  members   = [docker_scim_user.ada.id, docker_scim_user.grace.id]
}
`
}

// connectionWithProviderHCL is the bootstrap layout's first half: a
// docker_scim_connection name enabling SCIM on org's connection connID,
// and a provider block aliased alias that provisions through it.
func connectionWithProviderHCL(name, org, connID, alias string) string {
	return fmt.Sprintf(`
resource "docker_scim_connection" %[1]q {
  org_name          = %[2]q
  sso_connection_id = %[3]q
}

provider "docker" {
  alias         = %[4]q
  scim_base_url = docker_scim_connection.%[1]s.base_url
  scim_token    = docker_scim_connection.%[1]s.token
}
`, name, org, connID, alias)
}

// bootstrapTeardownConfig keeps the aliased provider but drops the users.
// terraform-plugin-testing serves every provider block from one in-process
// provider server (a real run starts one process per block), so a destroy
// that needs both blocks at once would see only the one configured last.
// Deleting the users first leaves the destroy only the connection.
func bootstrapTeardownConfig(h *testHub) string {
	full := bootstrapConfig(h)
	return full[:strings.Index(full, `resource "docker_scim_user" "ada"`)]
}

func TestAccSCIMConnection_bootstrap(t *testing.T) {
	h := newHubSCIMOff(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy: func(*terraform.State) error {
			if connEnabled(h, "orgs/moby", connOrgID) {
				return fmt.Errorf("SCIM is still enabled after destroy")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: bootstrapConfig(h),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("docker_scim_connection.okta", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("docker_scim_user.ada", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("docker_scim_user.grace", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("docker_group_mapping.platform", plancheck.ResourceActionCreate),
					},
				},
				Check: func(*terraform.State) error {
					members := h.orgMembers("moby")
					if members["ada@moby.example"] != "owner" || members["grace@moby.example"] != "member" {
						return fmt.Errorf("after the bootstrap apply moby's members are %v, want ada as owner and grace as member", members)
					}
					return connCheckTeam(h, "platform", "ada@moby.example", "grace@moby.example")
				},
			},
			{
				Config: bootstrapConfig(h),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: bootstrapTeardownConfig(h),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("docker_scim_user.ada", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction("docker_group_mapping.platform", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction("docker_scim_connection.okta", plancheck.ResourceActionNoop),
					},
				},
			},
		},
	})
}

// TestAccSCIMConnection_bootstrapExample runs examples/bootstrap with the CLI
// and a provider binary built from this tree, as a user would: every
// provider block is then its own process, so apply, a clean plan and
// destroy run in full on one configuration.
func TestAccSCIMConnection_bootstrapExample(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	h := newHubSCIMOff(t)
	runBootstrapExample(t, h, h.info.Username, h.info.Password)
}

// runBootstrapExample applies examples/bootstrap signed in to the
// management API as username with password, plans again (no changes) and
// destroys, checking the org after each.
func runBootstrapExample(t *testing.T, h *testHub, username, password string) {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the terraform or tofu binary to run the example with")
	}

	bin := workDir(t, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-docker"), ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(workDir(t, "rc"), "dev.tfrc")
	devrc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.opentofu.org/dockerscim/docker" = %q
    "registry.terraform.io/dockerscim/docker" = %q
  }
  direct {}
}
`, bin, bin)
	if err := os.WriteFile(rc, []byte(devrc), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := workDir(t, "bootstrap")
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "bootstrap", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), example, 0o600); err != nil {
		t.Fatal(err)
	}

	vars := []string{
		"-var", "hub_url=" + h.info.HubURL,
		"-var", "username=" + username,
		"-var", "password=" + password,
		"-var", "org_name=" + h.info.OrgName,
		"-var", "sso_connection_id=" + h.info.SSOConnectionID,
	}
	run := func(wantExit int, args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		out, err := cmd.CombinedOutput()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else if err != nil {
			t.Fatalf("%s %s: %v", cli, args[0], err)
		}
		if code != wantExit {
			t.Fatalf("%s %s exited %d, want %d:\n%s", cli, args[0], code, wantExit, out)
		}
		return string(out)
	}

	withVars := func(args ...string) []string {
		return append(append(args, "-input=false", "-no-color"), vars...)
	}

	run(0, withVars("apply", "-auto-approve")...)
	members := h.orgMembers("moby")
	if members["ada@moby.example"] != "owner" || members["grace@moby.example"] != "member" {
		t.Fatalf("after the bootstrap apply moby's members are %v, want ada as owner and grace as member", members)
	}
	if err := connCheckTeam(h, "platform", "ada@moby.example", "grace@moby.example"); err != nil {
		t.Fatal(err)
	}
	// The token output works for SCIM calls, and never shows in plain output.
	tokenOut := strings.TrimSpace(run(0, "output", "-no-color", "-raw", "scim_token"))
	if got := connSCIMStatus(h, tokenOut); got != http.StatusOK {
		t.Fatalf("the scim_token output answers %d, want 200", got)
	}
	// -detailed-exitcode: 0 means no changes.
	if out := run(0, withVars("plan", "-detailed-exitcode")...); strings.Contains(out, tokenOut) || strings.Contains(out, password) {
		t.Fatal("plan output shows the SCIM token or the password")
	}

	run(0, withVars("destroy", "-auto-approve")...)
	if connEnabled(h, "orgs/moby", connOrgID) {
		t.Fatal("SCIM is still enabled after destroy")
	}
	if got := connSCIMStatus(h, tokenOut); got != http.StatusUnauthorized {
		t.Fatalf("the token answers %d after destroy, want 401", got)
	}
}
