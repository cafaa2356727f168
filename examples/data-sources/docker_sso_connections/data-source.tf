# The SSO connections of an organization, and whether SCIM is on for each.
data "docker_sso_connections" "moby" {
  org_name = "moby"
}

# When an organization belongs to a company, its connections are the company's.
data "docker_sso_connections" "moby_inc" {
  company_name = "moby-inc"
}

output "connections_without_scim" {
  value = [for c in data.docker_sso_connections.moby.connections : c.id if !c.scim_enabled]
}

output "oidc_connection_ids" {
  value = [for c in data.docker_sso_connections.moby_inc.connections : c.id if c.type == "OIDC"]
}
