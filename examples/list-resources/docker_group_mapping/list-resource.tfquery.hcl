# The teams an identity provider pushes to the organization moby, with their
# members by email.
list "docker_group_mapping" "moby" {
  provider         = docker
  limit            = 1000
  include_resource = true

  config {
    org_name = "moby"
  }
}
