# Hand SCIM back, step 2: disable SCIM and keep everyone. After step 1
# (examples/hand-back) state holds only the connection; deleting it from the
# configuration disables SCIM on the SSO connection. Its token stops working
# at once; Docker keeps every provisioned user active in the organization.

terraform {
  required_providers {
    docker = {
      source = "dockerscim/docker"
    }
  }
}

variable "hub_url" {
  type        = string
  description = "Docker Hub API URL, or mockhub's hub_url."
}

variable "username" {
  type        = string
  description = "Docker ID of an owner of the organization."
}

variable "password" {
  type        = string
  sensitive   = true
  description = "Password or access token of that owner."
}

provider "docker" {
  host     = var.hub_url
  username = var.username
  password = var.password
}
