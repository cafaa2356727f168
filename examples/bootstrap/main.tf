# Bootstrap Docker Business SCIM provisioning in a single apply:
#   1. the default provider block signs in to Docker Hub's management API with
#      an organization access token (username = the organization's name), or
#      as an organization owner, and enables SCIM on the SSO connection;
#   2. an aliased provider block takes the connection's SCIM base URL and
#      token, which are only known once SCIM is enabled;
#   3. people are provisioned, and team "platform" mapped, through that
#      aliased provider.
# A plan that follows shows no changes. Destroying deletes the SCIM group and
# users, then disables SCIM, which revokes the token.
#
# Against a local simulator: start `go run ./cmd/mockhub` (SCIM still off) and
# pass the values of its startup line as variables, for example
#   tofu apply -var hub_url=http://127.0.0.1:8080 -var username=admin \
#     -var password=mockhub-admin-password -var org_name=moby \
#     -var sso_connection_id=6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01
# or, with an organization access token created by POST
# /v2/orgs/moby/access-tokens, -var username=moby -var password=dckr_oat_...
# Against Docker Hub: hub_url = "https://hub.docker.com", username = the
# organization's name and password = an organization access token (or an
# owner's Docker ID and personal access token); the connection id comes from
# data.docker_sso_connections.

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
  description = "The organization's name, with an organization access token as password; or the Docker ID of an owner."
}

variable "password" {
  type        = string
  sensitive   = true
  description = "Organization access token; or that owner's personal access token or password."
}

variable "org_name" {
  type        = string
  description = "Organization whose SSO connection gets SCIM."
}

variable "sso_connection_id" {
  type        = string
  description = "Id of the organization's SSO connection."
}

variable "email_domain" {
  type        = string
  default     = "moby.example"
  description = "Verified domain of the SSO connection, for the people below."
}

# Signs in to the management API.
provider "docker" {
  host     = var.hub_url
  username = var.username
  password = var.password
}

locals {
  # Raise it, and commit the change, to rotate the SCIM token in the next
  # apply. It lives in the configuration rather than in a -var: a value
  # given on one command line would rotate the token again in every later
  # plan run without it.
  token_generation = 1
}

resource "docker_scim_connection" "this" {
  org_name          = var.org_name
  sso_connection_id = var.sso_connection_id

  # Rotating in this layout is one apply: while the new token is unknown,
  # the users and the mapping below keep their state, and they are read
  # through the new token from the next plan on.
  rotation_triggers = { generation = local.token_generation }
}

# Unknown until the connection is created: Terraform orders every resource
# that uses this provider after the connection, and plans them with the
# values still unknown.
provider "docker" {
  alias         = "scim"
  scim_base_url = docker_scim_connection.this.base_url
  scim_token    = docker_scim_connection.this.token
}

locals {
  people = {
    ada   = { given = "Ada", family = "Lovelace", role = "owner" }
    grace = { given = "Grace", family = "Hopper", role = "member" }
  }
}

resource "docker_scim_user" "people" {
  for_each = local.people
  provider = docker.scim

  user_name   = "${each.key}@${var.email_domain}"
  given_name  = each.value.given
  family_name = each.value.family
  role        = each.value.role
}

# Team "platform" of the organization has exactly these people.
resource "docker_group_mapping" "platform" {
  provider = docker.scim

  org_name  = var.org_name
  team_name = "platform"
  # By email, so that plans name people; the references order the users first.
  member_user_names = [for u in docker_scim_user.people : u.user_name]
}

output "scim_base_url" {
  value = docker_scim_connection.this.base_url
}

# The token for an identity provider's own Terraform provider or a secret
# store; `tofu output -raw scim_token` shows it.
output "scim_token" {
  value     = docker_scim_connection.this.token
  sensitive = true
}

output "user_ids" {
  value = { for k, u in docker_scim_user.people : k => u.id }
}
