# Adopt everyone a filter selects, in one import; with
# `plan -generate-config-out=roster.tf` the CLI writes a user block per person.
import {
  to = docker_scim_roster.moby
  id = "userName ew \"@moby.example\""
}

# "*" imports every user of the SSO connection.
import {
  to = docker_scim_roster.everyone
  id = "*"
}
