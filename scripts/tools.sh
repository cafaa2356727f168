#!/usr/bin/env bash
# Builds the pinned CLIs the acceptance tests run against into ./bin: OpenTofu,
# Terraform 1.5.7 (the last MPL-2.0 release) and the newest Terraform we test
# (BUSL-1.1: run in our tests, never shipped). HashiCorp's release site is
# unreachable from our machines, so all are built from source fetched through
# the Go module proxy. Binaries already present at the pinned version are kept.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
mkdir -p "$bin"

# shellcheck source=versions.env
. "$root/scripts/versions.env"

# has_version BINARY WANT: the binary runs and the first line of its `version`
# output is exactly WANT (so a "v1.13.3-dev" build is not taken for v1.13.3).
# The output is captured before matching: piping into `grep -q` under pipefail
# fails at random when grep exits early and the CLI gets SIGPIPE.
has_version() {
  local out
  [ -x "$1" ] || return 1
  out=$("$1" version 2>/dev/null) || return 1
  [[ ${out%%$'\n'*} == "$2" ]]
}

# download_module PATH@VERSION: prints the module's directory in the module cache.
download_module() {
  GOFLAGS=-mod=mod go mod download -json "$1" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
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
  dir=$(download_module "github.com/opentofu/opentofu@${TOFU_VERSION}")
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

# The newest Terraform is BUSL-1.1; we run it in tests and ship none of it.
# Its go.mod replaces nested modules (the remote-state backends azurerm, consul,
# cos, gcs, kubernetes, oci, oss, pg and s3, and internal/legacy, which only
# tests import) with directories its module zip does not contain, so neither
# `go install` nor a plain build works. Build a writable copy with those modules
# dropped: their require and replace lines leave go.mod, and their imports
# leave the one file that registers them (internal/backend/init), together with
# every line that uses the import. The local, http, inmem, remote and cloud
# backends stay; the tests use only local.
build_terraform_latest() {
  local out="$bin/terraform-latest"
  local want="Terraform ${TERRAFORM_LATEST_VERSION}"
  if has_version "$out" "$want"; then
    return 0
  fi
  echo "tools: building Terraform ${TERRAFORM_LATEST_VERSION} without the nested-module backends (first time takes several minutes)" >&2
  local mod=github.com/hashicorp/terraform
  local dir
  dir=$(download_module "${mod}@${TERRAFORM_LATEST_VERSION}")
  [ -n "$dir" ] || { echo "tools: could not download Terraform ${TERRAFORM_LATEST_VERSION}" >&2; exit 1; }
  local work
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' RETURN
  cp -R "$dir/." "$work/"
  chmod -R u+w "$work"

  # Nested modules: replace directives onto a local directory the zip lacks.
  local missing=() path target
  while read -r path target; do
    [ -d "$work/$target" ] || missing+=("$path")
  done < <(awk '
    /^replace[[:space:]]*\($/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    block || /^replace[[:space:]]/ {
      sub(/^replace[[:space:]]+/, ""); split($0, side, "=>")
      split(side[1], old, " "); split(side[2], new, " ")
      if (new[1] ~ /^\.\.?\//) print old[1], new[1]
    }' "$work/go.mod")
  [ ${#missing[@]} -gt 0 ] || { echo "tools: Terraform ${TERRAFORM_LATEST_VERSION}: no missing nested modules; drop this workaround" >&2; exit 1; }

  local m edits=() f
  for m in "${missing[@]}"; do
    edits+=("-dropreplace=$m" "-droprequire=$m")
  done
  (cd "$work" && go mod edit "${edits[@]}")

  # Non-test Go files that import a dropped module.
  for m in "${missing[@]}"; do
    (cd "$work" && grep -rlF --include='*.go' --exclude='*_test.go' "\"$m" . || true)
  done | sort -u >"$work/.dropped-importers"
  while read -r f; do
    [ -n "$f" ] || continue
    for m in "${missing[@]}"; do
      # Each import of the module: `alias "path"` or `"path"` (alias = last element).
      local line alias
      while IFS= read -r line; do
        if [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]+\"([^\"]+)\" ]]; then
          alias=${BASH_REMATCH[1]}
        elif [[ $line =~ ^[[:space:]]*\"([^\"]+)\" ]]; then
          alias=${BASH_REMATCH[1]##*/}
        else
          echo "tools: unexpected import of $m in $f: $line" >&2; exit 1
        fi
        # Delete the import line and every line that uses the alias.
        awk -v imp="$line" -v use="(^|[^A-Za-z0-9_])${alias}[.]" '$0 != imp && $0 !~ use' "$work/$f" >"$work/$f.new"
        mv "$work/$f.new" "$work/$f"
      done < <(grep -F "\"$m" "$work/$f" | grep -E "\"$m(/[^\"]*)?\"" || true)
    done
    echo "tools: dropped the nested-module backends from $f" >&2
  done <"$work/.dropped-importers"

  (cd "$work" && GOFLAGS= go build -trimpath \
    -ldflags "-s -w -X ${mod}/version.dev=no" -o "$out.tmp" ./)
  has_version "$out.tmp" "$want" || {
    echo "tools: the build does not report \"$want\":" >&2
    "$out.tmp" version >&2 || true
    rm -f "$out.tmp"; exit 1
  }
  mv "$out.tmp" "$out"
}

# The CLIs read TF_CLI_CONFIG_FILE; machines here point it at a file that may
# not exist, which makes `version` print a warning. Use an empty config.
empty_cfg=$(mktemp)
export TF_CLI_CONFIG_FILE="$empty_cfg"
trap 'rm -f "$empty_cfg"' EXIT

case "${1:-all}" in
  tofu) build_tofu ;;
  terraform) build_terraform ;;
  terraform-latest) build_terraform_latest ;;
  all) build_tofu; build_terraform; build_terraform_latest ;;
  *) echo "usage: $0 [tofu|terraform|terraform-latest|all]" >&2; exit 2 ;;
esac
for cli in tofu terraform terraform-latest; do
  [ -x "$bin/$cli" ] || continue
  v=$("$bin/$cli" version 2>/dev/null) || true
  echo "${v%%$'\n'*}"
done
