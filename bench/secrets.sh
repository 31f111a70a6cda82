#!/usr/bin/env bash
# Issue #8's secret-scanning budget: `custody scan dir:… --scanners secret` must reach at least
# 20x the throughput of detect-secrets on the same real source tree, and over 200 MB/s per core.
#
#   usage: bench/secrets.sh [CRATES] [TREE]
#
# TREE (default: the first index under ~/.cargo/registry/src) is a directory of crates. Both
# tools scan the same copy of CRATES of them (default 30), taken at an even stride through the
# sorted list so the subset has the tree's mix of sources, docs, test vectors and data files.
# detect-secrets scans about 0.5 MB/s, so the whole 600 MB tree would take over 20 minutes;
# raise CRATES for a larger sample.
#
# Environment: CUSTODY (default target/release/custody), DETECT_SECRETS (default
# $CUSTODY_PEERS/bin/detect-secrets, CUSTODY_PEERS defaulting to .peers; scripts/setup.sh
# installs it), RUNS (custody runs, default 5; detect-secrets runs once, after one warm-up
# read of the subset). Page cache warm for both. Needs hyperfine and taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
crates=${1:-30}
tree=${2:-$(find ~/.cargo/registry/src -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)}
custody=${CUSTODY:-$PWD/target/release/custody}
peers=${CUSTODY_PEERS:-$PWD/.peers}
detect_secrets=${DETECT_SECRETS:-$peers/bin/detect-secrets}
runs=${RUNS:-5}
for tool in "$custody" "$detect_secrets"; do
  [[ -x $tool ]] || { echo "missing $tool (build custody; run scripts/setup.sh for peers)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
subset=$work/subset
mkdir "$subset"

total=$(find "$tree" -mindepth 1 -maxdepth 1 -type d | wc -l)
stride=$(( total > crates ? total / crates : 1 ))
find "$tree" -mindepth 1 -maxdepth 1 -type d | sort | awk -v s="$stride" -v n="$crates" \
  '(NR - 1) % s == 0 && taken < n { print; taken++ }' | while read -r crate; do
  cp -r "$crate" "$subset/"
done
bytes=$(find "$subset" -type f -printf '%s\n' | awk '{ sum += $1 } END { print sum }')
files=$(find "$subset" -type f | wc -l)
find "$subset" -type f -exec cat {} + >/dev/null

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -sr)"
echo "custody $("$custody" --version | awk '{print $2}'); detect-secrets $("$detect_secrets" --version)"
echo "subset: $(find "$subset" -mindepth 1 -maxdepth 1 | wc -l) of $total crates in $tree," \
  "$files files, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB"
echo

scan="$custody scan dir:$subset --scanners secret --format json"
hyperfine -N -w 1 -r "$runs" --export-json "$work/custody.json" \
  -n "custody" "$scan" \
  -n "custody (1 core)" "taskset -c 0 $scan" >/dev/null
# detect-secrets scans nothing outside the git work tree it is started in: start it inside
# the (untracked) subset.
(cd "$subset" && hyperfine -N -w 0 -r 1 --export-json "$work/detect-secrets.json" \
  -n "detect-secrets" "$detect_secrets scan --all-files ." >/dev/null)
$scan >"$work/custody-report.json"
(cd "$subset" && "$detect_secrets" scan --all-files .) >"$work/detect-secrets-report.json"

python3 - "$bytes" "$work" <<'PY'
import json, sys
size, work = int(sys.argv[1]), sys.argv[2]
results = {}
for name in ("custody", "detect-secrets"):
    for result in json.load(open(f"{work}/{name}.json"))["results"]:
        results[result["command"]] = result["mean"]
custody_findings = len(json.load(open(f"{work}/custody-report.json")).get("secrets", []))
peer_findings = sum(len(found) for found in
                    json.load(open(f"{work}/detect-secrets-report.json"))["results"].values())
findings = {"custody": custody_findings, "custody (1 core)": custody_findings,
            "detect-secrets": peer_findings}
print(f"{'tool':<18} {'time':>10} {'MB/s':>9} {'findings':>9}")
for name, mean in results.items():
    print(f"{name:<18} {mean:9.2f}s {size / 1e6 / mean:9.1f} {findings[name]:>9}")
ratio = results["detect-secrets"] / results["custody"]
print(f"\ncustody is {ratio:.0f}x detect-secrets (target: at least 20x); "
      f"{size / 1e6 / results['custody (1 core)']:.0f} MB/s on one core (target: over 200)")
PY
