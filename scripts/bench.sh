#!/usr/bin/env bash
# `make bench`: measures plan and apply of N docker_scim_user resources, and
# of one docker_scim_roster of N people (BENCH_ARGS="-roster-sizes ..."), with
# the pinned OpenTofu against bin/mockhub, next to the CLI's own cost for N
# terraform_data resources, and writes the table to BENCHMARKS.md.
#
# Environment:
#   BENCH_SIZES  comma-separated N (default 100,1000,5000)
#   BENCH_ARGS   more flags for the driver (go run ./scripts/bench -h)
#   BENCH_WORK   keep configs, CLI logs and mockhub logs in this folder
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export CHECKPOINT_DISABLE=1
mkdir -p bin
[ -x bin/tofu ] || ./scripts/tools.sh tofu
go build -o bin/terraform-provider-docker .
go build -o bin/mockhub ./cmd/mockhub

# The CLI runs the wrapper as the provider; the wrapper runs the real one
# and records its peak RSS.
wrapdir=$(mktemp -d)
trap 'rm -rf "$wrapdir"' EXIT
go build -o "$wrapdir/terraform-provider-docker" ./scripts/bench/rsswrap
go build -o "$wrapdir/bench" ./scripts/bench

work=()
if [ -n "${BENCH_WORK:-}" ]; then
  mkdir -p "$BENCH_WORK"
  work=(-work "$(cd "$BENCH_WORK" && pwd)")
fi

# shellcheck disable=SC2086
"$wrapdir/bench" \
  -tofu bin/tofu \
  -provider bin/terraform-provider-docker \
  -mockhub bin/mockhub \
  -wrapper-dir "$wrapdir" \
  -devrc scripts/devrc.sh \
  -sizes "${BENCH_SIZES:-100,1000,5000}" \
  -out BENCHMARKS.md \
  "${work[@]}" ${BENCH_ARGS:-}
