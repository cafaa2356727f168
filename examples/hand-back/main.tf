# Hand SCIM back, step 1: stop managing the provisioned people, leaving every
# one of them as they are. This is examples/bootstrap after the change: the
# users and the team mapping are replaced by `removed` blocks that forget
# them without destroying them (OpenTofu or Terraform >= 1.7). The connection
# and the aliased provider stay, because the CLI still reads the forgotten
# objects through it in this last plan.
#
# After this apply, SCIM is still enabled and an identity provider can take
# over with the same token. To disable SCIM too, apply step 2
# (examples/hand-back/disable). Do not use
# `terraform destroy -target=docker_scim_connection.this` instead: the users
# depend on the connection through the aliased provider block, so it plans
# every one of them for destruction.

terraform {
  required_providers {
    docker = {
      source = "dockerscim/docker"
    }
  }
}

variable "hub_url" {
  type        = string
  description = "Docker Hub API URL, or mockhub's hub_url."
}

variable "username" {
  type        = string
  description = "Docker ID of an owner of the organization."
}

variable "password" {
  type        = string
  sensitive   = true
  description = "Password or access token of that owner."
}

variable "org_name" {
  type        = string
  description = "Organization whose SSO connection has SCIM."
}

variable "sso_connection_id" {
  type        = string
  description = "Id of the organization's SSO connection."
}

locals {
  # As in examples/bootstrap: keep its value, or the token rotates.
  token_generation = 1
}

provider "docker" {
  host     = var.hub_url
  username = var.username
  password = var.password
}

resource "docker_scim_connection" "this" {
  org_name          = var.org_name
  sso_connection_id = var.sso_connection_id
  rotation_triggers = { generation = local.token_generation }
}

provider "docker" {
  alias         = "scim"
  scim_base_url = docker_scim_connection.this.base_url
  scim_token    = docker_scim_connection.this.token
}

removed {
  from = docker_scim_user.people

  lifecycle {
    destroy = false
  }
}

removed {
  from = docker_group_mapping.platform

  lifecycle {
    destroy = false
  }
}
