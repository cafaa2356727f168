#!/usr/bin/env bash
# fmt -check and validate over every example folder with the pinned OpenTofu
# and the provider built from this tree (through dev_overrides, offline).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tofu="$root/bin/tofu"
[ -x "$tofu" ] || ./scripts/tools.sh tofu
[ -x bin/terraform-provider-docker ] || go build -o bin/terraform-provider-docker .

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./scripts/devrc.sh "$root/bin" >"$work/dev.tfrc"
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# copy_example DIR PREFIX: copies an example folder into the work folder and
# prints the copy's path. Registry examples leave out the terraform block;
# the copy gets one, so that the provider resolves to dockerscim/docker
# rather than hashicorp/docker.
copy_example() {
  local rel=${1#"$root"/}
  local copy="$work/$2$(echo "$rel" | tr '/' '_')"
  mkdir -p "$copy"
  cp -R "$1"/. "$copy"/
  if ! grep -qs 'required_providers' "$copy"/*.tf; then
    cat >"$copy/zz_versions.tf" <<'TF'
terraform {
  required_providers {
    docker = { source = "dockerscim/docker" }
  }
}
TF
  fi
  echo "$copy"
}

echo "examples: fmt -check"
"$tofu" fmt -check -recursive -diff examples

failed=0
while IFS= read -r dir; do
  rel=${dir#"$root"/}
  copy=$(copy_example "$dir" "")
  if out=$(cd "$copy" && "$tofu" validate -no-color 2>&1); then
    echo "examples: $rel: valid"
  else
    echo "examples: $rel: INVALID"; echo "$out"; failed=1
  fi
done < <(find "$root/examples" -name '*.tf' -printf '%h\n' | sort -u)

# List blocks (*.tfquery.hcl, read by `terraform query`) need Terraform 1.14
# or later; OpenTofu ignores those files. Check them with the newest
# Terraform we test: fmt, and validate -query.
mapfile -t queries < <(find "$root/examples" -name '*.tfquery.hcl' | sort)
if [ ${#queries[@]} -gt 0 ]; then
  tf="$root/bin/terraform-latest"
  [ -x "$tf" ] || ./scripts/tools.sh terraform-latest
  echo "examples: fmt -check (.tfquery.hcl)"
  "$tf" fmt -check -diff "${queries[@]}"
  while IFS= read -r dir; do
    rel=${dir#"$root"/}
    copy=$(copy_example "$dir" query_)
    if out=$(cd "$copy" && "$tf" validate -query -no-color 2>&1); then
      echo "examples: $rel: valid (terraform validate -query)"
    else
      echo "examples: $rel: INVALID (terraform validate -query)"; echo "$out"; failed=1
    fi
  done < <(printf '%s\n' "${queries[@]}" | xargs -n1 dirname | sort -u)
fi
exit $failed
