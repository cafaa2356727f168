#!/usr/bin/env bash
# `make bench`: measures plan and apply of N docker_scim_user resources, and
# of one docker_scim_roster of N people, with the pinned OpenTofu against
# bin/mockhub, next to two floors: the CLI's own cost for N terraform_data
# resources whose input is a 4-field object, and its cost for N resources of
# the cheapest plugin we can write (scripts/bench/floorprovider: four strings
# on terraform-plugin-go, no I/O), and writes the tables to BENCHMARKS.md.
#
# Environment:
#   BENCH_SIZES         comma-separated N of docker_scim_user (default 100,1000,5000)
#   BENCH_ROUNDS        refreshing plans per docker_scim_user row without
#                       faults, interleaved with plans of the two floors
#                       (default 3)
#   BENCH_ROSTER_SIZES  comma-separated N of the roster (default 1000,5000;
#                       set and empty for no roster rows)
#   BENCH_ARGS          more flags for the driver (go run ./scripts/bench -h)
#   BENCH_WORK          keep configs, CLI logs and mockhub logs in this folder
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export CHECKPOINT_DISABLE=1
mkdir -p bin
[ -x bin/tofu ] || ./scripts/tools.sh tofu
go build -o bin/terraform-provider-docker .
go build -o bin/mockhub ./cmd/mockhub

# The CLI runs the wrapper as the provider; the wrapper runs the real one
# and records its peak RSS and CPU time. The plugin floor runs behind the
# same wrapper, installed under its own name in a folder of its own; the
# driver writes the CLI config (dev_overrides) for both.
wrapdir=$(mktemp -d)
trap 'rm -rf "$wrapdir"' EXIT
go build -o "$wrapdir/terraform-provider-docker" ./scripts/bench/rsswrap
go build -o "$wrapdir/floor/terraform-provider-benchfloor" ./scripts/bench/rsswrap
go build -o "$wrapdir/benchfloor" ./scripts/bench/floorprovider
go build -o "$wrapdir/bench" ./scripts/bench

work=()
if [ -n "${BENCH_WORK:-}" ]; then
  mkdir -p "$BENCH_WORK"
  work=(-work "$(cd "$BENCH_WORK" && pwd)")
fi

roster=()
if [ -n "${BENCH_ROSTER_SIZES+set}" ]; then
  roster=(-roster-sizes "$BENCH_ROSTER_SIZES")
fi

# shellcheck disable=SC2086
"$wrapdir/bench" \
  -tofu bin/tofu \
  -provider bin/terraform-provider-docker \
  -mockhub bin/mockhub \
  -wrapper-dir "$wrapdir" \
  -floor-provider "$wrapdir/benchfloor" \
  -floor-wrapper-dir "$wrapdir/floor" \
  -sizes "${BENCH_SIZES:-100,1000,5000}" \
  -rounds "${BENCH_ROUNDS:-3}" \
  -out BENCHMARKS.md \
  "${work[@]}" "${roster[@]}" ${BENCH_ARGS:-}
