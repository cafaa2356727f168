# Import blocks take the SCIM group id or the display name "org:team".
import {
  to = docker_group_mapping.platform
  id = "moby:platform"
}

# OpenTofu 1.12 and Terraform 1.12 also import by resource identity.
import {
  to = docker_group_mapping.contractors
  identity = {
    org_name  = "moby"
    team_name = "contractors"
  }
}
