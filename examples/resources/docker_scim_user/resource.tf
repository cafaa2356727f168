# An active member of the SSO connection's organization.
resource "docker_scim_user" "jane" {
  user_name   = "jane.doe@example.com"
  given_name  = "Jane"
  family_name = "Doe"
}

# An editor of a specific organization, placed on a team, whose SCIM user is
# only deactivated (not deleted) when removed from the configuration.
resource "docker_scim_user" "sam" {
  user_name   = "sam.lee@example.com"
  given_name  = "Sam"
  family_name = "Lee"
  external_id = "00u1a2b3c4d5e6f7g8h9"
  role        = "editor"
  org_name    = "moby"
  team_name   = "platform"
  on_destroy  = "deactivate"
}

# Someone on leave: still provisioned, but not a member of the organization.
resource "docker_scim_user" "alex" {
  user_name = "alex.kim@example.com"
  active    = false
}
