# Every active user whose email is at moby.example, with every attribute the
# resource reads. `terraform query` prints one line per user; with
# -generate-config-out=FILE it writes a docker_scim_user and an import block
# for each.
list "docker_scim_user" "moby" {
  provider         = docker
  limit            = 5000 # 100 when unset
  include_resource = true

  config {
    filter = "userName ew \"@moby.example\""
    active = true
  }
}
