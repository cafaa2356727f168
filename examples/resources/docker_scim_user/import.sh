# By SCIM id.
terraform import docker_scim_user.jane 2819c223-7f76-453a-919d-413861904646

# By user_name (the email address), matched ignoring case.
terraform import docker_scim_user.jane jane.doe@example.com
