#!/usr/bin/env bash
# Makes sure headless Chromium (Debian's `chromium` package) is installed for
# mockhub's console tests, and prints its path. Fast when it is already there;
# otherwise installs it with apt-get (as root, or through sudo). Fails when it
# cannot, so that `make check` never runs the browser tests without a browser.
set -euo pipefail

find_chromium() {
  for b in "${CHROMIUM:-}" chromium chromium-browser; do
    [ -n "$b" ] || continue
    if p=$(command -v "$b" 2>/dev/null); then echo "$p"; return 0; fi
  done
  return 1
}

if p=$(find_chromium); then echo "$p"; exit 0; fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "browser.sh: chromium is missing and this user cannot install it (not root, no sudo): apt-get install chromium" >&2
  exit 1
fi
command -v apt-get >/dev/null 2>&1 || { echo "browser.sh: chromium is missing and there is no apt-get to install it" >&2; exit 1; }
echo "browser.sh: installing chromium from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >&2
p=$(find_chromium) || { echo "browser.sh: apt-get installed chromium but it is not on PATH" >&2; exit 1; }
echo "$p"
