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
# with an organization access token, as CI should: username is the
# organization's name, password the token (an owner's Docker ID with a
# personal access token works too, and is needed for a company's
# connections). Prefer DOCKER_USERNAME and DOCKER_PASSWORD.
provider "docker" {
  alias    = "admin"
  username = "moby"
  password = var.docker_org_access_token
}

variable "scim_token" {
  type      = string
  sensitive = true
}

variable "docker_org_access_token" {
  type      = string
  sensitive = true
}
