# Bring the people an identity provider already provisions under Terraform
# with `terraform query` (Terraform 1.14 or later), without touching them:
#
#   terraform query -generate-config-out=people.tf   # writes a resource and an import block per person
#   terraform plan                                   # "N to import, 0 to add, 0 to change, 0 to destroy"
#   terraform apply
#
# The list block is in people.tfquery.hcl. The SCIM settings come from
# DOCKER_SCIM_BASE_URL and DOCKER_SCIM_TOKEN: the same connection the IdP
# pushes through.
#
# The generated docker_scim_user blocks set only user_name: names,
# external_id, role, display_name, org_name and team_name stay the IdP's
# (not reset, and the IdP's later changes are not drift), as with
# examples/adopt-idp-org. Set one in the generated file to take it over.
#
# On OpenTofu, or Terraform before 1.14, use examples/adopt-idp-org: it
# imports the same people with a data source and an import block with
# for_each.

terraform {
  required_providers {
    docker = {
      source = "dockerscim/docker"
    }
  }
}

provider "docker" {}
