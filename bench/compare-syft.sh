#!/usr/bin/env bash
# Runs custody and Syft 1.18.1 side by side on the reference image and prints wall-time and
# peak-memory ratios, the warm-cache rescan time, and whether both find the same deb packages.
#
#   usage: bench/compare-syft.sh [REFERENCE_DIR]      (default ./reference)
#
# Needs: the reference image (../shared/bench/make-reference-image.sh REFERENCE_DIR), the peers
# venv (.peers, ../shared/bench/install-peers.sh), hyperfine, GNU time, skopeo and
# docker-registry (scripts/setup.sh installs them). Binaries are built with the `profiling`
# profile. Caches are cold for every timed custody run (--no-cache) and Syft keeps none.
set -euo pipefail
cd "$(dirname "$0")/.."
reference=$(cd "${1:-reference}" && pwd)
peers=${CUSTODY_PEERS:-$PWD/.peers}
syft=$peers/bin/syft
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'kill "${registry_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --profile profiling --locked -q
custody=$PWD/target/profiling/custody

port=${PORT:-5055}
read -r _ address _ registry_pid _ _ < <(bash ../shared/bench/start-registry.sh "$port")
image="$address/reference/app:1.0"
skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$reference/oci:1.0" "docker://$image"

export SYFT_CHECK_FOR_APP_UPDATE=false SYFT_REGISTRY_INSECURE_USE_HTTP=true
export SYFT_CACHE_DIR=$work/syft-cache

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -sr)"
echo "custody $("$custody" --version | awk '{print $2}'), syft $("$syft" version | awk '/^Version/ {print $2}')"
echo

# name | custody target | syft target
cases=(
  "rootfs|rootfs:$reference/rootfs|dir:$reference/rootfs"
  "dir|dir:$reference/rootfs|dir:$reference/rootfs"
  "oci-dir|oci-dir:$reference/oci:1.0|oci-dir:$reference/oci"
  "docker-archive|docker-archive:$reference/image.tar|docker-archive:$reference/image.tar"
  "registry|registry:$image|registry:$image"
)

peak_kib() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }

printf '%-15s %12s %12s %8s %14s %14s %8s\n' target custody syft ratio "custody RSS" "syft RSS" ratio
for case in "${cases[@]}"; do
  IFS='|' read -r name ours theirs <<<"$case"
  hyperfine -N -w 1 -r "$runs" --export-json "$work/$name.json" \
    -n custody "$custody sbom $ours --format json --no-cache --plain-http -q -o /dev/null" \
    -n syft "$syft scan $theirs -o json=/dev/null -q" >/dev/null
  read -r ours_s theirs_s < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(r[0]['mean'], r[1]['mean'])" "$work/$name.json")
  ours_rss=$(peak_kib "$custody" sbom "$ours" --format json --no-cache --plain-http -q -o /dev/null)
  theirs_rss=$(peak_kib "$syft" scan "$theirs" -o json=/dev/null -q)
  python3 - "$name" "$ours_s" "$theirs_s" "$ours_rss" "$theirs_rss" <<'PY'
import sys
name, ours, theirs, ours_rss, theirs_rss = sys.argv[1], *map(float, sys.argv[2:])
print(f"{name:<15} {ours*1000:10.0f}ms {theirs*1000:10.0f}ms {theirs/ours:7.1f}x "
      f"{ours_rss/1024:12.0f}MiB {theirs_rss/1024:12.0f}MiB {theirs_rss/ours_rss:7.1f}x")
PY
done

echo
cache=$work/custody-cache
"$custody" sbom "registry:$image" --plain-http -q --cache-dir "$cache" -o /dev/null
hyperfine -N -w 2 -r 20 --export-json "$work/warm.json" \
  "$custody sbom registry:$image --plain-http -q --cache-dir $cache --format json -o /dev/null" >/dev/null
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"warm-cache registry rescan: {r['mean']*1000:.1f} ms mean, {r['max']*1000:.1f} ms max\")" "$work/warm.json"

echo
"$custody" sbom "oci-dir:$reference/oci:1.0" --format json -q --no-cache -o "$work/custody.json"
"$syft" scan "oci-dir:$reference/oci" -o "json=$work/syft.json" -q
python3 - "$work/custody.json" "$work/syft.json" <<'PY'
import json, sys
ours = {(p["name"], p["version"], p.get("arch"))
        for p in json.load(open(sys.argv[1]))["packages"] if p["ecosystem"] == "deb"}
theirs = {(a["name"], a["version"], a.get("metadata", {}).get("architecture"))
          for a in json.load(open(sys.argv[2]))["artifacts"] if a["type"] == "deb"}
print(f"deb packages: custody {len(ours)}, syft {len(theirs)}, common {len(ours & theirs)}")
for label, diff in (("only custody", ours - theirs), ("only syft", theirs - ours)):
    for item in sorted(diff, key=str):
        print(f"  {label}: {item}")
print("same deb package set (name, version, architecture):", ours == theirs)
PY
