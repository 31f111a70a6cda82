#!/usr/bin/env bash
# Load benchmark of the admission webhook (issue #9): `custody admission serve` on loopback
# with a generated certificate, the 18 Kyverno pod-security ClusterPolicies of
# ../shared/conformance/kyverno/pod-security (baseline and restricted, switched to Enforce) and,
# when the server can verify images, one verifyImages policy for an image signed on a loopback
# registry (so every request after the first is answered from the verifier's cache). wrk posts
# the AdmissionReview kube-apiserver sends for a compliant Pod creation, over TLS with
# keep-alive, twice:
#   1. flat out (wrk -t2 -c32): the throughput the server sustains, with wrk's latencies;
#   2. paced near RATE requests/s (wrk2's -R is not in Debian: each of 20 connections waits
#      20000/RATE ms between requests, a Lua `delay()`, so the rate reached is a little below
#      RATE: 20 / (20000/RATE ms + latency)), for the latency at that load.
# For each run it reports wrk's throughput and latency percentiles (end to end: TLS, HTTP,
# JSON, evaluation), the server's own histograms from /metrics (policy evaluation, request
# handling; p50/p99 interpolated within buckets as Prometheus' histogram_quantile does, over
# the run only), and the server's RSS sampled every second (start, max, end).
#
#   usage: bench/admission.sh                  DURATION=600 bench/admission.sh   (10 minutes)
#
# Environment: CUSTODY (default target/release/custody; build it first with
# `cargo build --release -p custody-cli`: this script builds nothing), DURATION (seconds per
# run, default 30), RATE (paced run, default 1000), CONNECTIONS (flat-out run, default 32),
# CUSTODY_CONFORMANCE_DIR (default ../shared/conformance).
# Needs: wrk (apt install wrk), openssl, curl, python3; for the verifyImages policy also
# docker-registry (../shared/bench/start-registry.sh installs it).
# Caveat: wrk and the server share the machine's cores, so the flat-out figure is a floor.
set -euo pipefail
cd "$(dirname "$0")/.."
custody=${CUSTODY:-target/release/custody}
duration=${DURATION:-30}
rate=${RATE:-1000}
connections=${CONNECTIONS:-32}
conformance=${CUSTODY_CONFORMANCE_DIR:-../shared/conformance}

