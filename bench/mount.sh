#!/usr/bin/env bash
# Benchmark of issue 6 (item 8): `soci mount` of the lab's nginx + 1 GiB image (../shared/lab/nginx-image:
# debootstrap bookworm + nginx + a 1 GiB random file, 3 gzip layers; built once into $LAB, default
# /tmp/soci-lab; IMAGE=generated uses soci4j's generated equivalent instead) from a loopback registry
# throttled to 50 MB/s with tc (as ../shared/lab/throttle.sh: HTB on lo, only traffic from the
# registry's port), against a full download + unpack of the same image in the same script.
#   (a) lazy: time from `soci mount` (background fetch off) until every file nginx opens at start-up
#       (listed once with strace) and its index.html have been read with cat; bytes fetched then;
#   (b) full: skopeo copy of the image to an OCI dir, then tar -xzf of every layer; time and bytes;
#   (c) background fetch on: time until the lazy layers are fully local, against bytes / link rate;
#       then a sequential read of the fully cached 1 GiB file through the mount.
# "Fully local" is when the lazy layers' bytes_fetched stops growing (the stats file is rewritten
# every second, so that time is known to about a second).
# Usage: [IMAGE=lab|generated] bench/mount.sh [large_file_mib=1024] [rate=400mbit]   (400mbit = 50 MB/s)
# Needs: root, /dev/fuse, tc (iproute2), docker-registry, skopeo, curl, python3, JDK 25.
# soci runs through bin/soci, as users run it: with the JVM start-up (AOT) cache that the launcher
# records once per build, here at the untimed convert step (SOCI_AOT=off measures without it).
# BENCH_JAR uses a prebuilt bench jar; otherwise it builds (MVN_OFFLINE=-o builds offline).
set -euo pipefail
MIB=${1:-1024}; RATE=${2:-400mbit}; IMAGE=${IMAGE:-lab}
root="$(cd "$(dirname "$0")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
[ "$(id -u)" = 0 ] || { echo "needs root (mount(2), tc)" >&2; exit 1; }
[ -e /dev/fuse ] || { echo "needs /dev/fuse" >&2; exit 1; }
for t in tc docker-registry skopeo curl python3 tar; do command -v "$t" >/dev/null || { echo "needs $t${t/tc/ (iproute2)}" >&2; exit 1; }; done
if [ -z "${BENCH_JAR:-}" ]; then
  (cd "$root" && ./mvnw -q -B ${MVN_OFFLINE:-} -DskipTests -pl bench,soci-cli -am package)
fi
benchjar="${BENCH_JAR:-$root/bench/target/soci4j-bench.jar}"
rate_bytes=$(python3 -c "import re,sys; m=re.fullmatch(r'(\d+)(k|m|g)bit','$RATE'); print(int(m[1])*{'k':1e3,'m':1e6,'g':1e9}[m[2]]/8)" | cut -d. -f1)

