#!/usr/bin/env bash
# Assemble Kafka's runtime classpath from Maven Central (no Kafka tarball needed).
# Prints the libs directory on stdout. The cache lives outside the repository and is
# reused across checkouts; a marker holding the pom's checksum makes re-runs a no-op.
#
# Env: KAFKA_HOME_CACHE  cache dir (default ${XDG_CACHE_HOME:-~/.cache}/trading-analytics/kafka-<version>)
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

pom="$INFRA_DIR/kafka/pom.xml"
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")
[[ -n $version ]] || die "cannot read <kafka.version> from $pom"
cache="${KAFKA_HOME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trading-analytics/kafka-$version}"
libs="$cache/libs"
marker="$cache/.complete"
want=$(sha256sum "$pom" | cut -d' ' -f1)

if [[ ! -f $marker || $(cat "$marker") != "$want" ]]; then
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  log "fetching Kafka $version jars from Maven Central into $libs"
  rm -rf "$libs" "$marker" # a changed pom must not leave stale jars on the classpath
  mkdir -p "$cache"
  # mvn -q still emits stray ANSI resets on Maven 3.8; keep its output for failures only.
  mvn -q -B -f "$pom" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >"$cache/mvn.log" 2>&1 ||
    { tail -n 40 "$cache/mvn.log" >&2; die "mvn dependency:copy-dependencies failed"; }
  [[ -f $libs/kafka_2.13-$version.jar ]] || die "kafka_2.13-$version.jar missing after fetch"
  echo "$want" >"$marker"
fi
echo "$libs"
