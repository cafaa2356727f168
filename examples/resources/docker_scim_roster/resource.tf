# Everyone at moby.example, as the identity provider's export lists them.
# People the roster does not list are deactivated, each named in the plan.
resource "docker_scim_roster" "moby" {
  filter    = "userName ew \"@moby.example\""
  unmanaged = "deactivate"

  user "ada.lovelace@moby.example" {
    given_name  = "Ada"
    family_name = "Lovelace"
    role        = "editor"
  }

  user "grace.hopper@moby.example" {
    given_name  = "Grace"
    family_name = "Hopper"
  }

  # Settings left out stay the identity provider's (or Docker's).
  user "alan.turing@moby.example" {}

  teams = {
    "moby:compilers" = ["ada.lovelace@moby.example", "grace.hopper@moby.example"]
  }
}

# From a CSV export (email,given_name,family_name,role): one user block per row.
locals {
  people = { for p in csvdecode(file("${path.module}/people.csv")) : p.email => p }
}

resource "docker_scim_roster" "whale" {
  filter = "userName ew \"@whale.example\""

  dynamic "user" {
    for_each = local.people
    labels   = [user.key]
    content {
      given_name  = user.value.given_name
      family_name = user.value.family_name
      role        = user.value.role
    }
  }
}
