package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccSSOConnectionsDataSource(t *testing.T) {
	h := newHub(t) // SCIM on for the org connection only
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: h.hubProvider() + `
data "docker_sso_connections" "org" {
  org_name = "moby"
}
data "docker_sso_connections" "company" {
  company_name = "moby-inc"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectOneConnection("org", connOrgID, "Moby Okta", "SAML", "moby.example", true),
				expectOneConnection("company", connCompanyID, "Moby Inc Entra", "OIDC", "moby-inc.example", false),
			},
		}},
	})
}

func TestAccSSOConnectionsDataSource_errors(t *testing.T) {
	h := newHubSCIMOff(t)
	cases := map[string]struct {
		config, want string
	}{
		"neither": {h.hubProvider() + `data "docker_sso_connections" "x" {}`,
			`(?s)Invalid Attribute Combination.*No attribute specified when one \(and only one\) of\s+\[org_name,company_name\] is\s+required`},
		"both": {h.hubProvider() + `
data "docker_sso_connections" "x" {
  org_name     = "moby"
  company_name = "moby-inc"
}`, `(?s)Invalid Attribute Combination.*org_name\s+= "moby".*2 attributes specified when one \(and only one\) of\s+\[org_name,company_name\] is\s+required`},
		"unknown org": {h.hubProvider() + `data "docker_sso_connections" "x" { org_name = "nosuchorg" }`,
			`(?s)SSO connections of org nosuchorg.*"nosuchorg"\s+not found`},
		"non-owner": {fmt.Sprintf(`
provider "docker" {
  host     = %q
  username = "dev"
  password = "mockhub-dev-password"
}
data "docker_sso_connections" "x" { org_name = "moby" }
`, h.info.HubURL), `(?s)owner of the organization or company is\s+required`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// expectOneConnection checks that data.docker_sso_connections.<name> lists
// exactly one connection, with these settings.
func expectOneConnection(name, id, title, typ, domain string, scim bool) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.docker_sso_connections."+name, tfjsonpath.New("connections"), knownvalue.ListExact([]knownvalue.Check{
		knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":           knownvalue.StringExact(id),
			"name":         knownvalue.StringExact(title),
			"type":         knownvalue.StringExact(typ),
			"domains":      knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(domain)}),
			"scim_enabled": knownvalue.Bool(scim),
		}),
	}))
}
