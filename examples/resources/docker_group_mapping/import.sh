# By SCIM group id.
terraform import docker_group_mapping.platform 5f0d3c1a-8b2e-4f6a-9c7d-1e2f3a4b5c6d

# By display name, "org:team" (case does not matter). With OpenTofu, use
# tofu import.
terraform import docker_group_mapping.platform moby:platform
