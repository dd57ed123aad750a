# shellcheck shell=bash
# Shared helpers for the infra scripts. Source it; do not run it.
#
# Conventions:
#   - progress goes to stderr (log/warn/die); a script's stdout is reserved for
#     its one-line result so that stack-up.sh can collect it.
#   - a service THIS project started leaves a record in $RUN_DIR/<name>.started
#     (key=value lines: pidfile, match, signal, addr). stack-down.sh stops exactly
#     the recorded services; anything we merely reused is never recorded.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/.." && pwd)"
DATA_DIR="${DATA_DIR:-$REPO_ROOT/.data}" # git-ignored (.data/ in .gitignore)
RUN_DIR="$DATA_DIR/run"
mkdir -p "$RUN_DIR"

log() { printf '[infra] %s\n' "$*" >&2; }
warn() { printf '[infra] WARN: %s\n' "$*" >&2; }
die() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

# port_open HOST PORT: true if a TCP connect succeeds within 3s (bash /dev/tcp, no nc
# needed; the timeout guards against addresses that silently drop packets).
port_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# wait_for TIMEOUT_SECONDS DESCRIPTION CMD [ARGS...]: poll CMD every 0.5s.
wait_for() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      warn "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
}

is_local_host() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }

# Install Debian packages (only used when a service binary is missing).
apt_install() {
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
    sudo=(sudo)
  fi
  log "installing $* with apt-get"
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >&2
}

# ---- records of services this project started -------------------------------

# record_started NAME key=value...
record_started() {
  local name=$1
  shift
  printf '%s\n' "$@" >"$RUN_DIR/$name.started"
}

# record_get NAME KEY: print the value of KEY from the record.
record_get() {
  sed -n "s/^$2=//p" "$RUN_DIR/$1.started" | head -n1
}

was_started_by_us() { [[ -f $RUN_DIR/$1.started ]]; }

# pid_alive PID MATCH: PID runs and its command line contains MATCH
# (guards against signalling a recycled pid).
pid_alive() {
  [[ -n $1 && -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

# recorded_pid NAME: pid of a recorded service if it is still running.
recorded_pid() {
  local pidfile pid
  was_started_by_us "$1" || return 1
  pidfile=$(record_get "$1" pidfile)
  [[ -r $pidfile ]] || return 1
  pid=$(head -n1 "$pidfile")
  pid_alive "$pid" "$(record_get "$1" match)" && echo "$pid"
}

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# stop_recorded NAME [GRACE_SECONDS]: signal a service we started, SIGKILL after
# the grace period, then forget it. Silently does nothing for unknown names.
stop_recorded() {
  local name=$1 grace=${2:-20} pid sig
  was_started_by_us "$name" || return 0
  if pid=$(recorded_pid "$name"); then
    sig=$(record_get "$name" signal)
    log "stopping $name (pid $pid, SIG${sig:-TERM})"
    kill -s "${sig:-TERM}" "$pid" 2>/dev/null || true
    if ! wait_for "$grace" "$name to exit" pid_gone "$pid"; then
      warn "$name did not exit within ${grace}s; sending SIGKILL"
      kill -s KILL "$pid" 2>/dev/null || true
    fi
  else
    log "$name is not running any more; clearing its record"
  fi
  rm -f "$RUN_DIR/$name.started" "$RUN_DIR/$name.pid"
}

# parse_url URL: sets URL_USER URL_PASS URL_HOST URL_PORT URL_PATH
# (scheme://[user[:pass]@]host[:port][/path][?query]); empty when absent.
# shellcheck disable=SC2034 # the URL_* variables are read by the calling script
parse_url() {
  local re='^[a-zA-Z][a-zA-Z0-9+.-]*://(([^:@/]*)(:([^@/]*))?@)?([^:/?#]*)(:([0-9]+))?(/([^?#]*))?'
  [[ $1 =~ $re ]] || die "cannot parse URL: $1"
  URL_USER=${BASH_REMATCH[2]}
  URL_PASS=${BASH_REMATCH[4]}
  URL_HOST=${BASH_REMATCH[5]}
  URL_PORT=${BASH_REMATCH[7]}
  URL_PATH=${BASH_REMATCH[9]}
}
