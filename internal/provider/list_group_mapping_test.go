package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// newCompanyHub starts a mockhub whose SCIM connection is the company's,
// which provisions both of its organizations, moby and whale.
func newCompanyHub(t *testing.T) *testHub {
	t.Helper()
	seed := mockhub.DefaultSeed()
	seed.Companies[0].Orgs = []string{"moby", "whale"}
	var conns []mockhub.SeedConnection
	for _, c := range seed.Connections {
		if c.Company != "" {
			conns = append(conns, c)
		}
	}
	seed.Connections = conns
	return newHubWith(t, mockhub.Options{Seed: seed, SCIMToken: "scim-" + randomHex(t)})
}

// idpGroup creates a SCIM group as an IdP's group push would.
func (h *testHub) idpGroup(name string, memberIDs ...string) string {
	h.t.Helper()
	members := []map[string]string{}
	for _, id := range memberIDs {
		members = append(members, map[string]string{"value": id})
	}
	return h.scimCreate("/Groups", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"displayName": name,
		"members":     members,
	})
}

func byTeam(org, team string) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(teamIdentity(org, team))
}

// teamIdentity is the identity of team team of org org.
func teamIdentity(org, team string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"org_name": knownvalue.StringExact(org), "team_name": knownvalue.StringExact(team)}
}

// The docker_group_mapping list resource lists every "org:team" group of
// the connection, over more than one page, or one organization's; each
// result is identified as the resource imports it, and holds its members
// by email, read from one listing of the users rather than a GET each.
func TestAccGroupMappingList_query(t *testing.T) {
	const mobyTeams = 205 // mockhub answers at most 200 per page
	h := newCompanyHub(t)
	ada := h.idpUser("ada@moby-inc.example", "00uADA", "Ada", "member")
	bob := h.idpUser("Bob@moby-inc.example", "00uBOB", "Bob", "member")
	eve := h.idpUser("eve@moby-inc.example", "00uEVE", "Eve", "member")
	for i := range mobyTeams {
		var members []string
		switch i {
		case 0:
			members = []string{ada, bob, eve}
		case 204:
			members = []string{eve}
		}
		h.idpGroup(fmt.Sprintf("moby:team-%03d", i), members...)
	}
	h.idpGroup("whale:crew-1", bob)
	h.idpGroup("whale:crew-2")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryCLI,
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: h.scimProvider()},
			{
				Query: true,
				Config: `
list "docker_group_mapping" "all" {
  provider         = docker
  limit            = 1000
  include_resource = true
}

list "docker_group_mapping" "whale" {
  provider         = docker
  include_resource = true
  config {
    org_name = "whale"
  }
}

list "docker_group_mapping" "moby" {
  provider = docker
  limit    = 1000
  config {
    org_name = "moby"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("docker_group_mapping.all", mobyTeams+2),
					querycheck.ExpectLength("docker_group_mapping.whale", 2),
					querycheck.ExpectLength("docker_group_mapping.moby", mobyTeams),
					querycheck.ExpectIdentity("docker_group_mapping.all", teamIdentity("moby", "team-204")),
					querycheck.ExpectIdentity("docker_group_mapping.whale", teamIdentity("whale", "crew-2")),
					querycheck.ExpectNoIdentity("docker_group_mapping.whale", teamIdentity("moby", "team-000")),
					querycheck.ExpectNoIdentity("docker_group_mapping.moby", teamIdentity("whale", "crew-1")),
					querycheck.ExpectResourceDisplayName("docker_group_mapping.all", byTeam("moby", "team-000"),
						knownvalue.StringExact("moby:team-000")),
					querycheck.ExpectResourceKnownValues("docker_group_mapping.all", byTeam("moby", "team-000"), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("org_name"), KnownValue: knownvalue.StringExact("moby")},
						{Path: tfjsonpath.New("team_name"), KnownValue: knownvalue.StringExact("team-000")},
						{Path: tfjsonpath.New("display_name"), KnownValue: knownvalue.StringExact("moby:team-000")},
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringRegexp(nonEmpty)},
						{Path: tfjsonpath.New("member_user_names"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
							knownvalue.StringExact("ada@moby-inc.example"),
							knownvalue.StringExact("Bob@moby-inc.example"),
							knownvalue.StringExact("eve@moby-inc.example"),
						})},
						{Path: tfjsonpath.New("members"), KnownValue: knownvalue.Null()},
					}),
					querycheck.ExpectResourceKnownValues("docker_group_mapping.all", byTeam("moby", "team-204"), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("member_user_names"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
							knownvalue.StringExact("eve@moby-inc.example"),
						})},
					}),
					querycheck.ExpectResourceKnownValues("docker_group_mapping.whale", byTeam("whale", "crew-2"), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("member_user_names"), KnownValue: knownvalue.SetSizeExact(0)},
					}),
				},
			},
		},
	})
	if n := h.requestsTo("GET /v2/scim/2.0/Users/{id}"); n != 0 {
		t.Fatalf("listing sent %d GETs of single users, want none", n)
	}
	if n := h.requestsTo("GET /v2/scim/2.0/Groups/{id}"); n != 0 {
		t.Fatalf("listing sent %d GETs of single groups, want none", n)
	}
}
