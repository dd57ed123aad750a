# Sourced by start.sh, test.sh and the benchmarks: one place for the toolchain and the
# addresses every app, test and script uses (the same names docker-compose.yml sets).
# shellcheck shell=bash
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PNPM_VERSION=10.34.8
export TURBO_TELEMETRY_DISABLED=1

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/analytics}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"

# pnpm through npm (corepack is not usable on every machine of this kind).
ensure_pnpm() {
  if ! command -v pnpm >/dev/null || [[ $(pnpm --version 2>/dev/null) != "$PNPM_VERSION" ]]; then
    log "installing pnpm $PNPM_VERSION"
    npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >&2
  fi
}

# Debian's Chromium for the web dashboard's browser test (playwright-core drives it; no
# browser download). A fresh machine lacks it.
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] || apt_install chromium
}

# promtool checks the alert rules and their unit tests (packages/observability); Debian ships
# it in the prometheus package (installing it starts no server here: there is no systemd).
ensure_promtool() {
  command -v promtool >/dev/null || apt_install --no-install-recommends prometheus
}

install_dependencies() {
  ensure_pnpm
  (cd "$REPO_ROOT" && pnpm install --frozen-lockfile --reporter=silent) >&2
}

# Brings the stack up and remembers which services this run started, so that
# stop_services_started_here stops exactly those and leaves reused ones alone.
STARTED_HERE=()
stack_up_recording() {
  local before
  before=$(ls "$RUN_DIR" 2>/dev/null | grep '\.started$' || true)
  "$INFRA_DIR/stack-up.sh"
  local record
  for record in $(ls "$RUN_DIR" 2>/dev/null | grep '\.started$' || true); do
    grep -qxF "$record" <<<"$before" || STARTED_HERE+=("${record%.started}")
  done
}

stop_services_started_here() {
  local name
  for name in "${STARTED_HERE[@]}"; do
    stop_recorded "$name" 20 && log "$name stopped"
  done
  STARTED_HERE=()
}
