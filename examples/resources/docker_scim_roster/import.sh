# By SCIM filter: every user it selects.
terraform import docker_scim_roster.moby 'userName ew "@moby.example"'

# Every user of the SSO connection.
terraform import docker_scim_roster.everyone '*'
