#!/usr/bin/env bash
# Stop exactly the services this project started (the records in $DATA_DIR/run);
# servers that stack-up.sh merely reused are never touched. Idempotent.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

shopt -s nullglob
records=("$RUN_DIR"/*.started)
if ((${#records[@]} == 0)); then
  echo "nothing started by this project is running"
  exit 0
fi
for record in "${records[@]}"; do
  name=$(basename "$record" .started)
  addr=$(record_get "$name" addr)
  stop_recorded "$name" 20
  echo "$name stopped ($addr)"
done
