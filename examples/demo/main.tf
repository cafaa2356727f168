# The whole Docker Business provisioning story in one apply:
#   1. enable SCIM on the organization's SSO connection (management API),
#   2. hand its base URL and token to an aliased provider block,
#   3. provision people and map a team through SCIM.
# `make demo` runs it against mockhub; see variables.tf for the real Hub.

terraform {
  required_providers {
    docker = {
      source = "dockerscim/docker"
    }
  }
}

# Signs in to the management API as an organization owner.
provider "docker" {
  host     = var.hub_url
  username = var.username
  password = var.password
}

resource "docker_scim_connection" "okta" {
  org_name          = var.org_name
  sso_connection_id = var.sso_connection_id
}

# Configured from the connection's outputs, which are only known once SCIM is
# enabled: Terraform orders everything below after the connection.
provider "docker" {
  alias         = "scim"
  scim_base_url = docker_scim_connection.okta.base_url
  scim_token    = docker_scim_connection.okta.token
}

locals {
  people = {
    "ada.lovelace@moby.example"   = { given = "Ada", family = "Lovelace", role = "owner", active = true }
    "grace.hopper@moby.example"   = { given = "Grace", family = "Hopper", role = "editor", active = true }
    "linus.torvalds@moby.example" = { given = "Linus", family = "Torvalds", role = "member", active = true }
    "ken.thompson@moby.example"   = { given = "Ken", family = "Thompson", role = "member", active = false }
  }
}

resource "docker_scim_user" "people" {
  for_each = local.people
  provider = docker.scim

  user_name   = each.key
  given_name  = each.value.given
  family_name = each.value.family
  role        = each.value.role
  active      = each.value.active
}

resource "docker_group_mapping" "platform" {
  provider = docker.scim

  org_name  = var.org_name
  team_name = "platform"
  # By email, so that plans name who joins and leaves; the references make
  # Terraform create the users first.
  member_user_names = [
    docker_scim_user.people["ada.lovelace@moby.example"].user_name,
    docker_scim_user.people["grace.hopper@moby.example"].user_name,
    docker_scim_user.people["linus.torvalds@moby.example"].user_name,
  ]
}

output "scim_base_url" {
  value = docker_scim_connection.okta.base_url
}

output "platform_team" {
  value = docker_group_mapping.platform.display_name
}
