# `make demo` sets these from mockhub's startup line. Against the real Docker
# Hub, set hub_url to https://hub.docker.com and use an owner's credentials.

variable "hub_url" {
  type        = string
  description = "Docker Hub API URL."
}

variable "username" {
  type        = string
  description = "Docker ID of an organization owner."
}

variable "password" {
  type        = string
  sensitive   = true
  description = "Password or access token of that owner."
}

variable "org_name" {
  type        = string
  description = "Organization whose SSO connection gets SCIM."
}

variable "sso_connection_id" {
  type        = string
  description = "Id of the organization's SSO connection."
}
