#!/usr/bin/env bash
# Blob pull and Range read throughput of soci4j vs curl against a loopback CNCF registry.
# Usage: soci-oci/bench/registry-pull.sh [size_mib=1024] [pull_runs=3] [range_reads=50]
# Needs: docker-registry, curl, python3, JDK 25 (JAVA_HOME), soci-oci compiled (./mvnw -pl soci-oci package -DskipTests).
set -euo pipefail
SIZE_MIB=${1:-1024}; RUNS=${2:-3}; RANGES=${3:-50}; SEED=${SOCI4J_SEED:-20240601}
HERE=$(cd "$(dirname "$0")" && pwd); MODULE=$(dirname "$HERE"); ROOT=$(dirname "$MODULE")
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
WORK=$(mktemp -d /tmp/soci4j-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REG=127.0.0.1:$PORT; REPO=bench/blob
cat > "$WORK/config.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $WORK/storage}}
http: {addr: $REG}
YML
docker-registry serve "$WORK/config.yml" > "$WORK/registry.log" 2>&1 &
REG_PID=$!
trap 'kill $REG_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://$REG/v2/" >/dev/null && break; sleep 0.1; done

echo "generating ${SIZE_MIB} MiB blob (seed $SEED)"
python3 - "$WORK/blob" "$SIZE_MIB" "$SEED" <<'PY'
import random, sys
r = random.Random(int(sys.argv[3])); n = int(sys.argv[2])
with open(sys.argv[1], "wb") as f:
    for _ in range(n): f.write(r.randbytes(1 << 20))
PY
DIGEST=sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1); SIZE=$(stat -c %s "$WORK/blob")
LOC=$(curl -sf -X POST -D - -o /dev/null "http://$REG/v2/$REPO/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
case "$LOC" in http*) ;; *) LOC="http://$REG$LOC";; esac
SEP='?'; [[ "$LOC" == *\?* ]] && SEP='&'
curl -sf -X PUT -H "Content-Type: application/octet-stream" -T "$WORK/blob" "${LOC}${SEP}digest=$DIGEST" >/dev/null
rm -f "$WORK/blob"

CP=$(cd "$ROOT" && ./mvnw -q -B -pl soci-oci dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
CP="$MODULE/target/classes:$CP"

echo "curl: $RUNS pulls"
CURL_PULLS=()
for _ in $(seq "$RUNS"); do
  rm -f "$WORK/out.curl"
  t=$(curl -sf -o "$WORK/out.curl" -w '%{time_total}' "http://$REG/v2/$REPO/blobs/$DIGEST"); CURL_PULLS+=("$t")
done
rm -f "$WORK/out.curl"
CURL_RANGES=()
python3 - "$SIZE" "$RANGES" "$SEED" > "$WORK/offsets" <<'PY'
import random, sys
r = random.Random(int(sys.argv[3]) + 1); size = int(sys.argv[1]); n = 4 << 20
for _ in range(int(sys.argv[2])): print(r.randrange(0, size - n))
PY
curl -sf -r 0-0 -o /dev/null "http://$REG/v2/$REPO/blobs/$DIGEST"
while read -r off; do
  t=$(curl -sf -r "$off-$((off + 4194303))" -o /dev/null -w '%{time_total}' "http://$REG/v2/$REPO/blobs/$DIGEST"); CURL_RANGES+=("$t")
done < "$WORK/offsets"

echo "soci4j: $RUNS pulls (each digest-verified), $RANGES range reads"
"$JAVA" -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$HERE/RegistryPullBench.java" \
  "$REG" "$REPO" "$DIGEST" "$SIZE" "$WORK/out.java" "$RUNS" "$RANGES" "$SEED" > "$WORK/java.txt"

python3 - "$SIZE" "$WORK/java.txt" "${CURL_PULLS[*]}" "${CURL_RANGES[*]}" <<'PY'
import statistics, sys
size = int(sys.argv[1])
java = [l.split() for l in open(sys.argv[2])]
jp = [float(v) for k, v in java if k == "pull"]; jr = [float(v) for k, v in java if k == "range"]
cp = [float(v) for v in sys.argv[3].split()]; cr = [float(v) * 1000 for v in sys.argv[4].split()]
mib = size / 2**20
bp, bc = min(jp), min(cp)
print(f"blob pull  {mib:.0f} MiB  best of {len(jp)}: soci4j {bp:.3f} s ({mib/bp:.0f} MiB/s)  curl {bc:.3f} s ({mib/bc:.0f} MiB/s)  throughput ratio soci4j/curl = {bc/bp:.2f}")
print(f"           medians: soci4j {statistics.median(jp):.3f} s  curl {statistics.median(cp):.3f} s")
print(f"range 4 MiB median of {len(jr)}: soci4j {statistics.median(jr):.2f} ms  curl {statistics.median(cr):.2f} ms  ratio curl/soci4j = {statistics.median(cr)/statistics.median(jr):.2f}")
PY
