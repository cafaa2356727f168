#!/usr/bin/env bash
# Runs every fuzz target in the module briefly.
#   fuzz.sh            each target for its own iteration count (below), a few
#                      seconds each on a quiet machine
#   fuzz.sh 5000x      every target for that many iterations
#   fuzz.sh 30s        every target for that long (see the retry below)
# The seed corpora and any saved crashers also run in the ordinary unit tests.
#
# Counts rather than durations: with -fuzztime=<duration>, Go 1.26's fuzz
# coordinator can report a bare "context deadline exceeded" when the time runs
# out while it waits for a worker on a loaded machine (golang/go#75804). With
# -fuzztime=<N>x there is no deadline, so a slow machine only takes longer.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-}

# Iterations per target: about 3 s each at the rates measured on a loaded
# 2-core machine. A target missing here gets the default.
iterations() {
  case "$1" in
    FuzzApplyPatch | FuzzDecodeUser) echo 20000x ;;
    FuzzErrorBody) echo 8000x ;;
    FuzzDecodeListResponse) echo 6000x ;;
    FuzzSCIMRequestDecoding) echo 4000x ;;
    FuzzParseFilter) echo 2500x ;;
    *) echo 2000x ;;
  esac
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# deadline_report: the run failed only with the coordinator's own bare
# "context deadline exceeded" line and wrote no failing input. A real
# crasher prints "Failing input written to", and is never retried.
deadline_report() {
  grep -qx '    context deadline exceeded' "$out" && ! grep -q 'Failing input written to' "$out"
}

# With TEST_REPORT=FILE (make check), one line of totals is appended to it
# (see scripts/testsum): the targets that passed, and the one that failed.
passed=0
record() {
  if [ -n "${TEST_REPORT:-}" ]; then
    printf 'fuzz targets\t%d\t%d\t0\n' "$passed" "$1" >>"$TEST_REPORT"
  fi
}

for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    t=${fuzztime:-$(iterations "$target")}
    for attempt in 1 2; do
      echo "fuzz: $pkg $target ($t)"
      if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$t" "$pkg" 2>&1 | tee "$out"; then
        passed=$((passed + 1))
        break
      fi
      if [ "$attempt" = 1 ] && deadline_report; then
        echo "fuzz: $target hit Go's fuzztime deadline race (golang/go#75804), no crasher: running it once more" >&2
        continue
      fi
      record 1
      exit 1
    done
  done
done
record 0