need() { command -v "$1" >/dev/null || { echo "bench/admission.sh needs $1 ($2)" >&2; exit 2; }; }
need wrk "apt install wrk"
need openssl "apt install openssl"
need curl "apt install curl"
need python3 "apt install python3"
[[ -x $custody ]] || { echo "no $custody: cargo build --release -p custody-cli" >&2; exit 2; }
[[ -d $conformance/kyverno/pod-security ]] ||
  { echo "conformance corpora missing at $conformance (CUSTODY_CONFORMANCE_DIR)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
registry_pid=
sampler_pid=
cleanup() {
  for pid in $sampler_pid $server_pid $registry_pid; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The serving certificate: ECDSA P-256, like the one `custody admission manifests` generates.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null

# The policies: only the ClusterPolicy files (each folder also holds Kyverno CLI tests), with
# failures enforced as a production webhook would.
mkdir "$work/policies"
for file in "$conformance"/kyverno/pod-security/{baseline,restricted}/*/*.yaml; do
  [[ $(basename "$file" .yaml) == $(basename "$(dirname "$file")") ]] || continue
  sed 's/validationFailureAction: Audit/validationFailureAction: Enforce/' "$file" \
    >"$work/policies/$(basename "$file")"
done
policy_count=$(find "$work/policies" -name '*.yaml' | wc -l)

# With image verification wired (`serve --plain-http`), sign an image on a loopback registry
# and add a verifyImages policy for it; the Pod runs that image.
image=registry.example/app@sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
serve_extra=()
verify_images=no
if "$custody" admission serve --help | grep -q -- '--plain-http'; then
  verify_images=yes
  port=$(free_port)
  started=$(../shared/bench/start-registry.sh "$port")
  registry_pid=$(awk '{print $4}' <<<"$started")
  image=127.0.0.1:$port/bench@$(bench/push-image.sh "127.0.0.1:$port" bench 1.0)
  COSIGN_PASSWORD= "$custody" key generate --output-key-prefix "$work/cosign" -q
  COSIGN_PASSWORD= "$custody" sign "$image" --key "$work/cosign.key" --plain-http -q
  {
    printf 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: verify-bench-image\n'
    printf 'spec:\n  validationFailureAction: Enforce\n  background: false\n  rules:\n'
    printf '  - name: signed\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n'
    printf '    verifyImages:\n    - imageReferences: ["127.0.0.1:%s/bench*"]\n' "$port"
    printf '      attestors:\n      - entries:\n        - keys:\n            publicKeys: |\n'
    sed 's/^/              /' "$work/cosign.pub"
    # Signed offline (no Rekor on loopback), as Kyverno's key-based samples allow.
    printf '            rekor:\n              ignoreTlog: true\n'
  } >"$work/policies/verify-bench-image.yaml"
  policy_count=$((policy_count + 1))
  serve_extra=(--plain-http)
fi

# The AdmissionReview of a Pod creation, as kube-apiserver posts it.
cat >"$work/review.json" <<JSON
{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
 "uid":"705ab4f5-6393-11e8-b7cc-42010a800002",
 "kind":{"group":"","version":"v1","kind":"Pod"},
 "resource":{"group":"","version":"v1","resource":"pods"},
 "requestKind":{"group":"","version":"v1","kind":"Pod"},
 "requestResource":{"group":"","version":"v1","resource":"pods"},
 "name":"web","namespace":"shop","operation":"CREATE",
 "userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller",
  "uid":"b1f1c9c5-6a6e-4d2e-9f43-0c4cfbd3d2b1","groups":["system:serviceaccounts",
  "system:serviceaccounts:kube-system","system:authenticated"]},
 "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop",
  "labels":{"app":"web"}},"spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":10001,
  "seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"app","image":"$image",
  "ports":[{"containerPort":8080}],"resources":{"limits":{"cpu":"500m","memory":"128Mi"}},
  "securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,
  "capabilities":{"drop":["ALL"]}}}],"volumes":[{"name":"tmp","emptyDir":{}}]}},
 "oldObject":null,"dryRun":false,
 "options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}}
JSON
cat >"$work/post.lua" <<'LUA'
-- POSTs the review on every keep-alive connection; DELAY_MS paces each connection.
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
file:close()
local delay_ms = tonumber(os.getenv("DELAY_MS") or "") or 0
if delay_ms > 0 then
  function delay() return delay_ms end
end
LUA

port=$(free_port)
metrics_port=$(free_port)
"$custody" admission serve --policies "$work/policies" --tls-cert "$work/tls.crt" \
  --tls-key "$work/tls.key" --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$metrics_port" \
  "${serve_extra[@]}" --quiet 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
  curl -skf "https://127.0.0.1:$port/readyz" -o /dev/null && break
  sleep 0.1
done
curl -skf "https://127.0.0.1:$port/readyz" -o /dev/null ||
  { echo "the server did not become ready:" >&2; cat "$work/server.log" >&2; exit 2; }
verdict=$(curl -sk -H 'Content-Type: application/json' --data-binary @"$work/review.json" \
  "https://127.0.0.1:$port/validate")
[[ $verdict == *'"allowed":true'* ]] ||
  { echo "the compliant Pod was not admitted: $verdict" >&2; exit 2; }

# The server's resident memory (KiB) and thread count.
rss_kib() { awk '/^VmRSS/ {rss = $2} /^Threads/ {threads = $2} END {print rss, threads}' "/proc/$server_pid/status"; }
sample_rss() { while sleep 1; do rss_kib; done >>"$1"; }
metrics() { curl -sf "http://127.0.0.1:$metrics_port/metrics"; }

# Quantiles of a histogram's increase between two /metrics snapshots, for webhook="validate".
quantiles() {
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
before, after, name = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3]
pattern = re.compile(name + r'_bucket\{webhook="validate",le="([^"]+)"\} (\d+)')
def buckets(text):
    return {float(le): int(count) for le, count in pattern.findall(text)}
first, last = buckets(before), buckets(after)
bounds = sorted(last)
counts = [last[b] - first.get(b, 0) for b in bounds]
total = counts[-1]
def quantile(q):
    rank, lower, previous = q * total, 0.0, 0
    for bound, count in zip(bounds, counts):
        if count >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - previous) / max(count - previous, 1)
        lower, previous = bound, count
    return lower
print(f"{total} observations, p50 {quantile(0.5) * 1e3:.3f} ms, p99 {quantile(0.99) * 1e3:.3f} ms")
PY
}

run() {
  local label=$1 threads=$2 conns=$3 delay=$4
  metrics >"$work/before"
  : >"$work/rss"
  rss_kib >>"$work/rss"
  sample_rss "$work/rss" &
  sampler_pid=$!
  BODY_FILE=$work/review.json DELAY_MS=$delay wrk -t"$threads" -c"$conns" -d"${duration}s" \
    --latency -s "$work/post.lua" "https://127.0.0.1:$port/validate" >"$work/wrk"
  kill "$sampler_pid"; wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=
  rss_kib >>"$work/rss"
  metrics >"$work/after"
  echo "== $label: wrk -t$threads -c$conns -d${duration}s${delay:+ (each connection waits ${delay} ms)}"
  grep -E 'Requests/sec|Non-2xx|Socket errors|requests in' "$work/wrk" | sed 's/^ */  /'
  awk '/Latency Distribution/ {on = 1; next} on && NF == 2 {sub("%", "", $1); printf "  wrk latency p%s %s\n", $1, $2} on && NF != 2 {on = 0}' "$work/wrk"
  echo "  server request handling: $(quantiles "$work/before" "$work/after" custody_admission_request_duration_seconds)"
  echo "  server policy evaluation: $(quantiles "$work/before" "$work/after" custody_admission_policy_evaluation_duration_seconds)"
  awk 'NR == 1 {start = $1} {if ($1 > max) max = $1; if ($2 > threads) threads = $2; end = $1; rss[NR] = $1}
       END {
         printf "  RSS MiB: start %.1f, max %.1f, end %.1f (%d samples; at most %d threads)\n",
           start / 1024, max / 1024, end / 1024, NR, threads
         printf "  RSS MiB over the run:"
         for (i = 0; i <= 10; i++) printf " %.1f", rss[1 + int(i * (NR - 1) / 10)] / 1024
         printf "\n"
       }' "$work/rss"
}

echo "custody: $("$custody" --version); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "policies: $policy_count ClusterPolicies (verifyImages: $verify_images); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
# Warm up: connections, allocator, verifier cache.
BODY_FILE=$work/review.json wrk -t2 -c8 -d3s -s "$work/post.lua" "https://127.0.0.1:$port/validate" >/dev/null
run "flat out" 2 "$connections" ""
run "paced at ~$rate req/s" 2 20 $((20000 / rate))
metrics | grep -E '^custody_admission_(image_cache|registry_errors)' | sed 's/^/  /' || true
