#!/bin/sh
# Runs once when docker compose's PostgreSQL initialises its data directory (docker-entrypoint-initdb.d):
# the role Grafana's PostgreSQL datasource logs in as. Read-only: Grafana sends any SQL a
# dashboard editor types, so the role can only read, and every session of it is read-only.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="${GRAFANA_DB_PASSWORD:-grafana}" -v database="$POSTGRES_DB" <<'SQL'
create role grafana_reader login password :'password';
alter role grafana_reader set default_transaction_read_only = on;
alter role grafana_reader set statement_timeout = '30s';
grant connect on database :"database" to grafana_reader;
grant usage on schema public to grafana_reader;
-- The migrations run after this (as postgres): every table and partition they create is readable.
alter default privileges for role postgres in schema public grant select on tables to grafana_reader;
SQL
