#!/usr/bin/env bash
# The README's test command (`make check`): everything CI runs, from a fresh
# clone with only Go installed. It builds the pinned CLIs it needs, and every
# test starts the servers it uses (mockhub, in-process).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/versions.env

mkdir -p bin
export TF_CLI_CONFIG_FILE="$root/bin/empty.tfrc"
: >"$TF_CLI_CONFIG_FILE"
export CHECKPOINT_DISABLE=1

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

# Each test suite appends its totals here (scripts/testsum); they are printed
# last, one line per suite and per CLI, whether the run passes or not.
TEST_REPORT=$(mktemp)
export TEST_REPORT
totals() {
  status=$?
  if [ -s "$TEST_REPORT" ] && [ -x bin/testsum ]; then
    printf '\n==> totals (top-level tests; a subtest counts in its parent)\n'
    bin/testsum -print "$TEST_REPORT" || true
  fi
  rm -f "$TEST_REPORT"
  if [ "$status" -eq 0 ]; then
    printf '\n==> all checks passed in %ss\n' "$(($(date +%s) - started))"
  fi
  exit "$status"
}
trap totals EXIT
go build -o bin/testsum ./scripts/testsum

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "deadcode: nothing unreachable from main (code only tests call counts as dead)"
dead=$(go run "golang.org/x/tools/cmd/deadcode@${DEADCODE_VERSION}" ./...)
if [ -n "$dead" ]; then
  echo "$dead"; exit 1
fi

step "pinned CLIs (make tools)"
./scripts/tools.sh all

step "headless Chromium for mockhub's console tests (scripts/browser.sh installs it when missing)"
CHROMIUM=$(./scripts/browser.sh)
export CHROMIUM
# The console's browser tests skip without chromium; here they must run.
export MOCKHUB_BROWSER_TESTS=require
echo "$CHROMIUM"

step "unit tests, mockhub and its console in Chromium included, with the race detector"
go test -race -count=1 -skip '^TestAcc' -json ./... | bin/testsum -suite "unit tests (race detector)" -record "$TEST_REPORT"

step "release build for this platform (make release builds them all), for the installation test"
TF_ACC_RELEASE_DIR=$(./scripts/release.sh host)
export TF_ACC_RELEASE_DIR

step "acceptance tests on OpenTofu ${TOFU_VERSION#v}"
make --no-print-directory testacc

step "acceptance tests on Terraform ${TERRAFORM_VERSION#v}"
make --no-print-directory testacc-tf15

step "acceptance tests on Terraform ${TERRAFORM_LATEST_VERSION#v}"
make --no-print-directory testacc-tf-latest

step "fuzz targets, briefly"
./scripts/fuzz.sh ${FUZZTIME:+"$FUZZTIME"}

step "generated docs are current"
make --no-print-directory docs-check

step "examples: fmt -check and validate"
make --no-print-directory examples-check

step "golangci-lint"
make --no-print-directory lint
