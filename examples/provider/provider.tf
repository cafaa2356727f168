terraform {
  required_providers {
    docker = {
      source = "dockerscim/docker"
    }
  }
}

# SCIM resources (docker_scim_user, docker_group_mapping) need the SCIM base
# URL and token that "Setup SCIM" shows in the Admin Console. Prefer the
# DOCKER_SCIM_BASE_URL and DOCKER_SCIM_TOKEN environment variables.
provider "docker" {
  scim_base_url = "https://hub.docker.com/v2/scim/2.0"
  scim_token    = var.scim_token
}

# The management API (docker_scim_connection, docker_sso_connections) signs in
# as an organization or company owner. Prefer DOCKER_USERNAME and
# DOCKER_PASSWORD; the password may be a personal or organization access token.
provider "docker" {
  alias    = "admin"
  username = "moby-admin"
  password = var.docker_password
}

variable "scim_token" {
  type      = string
  sensitive = true
}

variable "docker_password" {
  type      = string
  sensitive = true
}
