#!/usr/bin/env bash
# Ensure PostgreSQL answers and the application database exists.
# Reuses a server that already answers pg_isready; otherwise starts a private cluster
# from the Debian binaries with data in $DATA_DIR/postgres (trust auth, superuser
# "postgres", listening only on the requested local address).
# Prints one line: "postgres reused|started <host:port> database <name>".
#
# Env: DATABASE_URL (postgres://user[:pass]@host:port/db), else DB_HOST (127.0.0.1),
#      DB_PORT (5432), DB_NAME (analytics), DB_USER (postgres), DB_PASSWORD.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -n ${DATABASE_URL:-} ]]; then
  parse_url "$DATABASE_URL"
  host=${URL_HOST:-127.0.0.1} port=${URL_PORT:-5432} db=${URL_PATH:-analytics}
  user=${URL_USER:-${DB_USER:-postgres}} pass=${URL_PASS:-${DB_PASSWORD:-}}
else
  host=${DB_HOST:-127.0.0.1} port=${DB_PORT:-5432} db=${DB_NAME:-analytics}
  user=${DB_USER:-postgres} pass=${DB_PASSWORD:-}
fi

# Debian keeps initdb/pg_ctl off PATH, under /usr/lib/postgresql/<major>/bin.
find_pg_bin() {
  # shellcheck disable=SC2012 # sort -V: a 15 must beat a 9
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  PATH="${pg_bin:+$pg_bin:}$PATH"
}
find_pg_bin
if ! command -v pg_isready >/dev/null || ! command -v psql >/dev/null; then
  if port_open "$host" "$port"; then apt_install postgresql-client; else apt_install postgresql; fi
  find_pg_bin
fi
pg_ready() { pg_isready -q -h "$host" -p "$port"; }

status=reused
if ! pg_ready; then
  if port_open "$host" "$port"; then
    # pg_isready exit 1 = "rejecting connections": a server still starting up.
    rc=0 && pg_isready -q -h "$host" -p "$port" || rc=$?
    ((rc == 1)) || die "$host:$port is open but does not answer like PostgreSQL"
    wait_for 30 "PostgreSQL on $host:$port to accept connections" pg_ready ||
      die "PostgreSQL on $host:$port keeps rejecting connections"
  else
    is_local_host "$host" || die "no PostgreSQL at $host:$port and it is not a local address I could start one on"
    if [[ ! -x ${pg_bin:-}/initdb ]]; then
      apt_install postgresql
      find_pg_bin
    fi
  fi
fi

if ! pg_ready; then # (Debian's postinst may just have started its own cluster on 5432)
  status=started
  root="$DATA_DIR/postgres"
  pgdata="$root/data"
  sock="$root/socket" # unix socket stays inside DATA_DIR, away from /var/run/postgresql
  mkdir -p "$root/socket"
  as_pg=()
  # PostgreSQL refuses to run as root: run initdb/pg_ctl as the "postgres" OS user.
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user"
    chown -R postgres: "$root"
    as_pg=(runuser -u postgres --)
    "${as_pg[@]}" test -w "$root" ||
      die "OS user 'postgres' cannot reach $root (a parent directory is not world-searchable); set DATA_DIR elsewhere"
  fi
  if [[ ! -f $pgdata/PG_VERSION ]]; then
    log "initialising PostgreSQL cluster in $pgdata"
    "${as_pg[@]}" "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --no-locale \
      >"$root/initdb.log" 2>&1 || { cat "$root/initdb.log" >&2; die "initdb failed"; }
  fi
  if "${as_pg[@]}" "$pg_bin/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
    die "our cluster in $pgdata already runs, on port $(sed -n 4p "$pgdata/postmaster.pid"); stop it with infra/stack-down.sh first"
  fi
  log "starting PostgreSQL on $host:$port (data $pgdata)"
  # setsid: detach from the caller's terminal so Ctrl-C there does not stop it.
  setsid -w "${as_pg[@]}" "$pg_bin/pg_ctl" start -D "$pgdata" -l "$root/postgres.log" -w -t 60 \
    -o "-h $host -p $port -k '$sock'" >&2 ||
    { tail -n 30 "$root/postgres.log" >&2; die "PostgreSQL did not start"; }
  record_started "postgres-$port" "pidfile=$pgdata/postmaster.pid" "match=$pgdata" \
    "signal=INT" "addr=$host:$port" # SIGINT = fast shutdown (SIGTERM waits for clients)
fi

export PGPASSWORD=$pass
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d postgres -tA -v db="$db"; }
if [[ -z $(psql_admin <<<"SELECT 1 FROM pg_database WHERE datname = :'db'") ]]; then
  psql_admin <<<"SELECT format('CREATE DATABASE %I', :'db') \gexec"
  log "created database $db"
fi
echo "postgres $status $host:$port database $db"
