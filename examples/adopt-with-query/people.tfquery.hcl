# Every active SCIM user of the connection: an inactive one was offboarded
# by the IdP. limit defaults to 100 results per list block; raise it above
# the number of people you expect.
list "docker_scim_user" "people" {
  provider = docker
  limit    = 10000

  config {
    active = true
  }
}
