# The members of team "platform" of organization "moby", by email and by SCIM id.
data "docker_group_mapping" "platform" {
  org_name  = "moby"
  team_name = "platform"
}

output "platform_members" {
  value = data.docker_group_mapping.platform.member_user_names
}

output "platform_member_ids" {
  value = data.docker_group_mapping.platform.members
}
