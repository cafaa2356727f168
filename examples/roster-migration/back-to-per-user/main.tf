# Back to one docker_scim_user per person, touching no one: the roster is
# forgotten (a roster never deactivates or deletes anyone when it goes),
# and each person is imported into their own resource.
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

# OpenTofu >= 1.7 and Terraform >= 1.7. On Terraform 1.5 and 1.6, run
# `terraform state rm docker_scim_roster.people` and write one import block
# per person instead of the for_each below.
removed {
  from = docker_scim_roster.people

  lifecycle {
    destroy = false
  }
}

import {
  for_each = local.people
  to       = docker_scim_user.people[each.key]
  id       = each.key
}

resource "docker_scim_user" "people" {
  for_each    = local.people
  user_name   = each.key
  given_name  = each.value.given_name
  family_name = each.value.family_name
  role        = each.value.role
}
