# Import blocks take org/<org_name>/<sso_connection_id> or
# company/<company_name>/<sso_connection_id>.
import {
  to = docker_scim_connection.okta
  id = "org/moby/6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01"
}

# OpenTofu 1.12 and Terraform 1.12 also import by resource identity: scope is
# "org" or "company", name the organization's or company's name.
import {
  to = docker_scim_connection.entra
  identity = {
    scope             = "company"
    name              = "moby-inc"
    sso_connection_id = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e02"
  }
}
