#!/usr/bin/env bash
# Issue #3's scan budget: `custody scan` must take at most 1.2x the time of `custody sbom` on the
# same target. Also times `db import` of every advisory in ../shared/conformance/advisories
# (budget: under 5 s) and reports the database size. No peer runs here: Grype and Trivy need
# their vendors' database downloads, which this machine cannot reach.
#
#   usage: bench/scan-vs-sbom.sh [REFERENCE_DIR]      (default ./reference)
#
# Needs the reference image (../shared/bench/make-reference-image.sh REFERENCE_DIR) and
# hyperfine. Binaries are built with the `profiling` profile; caches are cold (--no-cache).
set -euo pipefail
cd "$(dirname "$0")/.."
reference=$(cd "${1:-reference}" && pwd)
advisories=${CUSTODY_CONFORMANCE_DIR:-$PWD/../shared/conformance}/advisories
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --profile profiling --locked -q
custody=$PWD/target/profiling/custody
db=$work/vulndb.sqlite

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -sr)"
echo "custody $("$custody" --version | awk '{print $2}')"
echo

hyperfine -N -w 0 -r 3 --export-json "$work/import.json" \
  --prepare "rm -f $db" \
  -n "db import" "$custody db import $advisories --db $db -q" >/dev/null
"$custody" db import "$advisories" --db "$db" -q
python3 - "$work/import.json" "$db" <<'PY'
import json, os, sys
mean = json.load(open(sys.argv[1]))["results"][0]["mean"]
print(f"db import of all shared advisories: {mean:.2f} s, "
      f"database {os.path.getsize(sys.argv[2]) / 2**20:.1f} MiB")
PY
echo

printf '%-15s %10s %10s %8s %9s\n' target sbom scan ratio findings
for target in "rootfs:$reference/rootfs" "oci-dir:$reference/oci:1.0" "docker-archive:$reference/image.tar"; do
  name=${target%%:*}
  hyperfine -N -w 1 -r "$runs" --export-json "$work/$name.json" \
    -n sbom "$custody sbom $target --format json --no-cache -q -o /dev/null" \
    -n scan "$custody scan $target --format json --no-cache -q --db $db -o /dev/null" >/dev/null
  findings=$("$custody" scan "$target" --format json --no-cache -q --db "$db" |
    python3 -c "import json,sys; print(len(json.load(sys.stdin)['findings']))")
  python3 - "$name" "$work/$name.json" "$findings" <<'PY'
import json, sys
name, path, findings = sys.argv[1], sys.argv[2], sys.argv[3]
sbom, scan = (result["mean"] for result in json.load(open(path))["results"])
print(f"{name:<15} {sbom*1000:8.0f}ms {scan*1000:8.0f}ms {scan/sbom:7.2f}x {findings:>9}")
PY
done
