# Everyone provisioned but deactivated.
data "docker_scim_users" "inactive" {
  filter = "active eq false"
}

output "inactive_user_names" {
  value = [for u in data.docker_scim_users.inactive.users : u.user_name]
}
