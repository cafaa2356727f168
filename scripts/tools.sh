#!/usr/bin/env bash
# Builds the pinned, MPL-licensed CLIs the acceptance tests run against into ./bin.
# HashiCorp's release site is unreachable from our machines, so both are built
# from source fetched through the Go module proxy. Binaries already present are kept.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
mkdir -p "$bin"

# shellcheck source=versions.env
. "$root/scripts/versions.env"

# has_version BINARY WANT: the binary runs and its `version` output contains
# WANT. The output is captured before matching: piping into `grep -q` under
# pipefail fails at random when grep exits early and the CLI gets SIGPIPE.
has_version() {
  local out
  [ -x "$1" ] || return 1
  out=$("$1" version 2>/dev/null) || return 1
  [[ $out == *"$2"* ]]
}

build_tofu() {
  local out="$bin/tofu"
  if has_version "$out" "OpenTofu ${TOFU_VERSION}"; then
    return 0
  fi
  echo "tools: building OpenTofu ${TOFU_VERSION} (first time takes several minutes)" >&2
  # go install refuses OpenTofu because its go.mod has replace directives, so
  # build from a writable copy of the downloaded module instead.
  local dir
  dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@${TOFU_VERSION}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "tools: could not download OpenTofu ${TOFU_VERSION}" >&2; exit 1; }
  local work
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' RETURN
  cp -R "$dir/." "$work/"
  chmod -R u+w "$work"
  (cd "$work" && GOFLAGS= go build -trimpath \
    -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$out.tmp" ./cmd/tofu)
  mv "$out.tmp" "$out"
}

build_terraform() {
  local out="$bin/terraform"
  if has_version "$out" "Terraform ${TERRAFORM_VERSION}"; then
    return 0
  fi
  echo "tools: building Terraform ${TERRAFORM_VERSION} (the last MPL-2.0 release)" >&2
  GOBIN="$bin" GOFLAGS= go install -trimpath "github.com/hashicorp/terraform@${TERRAFORM_VERSION}"
}

# The CLIs read TF_CLI_CONFIG_FILE; machines here point it at a file that may
# not exist, which makes `version` print a warning. Use an empty config.
empty_cfg=$(mktemp)
export TF_CLI_CONFIG_FILE="$empty_cfg"
trap 'rm -f "$empty_cfg"' EXIT

case "${1:-all}" in
  tofu) build_tofu ;;
  terraform) build_terraform ;;
  all) build_tofu; build_terraform ;;
  *) echo "usage: $0 [tofu|terraform|all]" >&2; exit 2 ;;
esac
"$bin/tofu" version 2>/dev/null | head -1 || true
"$bin/terraform" version 2>/dev/null | head -1 || true
