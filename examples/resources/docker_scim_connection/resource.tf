# Enable SCIM on an organization's SSO connection.
resource "docker_scim_connection" "okta" {
  org_name          = "moby"
  sso_connection_id = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01"

  # Change the value to rotate the token in place; the old token is revoked.
  rotation_triggers = {
    rotated = "2026-01"
  }
}

# A company's connection: its SCIM users may join any organization of the company.
resource "docker_scim_connection" "entra" {
  company_name      = "moby-inc"
  sso_connection_id = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e02"
}

# Provision users through this provider in the same apply.
provider "docker" {
  alias         = "scim"
  scim_base_url = docker_scim_connection.okta.base_url
  scim_token    = docker_scim_connection.okta.token
}

output "scim_base_url" {
  value = docker_scim_connection.okta.base_url
}

# Hand the token to the identity provider or a secret store.
output "scim_token" {
  value     = docker_scim_connection.okta.token
  sensitive = true
}
