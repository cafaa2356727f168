# An organization's connection: org/<org_name>/<sso_connection_id>.
terraform import docker_scim_connection.okta org/moby/6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01

# A company's connection: company/<company_name>/<sso_connection_id>.
terraform import docker_scim_connection.entra company/moby-inc/6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e02

# Docker never shows the token again, so after an import `token` is null until
# rotation_triggers changes, which rotates it.
