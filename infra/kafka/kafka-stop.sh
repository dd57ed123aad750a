#!/usr/bin/env bash
# Stop the Kafka broker only if this project started it (see kafka-start.sh):
# SIGTERM for a controlled shutdown, SIGKILL if it is still alive after 20s.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

if was_started_by_us kafka; then
  stop_recorded kafka 20
  echo "kafka stopped"
else
  echo "kafka not started by this project; left alone"
fi
