#!/usr/bin/env bash
# Benchmark of issue 4: `soci convert` of an nginx + 1 GiB image from and to a loopback CNCF registry
# (docker-registry), against `skopeo copy` of the same image in the same script.
#   - the image: the generated equivalent of the lab's nginx + 1 GiB image (3 gzip layers: a base of
#     small files, an application layer, a data layer with one 1 GiB random file), pushed by skopeo;
#   - skopeo copy to a second registry: reads every byte once and writes it (the floor);
#   - soci convert in place (same repository, new tag): reads every layer byte once to index it;
#   - soci convert to the second registry: indexes and copies the layers;
#   - peak RSS of each soci convert (GNU time), and of a convert with -Xmx128m (memory flat in layer size).
# Usage: bench/convert.sh [large_file_mib=1024] [runs=3]
# Needs: docker-registry, skopeo, curl, python3, /usr/bin/time, JDK 25. MVN_OFFLINE=-o builds offline.
set -euo pipefail
MIB=${1:-1024}; RUNS=${2:-3}
root="$(cd "$(dirname "$0")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
for t in docker-registry skopeo curl python3 /usr/bin/time; do command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 1; }; done
(cd "$root" && ./mvnw -q -B ${MVN_OFFLINE:-} -DskipTests -pl bench,soci-cli -am package)
benchjar="$root/bench/target/soci4j-bench.jar"; socijar="$root/soci-cli/target/soci.jar"

work=$(mktemp -d "${TMPDIR:-/tmp}/soci4j-convert-bench.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_registry() {  # name -> sets $reg to host:port (a fresh, empty registry)
  local name=$1 port; port=$(free_port)
  cat > "$work/$name.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/$name}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YML
  docker-registry serve "$work/$name.yml" > "$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
  reg="127.0.0.1:$port"
}
start_registry a; a=$reg
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "writing the image (large file ${MIB} MiB) and pushing it to $a with skopeo" >&2
"$java" --enable-native-access=ALL-UNNAMED -cp "$benchjar" dev.soci4j.bench.SampleImageMain "$work/layout" nginx "$MIB" > "$work/image.txt"
skopeo copy -q --dest-tls-verify=false "oci:$work/layout:nginx" "docker://$a/bench/nginx:1g"
image_bytes=$(awk -F= '$1=="image_bytes"{print $2}' "$work/image.txt")
soci() { local heap=$1; shift; /usr/bin/time -f "%M" -o "$work/rss" "$java" --enable-native-access=ALL-UNNAMED "$heap" -jar "$socijar" "$@"; }
root_dir="$work/soci-root"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
skopeo_ms=(); inplace_ms=(); cross_ms=(); inplace_rss=(); cross_rss=()
# every copy goes to a new, empty registry: otherwise the second copy mounts the blobs of the first
for i in $(seq "$RUNS"); do
  start_registry "skopeo$i"; b=$reg
  t=$(now); skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$a/bench/nginx:1g" "docker://$b/copy/nginx:1g"
  skopeo_ms+=($(ms "$t" "$(now)"))
  rm -rf "$root_dir"   # no zTOC reuse between runs: every run indexes every layer
  t=$(now); soci -Xmx512m convert -q --plain-http --root "$root_dir" "$a/bench/nginx:1g" "$a/bench/nginx:1g-soci$i" > /dev/null
  inplace_ms+=($(ms "$t" "$(now)")); inplace_rss+=($(cat "$work/rss"))
  rm -rf "$root_dir"; start_registry "soci$i"; b=$reg
  t=$(now); soci -Xmx512m convert -q --plain-http --root "$root_dir" "$a/bench/nginx:1g" "$b/soci/nginx:1g-soci" > /dev/null
  cross_ms+=($(ms "$t" "$(now)")); cross_rss+=($(cat "$work/rss"))
done
rm -rf "$root_dir"
if soci -Xmx128m convert -q --plain-http --root "$root_dir" "$a/bench/nginx:1g" "$a/bench/nginx:small-heap" > /dev/null; then
  small="ok (peak RSS $(( $(cat "$work/rss") / 1024 )) MiB)"; else small="FAILED"; fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

sk=$(printf '%s\n' "${skopeo_ms[@]}" | median); ip=$(printf '%s\n' "${inplace_ms[@]}" | median); cr=$(printf '%s\n' "${cross_ms[@]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
printf '\n%-52s %s\n' "image" "$(awk -v s="$image_bytes" 'BEGIN{printf "%.1f MiB in 3 gzip layers", s/1048576}')"
printf '%-52s %7s ms\n' "skopeo copy registry A -> registry B (baseline)" "$sk"
printf '%-52s %7s ms   ratio %s (target <= 1.3)   peak RSS %s MiB\n' "soci convert A -> A (new tag; layers read once)" "$ip" "$(ratio "$ip" "$sk")" "$(( $(printf '%s\n' "${inplace_rss[@]}" | median) / 1024 ))"
printf '%-52s %7s ms   ratio %s   peak RSS %s MiB\n' "soci convert A -> B (index and copy the layers)" "$cr" "$(ratio "$cr" "$sk")" "$(( $(printf '%s\n' "${cross_rss[@]}" | median) / 1024 ))"
printf '%-52s %s\n' "soci convert with -Xmx128m" "$small"
printf '%-52s %s\n' "runs (median of)" "$RUNS"
