package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// queryCLI skips below Terraform 1.14, which has no list blocks and no
// `terraform query`; OpenTofu 1.12 reports a version below it too.
var queryCLI = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

var nonEmpty = regexp.MustCompile(`.`)

// setActive activates or deactivates a SCIM user as an IdP would.
func (h *testHub) setActive(id string, active bool) {
	h.t.Helper()
	h.patchUser(id, map[string]any{"op": "replace", "path": "active", "value": active})
}

// userIdentity is the identity of the person with user_name email.
func userIdentity(email string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"user_name": knownvalue.StringExact(email)}
}

// byUser selects the result for one person by identity.
func byUser(email string) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(userIdentity(email))
}

// The docker_scim_user list resource lists every user of the connection,
// over more than one page of the server's (200), narrowed by a filter and
// by active; each result is identified as the resource imports it, named by
// email, and holds what the resource reads. Listing sends no GET per user.
func TestAccSCIMUserList_query(t *testing.T) {
	const people = 210 // mockhub answers at most 200 per page
	h := newHub(t)
	for i := range people {
		email := fmt.Sprintf("person%03d@moby.example", i)
		if i == 7 {
			email = "Person007@moby.example" // Docker keeps the case it was given
		}
		role := "member"
		if i%50 == 0 {
			role = "owner"
		}
		id := h.idpUser(email, fmt.Sprintf("00u%06d", i), fmt.Sprintf("Person%d", i), role)
		if i%10 == 3 {
			h.setActive(id, false)
		}
	}
	const inactive = people / 10
	listBlocks := `
list "docker_scim_user" "all" {
  provider         = docker
  limit            = 1000
  include_resource = true
}

list "docker_scim_user" "active" {
  provider = docker
  limit    = 1000
  config {
    active = true
  }
}

list "docker_scim_user" "inactive" {
  provider = docker
  limit    = 1000
  config {
    active = false
  }
}

list "docker_scim_user" "filtered" {
  provider = docker
  config {
    filter = "userName sw \"person00\""
    active = true
  }
}

list "docker_scim_user" "domain" {
  provider = docker
  limit    = 1000
  config {
    filter = "userName ew \"@moby.example\""
  }
}

list "docker_scim_user" "first_five" {
  provider = docker
  limit    = 5
}
`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryCLI,
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: h.scimProvider()},
			{
				Query:  true,
				Config: listBlocks,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("docker_scim_user.all", people),
					querycheck.ExpectLength("docker_scim_user.active", people-inactive),
					querycheck.ExpectLength("docker_scim_user.inactive", inactive),
					querycheck.ExpectLength("docker_scim_user.filtered", 9), // person000–009 but the inactive person003
					querycheck.ExpectLength("docker_scim_user.first_five", 5),
					querycheck.ExpectLength("docker_scim_user.domain", people), // a filter over two pages
					querycheck.ExpectIdentity("docker_scim_user.domain", userIdentity("person208@moby.example")),
					querycheck.ExpectIdentity("docker_scim_user.all", userIdentity("person007@moby.example")),
					querycheck.ExpectIdentity("docker_scim_user.all", userIdentity("person209@moby.example")),
					querycheck.ExpectIdentity("docker_scim_user.filtered", userIdentity("person009@moby.example")),
					querycheck.ExpectNoIdentity("docker_scim_user.filtered", userIdentity("person003@moby.example")),
					querycheck.ExpectNoIdentity("docker_scim_user.active", userIdentity("person013@moby.example")),
					querycheck.ExpectIdentity("docker_scim_user.inactive", userIdentity("person013@moby.example")),
					querycheck.ExpectResourceDisplayName("docker_scim_user.all", byUser("person007@moby.example"),
						knownvalue.StringExact("Person007@moby.example")),
					querycheck.ExpectResourceDisplayName("docker_scim_user.all", byUser("person150@moby.example"),
						knownvalue.StringExact("person150@moby.example")),
					querycheck.ExpectResourceKnownValues("docker_scim_user.all", byUser("person150@moby.example"), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("user_name"), KnownValue: knownvalue.StringExact("person150@moby.example")},
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringRegexp(nonEmpty)},
						{Path: tfjsonpath.New("active"), KnownValue: knownvalue.Bool(true)},
						{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("owner")},
						{Path: tfjsonpath.New("given_name"), KnownValue: knownvalue.StringExact("Person150")},
						{Path: tfjsonpath.New("family_name"), KnownValue: knownvalue.StringExact("Idp")},
						{Path: tfjsonpath.New("external_id"), KnownValue: knownvalue.StringExact("00u000150")},
						{Path: tfjsonpath.New("org_name"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("on_destroy"), KnownValue: knownvalue.StringExact("delete")},
						{Path: tfjsonpath.New("adopt_existing"), KnownValue: knownvalue.Bool(false)},
					}),
					querycheck.ExpectResourceKnownValues("docker_scim_user.all", byUser("person013@moby.example"), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("active"), KnownValue: knownvalue.Bool(false)},
						{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("member")},
					}),
				},
			},
		},
	})
	if n := h.requestsTo("GET /v2/scim/2.0/Users/{id}"); n != 0 {
		t.Fatalf("listing sent %d GETs of single users, want none", n)
	}
}
