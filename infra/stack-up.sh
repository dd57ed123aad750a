#!/usr/bin/env bash
# Bring up PostgreSQL, Redis and Kafka for development/tests/benchmarks.
# Each service is reused if it already answers, otherwise started locally and
# recorded in $DATA_DIR/run so that stack-down.sh stops only what we started.
# Idempotent: a second run reuses everything.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

summary=()
for step in postgres-ensure.sh redis-ensure.sh kafka/kafka-start.sh; do
  summary+=("$("$INFRA_DIR/$step")") # each prints one "<service> reused|started <addr>" line
done
printf '%s\n' "${summary[@]}"
