#!/usr/bin/env bash
# Benchmark of issue 2: zTOC build of a >= 500 MB tar.gz of mixed content, as ratios against plain
# decompression of the same layer measured in the same run:
#   - in one JVM: bare inflate pass through the same zlib binding, the JDK's GZIPInputStream drain,
#     the zTOC build; cold random 4 KiB reads through the zTOC; peak heap of a build;
#   - end to end (JVM start included): `soci ztoc build` against `pigz -dc > /dev/null`;
#   - heap flat in the layer size: the same build with -Xmx64m.
# Usage: bench/ztoc-build.sh [WORKDIR]   (the layer is made once from /usr and kept in WORKDIR)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-${TMPDIR:-/tmp}/soci4j-bench}"
mkdir -p "$work"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
layer="$work/mixed.tar.gz"
runs="${RUNS:-3}"

command -v pigz >/dev/null || { echo "needs pigz (apt-get install pigz)" >&2; exit 1; }
if [[ ! -s "$layer" ]]; then
  echo "making the layer: tar of /usr/lib/jvm, /usr/lib/x86_64-linux-gnu, /usr/share, /usr/bin | pigz -6" >&2
  tar -C / -cf - --warning=none usr/lib/jvm usr/lib/x86_64-linux-gnu usr/share usr/bin 2>/dev/null \
    | pigz -6 > "$layer.tmp" || true
  mv "$layer.tmp" "$layer"
fi
size=$(stat -c %s "$layer")
(( size >= 500000000 )) || { echo "layer is only $size bytes; need >= 500 MB" >&2; exit 1; }

# offline by default (MVN_OFFLINE=0 to allow downloads): a benchmark should not wait on the network
(cd "$root" && ./mvnw -q -B $([[ "${MVN_OFFLINE:-1}" == 1 ]] && echo -o) -DskipTests -pl bench,soci-cli -am package)
benchjar="$root/bench/target/soci4j-bench.jar"
soci() { "$java" --enable-native-access=ALL-UNNAMED "$@"; }   # the CLI jar directly: JVM start, no build check
cat "$layer" > /dev/null   # page cache warm for everyone

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)
echo "== in-process (median of $runs runs after a warm-up); load average $load_start ==" >&2
"$java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$benchjar" dev.soci4j.bench.ZtocBench "$layer" "$runs" 200 \
  | tee "$work/inprocess.txt"

echo "== end to end, JVM start included (median of $runs) ==" >&2
pigz_ns=(); soci_ns=()
for i in $(seq "$runs"); do
  t=$(now); pigz -dc "$layer" > /dev/null; pigz_ns+=($(( $(now) - t )))
  t=$(now); soci -Xmx256m -jar "$root/soci-cli/target/soci.jar" ztoc build "$layer" -o "$work/mixed.ztoc" > /dev/null
  soci_ns+=($(( $(now) - t )))
done
pigz_med=$(printf '%s\n' "${pigz_ns[@]}" | median)
soci_med=$(printf '%s\n' "${soci_ns[@]}" | median)

echo "== heap flat in layer size: the same build with -Xmx64m ==" >&2
if soci -Xmx64m -jar "$root/soci-cli/target/soci.jar" ztoc build "$layer" -o "$work/mixed-64m.ztoc" > /dev/null \
   && cmp -s "$work/mixed.ztoc" "$work/mixed-64m.ztoc"; then small_heap="ok (identical zTOC)"; else small_heap="FAILED"; fi

load_end=$(load)
get() { awk -F= -v k="$1" '$1==k {print $2}' "$work/inprocess.txt"; }
printf '\n%-44s %s\n' "layer" "$(awk -v s="$size" -v u="$(get uncompressed_bytes)" 'BEGIN{printf "%.1f MB gzip, %.1f MB tar", s/1e6, u/1e6}')"
printf '%-44s %s files, %s spans\n' "zTOC" "$(get files)" "$(get spans)"
printf '%-44s %8s ms\n' "bare inflate, same zlib binding (baseline)" "$(get bare_inflate_ms)"
printf '%-44s %8s ms   ratio %s (target <= 1.10)\n' "zTOC build (checkpoints+tar scan+digests)" "$(get ztoc_build_ms)" "$(get build_over_bare)"
printf '%-44s %8s ms   ratio %s (JDK zlib gap)\n' "JDK GZIPInputStream drain" "$(get gzipinputstream_ms)" "$(get gzipinputstream_over_bare)"
printf '%-44s %8.0f ms\n' "pigz -dc > /dev/null" "$(echo "$pigz_med / 1000000" | bc -l)"
printf '%-44s %8.0f ms   ratio to pigz %s (target < 1)\n' "soci ztoc build, JVM start included" \
  "$(echo "$soci_med / 1000000" | bc -l)" "$(echo "scale=3; $soci_med / $pigz_med" | bc -l)"
printf '%-44s median %s ms, p99 %s ms\n' "cold random 4 KiB read through the zTOC" "$(get cold_read_4k_median_ms)" "$(get cold_read_4k_p99_ms)"
printf '%-44s %s MiB (before: %s MiB)\n' "peak heap during a build" "$(get heap_peak_during_build_mib)" "$(get heap_before_build_mib)"
printf '%-44s %s\n' "build with -Xmx64m" "$small_heap"
printf '%-44s %s at start, %s at end (%s cores)\n' "load average (1/5/15 min)" "$load_start" "$load_end" "$(nproc)"
busy=$(awk -v a="${load_start%% *}" -v b="${load_end%% *}" 'BEGIN{print (a > 0.5 || b > 1.5) ? 1 : 0}')
(( busy == 0 )) || echo "WARNING: the machine was busy; ratios are comparable within this run only, absolute times are not" >&2
