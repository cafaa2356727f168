data "docker_scim_user" "jane" {
  user_name = "jane.doe@example.com"
}

output "jane_docker_id" {
  value = data.docker_scim_user.jane.display_name
}
