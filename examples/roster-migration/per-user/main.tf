# Before: one docker_scim_user per person.
terraform {
  required_providers {
    docker = { source = "dockerscim/docker" }
  }
}

provider "docker" {}

locals {
  people = {
    "ada.lovelace@moby.example" = { given_name = "Ada", family_name = "Lovelace", role = "editor" }
    "grace.hopper@moby.example" = { given_name = "Grace", family_name = "Hopper", role = "member" }
    "alan.turing@moby.example"  = { given_name = "Alan", family_name = "Turing", role = "member" }
  }
}

resource "docker_scim_user" "people" {
  for_each    = local.people
  user_name   = each.key
  given_name  = each.value.given_name
  family_name = each.value.family_name
  role        = each.value.role
}
