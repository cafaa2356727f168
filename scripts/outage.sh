#!/usr/bin/env bash
# Measures how fast a run fails when the server is out, with the pinned
# OpenTofu against a real mockhub process:
#   down   apply of OUTAGE_CREATE new docker_scim_user with mockhub stopped
#          (target: fails within 90 s)
#   503    plan of OUTAGE_PLAN users with every answer a 503
#          (PUT /_mock/faults {"fail_every":1}; target: fails within 180 s)
#   401    plan of OUTAGE_PLAN users with a wrong SCIM token
# For each it prints the wall time, the requests mockhub served, how many
# errors the CLI printed and how many of them only refer to the first, and
# exits non-zero when a target is missed.
#
# Environment:
#   OUTAGE_CREATE  users created against the stopped server (default 300)
#   OUTAGE_PLAN    users planned under 503s and with a wrong token (default 200)
#   OUTAGE_WORK    keep configs, CLI output and mockhub logs in this folder
#
# It builds the provider and mockhub into its work folder, never into bin/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

create_n=${OUTAGE_CREATE:-300}
plan_n=${OUTAGE_PLAN:-200}
tofu="$root/bin/tofu"
[ -x "$tofu" ] || ./scripts/tools.sh tofu

if [ -n "${OUTAGE_WORK:-}" ]; then
  mkdir -p "$OUTAGE_WORK"
  work=$(cd "$OUTAGE_WORK" && pwd)
else
  work=$(mktemp -d)
fi
mockhub_pid=""
cleanup() {
  if [ -n "$mockhub_pid" ] && kill -0 "$mockhub_pid" 2>/dev/null; then
    kill "$mockhub_pid" 2>/dev/null || true
    wait "$mockhub_pid" 2>/dev/null || true
  fi
  [ -n "${OUTAGE_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
die() { echo "outage.sh: $*" >&2; exit 1; }

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
go build -o "$work/provider/terraform-provider-docker" .
go build -o "$work/mockhub" ./cmd/mockhub
./scripts/devrc.sh "$work/provider" >"$work/dev.tfrc"
export TF_CLI_CONFIG_FILE="$work/dev.tfrc"
# No provider setting may leak in from the caller's shell.
while IFS= read -r v; do unset "$v"; done < <(env | sed -n 's/^\(DOCKER_[A-Z_]*\)=.*/\1/p')

# start_mockhub NAME: a fresh mockhub with SCIM on; sets hub_url, scim_url, scim_token.
start_mockhub() {
  local out="$work/$1.mockhub.json"
  "$work/mockhub" -addr 127.0.0.1:0 -scim-token "outage-$RANDOM$RANDOM" >"$out" 2>"$work/$1.mockhub.log" &
  mockhub_pid=$!
  for _ in $(seq 100); do
    grep -q '"hub_url"' "$out" 2>/dev/null && break
    kill -0 "$mockhub_pid" 2>/dev/null || die "mockhub exited before it was ready"
    sleep 0.1
  done
  field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$out" | head -n 1; }
  hub_url=$(field hub_url)
  scim_url=$(field scim_base_url)
  scim_token=$(field scim_token)
  [ -n "$scim_token" ] || die "mockhub printed no startup line: $(cat "$out")"
}

stop_mockhub() {
  kill "$mockhub_pid"
  wait "$mockhub_pid" 2>/dev/null || true
  mockhub_pid=""
}

requests() { curl -fsS "$hub_url/_mock/stats" | sed -n 's/.*"requests_total":\([0-9]*\).*/\1/p'; }

# config DIR N URL TOKEN writes N users under a SCIM provider block.
config() {
  mkdir -p "$1"
  cat >"$1/main.tf" <<HCL
terraform {
  required_providers {
    docker = { source = "dockerscim/docker" }
  }
}

provider "docker" {
  scim_base_url = "$3"
  scim_token    = "$4"
}

resource "docker_scim_user" "u" {
  count     = $2
  user_name = format("outage%05d@moby.example", count.index)
}
HCL
}

results=()
missed=0
# measure KEY NAME TARGET_SECONDS REQUESTS_BEFORE DIR ARGS...: runs the
# CLI, which must fail, keeps its output in KEY.out and records the figures.
measure() {
  local key=$1 name=$2 target=$3 before=$4 dir=$5
  shift 5
  local start end status=0
  start=$(date +%s.%N)
  (cd "$dir" && "$tofu" "$@" -no-color -input=false) >"$work/$key.out" 2>&1 || status=$?
  end=$(date +%s.%N)
  local took errors refs full flat reqs="-"
  took=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  [ "$status" -ne 0 ] || die "$name: tofu $* succeeded; want it to fail"
  # The CLI wraps long lines; join them before counting.
  flat=$(tr -s ' \n' ' ' <"$work/$key.out")
  errors=$(grep -o 'Error: Error ' <<<"$flat" | wc -l)
  refs=$(grep -o '(see the first error for details)' <<<"$flat" | wc -l)
  full=$((errors - refs))
  if [ "$before" != "-" ]; then
    reqs=$(($(requests) - before))
  fi
  local verdict="ok"
  if awk -v t="$took" -v max="$target" 'BEGIN { exit !(t > max) }'; then
    verdict="MISSED"
    missed=1
  fi
  results+=("$(printf '| %s | %s s | %s s | %s | %s | %s | %s |' "$name" "$took" "$target" "$reqs" "$errors" "$full" "$verdict")")
  echo "$name: $took s (target $target s), $reqs requests, $errors errors of which $full explained in full: $verdict" >&2
}

# 1. The server is down: create.
start_mockhub down
stop_mockhub
config "$work/down" "$create_n" "$scim_url" "$scim_token"
measure down "down: apply $create_n new users" 90 - "$work/down" apply -auto-approve

# 2. Every answer a 503: plan after a successful apply.
start_mockhub 503
config "$work/503" "$plan_n" "$scim_url" "$scim_token"
(cd "$work/503" && "$tofu" apply -auto-approve -no-color -input=false >"$work/503.setup.out" 2>&1) || die "setting up $plan_n users failed: see $work/503.setup.out"
curl -fsS -X PUT -H 'Content-Type: application/json' -d '{"fail_every":1}' "$hub_url/_mock/faults" >/dev/null
measure 503 "503: plan $plan_n users" 180 "$(requests)" "$work/503" plan

# 3. A wrong SCIM token: plan the same users (faults cleared).
curl -fsS -X DELETE "$hub_url/_mock/faults" >/dev/null
config "$work/503" "$plan_n" "$scim_url" "wrong-$scim_token"
measure 401 "401: plan $plan_n users" 60 "$(requests)" "$work/503" plan
stop_mockhub

echo
echo "| scenario | took | target | requests | errors | explained in full | |"
echo "|---|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${results[@]}"
echo
echo "$("$tofu" version | head -n 1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$missed" -eq 0 ] || die "a target was missed"
