package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The roster served in-process through the muxed server (protoV6, the
// server main.go serves), beside a framework resource of the same provider
// block: both share its configuration. Destroy deletes the user and only
// forgets the roster's people.
func TestAccRoster_muxedInProcess(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	config := h.scimProvider() + `
resource "docker_scim_user" "solo" {
  user_name  = "solo@moby.example"
  given_name = "Solo"
}

resource "docker_scim_roster" "people" {
  filter = "userName sw \"r\""

  user "r1@moby.example" {
    given_name = "R1"
  }
  user "r2@moby.example" {
    role = "editor"
  }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("docker_scim_roster.people",
						tfjsonpath.New("user").AtMapKey("r2@moby.example").AtMapKey("role"), knownvalue.StringExact("editor")),
					statecheck.ExpectKnownValue("docker_scim_roster.people",
						tfjsonpath.New("unmanaged_users"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue("docker_scim_roster.people",
						tfjsonpath.New("ids"), knownvalue.MapSizeExact(2)),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	// The test's destroy deleted docker_scim_user.solo; destroying a roster
	// only forgets its people.
	users := h.scimUsers()
	if len(users) != 2 || users["r1@moby.example"]["active"] != true || users["r2@moby.example"]["active"] != true {
		t.Fatalf("after destroy the server holds %v, want r1 and r2 still active", users)
	}
}
