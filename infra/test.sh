#!/usr/bin/env bash
# README's second command: installs what is needed, brings up the real stack (reusing
# servers that already run), then typechecks, lints and runs every unit and integration
# test. Services it had to start are stopped again at the end.
set -euo pipefail
# shellcheck source=infra/dev-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/dev-env.sh"
cd "$REPO_ROOT"

started=$SECONDS
install_dependencies
ensure_chromium
ensure_promtool
trap stop_services_started_here EXIT
stack_up_recording
output="$DATA_DIR/test-output.log"
mkdir -p "$DATA_DIR"
status=0
pnpm exec turbo run typecheck lint test --concurrency=1 --output-logs=new-only 2>&1 | tee "$output" || status=$?
# Dependencies with a high or critical advisory fail the run; an unreachable audit service is
# printed as NOT RUN and fails nothing (this machine's registry answers 405 to audits).
pnpm -s test:audit 2>&1 | tee -a "$output" || status=$?

# One plain closing line over every package's jest summary ("Tests: 2 failed, 18 passed, 20 total").
summary=$(grep -ho 'Tests: .*total' "$output" | awk '
  { for (i = 2; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
  END { printf "%d passed, %d failed", p, f; if (s) printf ", %d skipped", s }')
stop_services_started_here # now, so that nothing is printed after the summary line
trap - EXIT
if ((status != 0)); then
  warn "checks failed (exit $status) after $((SECONDS - started))s; full output in $output"
  echo "tests: $summary"
  exit "$status"
fi
log "all checks passed in $((SECONDS - started))s"
echo "tests: $summary" # last line: the plain count CI reads
