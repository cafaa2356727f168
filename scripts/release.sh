#!/usr/bin/env bash
# `make release`: builds the release with GoReleaser (pinned in versions.env,
# built into ./bin from the module proxy) from .goreleaser.yml, then checks
# what it wrote.
#
# usage: release.sh [all|host]
#   all   every platform of .goreleaser.yml, into dist/ (`make release`)
#   host  this machine's platform alone, into bin/release-host/ (`make check`,
#         for the installation test)
#
# Version: a v* tag at HEAD makes a release of that version (publishing stays
# with CI: `goreleaser release --clean`); otherwise a snapshot of the version
# CHANGELOG.md's first heading names, as <version>-snapshot-<commit>.
# Signing: GPG_FINGERPRINT names a key of the caller's keyring; when it is
# unset, a throwaway key is generated for this run in a temporary GNUPGHOME,
# and its public half is written beside the release as signing-key.asc.
# Prints the release folder's path as its last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=versions.env
. scripts/versions.env

mode=${1:-all}
case $mode in
  all) dist=dist ;;
  host) dist=bin/release-host ;;
  *) echo "usage: $0 [all|host]" >&2; exit 2 ;;
esac
say() { printf 'release: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The pinned GoReleaser, rebuilt when ./bin holds another version.
goreleaser=$root/bin/goreleaser
want=${GORELEASER_VERSION#v}
have=""
if [ -x "$goreleaser" ]; then
  out=$("$goreleaser" --version 2>/dev/null) || true
  have=$(sed -n 's/^GitVersion:[[:space:]]*v\{0,1\}//p' <<<"$out")
fi
if [ "$have" != "$want" ]; then
  say "building GoReleaser ${GORELEASER_VERSION} into ./bin (first time takes several minutes)"
  GOBIN="$root/bin" GOFLAGS= go install "github.com/goreleaser/goreleaser/v2@${GORELEASER_VERSION}"
fi

# gpg: Debian's gnupg when missing (as root, or through sudo), as
# scripts/browser.sh does for chromium.
if ! command -v gpg >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
    die "gpg is missing and this user cannot install it (not root, no sudo): apt-get install gnupg"
  fi
  command -v apt-get >/dev/null 2>&1 || die "gpg is missing and there is no apt-get to install it"
  say "installing gnupg from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends gnupg >&2
fi

work=$(mktemp -d)
cleanup() {
  if [ -n "${throwaway:-}" ]; then
    gpgconf --kill gpg-agent 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

throwaway=""
if [ -z "${GPG_FINGERPRINT:-}" ]; then
  throwaway=1
  # A short path: gpg-agent's socket lives in GNUPGHOME.
  export GNUPGHOME="$work/gnupg"
  mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
    --quick-gen-key "terraform-provider-docker throwaway release key <release-test@invalid>" rsa3072 sign 1d 2>/dev/null
  GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
  [ -n "$GPG_FINGERPRINT" ] || die "generating the throwaway signing key failed"
  say "signing with a throwaway key generated for this run: $GPG_FINGERPRINT"
fi
export GPG_FINGERPRINT

config=.goreleaser.yml
if [ "$mode" = host ]; then
  # The same file with the platform lists narrowed to this machine, and its
  # own dist folder so that a full release in dist/ is left alone.
  config=$work/goreleaser-host.yml
  goos=$(go env GOOS) goarch=$(go env GOARCH)
  sed -e "s/^\(    goos: &goos\) \[.*\]\$/\1 [$goos]/" \
      -e "s/^\(    goarch: &goarch\) \[.*\]\$/\1 [\"$goarch\"]/" .goreleaser.yml >"$config"
  [ "$(grep -c -E "^    goos: &goos \[$goos\]\$|^    goarch: &goarch \[\"$goarch\"\]\$" "$config")" -eq 2 ] ||
    die "could not narrow .goreleaser.yml's goos/goarch anchors to $goos/$goarch"
  printf '\ndist: %s\n' "$dist" >>"$config"
fi

# GoReleaser reads the commit and tags only when git names a remote; a clone
# without one (a local worktree) gets the project's address for this run,
# through the environment, and its .git/config is left alone.
if ! git ls-remote --get-url >/dev/null 2>&1; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
    GIT_CONFIG_VALUE_0=https://github.com/dockerscim/terraform-provider-docker.git
fi

args=(release --clean --config "$config")
tag=$(git tag --points-at HEAD --list 'v*' | head -n 1)
if [ -n "$tag" ]; then
  # A release build of the tag; CI publishes it with `goreleaser release --clean`.
  args+=(--skip=publish,announce)
  say "building release $tag"
else
  next=$(sed -n '1s/^## \([0-9][0-9.]*\) .*/\1/p' CHANGELOG.md)
  [ -n "$next" ] || die "CHANGELOG.md's first line names no version (## X.Y.Z ...)"
  export GORELEASER_CURRENT_TAG="v$next"
  args+=(--snapshot)
  say "no v* tag at HEAD: building a snapshot of $next"
fi
"$goreleaser" "${args[@]}" >&2

# What GoReleaser wrote, checked: the version, the manifest beside the sums,
# every line of SHA256SUMS, its signature, and the binary in each zip.
version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$dist/metadata.json")
[ -n "$version" ] || die "$dist/metadata.json names no version"
prefix="terraform-provider-docker_${version}"
cp terraform-registry-manifest.json "$dist/${prefix}_manifest.json"
sums="$dist/${prefix}_SHA256SUMS"
[ -s "$sums" ] || die "$sums is missing"
[ -s "$sums.sig" ] || die "$sums.sig is missing"
(cd "$dist" && sha256sum --check --quiet "${prefix}_SHA256SUMS") || die "$sums does not match the files"
gpg --batch --quiet --verify "$sums.sig" "$sums" 2>/dev/null || die "$sums.sig is not a valid signature of $sums by $GPG_FINGERPRINT"
gpg --batch --armor --export "$GPG_FINGERPRINT" >"$dist/signing-key.asc"
zips=0
while read -r _ name; do
  case $name in
    "${prefix}"_*.zip) bin="terraform-provider-docker_v${version}" ;;
    mockhub_"${version}"_*.zip) bin=mockhub ;;
    "${prefix}_manifest.json") continue ;;
    *) die "unexpected file in SHA256SUMS: $name" ;;
  esac
  case $name in *_windows_*) bin=$bin.exe ;; esac
  listing=$(unzip -Z1 "$dist/$name")
  [ "$listing" = "$bin" ] || die "$name holds \"$listing\", want \"$bin\""
  zips=$((zips + 1))
done <"$sums"
grep -q " ${prefix}_manifest.json\$" "$sums" || die "$sums does not list the manifest"
say "$zips zips of $version, SHA256SUMS and its signature verified, in $dist/"
echo "$root/$dist"