work=$(mktemp -d "${TMPDIR:-/tmp}/soci4j-mount-bench.XXXXXX")
mnt="$work/mnt"; state="$work/state"; mkdir -p "$mnt"
pids=()
cleanup() {
  tc qdisc del dev lo root 2>/dev/null || true
  if mountpoint -q "$mnt"; then java_soci umount --state-dir "$state" "$mnt" >/dev/null 2>&1 || umount -l "$mnt" || true; fi
  for m in $(awk -v w="$work" '$2 ~ "^"w {print $2}' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null || true; done
  kill "${pids[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
java_soci() { "$root/bin/soci" "$@"; }
soci_mount() { java_soci mount --plain-http --state-dir "$state" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
reg="127.0.0.1:$port"
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
lab_oci="${LAB:-/tmp/soci-lab}/nginx-image/oci"
if [ "$IMAGE" = lab ]; then
  if [ ! -f "$lab_oci/index.json" ]; then
    echo "building the lab image (../shared/lab/nginx-image: debootstrap bookworm + nginx + ${MIB} MiB file; about a minute)" >&2
    command -v debootstrap >/dev/null && command -v umoci >/dev/null && command -v rsync >/dev/null \
      || { echo "the lab image needs debootstrap, umoci and rsync (apt-get install debootstrap umoci rsync), or IMAGE=generated" >&2; exit 1; }
    lab_src="$root/../shared/lab/nginx-image"
    [ -d "$lab_src" ] || { echo "no lab scripts at $lab_src; use IMAGE=generated" >&2; exit 1; }
    (export LAB="${LAB:-/tmp/soci-lab}" SIZE_MB="$MIB"; bash "$lab_src/01-debootstrap.sh" && bash "$lab_src/02-build-oci.sh") > "$work/lab-build.log" 2>&1 \
      || { echo "lab image build failed; see $work/lab-build.log" >&2; tail -5 "$work/lab-build.log" >&2; exit 1; }
  fi
  # every file nginx opens from the image when it starts (strace -f -e trace=open,openat of
  # `nginx -g 'daemon off;'` in the lab rootfs; symlinks resolved inside the image)
  startup=(usr/sbin/nginx etc/ld.so.cache usr/lib/x86_64-linux-gnu/libc.so.6 usr/lib/x86_64-linux-gnu/libcrypt.so.1
    usr/lib/x86_64-linux-gnu/libcrypto.so.3 usr/lib/x86_64-linux-gnu/libpcre2-8.so.0 usr/lib/x86_64-linux-gnu/libssl.so.3
    usr/lib/x86_64-linux-gnu/libz.so.1 usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache etc/nsswitch.conf etc/passwd
    etc/group usr/share/zoneinfo/Etc/UTC etc/nginx/nginx.conf etc/nginx/mime.types etc/nginx/sites-available/default
    usr/lib/locale/C.utf8/LC_CTYPE usr/lib/locale/C.utf8/LC_COLLATE usr/lib/locale/C.utf8/LC_NUMERIC usr/lib/locale/C.utf8/LC_TIME
    usr/lib/locale/C.utf8/LC_MONETARY usr/lib/locale/C.utf8/LC_MESSAGES/SYS_LC_MESSAGES usr/lib/locale/C.utf8/LC_PAPER
    usr/lib/locale/C.utf8/LC_NAME usr/lib/locale/C.utf8/LC_ADDRESS usr/lib/locale/C.utf8/LC_TELEPHONE
    usr/lib/locale/C.utf8/LC_MEASUREMENT usr/lib/locale/C.utf8/LC_IDENTIFICATION)
  large=usr/share/nginx/html/random-1g.bin
else
  startup=(usr/sbin/nginx usr/lib/libssl.so.3 etc/nginx/nginx.conf etc/nginx/mime.types)
  large=usr/share/nginx/html/random.bin
fi

echo "image: $IMAGE (large file ${MIB} MiB); pushing it to $reg, converting it (unthrottled)" >&2
if [ "$IMAGE" = lab ]; then
  skopeo copy -q --dest-tls-verify=false "oci:$lab_oci:nginx-1g" "docker://$reg/bench/nginx:1g"
  image_bytes=$(python3 - "$lab_oci" <<'PY'
import json, sys
d = sys.argv[1]
idx = json.load(open(f"{d}/index.json"))
ref = [m for m in idx["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "nginx-1g"][0]
m = json.load(open(f"{d}/blobs/" + ref["digest"].replace(":", "/")))
print(sum(l["size"] for l in m["layers"]))
PY
)
else
  "$java" --enable-native-access=ALL-UNNAMED -cp "$benchjar" dev.soci4j.bench.SampleImageMain "$work/layout" nginx "$MIB" > "$work/image.txt"
  skopeo copy -q --dest-tls-verify=false "oci:$work/layout:nginx" "docker://$reg/bench/nginx:1g"
  rm -rf "$work/layout"
  image_bytes=$(awk -F= '$1=="image_bytes"{print $2}' "$work/image.txt")
fi
java_soci convert -q --plain-http --root "$work/soci-root" "$reg/bench/nginx:1g" "$reg/bench/nginx:1g-soci" > /dev/null
image="$reg/bench/nginx:1g-soci"

throttle() {  # shape registry -> client traffic on lo to $RATE
  tc qdisc del dev lo root 2>/dev/null || true
  tc qdisc add dev lo root handle 1: htb
  tc class add dev lo parent 1: classid 1:10 htb rate "$RATE" ceil "$RATE" burst 256k cburst 256k quantum 60000
  tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip sport "$port" 0xffff flowid 1:10
}
# sums a stats column over the lazy layers (lazy=true) or all layers
stat_sum() { awk -v k="$1" -v only="${2:-}" '{for(i=1;i<=NF;i++){split($i,kv,"="); f[kv[1]]=kv[2]} if(only==""||f["lazy"]=="true") s+=f[k]} END{print s+0}' "$state"/*/stats.txt; }
sync_stats() { sleep 1.5; }  # the mount rewrites its stats file every second
unmount() { java_soci umount --state-dir "$state" "$mnt" > /dev/null; for _ in $(seq 100); do mountpoint -q "$mnt" || break; sleep 0.1; done; rm -rf "$state"; }
throttle
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# (a) lazy: mount, then read the start-up files
echo "(a) soci mount + reading the start-up files" >&2
# a foreground mount started in the background (one JVM start; --detach would add a second one),
# polled every 10 ms until the overlay is there, as a runtime waiting on its snapshotter would
t0=$(now)
soci_mount --background-fetch off "$image" "$mnt" > "$work/mount-a.log" 2>&1 &
mount_pid=$!
for _ in $(seq 6000); do mountpoint -q "$mnt" && break; kill -0 "$mount_pid" 2>/dev/null || break; sleep 0.01; done
mountpoint -q "$mnt" || { echo "mount failed: $(cat "$work/mount-a.log")" >&2; exit 1; }
t_mounted=$(now)
for f in "${startup[@]}"; do cat "$mnt/$f" > /dev/null; done
t_read=$(now)
sync_stats
lazy_ms=$(ms "$t0" "$t_read"); mount_ms=$(ms "$t0" "$t_mounted")
lazy_bytes=$(stat_sum bytes_fetched)
ztoc_bytes=$(stat_sum ztoc_bytes)
# the first request: the page nginx serves (not opened at start-up; read after, and counted apart)
t_page0=$(now); cat "$mnt/usr/share/nginx/html/index.html" > /dev/null; page_ms=$(ms "$t_page0" "$(now)")
sync_stats
page_bytes=$(( $(stat_sum bytes_fetched) - lazy_bytes ))
unmount

# (b) full download + unpack
echo "(b) skopeo copy + tar -xzf of every layer" >&2
t0=$(now)
skopeo copy -q --src-tls-verify=false "docker://$reg/bench/nginx:1g" "oci:$work/pull:img"
mkdir -p "$work/rootfs"
layers=$(python3 - "$work/pull" <<'PY'
import json, sys
d = sys.argv[1]
idx = json.load(open(f"{d}/index.json"))
m = json.load(open(f"{d}/blobs/" + idx["manifests"][0]["digest"].replace(":", "/")))
for l in m["layers"]:
    print(f"{d}/blobs/" + l["digest"].replace(":", "/"), l["size"])
PY
)
full_bytes=0
while read -r blob size; do tar -xzf "$blob" -C "$work/rootfs"; full_bytes=$((full_bytes + size)); done <<< "$layers"
full_ms=$(ms "$t0" "$(now)")
rm -rf "$work/pull" "$work/rootfs"

# (c) background fetch on: time until the lazy layers are fully local
echo "(c) soci mount with background fetch until fully local" >&2
t0=$(now)
soci_mount --detach "$image" "$mnt" > /dev/null
last=-1; t_last=$t0; stable_since=$(now)
while true; do
  b=$(stat_sum bytes_fetched true)
  if [ "$b" != "$last" ]; then last=$b; t_last=$(now); stable_since=$t_last
  elif [ $(( ($(now) - stable_since) / 1000000 )) -ge 4000 ]; then break; fi
  sleep 0.2
done
bg_ms=$(ms "$t0" "$t_last"); bg_bytes=$last
all_bytes=$(stat_sum bytes_fetched)
tc qdisc del dev lo root 2>/dev/null || true
sync
large_bytes=$(stat -c %s "$mnt/$large")
t0=$(now); dd if="$mnt/$large" of=/dev/null bs=1M status=none; seq_ms=$(ms "$t0" "$(now)")
fetched_during_read=$(( $(sync_stats; stat_sum bytes_fetched) - all_bytes ))
unmount
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.4f", a/b}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f%%", 100*a/b}'; }
mbs() { awk -v b="$1" -v ms="$2" 'BEGIN{printf "%.1f", b/1e6/(ms/1000)}'; }
link_ms=$(awk -v b="$bg_bytes" -v r="$rate_bytes" 'BEGIN{printf "%d", 1000*b/r}')
printf '\n%-58s %s\n' "image (compressed)" "$image_bytes bytes ($(awk -v s="$image_bytes" 'BEGIN{printf "%.1f MiB", s/1048576}')), link $RATE = $(mbs "$rate_bytes" 1000) MB/s"
printf '%-58s %s\n' "image" "$([ "$IMAGE" = lab ] && echo "the lab's nginx + ${MIB} MiB (debootstrap bookworm, 3 gzip layers)" || echo "generated nginx + ${MIB} MiB equivalent"); ${#startup[@]} start-up files"
printf '%-58s %s\n' "JVM start-up (AOT) cache of bin/soci" "${SOCI_AOT:-on}"
printf '%-58s %9s ms   (mount itself: %s ms)\n' "(a) soci mount -> start-up files read" "$lazy_ms" "$mount_ms"
printf '%-58s %9s bytes   (span bytes; the zTOCs fetched at mount add %s)\n' "(a) bytes fetched by then" "$lazy_bytes" "$ztoc_bytes"
printf '%-58s %9s ms, %s bytes more\n' "(a) then the first request's page (index.html)" "$page_ms" "$page_bytes"
printf '%-58s %9s ms\n' "(b) full download + unpack (skopeo copy + tar -xzf)" "$full_ms"
printf '%-58s %9s bytes\n' "(b) bytes fetched" "$full_bytes"
printf '%-58s %9s   (target <= 5%%)\n' "lazy / full time" "$(pct "$lazy_ms" "$full_ms")"
printf '%-58s %9s   (target <= 2%%)\n' "bytes before the files were read / image size" "$(pct "$lazy_bytes" "$image_bytes")"
printf '%-58s %9s ms   for %s bytes of lazy layers (link limit %s ms)\n' "(c) mount -> fully local, background fetch" "$bg_ms" "$bg_bytes" "$link_ms"
printf '%-58s %9s MB/s = %s of the link   (target >= 80%%)\n' "(c) background throughput" "$(mbs "$bg_bytes" "$bg_ms")" "$(pct "$link_ms" "$bg_ms")"
printf '%-58s %9s MB/s   (%s bytes in %s ms; fetched meanwhile: %s bytes; target >= 500)\n' "sequential read of the cached large file through the mount" "$(mbs "$large_bytes" "$seq_ms")" "$large_bytes" "$seq_ms" "$fetched_during_read"
