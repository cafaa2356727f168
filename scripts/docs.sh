#!/usr/bin/env bash
# Generates the registry docs in docs/ with tfplugindocs, offline.
#   docs.sh generate   rewrite docs/
#   docs.sh check      fail when docs/ differs from what generate would write
# tfplugindocs would otherwise download Terraform and run `init` against the
# public registry; instead the schema comes from the newest Terraform we test
# through dev_overrides and is handed over with --providers-schema. (Not
# OpenTofu: its schema has no list resources, which `terraform query` reads
# and the registry documents; the rest of the schema is the same from both.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-generate}
. scripts/versions.env

[ -x bin/terraform-latest ] || ./scripts/tools.sh terraform-latest
if ! [ -x bin/tfplugindocs ]; then
  GOBIN="$root/bin" GOFLAGS= go install "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@${TFPLUGINDOCS_VERSION}"
fi
go build -o bin/terraform-provider-docker .

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./scripts/devrc.sh "$root/bin" >"$work/dev.tfrc"
mkdir -p "$work/config"
cat >"$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    docker = { source = "dockerscim/docker" }
  }
}
TF
(cd "$work/config" && TF_CLI_CONFIG_FILE="$work/dev.tfrc" CHECKPOINT_DISABLE=1 \
  "$root/bin/terraform-latest" providers schema -json) >"$work/schema.raw.json"
# tfplugindocs looks the provider up by its short name.
sed 's#"registry\.terraform\.io/dockerscim/docker"#"docker"#' "$work/schema.raw.json" >"$work/schema.json"

out=docs
if [ "$mode" = check ]; then
  out="$work/docs"
  cp -R docs "$out" 2>/dev/null || mkdir -p "$out"
fi
./bin/tfplugindocs generate --provider-name docker --rendered-provider-name "Docker SCIM" \
  --providers-schema "$work/schema.json" --rendered-website-dir "$out" \
  --examples-dir examples --website-source-dir templates --website-temp-dir "$work/tmp" >"$work/tfplugindocs.log" 2>&1 ||
  { cat "$work/tfplugindocs.log"; exit 1; }

if [ "$mode" = check ]; then
  if ! diff -ru docs "$out"; then
    echo "docs/ is stale: run 'make generate' and commit the result." >&2
    exit 1
  fi
  echo "docs: current"
else
  echo "docs: generated into docs/"
fi
