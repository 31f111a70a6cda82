#!/usr/bin/env bash
# Times `custody verify-bundle` over the whole sigstore-conformance bundle-verify corpus
# (target: under 2 s) and, on the cases sigstore-python can run offline with its shipped
# production root (certificate identity, no custom trusted root), beside
# `sigstore verify identity --offline`. Every run also checks each case's expected outcome
# (exit 0, or non-zero for `_fail` cases), so a fast wrong answer cannot pass.
#
#   usage: bench/bundle-corpus.sh
#
# Needs: the corpus (CUSTODY_CONFORMANCE_DIR, default ../shared/conformance), the peers venv
# with sigstore-python (CUSTODY_PEERS, default .peers; scripts/setup.sh), hyperfine. custody
# is built with the `profiling` profile. Nothing is cached between runs (each case is a fresh
# process, as the conformance harness runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CUSTODY_CONFORMANCE_DIR:-../shared/conformance}/sigstore/bundle-verify
peers=${CUSTODY_PEERS:-$PWD/.peers}
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --profile profiling --locked -q -p custody-cli
custody=$PWD/target/profiling/custody
default_identity=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
default_issuer=https://token.actions.githubusercontent.com

# One script per tool: a line per case that runs it and fails the script if the outcome is
# not the expected one.
all=$work/custody-all.sh subset_custody=$work/custody-subset.sh subset_python=$work/python-subset.sh
echo 'set -u' | tee "$all" "$subset_custody" "$subset_python" >/dev/null
cases=0 subset=0
for case in "$corpus"/*/; do
  case=${case%/}
  name=$(basename "$case")
  [[ -f $case/bundle.sigstore.json ]] || continue
  artifact=$case/artifact
  [[ -f $artifact ]] || artifact=$corpus/a.txt
  if [[ $name == *_fail ]]; then expect='' outcome=verified; else expect='!' outcome=refused; fi
  identity=$default_identity issuer=$default_issuer
  [[ -f $case/identity ]] && identity=$(<"$case/identity")
  [[ -f $case/issuer ]] && issuer=$(<"$case/issuer")
  if [[ -f $case/key.pub ]]; then policy=(--key "$case/key.pub"); else
    policy=(--certificate-identity "$identity" --certificate-oidc-issuer "$issuer"); fi
  root=()
  [[ -f $case/trusted_root.json ]] && root=(--trusted-root "$case/trusted_root.json")
  line="if $expect $custody verify-bundle -q --bundle $(printf '%q' "$case/bundle.sigstore.json") \
$(printf '%q ' "${policy[@]}" "${root[@]}") $(printf '%q' "$artifact") 2>/dev/null; \
then echo '$outcome: $name'; exit 1; fi"
  echo "$line" >>"$all"
  cases=$((cases + 1))
  if [[ ! -f $case/key.pub && ! -f $case/trusted_root.json ]]; then
    echo "$line" >>"$subset_custody"
    echo "if $expect $peers/bin/sigstore verify identity --offline \
--bundle $(printf '%q' "$case/bundle.sigstore.json") --cert-identity $(printf '%q' "$identity") \
--cert-oidc-issuer $(printf '%q' "$issuer") $(printf '%q' "$artifact") >/dev/null 2>&1; \
then echo '$outcome: $name'; exit 1; fi" >>"$subset_python"
    subset=$((subset + 1))
  fi
done

echo "machine: $(nproc) cores; $(uname -sr)"
echo "custody $("$custody" --version | awk '{print $2}'), sigstore-python $("$peers/bin/sigstore" --version | awk '{print $2}')"
echo "corpus: $cases cases; sigstore-python subset: $subset cases (production root, identity)"
echo
hyperfine -N -w 1 -r "$runs" --export-json "$work/all.json" -n "custody, whole corpus" "bash $all"
hyperfine -N -w 1 -r "$runs" --export-json "$work/subset.json" \
  -n "custody, subset" "bash $subset_custody" \
  -n "sigstore-python, subset" "bash $subset_python"
python3 - "$work/all.json" "$work/subset.json" <<'PY'
import json, sys
whole = json.load(open(sys.argv[1]))["results"][0]["mean"]
ours, theirs = (r["mean"] for r in json.load(open(sys.argv[2]))["results"])
print(f"\nwhole corpus: custody {whole:.2f} s (target < 2 s)")
print(f"subset: custody {ours:.2f} s, sigstore-python {theirs:.2f} s, ratio {theirs / ours:.1f}x")
PY
