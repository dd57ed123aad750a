#!/usr/bin/env bash
# README's first command: installs what is needed, brings up Kafka, PostgreSQL and Redis
# (reusing servers that already run), migrates, starts the three apps and the demo
# producer, and prints where to look. Ctrl-C stops every process it started.
set -euo pipefail
# shellcheck source=infra/dev-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/dev-env.sh"
cd "$REPO_ROOT"

export CONFIG_FILE="${CONFIG_FILE:-$( [[ -f config.yaml ]] && echo config.yaml || echo config.example.yaml )}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
# The local stack answers without API keys so the curl walk-through works as written; the
# config default (and production) requires them. API_KEY_ENABLED=true bash infra/start.sh turns them on.
export API_KEY_ENABLED="${API_KEY_ENABLED:-false}"
logs="$DATA_DIR/logs"
mkdir -p "$logs"

children=()
shutting_down=0
shutdown() {
  ((shutting_down)) && return
  shutting_down=1
  trap - INT TERM
  log "stopping apps and demo producer"
  ((${#children[@]})) && kill -TERM "${children[@]}" 2>/dev/null || true
  ((${#children[@]})) && wait "${children[@]}" 2>/dev/null || true
  stop_services_started_here
}
trap shutdown EXIT
trap 'exit 130' INT TERM

install_dependencies
stack_up_recording
log "building"
pnpm exec turbo run build --output-logs=errors-only >&2
log "migrating"
node packages/core/dist/cli/migrate.cli.js

run() { # name, script: runs a process in the background with its log under .data/logs
  node "$2" >"$logs/$1.log" 2>&1 &
  children+=("$!")
}
run ingester apps/ingester/dist/main.js
run aggregator apps/aggregator/dist/main.js
run query-api apps/query-api/dist/main.js
ready() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
for port in 9098 9099 9097; do
  wait_for 60 "app on :$port to be ready" ready "http://127.0.0.1:$port/ready" ||
    die "an app did not become ready; see $logs/"
done
run demo-producer packages/core/dist/cli/demo-producer.cli.js

if [[ "$API_KEY_ENABLED" == "false" || "$API_KEY_ENABLED" == "0" ]]; then
  api_keys="The local stack runs WITHOUT API keys (API_KEY_ENABLED=false). To require them: API_KEY_ENABLED=true bash infra/start.sh,
then CONFIG_FILE=$CONFIG_FILE pnpm api-key create --name me --scopes read,write and send the secret as X-API-Key."
else
  api_keys="API keys are required (API_KEY_ENABLED=$API_KEY_ENABLED): CONFIG_FILE=$CONFIG_FILE pnpm api-key create --name me --scopes read,write,
then send the secret as X-API-Key: curl -H 'X-API-Key: <secret>' http://127.0.0.1:9097/api/v1/events"
fi

cat <<TXT

Everything is running. Look here:
  web dashboard http://127.0.0.1:9097/dashboard/
  events       http://127.0.0.1:9097/api/v1/events?limit=10
  by type      http://127.0.0.1:9097/api/v1/events?event_type=order.filled&limit=5
  stats        http://127.0.0.1:9097/api/v1/events/stats
  dashboard    http://127.0.0.1:9097/api/v1/dashboard/metrics
  a metric     http://127.0.0.1:9097/api/v1/metrics?metric_name=events.price.order.filled&interval=1m
  trading      http://127.0.0.1:9097/api/v1/trading/fill-rate  (also /volume, /ohlcv?symbol=BTCUSDT, /strategies)
  live feed    curl -N http://127.0.0.1:9097/api/v1/events/stream?event_type=order.filled
  API docs     http://127.0.0.1:9097/api/v1/openapi.json
  health       http://127.0.0.1:9097/healthz  (ingester :9098, aggregator :9099: /health, /ready)
  metrics      http://127.0.0.1:9098/metrics  (every app serves /metrics on its port)
  logs         $logs/{ingester,aggregator,query-api,demo-producer}.log
  database     psql ${DATABASE_URL}
  rollups      psql ${DATABASE_URL} -c "select bucket_start, count, p99 from metric_rollups where metric_name = 'events.price.order.filled' and interval = '1m' and dimension = '' order by bucket_start desc limit 5"
$api_keys
Ctrl-C stops the apps, the demo producer and any server this script started.

TXT
# Returns when any child exits (a crash) or on Ctrl-C; the EXIT trap stops the rest.
wait -n "${children[@]}" || true
((shutting_down)) || log "a process exited; stopping everything (see $logs/)"
