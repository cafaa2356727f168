# Import blocks take the SCIM id or the user_name.
import {
  to = docker_scim_user.jane
  id = "jane.doe@example.com"
}

# OpenTofu 1.12 and Terraform 1.12 also import by resource identity.
import {
  to = docker_scim_user.sam
  identity = {
    user_name = "sam.lee@example.com"
  }
}
