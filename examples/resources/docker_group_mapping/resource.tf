resource "docker_scim_user" "jane" {
  user_name = "jane.doe@example.com"
}

resource "docker_scim_user" "sam" {
  user_name = "sam.lee@example.com"
}

# Team "platform" of organization "moby" has exactly Jane and Sam: anyone
# added outside Terraform is removed again on the next apply.
resource "docker_group_mapping" "platform" {
  org_name  = "moby"
  team_name = "platform"
  members = [
    docker_scim_user.jane.id,
    docker_scim_user.sam.id,
  ]
}

# A team whose membership the identity provider manages: Terraform only
# makes sure the group (and so the team) exists.
resource "docker_group_mapping" "contractors" {
  org_name  = "moby"
  team_name = "contractors"
}
