#!/usr/bin/env bash
# Issue #8's misconfiguration budget: `custody scan dir:… --scanners misconfig` must be at least
# 20x faster than Checkov (`--framework kubernetes --skip-download`) on the same manifests, with
# a table of which Checkov checks have a custody equivalent and whether their verdicts agree.
#
#   usage: bench/misconfig.sh
#
# Two inputs, each copied flat into a temp dir so both tools see the same files:
# - pss: the Pod Security Standards fixtures of the latest version in the conformance corpus
#   (baseline and restricted, pass and fail: one Pod per file);
# - kyverno: every resource file named by a kyverno-test.yaml of the Kyverno corpus
#   (Deployments, CronJobs, Services, Ingresses, RBAC, ...), duplicates by content dropped.
#
# (a) times both tools with hyperfine (page cache warm) and prints the ratio of the means;
# (b) runs each once and, per Checkov check with a custody equivalent (the MAPPING table below,
#     which BENCHMARKS.md "Misconfiguration scanning" documents), counts the objects each flags
#     among those Checkov evaluated and how many verdicts agree (custody run with
#     --pss-level privileged, so each CKS check speaks for itself). VERBOSE=1 lists
#     disagreements.
#
# Environment: CUSTODY (default target/release/custody), CHECKOV (default
# $CUSTODY_PEERS/bin/checkov, CUSTODY_PEERS defaulting to .peers; scripts/setup.sh installs it),
# CUSTODY_CONFORMANCE_DIR (default ../shared/conformance), RUNS (custody runs, default 10) and
# CHECKOV_RUNS (default 3: Checkov takes minutes on the kyverno input). Needs hyperfine and
# PyYAML (Checkov's venv has it; else the system python3's).
set -euo pipefail
cd "$(dirname "$0")/.."
custody=${CUSTODY:-$PWD/target/release/custody}
peers=${CUSTODY_PEERS:-$PWD/.peers}
checkov=${CHECKOV:-$peers/bin/checkov}
conformance=${CUSTODY_CONFORMANCE_DIR:-$PWD/../shared/conformance}
runs=${RUNS:-10}
checkov_runs=${CHECKOV_RUNS:-3}
# Checkov's venv has PyYAML, which reading the Kyverno tests needs.
python=$peers/bin/python3
[[ -x $python ]] || python=python3
for tool in "$custody" "$checkov"; do
  [[ -x $tool ]] || { echo "missing $tool (build custody; run scripts/setup.sh for peers)" >&2; exit 2; }
