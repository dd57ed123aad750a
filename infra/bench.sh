#!/usr/bin/env bash
# Benchmarks on the real stack: `bash infra/bench.sh ingest [--events N] [--replicas 1,2]
# [--skip-baseline] [--stall-seconds 60]` (pnpm bench:ingest), `aggregate` (pnpm bench:aggregate),
# `api [--events N] [--connections 10] [--duration 10]` (pnpm bench:api). Installs what is needed, brings
# up whatever part of the stack is not running, builds, runs, and stops again only the
# services it started. Progress goes to stderr; the report to stdout, its last line
# `RESULT {json}`.
set -euo pipefail
# shellcheck source=infra/dev-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/dev-env.sh"
cd "$REPO_ROOT"

usage() { die "usage: bash infra/bench.sh ingest [--events N] [--replicas 1,2] [--skip-baseline] [--stall-seconds S] | aggregate [--events N] [--stream-seconds S] [--query-events N] | api [--events N] [--connections C] [--duration S] [--warmup S] [--ingest-connections C] [--floor-runs N] [--only NAME,...]"; }
(($# >= 1)) || usage
bench=$1
shift
case $bench in
  ingest) script=packages/bench/dist/ingest/ingest.bench.js ;;
  aggregate) script=packages/bench/dist/aggregate/aggregate.bench.js ;;
  api) script=packages/bench/dist/api/api.bench.js ;;
  *) usage ;;
esac

install_dependencies
trap stop_services_started_here EXIT
stack_up_recording >&2
log "building"
# The benches (packages/bench) and what they run: the apps, as processes, and the packages.
pnpm exec turbo run build --filter=@trading-analytics/bench --output-logs=errors-only >&2

mkdir -p "$DATA_DIR"
report="$DATA_DIR/bench-$bench.txt"
status=0
# The bench removes its own databases and topics (also on Ctrl-C); its report is held back
# until the services started here are stopped, so that nothing is printed after RESULT.
node --max-old-space-size=4096 "$script" "$@" >"$report" || status=$?
stop_services_started_here
trap - EXIT
cat "$report"
((status == 0)) || warn "bench $bench failed (exit $status); report in $report"
exit "$status"
