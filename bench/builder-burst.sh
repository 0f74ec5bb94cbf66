#!/usr/bin/env bash
# Benchmark of issue 5: a burst of push events at the index builder service (soci-builder, embedded
# journal queue) for a loopback CNCF registry (docker-registry): 200 events for 20 distinct images
# (each digest pushed 10 times: duplicates must build once), one event per request as distribution
# sends them, 16 concurrent senders. Prints the time until all 20 images are indexed (their -soci tags
# exist) and the accepted-event (202) latency p50/p99.
# Usage: bench/builder-burst.sh [events=200] [images=20] [concurrency=16] [layer_kib=1024] [workers=2]
# Needs: docker-registry, curl, python3, JDK 25. MVN_OFFLINE=-o builds offline.
set -euo pipefail
EVENTS=${1:-200}; IMAGES=${2:-20}; CONC=${3:-16}; KIB=${4:-1024}; WORKERS=${5:-2}
root="$(cd "$(dirname "$0")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
for t in docker-registry curl python3; do command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 1; }; done
(cd "$root" && ./mvnw -q -B ${MVN_OFFLINE:-} -DskipTests -pl bench -am package)
benchjar="$root/bench/target/soci4j-bench.jar"

work=$(mktemp -d "${TMPDIR:-/tmp}/soci4j-builder-bench.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$java" --enable-native-access=ALL-UNNAMED -cp "$benchjar" dev.soci4j.bench.BuilderBurstBench "127.0.0.1:$port" "$work" "$EVENTS" "$IMAGES" "$CONC" "$KIB" "$WORKERS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
