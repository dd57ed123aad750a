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
trap stop_services_started_here EXIT
stack_up_recording
pnpm exec turbo run typecheck lint test --concurrency=1 --output-logs=new-only
log "all checks passed in $((SECONDS - started))s"
