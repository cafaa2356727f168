# Into a roster, touching no one: the per-user resources are forgotten, not
# destroyed, and the roster lists the same people with the same settings.
# The plan shows each person joining the roster with their SCIM id already
# known (they are adopted, not created), and apply sends no write.
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
# `terraform state rm docker_scim_user.people` instead.
removed {
  from = docker_scim_user.people

  lifecycle {
    destroy = false
  }
}

resource "docker_scim_roster" "people" {
  filter = "userName ew \"@moby.example\""

  dynamic "user" {
    for_each = local.people
    labels   = [user.key]
    content {
      given_name  = user.value.given_name
      family_name = user.value.family_name
      role        = user.value.role
    }
  }
}
