#!/usr/bin/env bash
# Writes a CLI config with dev_overrides that points both OpenTofu's and
# Terraform's addresses for dockerscim/docker at the provider binary in DIR.
# With it, plan, apply and validate run without `init`.
# usage: devrc.sh DIR > FILE
set -euo pipefail
dir=${1:?usage: devrc.sh DIR}
cat <<RC
provider_installation {
  dev_overrides {
    "registry.opentofu.org/dockerscim/docker"   = "$dir"
    "registry.terraform.io/dockerscim/docker"   = "$dir"
  }
  direct {}
}
RC