done
command -v hyperfine >/dev/null || { echo "missing hyperfine (scripts/setup.sh installs it)" >&2; exit 2; }
[[ -d $conformance/pss && -d $conformance/kyverno ]] ||
  { echo "missing conformance corpus at $conformance (set CUSTODY_CONFORMANCE_DIR)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The PSS fixtures of the newest version, named level-verdict-file.
version=$(find "$conformance/pss/baseline" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1)
mkdir "$work/pss"
for level in baseline restricted; do
  for verdict in pass fail; do
    for file in "$conformance/pss/$level/$version/$verdict"/*.yaml; do
      cp "$file" "$work/pss/$level-$verdict-$(basename "$file")"
    done
  done
done

# Every resource file of the Kyverno CLI tests, once per content.
mkdir "$work/kyverno"
"$python" - "$conformance/kyverno" "$work/kyverno" <<'PY'
import hashlib, pathlib, shutil, sys
import yaml
corpus, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
seen = set()
for test in sorted(corpus.rglob("kyverno-test.yaml")):
    try:
        spec = yaml.safe_load(test.read_text()) or {}
    except yaml.YAMLError:
        continue
    for name in spec.get("resources") or []:
        source = (test.parent / name).resolve()
        if not source.is_file() or source.suffix not in (".yaml", ".yml", ".json"):
            continue
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        shutil.copy(source, out / f"{len(seen):04d}-{source.name}")
PY

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -sr)"
echo "custody $("$custody" --version | awk '{print $2}'); checkov $("$checkov" --version)"
for corpus in pss kyverno; do
  echo "$corpus: $(find "$work/$corpus" -type f | wc -l) files," \
    "$(cat "$work/$corpus"/* | grep -c '^kind:' || true) top-level objects"
done
echo

# Checkov exits 1 when a check fails, so failures are not errors here (-i). The report runs
# come first and warm the page cache for both tools.
for corpus in pss kyverno; do
  dir=$work/$corpus
  # The verdict comparison runs custody without the Pod Security Standards, so every CKS check
  # reports on its own (by default a CKS finding that repeats a failed PSS check is left out,
  # and the PSS check's verdict covers more than the one Checkov check it overlaps).
  "$custody" scan "dir:$dir" --scanners misconfig --pss-level privileged --format json \
    >"$work/$corpus-custody.json" || true
  # Without --quiet, so the report lists passed checks too: (b) needs both verdicts.
  "$checkov" --framework kubernetes --skip-download -d "$dir" -o json --compact \
    >"$work/$corpus-checkov.json" || true
  hyperfine -N -i -w 1 -r "$runs" --export-json "$work/$corpus-custody-time.json" \
    -n custody "$custody scan dir:$dir --scanners misconfig --format json" >/dev/null
  hyperfine -N -i -w 0 -r "$checkov_runs" --export-json "$work/$corpus-checkov-time.json" \
    -n checkov "$checkov --framework kubernetes --skip-download -d $dir -o json --quiet" >/dev/null
done

"$python" - "$work" <<'PY'
import collections, json, os, sys

work = sys.argv[1]
verbose = os.environ.get("VERBOSE") == "1"

# Checkov check -> (custody check, how the semantics compare). BENCHMARKS.md has the same table.
MAPPING = {
    "CKV_K8S_8": ("CKS008", "same: application containers, Jobs and CronJobs skipped"),
    "CKV_K8S_9": ("CKS009", "same"),
    "CKV_K8S_10": ("CKS001", "same"),
    "CKV_K8S_11": ("CKS002", "same"),
    "CKV_K8S_12": ("CKS003", "same"),
    "CKV_K8S_13": ("CKS004", "same"),
    "CKV_K8S_14": ("CKS005", "same; Checkov also fails a container without image"),
    "CKV_K8S_15": ("CKS007", "same"),
    "CKV_K8S_16": ("CKS023", "same"),
    "CKV_K8S_17": ("CKS025", "same"),
    "CKV_K8S_18": ("CKS026", "same"),
    "CKV_K8S_19": ("CKS024", "same"),
    "CKV_K8S_20": ("CKS020", "same; custody also checks ephemeral containers"),
    "CKV_K8S_21": ("CKS030", "same kinds plus PodTemplate, NetworkPolicy, PVC, PDB, HPA"),
    "CKV_K8S_22": ("CKS019", "same; custody also checks ephemeral containers"),
    "CKV_K8S_23": ("CKS021", "custody also checks init and ephemeral containers"),
    "CKV_K8S_25": ("CKS018", "custody allows NET_BIND_SERVICE"),
    "CKV_K8S_26": ("CKS027", "same; hostPort 0 passes in custody"),
    "CKV_K8S_27": ("CKS014", "custody: every runtime socket and the directories holding them"),
    "CKV_K8S_28": ("CKS015", "same; custody also checks ephemeral containers"),
    "CKV_K8S_31": ("CKS028", "custody accepts Localhost profiles and checks every container"),
    "CKV_K8S_33": ("CKS032", "same"),
    "CKV_K8S_34": ("CKS031", "same"),
    "CKV_K8S_35": ("CKS011", "same"),
    "CKV_K8S_37": ("CKS017", "same; custody also checks ephemeral containers"),
    "CKV_K8S_38": ("CKS012", "same"),
    "CKV_K8S_39": ("CKS016", "custody: also CAP_SYS_ADMIN and ALL, case-insensitive"),
    "CKV_K8S_40": ("CKS022", "custody also checks init and ephemeral containers"),
    "CKV_K8S_41": ("CKS050", "same"),
    "CKV_K8S_42": ("CKS049", "same"),
    "CKV_K8S_43": ("CKS006", "same"),
    "CKV_K8S_49": ("CKS037", "custody checks every rule, Checkov only the first"),
    "CKV_K8S_153": ("CKS036", "custody: NGINX annotations only"),
    "CKV_K8S_155": ("CKS045", "custody also counts delete"),
    "CKV_K8S_156": ("CKS046", "same"),
    "CKV_K8S_157": ("CKS038", "differs: custody checks bind on roles, Checkov on rolebindings"),
    "CKV_K8S_158": ("CKS039", "same"),
}


def checkov_results(path):
    """(check, object) -> failed?, for every object Checkov evaluated."""
    with open(path) as file:
        report = json.load(file)
    reports = report if isinstance(report, list) else [report]
    verdicts = {}
    for report in reports:
        results = report.get("results", {})
        for key, failed in (("passed_checks", False), ("failed_checks", True)):
            for result in results.get(key, []):
                kind, _, rest = result["resource"].partition(".")
                _, _, name = rest.partition(".")
                obj = (os.path.basename(result["file_path"]), kind, name)
                verdicts[(result["check_id"], obj)] = failed
    return verdicts


def custody_results(path):
    """(check, object) pairs custody flagged."""
    with open(path) as file:
        report = json.load(file)
    flagged = set()
    for finding in report.get("misconfigurations", []):
        parts = (finding.get("resource") or "").split("/")
        obj = (os.path.basename(finding["location"]["path"]), parts[0], parts[-1])
        flagged.add((finding["id"], obj))
    return flagged


def mean(path):
    with open(path) as file:
        return json.load(file)["results"][0]["mean"]


print("| input | custody | Checkov | ratio |")
print("|---|---:|---:|---:|")
for corpus in ("pss", "kyverno"):
    ours = mean(f"{work}/{corpus}-custody-time.json")
    theirs = mean(f"{work}/{corpus}-checkov-time.json")
    print(f"| {corpus} | {ours * 1000:.0f} ms | {theirs * 1000:,.0f} ms | {theirs / ours:.0f}x |")
print()

totals = collections.defaultdict(lambda: [0, 0, 0, 0])
disagreements = collections.defaultdict(list)
for corpus in ("pss", "kyverno"):
    verdicts = checkov_results(f"{work}/{corpus}-checkov.json")
    flagged = custody_results(f"{work}/{corpus}-custody.json")
    for (check, obj), failed in verdicts.items():
        if check not in MAPPING:
            continue
        ours = (MAPPING[check][0], obj) in flagged
        row = totals[check]
        row[0] += 1
        row[1] += failed
        row[2] += ours
        row[3] += failed == ours
        if failed != ours:
            disagreements[check].append((corpus, obj, "checkov" if failed else "custody"))

print("| Checkov | custody | objects | Checkov flags | custody flags | agree | notes |")
print("|---|---|---:|---:|---:|---:|---|")
all_objects = all_agree = 0
for check in sorted(MAPPING, key=lambda check: int(check.rsplit("_", 1)[1])):
    ours, note = MAPPING[check]
    objects, theirs_flag, ours_flag, agree = totals[check]
    all_objects += objects
    all_agree += agree
    share = f"{100 * agree / objects:.0f} %" if objects else "-"
    print(f"| {check} | {ours} | {objects} | {theirs_flag} | {ours_flag} | {share} | {note} |")
print()
if all_objects:
    print(f"verdicts agree on {all_agree} of {all_objects} (check, object) pairs:"
          f" {100 * all_agree / all_objects:.1f} %")
if verbose:
    for check, cases in sorted(disagreements.items()):
        for corpus, obj, who in cases[:10]:
            print(f"  {check} {corpus} {obj[0]} {obj[1]}/{obj[2]}: only {who} flags it")
PY
