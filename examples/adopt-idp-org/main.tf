# Bring the people an identity provider already provisions under Terraform,
# without touching them: every existing SCIM user is imported, and the plan
# reads "N to import, 0 to add, 0 to change, 0 to destroy".
#
# Needs OpenTofu or Terraform >= 1.7 (import blocks with for_each). The SCIM
# settings come from DOCKER_SCIM_BASE_URL and DOCKER_SCIM_TOKEN: the same
# connection the IdP pushes through.
#
# Attributes the configuration does not set (names, external_id, role,
# display_name, org_name, team_name) stay the IdP's: they are not reset, and
# the IdP's later changes to them are not drift. Set one here to take it over.
#
# This configuration follows the server; it is a starting point. Once the
# users are in state, move the list to your own source of truth (a CSV, as in
# examples/people-csv) keyed the same way, so that a person leaving is a
# reviewed change rather than a side effect of the IdP.

terraform {
  required_providers {
    docker = {
      source = "dockerscim/docker"
    }
  }
}

provider "docker" {}

# Active users only: an inactive one was offboarded by the IdP.
data "docker_scim_users" "existing" {
  filter = "active eq true"
}

locals {
  people = { for u in data.docker_scim_users.existing.users : lower(u.user_name) => u }
}

import {
  for_each = local.people
  to       = docker_scim_user.people[each.key]
  id       = each.value.id
}

resource "docker_scim_user" "people" {
  for_each = local.people

  user_name = each.value.user_name
  # Terraform-only settings such as on_destroy = "deactivate" are not part
  # of what an import reads: add them after the adoption (an in-place change
  # that sends nothing to Docker), so that this plan stays a pure import.
}

output "adopted" {
  value = length(docker_scim_user.people)
}
