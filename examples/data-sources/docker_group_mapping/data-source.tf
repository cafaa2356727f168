# The members of team "platform" of organization "moby", as SCIM user ids.
data "docker_group_mapping" "platform" {
  org_name  = "moby"
  team_name = "platform"
}

output "platform_member_ids" {
  value = data.docker_group_mapping.platform.members
}
