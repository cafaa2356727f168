# People as data: one CSV row per person, kept by HR or exported from the
# identity provider. Each row becomes a docker_scim_user, and each distinct
# team becomes a docker_group_mapping whose members are that team's rows.
# Adding a person is a one-line pull request; `plan` shows exactly who joins,
# changes role or leaves.
#
# Run it with the SCIM credentials of the organization's SSO connection:
#   export DOCKER_SCIM_BASE_URL=https://hub.docker.com/v2/scim/2.0
#   export DOCKER_SCIM_TOKEN=...   # from Admin Console > SSO > Setup SCIM
#   tofu apply -var org_name=moby

terraform {
  required_providers {
    docker = {
      source = "dockerscim/docker"
    }
  }
}

# scim_base_url and scim_token come from DOCKER_SCIM_BASE_URL and
# DOCKER_SCIM_TOKEN, so no secret lives in the configuration.
provider "docker" {}

variable "org_name" {
  type        = string
  description = "Organization the SSO connection provisions into, and whose teams are mapped."
}

variable "people_file" {
  type        = string
  default     = "people.csv"
  description = "CSV with the columns email, given, family, role, team, active (relative to this folder)."
}

locals {
  rows = csvdecode(file("${path.module}/${var.people_file}"))

  # Keyed by the lower-cased email, as Docker compares userName ignoring case,
  # so that a change of case in the CSV is not a delete and a create.
  people = {
    for row in local.rows : lower(trimspace(row.email)) => {
      given  = trimspace(row.given)
      family = trimspace(row.family)
      role   = trimspace(row.role) == "" ? "member" : trimspace(row.role)
      team   = trimspace(row.team)
      active = lower(trimspace(row.active)) != "false"
    }
  }

  # team => [email, ...], grouped with the ellipsis; rows without a team join
  # the organization only.
  teams = {
    for email, p in local.people : p.team => email... if p.team != ""
  }
}

resource "docker_scim_user" "people" {
  for_each = local.people

  user_name   = each.key
  given_name  = each.value.given
  family_name = each.value.family
  role        = each.value.role
  active      = each.value.active

  # Someone removed from the CSV is deactivated rather than deleted, as Okta
  # does when a person is unassigned: their SCIM user and history stay, and
  # they leave the organization.
  on_destroy = "deactivate"
}

# One SCIM group per team, authoritative for its membership: someone added
# to the team by hand in Docker Hub shows up as drift and is removed again.
# Deactivated people stay in the group but are not team members until they
# are reactivated.
resource "docker_group_mapping" "teams" {
  for_each = local.teams

  org_name  = var.org_name
  team_name = each.key
  # By email, so that a plan names who joins and leaves a team; referring to
  # user_name makes Terraform create the users first.
  member_user_names = [for email in each.value : docker_scim_user.people[email].user_name]
}

output "members_by_team" {
  description = "Who each team should hold, by email."
  value       = local.teams
}

output "deactivated" {
  description = "People provisioned but deactivated (not members of the organization)."
  value       = sort([for email, p in local.people : email if !p.active])
}
