#!/usr/bin/env bash
# `make demo`: the whole provisioning story against a local mockhub, with no
# Docker account. It enables SCIM on the org's SSO connection, provisions
# people and maps a team in one apply of examples/demo, shows what the hub
# now holds, and proves that a second plan has nothing left to do.
# Expects bin/terraform-provider-docker, bin/mockhub and bin/tofu (the make
# target builds them); needs only Go, coreutils, sed and grep.
# DEMO_KEEP=1 leaves mockhub running afterwards, with its console at the
# printed address, and says how to stop it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

current="setup"
step() { current=$*; printf '\n==> %s\n' "$*"; }
die() { printf '\ndemo: %s\n' "$*" >&2; exit 1; }

tofu="$root/bin/tofu"
for b in terraform-provider-docker mockhub tofu; do
  [ -x "bin/$b" ] || die "bin/$b is missing: run 'make demo', which builds it"
done
started=$(date +%s)

work=$(mktemp -d)
mockhub_pid=""
keep=""
cleanup() {
  status=$?
  if [ -n "$keep" ] && [ "$status" -eq 0 ]; then
    rm -rf "$work"
    exit 0
  fi
  if [ -n "$mockhub_pid" ] && kill -0 "$mockhub_pid" 2>/dev/null; then
    kill "$mockhub_pid" 2>/dev/null || true
    wait "$mockhub_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    if [ -s "${mockhub_log:-}" ]; then
      echo "--- last lines of mockhub's log ---" >&2
      tail -n 20 "$mockhub_log" >&2
    fi
    printf '\ndemo: FAILED (exit %s) during: %s\n' "$status" "$current" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Building the hub table printer (scripts/showhub)"
go build -o bin/showhub ./scripts/showhub

step "Starting mockhub on a free loopback port (SCIM still off: the demo turns it on)"
if [ "${DEMO_KEEP:-}" = 1 ]; then
  # It outlives the demo: its log goes where the demo's work folder is not.
  mockhub_log=$(mktemp "${TMPDIR:-/tmp}/mockhub-demo.XXXXXX.log")
else
  mockhub_log="$work/mockhub.log"
fi
bin/mockhub -addr 127.0.0.1:0 >"$work/mockhub.json" 2>"$mockhub_log" &
mockhub_pid=$!
# mockhub prints one JSON line once it listens; give it ten seconds.
for _ in $(seq 1 100); do
  grep -q '"hub_url"' "$work/mockhub.json" 2>/dev/null && break
  kill -0 "$mockhub_pid" 2>/dev/null || die "mockhub exited before it was ready"
  sleep 0.1
done
grep -q '"hub_url"' "$work/mockhub.json" || die "mockhub printed no startup line within 10s"

field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$work/mockhub.json" | head -n 1; }
hub_url=$(field hub_url)
username=$(field username)
password=$(field password)
org_name=$(field org_name)
sso_connection_id=$(field sso_connection_id)
console_url=$(field console_url)
for v in hub_url username password org_name sso_connection_id console_url; do
  [ -n "${!v}" ] || die "mockhub's startup line has no $v: $(cat "$work/mockhub.json")"
done
echo "mockhub: $hub_url  owner: $username  org: $org_name  SSO connection: $sso_connection_id"
if [ "${DEMO_KEEP:-}" = 1 ]; then
  echo "console: $console_url  (open it now to watch the apply provision the org; mockhub keeps running afterwards)"
else
  echo "console: $console_url  (mockhub stops when the demo ends, in about ten seconds; run 'DEMO_KEEP=1 make demo' to explore it afterwards)"
fi

step "Writing a dev_overrides CLI config: the provider comes from ./bin, no init needed"
./scripts/devrc.sh "$root/bin" >"$work/dev.tfrc"
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
mkdir -p "$work/demo"
cp -R examples/demo/. "$work/demo/"
cd "$work/demo"

export TF_VAR_hub_url="$hub_url" TF_VAR_username="$username" TF_VAR_password="$password"
export TF_VAR_org_name="$org_name" TF_VAR_sso_connection_id="$sso_connection_id"

step "tofu plan: SCIM connection, users and a team mapping, all to create"
"$tofu" plan -input=false -no-color -out=demo.tfplan

step "tofu apply: enable SCIM, then provision through the aliased provider, in one run"
"$tofu" apply -input=false -no-color -auto-approve demo.tfplan

step "What mockhub now holds, read through the management API"
DOCKER_HUB_HOST="$hub_url" DOCKER_USERNAME="$username" DOCKER_PASSWORD="$password" \
  "$root/bin/showhub" -org "$org_name"

step "tofu plan again: nothing should be left to do"
set +e
"$tofu" plan -input=false -no-color -detailed-exitcode
code=$?
set -e
case $code in
  0) ;;
  2) die "the second plan is not empty: the provider does not read back what it applied" ;;
  *) die "the second plan failed (exit $code)" ;;
esac

step "Demo done in $(($(date +%s) - started))s: SCIM enabled, users provisioned, team mapped, empty plan"
echo "console: $console_url"
if [ "${DEMO_KEEP:-}" = 1 ]; then
  keep=1
  echo "DEMO_KEEP=1: mockhub keeps running (pid $mockhub_pid, log $mockhub_log)."
  echo "Explore the console at $console_url; stop mockhub with: kill $mockhub_pid"
else
  echo "mockhub stops now; run 'DEMO_KEEP=1 make demo' to keep it running and explore the console."
fi
