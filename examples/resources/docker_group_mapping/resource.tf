resource "docker_scim_user" "jane" {
  user_name = "jane.doe@example.com"
}

resource "docker_scim_user" "sam" {
  user_name = "sam.lee@example.com"
}

# Team "platform" of organization "moby" has exactly Jane and Sam: anyone
# added outside Terraform is removed again on the next apply. Plans name the
# people who join and leave by email. Referring to user_name (rather than
# writing the address) makes Terraform create the users first.
resource "docker_group_mapping" "platform" {
  org_name  = "moby"
  team_name = "platform"
  member_user_names = [
    docker_scim_user.jane.user_name,
    docker_scim_user.sam.user_name,
  ]
}

# A team whose membership the identity provider manages: Terraform only
# makes sure the group (and so the team) exists.
resource "docker_group_mapping" "contractors" {
  org_name  = "moby"
  team_name = "contractors"
}
