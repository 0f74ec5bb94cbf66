#!/usr/bin/env bash
# Benchmark of issue 3: blob pull and 4 MiB Range reads from a loopback CNCF registry (docker-registry),
# soci4j against curl of the same blob and ranges, both measured in this run; prints the ratios.
#   - pull: the whole blob to a file; soci4j also verifies size and sha256 (curl does not; the
#     "curl | sha256sum" line shows what verifying costs a shell pipeline);
#   - stream: soci4j's openBlob read to the end (verified, no file), as the SOCI index builder reads;
#   - range: 4 MiB at random offsets, median of many after a warm-up (curl pays a process start per read).
# Usage: bench/registry-pull.sh [size_mib=1024] [pull_runs=5] [range_reads=100]
# Needs: docker-registry, curl, python3, JDK 25 (JAVA_HOME). Set MVN_OFFLINE=-o to build offline.
set -euo pipefail
SIZE_MIB=${1:-1024}; RUNS=${2:-5}; RANGES=${3:-100}; SEED=${SOCI4J_SEED:-20240601}
root="$(cd "$(dirname "$0")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
command -v docker-registry >/dev/null || { echo "needs docker-registry (apt-get install docker-registry)" >&2; exit 1; }
(cd "$root" && ./mvnw -q -B ${MVN_OFFLINE:-} -DskipTests -pl bench -am package)
benchjar="$root/bench/target/soci4j-bench.jar"

work=$(mktemp -d "${TMPDIR:-/tmp}/soci4j-registry-bench.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
reg=127.0.0.1:$port; repo=bench/blob
cat > "$work/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: $reg}
YML
docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://$reg/v2/" >/dev/null && break; sleep 0.1; done

echo "generating a ${SIZE_MIB} MiB blob (seed $SEED) and pushing it with curl" >&2
python3 - "$work/blob" "$SIZE_MIB" "$SEED" <<'PY'
import random, sys
r = random.Random(int(sys.argv[3])); n = int(sys.argv[2])
with open(sys.argv[1], "wb") as f:
    for _ in range(n): f.write(r.randbytes(1 << 20))
PY
digest=sha256:$(sha256sum "$work/blob" | cut -d' ' -f1); size=$(stat -c %s "$work/blob")
loc=$(curl -sf -X POST -D - -o /dev/null "http://$reg/v2/$repo/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
case "$loc" in http*) ;; *) loc="http://$reg$loc";; esac
sep='?'; [[ "$loc" == *\?* ]] && sep='&'
curl -sf -X PUT -H "Content-Type: application/octet-stream" -T "$work/blob" "${loc}${sep}digest=$digest" >/dev/null
rm -f "$work/blob"
url="http://$reg/v2/$repo/blobs/$digest"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "curl: warm-up, $RUNS pulls, $RUNS pulls piped to sha256sum, $RANGES range reads" >&2
curl -sf -o /dev/null "$url"
: > "$work/curl.txt"
for _ in $(seq "$RUNS"); do
  rm -f "$work/out.curl"
  echo "pull $(curl -sf -o "$work/out.curl" -w '%{time_total}' "$url")" >> "$work/curl.txt"
done
rm -f "$work/out.curl"
for _ in $(seq "$RUNS"); do
  t0=$(date +%s%N); curl -sf "$url" | sha256sum > /dev/null; t1=$(date +%s%N)
  echo "pullsha $(( t1 - t0 ))e-9" >> "$work/curl.txt"
done
python3 - "$size" "$RANGES" "$SEED" > "$work/offsets" <<'PY'
import random, sys
r = random.Random(int(sys.argv[3]) + 1); size = int(sys.argv[1]); n = 4 << 20
for _ in range(int(sys.argv[2])): print(r.randrange(0, size - n))
PY
while read -r off; do curl -sf -r "$off-$((off + 4194303))" -o /dev/null "$url"; done < <(head -20 "$work/offsets")
while read -r off; do
  echo "range $(curl -sf -r "$off-$((off + 4194303))" -o /dev/null -w '%{time_total}' "$url")" >> "$work/curl.txt"
done < "$work/offsets"

echo "soci4j: warm-up, $RUNS pulls (digest-verified), $RUNS streamed reads, $RANGES range reads" >&2
"$java" -cp "$benchjar" dev.soci4j.bench.RegistryPullBench \
  "$reg" "$repo" "$digest" "$size" "$work/out.java" "$RUNS" "$RANGES" "$SEED" > "$work/java.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$size" "$work/java.txt" "$work/curl.txt" <<'PY'
import statistics, sys
size = int(sys.argv[1]); mib = size / 2**20
def load(path):
    d = {}
    for line in open(path):
        k, v = line.split()
        d.setdefault(k, []).append(float(v))
    return d
j, c = load(sys.argv[2]), load(sys.argv[3])
med = statistics.median
cp, cs, jp, js = med(c["pull"]), med(c["pullsha"]), med(j["pull"]), med(j["stream"])
print(f"blob {mib:.0f} MiB, medians of {len(j['pull'])}:")
print(f"  curl -o file               {cp:7.3f} s  {mib/cp:6.0f} MiB/s")
print(f"  curl | sha256sum           {cs:7.3f} s  {mib/cs:6.0f} MiB/s")
print(f"  soci4j pullBlob (verified) {jp:7.3f} s  {mib/jp:6.0f} MiB/s   throughput ratio to curl -o: {cp/jp:.2f}  (target >= 0.90; best {min(c['pull'])/min(j['pull']):.2f})")
print(f"  soci4j openBlob (verified) {js:7.3f} s  {mib/js:6.0f} MiB/s   throughput ratio to curl -o: {cp/js:.2f}")
cr = [v * 1000 for v in c["range"]]; jr = j["range"]
q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
print(f"range 4 MiB, {len(jr)} reads after warm-up: median / p90")
print(f"  curl (process per read)    {med(cr):7.2f} / {q(cr, .9):.2f} ms")
print(f"  soci4j readBlobRange       {med(jr):7.2f} / {q(jr, .9):.2f} ms   (target median < 5 ms)")
PY
