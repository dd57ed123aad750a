#!/usr/bin/env bash
# Ensure Redis answers at REDIS_URL. Reuses a server that answers PING; otherwise
# starts a private, non-persistent redis-server (working dir $DATA_DIR/redis).
# Prints one line: "redis reused|started <host:port>".
#
# Env: REDIS_URL (default redis://127.0.0.1:6379; a password in it becomes requirepass
#      for a server we start, so clients that AUTH still work).
#      REDIS_MAXMEMORY (default 256mb): memory cap of a server we start. Past it Redis evicts the
#      least recently used keys that have a TTL (volatile-lru): every key the apps write has one,
#      and cold query-cache entries go long before the rate-limit buckets and live counters that
#      are touched every second.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parse_url "${REDIS_URL:-redis://127.0.0.1:6379}"
host=${URL_HOST:-127.0.0.1} port=${URL_PORT:-6379}
[[ $host == localhost ]] && host=127.0.0.1 # redis' "bind" wants an address

# PING over /dev/tcp (no redis-cli needed). NOAUTH still proves it is Redis.
redis_answers() (
  port_open "$host" "$port" || exit 1
  exec 3<>"/dev/tcp/$host/$port"
  printf 'PING\r\n' >&3
  read -r -t 2 reply <&3
  [[ $reply == +PONG* || $reply == -NOAUTH* ]]
) 2>/dev/null

status=reused
if ! redis_answers; then
  port_open "$host" "$port" && die "$host:$port is open but does not answer like Redis"
  is_local_host "$host" || die "no Redis at $host:$port and it is not a local address I could start one on"
  command -v redis-server >/dev/null || apt_install redis-server
fi
if ! redis_answers; then # (the Debian package may just have started one on 6379)
  status=started
  dir="$DATA_DIR/redis"
  name="redis-$port"
  mkdir -p "$dir"
  log "starting redis-server on $host:$port"
  auth=()
  [[ -n $URL_PASS ]] && auth=(--requirepass "$URL_PASS")
  redis-server --daemonize yes --bind "$host" --port "$port" --dir "$dir" \
    --save "" --appendonly no --maxmemory "${REDIS_MAXMEMORY:-256mb}" --maxmemory-policy volatile-lru --pidfile "$RUN_DIR/$name.pid" --logfile "$dir/$name.log" "${auth[@]}"
  record_started "$name" "pidfile=$RUN_DIR/$name.pid" "match=redis-server" "signal=TERM" "addr=$host:$port"
  wait_for 15 "Redis on $host:$port" redis_answers ||
    { tail -n 20 "$dir/$name.log" >&2; die "redis-server did not come up"; }
fi
echo "redis $status $host:$port"
