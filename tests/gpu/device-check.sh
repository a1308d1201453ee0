#!/usr/bin/env bash
# One prepared check of winnow on a GPU machine, built so that it cannot lose
# its result:
#   - ONE overall deadline (DEADLINE_S, default 440 s, at most 450); each step's
#     time-out is carved from what is left, less a reserve for the report;
#   - every result is written under $OUT as it is produced ($OUT/results/);
#   - the JSON ($OUT/device-check.json) is assembled by a trap on EXIT (also
#     after every step, so even a SIGKILL leaves the last complete picture).
#
# Steps (each records rc, seconds and its files; a step that cannot run says
# why and is "skipped"):
#   preflight  nvcc / cmake / gcc / driver versions, and the CUDA runtime's own
#              answer to "how many devices" (its error text when none);
#              without a device every later step is skipped and the JSON says
#              "no device" -- nothing is built.
#   build      tests/gpu/standalone for the GPU's own architecture: needs only
#              the CUDA toolkit, a C++ compiler and CMake >= 3.18 (GoogleTest,
#              nlohmann_json, utf8proc are used when present).
#   op_tests   every op case on CUDA against the CPU reference (GTest-free
#              op check) and the gtest suites that were built.
#   parity     the whole encoder on the GPU (int8 and fp32) against fp32 on
#              the CPU: probe texts and SciFact's first 1,000 passages.
#   bench      bench/cuda (GEMM vs cuBLASLt best vs base-clock peak,
#              passages/s, query latency); --quick when time is short.
#   e2e        the product: `winnow serve` with cuda:0 (high tier), a CPU
#              device and sim:rtx4090-24gb (low tier), `winnow loadtest` of
#              interactive searches while bulk ingest runs; interactive p99
#              and which device served what (/metrics). Needs the project's
#              full dependencies (RocksDB, CAF, ...): skipped, saying so,
#              where its configure fails.
#
# Usage: tests/gpu/device-check.sh   (env: OUT, DEADLINE_S, BUILD_DIR, JOBS, SCIFACT_DIR;
#        DEVICE_CHECK_PRETEND_DEVICE=1 runs the steps without a GPU: a test of this script only;
#        DEVICE_CHECK_WINNOW=BINARY [DEVICE_CHECK_HIGH_BACKEND=cpu]: only the e2e step, with that binary)
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT_DIR=${OUT:-$ROOT/device-check-out}
DEADLINE_S=${DEADLINE_S:-440}
(( DEADLINE_S > 450 )) && DEADLINE_S=450
BUILD=${BUILD_DIR:-${TMPDIR:-/tmp}/winnow-device-check-build}
FULL_BUILD=$BUILD-full
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 8)}
SCIFACT_DIR=${SCIFACT_DIR:-$ROOT/../shared/data/scifact}
MODEL_DIR=$ROOT/models/all-MiniLM-L6-v2
RESERVE_S=15   # kept back for the report
R=$OUT_DIR/results
mkdir -p "$R"
rm -f "$R"/* 2>/dev/null
T0=$(date +%s)
elapsed() { echo $(( $(date +%s) - T0 )); }
left() { echo $(( DEADLINE_S - RESERVE_S - $(elapsed) )); }
log() { echo "[device-check +$(elapsed)s] $*" | tee -a "$R/progress.log" >&2; }

# ---- the report -------------------------------------------------------------
# steps.tsv: name, rc, seconds, note (one line per finished step; rc -1 = skipped).
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4//$'\t'/ }" >> "$R/steps.tsv"; }

assemble() {
  local out="$OUT_DIR/device-check.json" tmp="$OUT_DIR/.device-check.json.tmp"
  if command -v python3 >/dev/null 2>&1; then
    R="$R" TOTAL_S="$(elapsed)" DEADLINE_S="$DEADLINE_S" COMMIT="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
      FINAL="${1:-}" python3 - > "$tmp" 2>> "$R/assemble.log" <<'PY' && mv -f "$tmp" "$out" && return 0
import glob, json, os, datetime
r = os.environ["R"]
def text(name, n=4000):
    try:
        with open(os.path.join(r, name), errors="replace") as f:
            return f.read()[-n:]
    except OSError:
        return None
def load(name):
    try:
        with open(os.path.join(r, name)) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return None
steps = {}
for line in (text("steps.tsv", 10**6) or "").splitlines():
    p = line.split("\t")
    if len(p) >= 3:
        steps[p[0]] = {"exit_code": int(p[1]), "seconds": int(p[2]), "note": p[3] if len(p) > 3 else "",
                       "status": "skipped" if p[1] == "-1" else ("passed" if p[1] == "0" else "failed")}
gtests = {}
for p in sorted(glob.glob(os.path.join(r, "gtest_*.json"))):
    name = os.path.basename(p)[6:-5]
    j = load(os.path.basename(p)) or {}
    failed, skipped = [], []
    for s in j.get("testsuites", []):
        for t in s.get("testsuite", []):
            full = s["name"] + "." + t["name"]
            if t.get("failures"):
                failed.append({"test": full, "failure": t["failures"][0].get("failure", "")[:600]})
            elif t.get("result") == "SKIPPED":
                skipped.append(full)
    gtests[name] = {"tests": j.get("tests"), "failures": j.get("failures"), "failed": failed,
                    "skipped_count": len(skipped), "skipped": skipped[:20]}
pre = load("preflight.json") or {}
ran = [s for s in steps.values() if s["status"] != "skipped"]
out = {
    "what": "winnow device check (tests/gpu/device-check.sh)",
    "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "commit": os.environ["COMMIT"],
    "complete": os.environ["FINAL"] == "final",
    "deadline_s": int(os.environ["DEADLINE_S"]),
    "total_seconds": int(os.environ["TOTAL_S"]),
    "no_device": pre.get("device_count", 0) == 0,
    "all_passed": bool(ran) and all(s["status"] == "passed" for s in ran) and pre.get("device_count", 0) > 0,
    "preflight": pre,
    "steps": steps,
    "op_check": load("op_check.json"),
    "gtest": gtests,
    "parity": load("parity.json"),
    "benchmark": load("bench.json"),
    "benchmark_ran_alongside_the_product_build": text("bench_concurrent_with_build") is not None,
    "e2e": {"loadtest": load("loadtest.json"), "devices": load("e2e_devices.json"),
            "serve_log_tail": text("serve.log", 3000)},
    "logs": {k: text(k, 3000) for k in ("progress.log", "configure.log", "build.log", "full_configure.log",
                                         "full_build.log", "op_check.log", "parity.log", "bench.log",
                                         "loadtest.log") if text(k) is not None},
}
print(json.dumps(out, indent=1))
PY
  fi
  # No python3 (or it failed): a minimal JSON that is still valid.
  {
    printf '{"what": "winnow device check (tests/gpu/device-check.sh)", "python3": false, '
    printf '"total_seconds": %s, "no_device": %s, "steps_tsv": ' "$(elapsed)" "$([[ -s $R/no_device ]] && echo true || echo false)"
    sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g' "$R/steps.tsv" 2>/dev/null | awk 'BEGIN{printf "\""} {printf "%s\\n", $0} END{printf "\""}'
    [[ -s "$R/preflight.json" ]] && printf ', "preflight": %s' "$(cat "$R/preflight.json")"
    printf '}\n'
  } > "$tmp" && mv -f "$tmp" "$out"
}

on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  # A step or server still running is ended (only our own children, by pid).
  if [[ -n "${STEP_PID:-}" ]]; then
    kill -TERM "$STEP_PID" 2>/dev/null  # timeout passes it on to the step
    record "$STEP_NAME" "$rc" $(( $(elapsed) - STEP_T )) "interrupted (the script got a signal)"
  fi
  [[ -n "${SERVE_PID:-}" ]] && kill "$SERVE_PID" 2>/dev/null
  # The background build: its subshell's child is `timeout`, which passes TERM on.
  [[ -n "${FULL_PID:-}" ]] && pkill -TERM -P "$FULL_PID" 2>/dev/null
  log "exit (rc $rc): assembling $OUT_DIR/device-check.json"
  assemble final
  exit "$rc"
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM

# Runs a command with a time-out of min(max_s, what is left); records the step.
# step NAME MAX_S LOGFILE CMD...
step() {
  local name=$1 max=$2 logf=$3; shift 3
  local budget; budget=$(left)
  (( budget > max )) && budget=$max
  if (( budget < 5 )); then
    record "$name" -1 0 "skipped: the overall deadline (${DEADLINE_S}s) left no time"
    log "$name: skipped (no time left)"
    return 99
  fi
  log "$name (time-out ${budget}s)"
  local t rc=0
  t=$(elapsed)
  # In the background and waited for: bash runs a trap only between
  # commands, and `wait` (unlike a foreground child) returns at once on a
  # signal, so a TERM from outside still gets the report written.
  timeout -k 5 "$budget" "$@" > "$R/$logf" 2>&1 &
  STEP_PID=$! STEP_NAME=$name STEP_T=$t
  wait "$STEP_PID" || rc=$?
  STEP_PID='' STEP_NAME=''
  local note=""
  (( rc == 124 || rc == 137 )) && note="timed out after ${budget}s"
  record "$name" "$rc" $(( $(elapsed) - t )) "$note"
  assemble
  return "$rc"
}
skip() { record "$1" -1 0 "skipped: $2"; log "$1: skipped ($2)"; assemble; }

# ---- preflight --------------------------------------------------------------
log "preflight"
ver() { { "$@" 2>&1 || echo "(not available)"; } | head -4 | tr '\n' ' ' | sed 's/\\/\\\\/g; s/"/\\"/g'; }
cat > "$R/devq.cu" <<'CU'
#include <cstdio>
#include <cuda_runtime.h>
int main() {
  int n = 0, drv = 0, rt = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  cudaDriverGetVersion(&drv);
  cudaRuntimeGetVersion(&rt);
  std::printf("{\"device_count\": %d, \"cuda_error\": \"%s%s%s\", \"driver_api_version\": %d, \"runtime_version\": %d, \"devices\": [",
              e == cudaSuccess ? n : 0, e == cudaSuccess ? "" : cudaGetErrorName(e), e == cudaSuccess ? "" : ": ",
              e == cudaSuccess ? "" : cudaGetErrorString(e), drv, rt);
  for (int i = 0; e == cudaSuccess && i < n; ++i) {
    cudaDeviceProp p{};
    cudaGetDeviceProperties(&p, i);
    std::printf("%s{\"ordinal\": %d, \"name\": \"%s\", \"cc\": %d, \"sms\": %d, \"memory_bytes\": %zu}", i ? ", " : "", i,
                p.name, p.major * 10 + p.minor, p.multiProcessorCount, p.totalGlobalMem);
  }
  std::printf("]}\n");
  return 0;
}
CU
NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
DEVQ='{"device_count": 0, "cuda_error": "device query not built (nvcc missing or failed)"}'
if timeout 60 "$NVCC" -o "$R/devq" "$R/devq.cu" > "$R/devq_build.log" 2>&1; then
  DEVQ=$(timeout 30 "$R/devq" 2>&1 | tail -1)
  [[ "$DEVQ" == \{* ]] || DEVQ="{\"device_count\": 0, \"cuda_error\": \"device query failed: $(echo "$DEVQ" | tr -d '"\\' | head -c 300)\"}"
fi
SMI=$(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1 | head -4 | tr '\n' ';' | sed 's/\\/\\\\/g; s/"/\\"/g')
cat > "$R/preflight.json.tmp" <<JSON
${DEVQ%\}}, "nvidia_smi": "$SMI", "nvcc": "$(ver "$NVCC" --version | sed 's/.*release/release/')",
 "cmake": "$(ver cmake --version)", "gcc": "$(ver gcc --version)", "python3": "$(ver python3 --version)",
 "nproc": "$(nproc 2>/dev/null)", "models_present": $([[ -f $MODEL_DIR/model.safetensors ]] && echo true || echo false),
 "scifact_present": $([[ -f $SCIFACT_DIR/corpus.jsonl.gz || -f $SCIFACT_DIR/corpus.jsonl ]] && echo true || echo false)}
JSON
mv -f "$R/preflight.json.tmp" "$R/preflight.json"
COUNT=$(echo "$DEVQ" | sed -n 's/.*"device_count": \([0-9]*\).*/\1/p')
# For testing this script's deadline handling on a machine without a GPU
# only: the steps then run (and fail) as if a device were there.
if [[ "${DEVICE_CHECK_PRETEND_DEVICE:-0}" == 1 ]]; then
  COUNT=1
  echo "DEVICE_CHECK_PRETEND_DEVICE=1: steps run without a device (a test of this script)" >> "$R/progress.log"
fi
record preflight 0 "$(elapsed)" "device_count=${COUNT:-0}"
assemble
if [[ "${COUNT:-0}" == 0 ]]; then
  echo "no CUDA device: $DEVQ" > "$R/no_device"
  log "no CUDA device ($DEVQ): nothing else runs"
  for s in build op_tests parity bench e2e; do record "$s" -1 0 "skipped: no CUDA device (see preflight.cuda_error)"; done
  exit 0
fi

# ---- the engine end to end ----------------------------------------------------
e2e() {
  local cfg=$R/e2e.toml data=$FULL_BUILD-data port=18080
  rm -rf "$data"
  local winnow=${DEVICE_CHECK_WINNOW:-}
  if [[ -n "$winnow" ]]; then :  # a winnow built elsewhere (a test of this step)
  elif [[ -z "$FULL_PID" ]]; then skip e2e "no time was left for the product's build"; return
  else
    log "e2e: waiting for the background build of winnow"
    wait "$FULL_PID"
    FULL_PID=''
    local rc note=""
    rc=$(cat "$R/full_build.rc" 2>/dev/null || echo 1)
    (( rc == 3 )) && note="the full project does not configure here (its dependencies: RocksDB, CAF, ...; full_configure.log)"
    (( rc == 124 || rc == 137 )) && note="timed out after ${FULL_BUDGET}s"
    record full_build "$rc" $(( $(elapsed) - FULL_T )) "$note"
    if (( rc != 0 )); then skip e2e "winnow was not built: ${note:-build failed (full_build.log)}"; return; fi
    winnow=$(find "$FULL_BUILD" -type f -name winnow -perm -u+x | head -1)
  fi
  [[ -n "$winnow" && -f "$SCIFACT_DIR/queries.jsonl" ]] || { skip e2e "no winnow binary or no SciFact data"; return; }
  # Bulk ingest for the whole run: up to 5,000 SciFact passages, 4 per request.
  if [[ -f "$SCIFACT_DIR/corpus.jsonl.gz" ]]; then zcat "$SCIFACT_DIR/corpus.jsonl.gz" | head -n 5000 > "$R/e2e_corpus.jsonl"
  else head -n 5000 "$SCIFACT_DIR/corpus.jsonl" > "$R/e2e_corpus.jsonl"; fi
  cat > "$cfg" <<TOML
[engine]
data_dir = "$data"
shards = 2
default_class = "interactive"
ingest_class = "bulk"
[model]
dir = "$MODEL_DIR"
precision = "int8"
[[classes]]
name = "interactive"
priority = 0
max_queue_delay_us = 300
max_batch_tokens = 8192
max_queue = 1024
timeout_ms = 100
on_timeout = "reject"
preferred_tier = "high"
[[classes]]
name = "bulk"
priority = 10
max_queue_delay_us = 20000
max_batch_tokens = 32768
max_queue = 20000
preferred_tier = "low"
max_batch_ms = 100
[[devices]]
name = "gpu"
backend = "${DEVICE_CHECK_HIGH_BACKEND:-cuda:0}"
tier = "high"
[[devices]]
name = "cpu"
backend = "cpu"
tier = "low"
threads = 4
[[devices]]
name = "sim-4090"
backend = "sim:rtx4090-24gb"
tier = "low"
TOML
  cat > "$R/e2e_profile.toml" <<TOML
seed = 42
max_requests = 10000000
timeout_ms = 10000
[schedule]
shape = "constant"
rate = 200
duration_s = 30
[connections]
initial = 32
max = 512
[[class]]
name = "interactive"
weight = 80
kind = "search"
queries = "$SCIFACT_DIR/queries.jsonl"
k = 10
mode = "hybrid"
priority = "interactive"
[[class]]
name = "bulk"
weight = 20
kind = "ingest"
corpus = "$R/e2e_corpus.jsonl"
batch = 4
max_docs = 5000
priority = "bulk"
TOML
  log "e2e: winnow serve (${DEVICE_CHECK_HIGH_BACKEND:-cuda:0} high, cpu + sim:rtx4090-24gb low)"
  "$winnow" serve --config "$cfg" --listen "127.0.0.1:$port" > "$R/serve.log" 2>&1 &
  SERVE_PID=$!
  local up=0
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && { up=1; break; }
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 1
  done
  if (( up == 0 )); then
    record e2e 1 0 "winnow serve did not become ready (serve.log)"
    kill "$SERVE_PID" 2>/dev/null; SERVE_PID=''
    return
  fi
  local dur=30; (( $(left) < 60 )) && dur=$(( $(left) / 2 ))
  step e2e $(( dur + 30 )) loadtest.log "$winnow" loadtest --url "http://127.0.0.1:$port" \
    --profile "$R/e2e_profile.toml" --duration "$dur" --json --no-chart --server-pid "$SERVE_PID"
  # The loadtest's one JSON object (interactive p99 per class) and which device served what.
  grep '^{' "$R/loadtest.log" | tail -1 > "$R/loadtest.json"
  curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -E '^winnow_(device_|batch_)' > "$R/metrics_devices.txt"
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$R/metrics_devices.txt" > "$R/e2e_devices.json" <<'PY'
import json, re, sys
out = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\w+)\{([^}]*)\}\s+([0-9.eE+-]+)', line)
    if not m: continue
    labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
    dev = labels.get("device")
    if not dev: continue
    key = m.group(1) + ("" if "class" not in labels else "{class=" + labels["class"] + "}")
    if m.group(1).endswith("_bucket"): continue
    out.setdefault(dev, {})[key] = float(m.group(3))
print(json.dumps(out, indent=1))
PY
  fi
  kill "$SERVE_PID" 2>/dev/null
  wait "$SERVE_PID" 2>/dev/null
  SERVE_PID=''
  assemble
}

# A test of the e2e step alone, without a GPU, with a winnow built elsewhere:
# DEVICE_CHECK_WINNOW=build/app/winnow DEVICE_CHECK_HIGH_BACKEND=cpu
# DEVICE_CHECK_PRETEND_DEVICE=1 (the "high tier" is then a CPU device).
if [[ -n "${DEVICE_CHECK_WINNOW:-}" ]]; then
  for s in build op_tests parity bench; do record "$s" -1 0 "skipped: DEVICE_CHECK_WINNOW set (a test of the e2e step)"; done
  e2e
  exit 0
fi

# ---- build (standalone: CUDA toolkit + compiler + CMake >= 3.18) -------------
ARCH=$(echo "$DEVQ" | sed -n 's/.*"cc": \([0-9]*\).*/\1/p' | head -1)
[[ "$ARCH" =~ ^[0-9]+$ ]] || ARCH=90
GEN=()
if [[ ! -f "$BUILD/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then GEN=(-G Ninja); fi
if step configure 120 configure.log cmake -S "$ROOT/tests/gpu/standalone" -B "$BUILD" "${GEN[@]}" \
     -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$ARCH"; then
  # Keep going past a failing target: whatever did build still runs.
  KEEP=(-k); [[ -f "$BUILD/build.ninja" ]] && KEEP=(-k 0)
  step build 240 build.log cmake --build "$BUILD" -j "$JOBS" -- "${KEEP[@]}"
else
  skip build "configure failed (configure.log)"
fi
find_bin() { find "$BUILD" -type f -name "$1" -perm -u+x 2>/dev/null | head -1; }

# The product's own build (for the e2e step) runs in the background while the
# GPU-bound steps below run; e2e waits for it. Its time-out leaves a minute
# for the e2e run itself. Needs the project's full dependencies.
FULL_PID='' FULL_T=0
full_build_bg() {
  cmake -S "$ROOT" -B "$FULL_BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$ARCH" \
    -DWINNOW_BUILD_TESTS=OFF -DWINNOW_BUILD_BENCH=OFF > "$R/full_configure.log" 2>&1 || return 3
  cmake --build "$FULL_BUILD" -j "$(( JOBS > 1 ? JOBS / 2 : 1 ))" --target winnow > "$R/full_build.log" 2>&1
}
FULL_BUDGET=$(( $(left) - 60 ))
if (( FULL_BUDGET >= 60 )); then
  log "full build of winnow in the background (time-out ${FULL_BUDGET}s)"
  FULL_T=$(elapsed)
  ( timeout -k 5 "$FULL_BUDGET" bash -c "$(declare -f full_build_bg); ROOT='$ROOT' FULL_BUILD='$FULL_BUILD' ARCH='$ARCH' JOBS='$JOBS' R='$R' full_build_bg"
    echo $? > "$R/full_build.rc" ) &
  FULL_PID=$!
fi

# ---- op tests: every op case on CUDA vs the CPU reference ---------------------
OPBIN=$(find_bin winnow_gpu_op_check)
if [[ -n "$OPBIN" ]]; then
  step op_tests 90 op_check.log "$OPBIN" --out "$R/op_check.json"
else
  skip op_tests "winnow_gpu_op_check was not built"
fi
for t in gpu_cuda_backend_test kernels_backend_ops_test kernels_cuda_plan_policy_test kernels_registry_test \
         kernels_encoder_cross_backend_test; do
  bin=$(find_bin "$t")
  [[ -n "$bin" ]] || continue
  filter='*'
  [[ $t == kernels_backend_ops_test ]] && filter='backend_ops_cuda*:backend_ops_framework*'
  step "gtest_$t" 60 "gtest_$t.log" "$bin" --gtest_filter="$filter" --gtest_output="json:$R/gtest_$t.json"
done

# ---- encoder parity on the GPU ------------------------------------------------
PARBIN=$(find_bin winnow_gpu_parity)
CORPUS_ARGS=()
if [[ -f "$SCIFACT_DIR/corpus.jsonl.gz" ]]; then
  zcat "$SCIFACT_DIR/corpus.jsonl.gz" 2>/dev/null | head -n 1000 > "$R/scifact_first_1000.jsonl"
  CORPUS_ARGS=(--corpus "$R/scifact_first_1000.jsonl" --passages 1000)
elif [[ -f "$SCIFACT_DIR/corpus.jsonl" ]]; then
  head -n 1000 "$SCIFACT_DIR/corpus.jsonl" > "$R/scifact_first_1000.jsonl"
  CORPUS_ARGS=(--corpus "$R/scifact_first_1000.jsonl" --passages 1000)
fi
if [[ -z "$PARBIN" ]]; then
  skip parity "winnow_gpu_parity was not built (build failed or timed out, or nlohmann_json/utf8proc missing)"
elif [[ ! -f "$MODEL_DIR/model.safetensors" ]]; then
  skip parity "no model files at $MODEL_DIR (scripts/setup fetches them)"
else
  step parity 60 parity.log "$PARBIN" --model "$MODEL_DIR" "${CORPUS_ARGS[@]}" --out "$R/parity.json"
fi

# ---- the benchmark ------------------------------------------------------------
BENCHBIN=$(find_bin winnow_cuda_bench)
if [[ -n "$BENCHBIN" ]]; then
  QUICK=()
  (( $(left) < 200 )) && QUICK=(--quick)
  # Said in the JSON: CPU-side figures (and launch overheads) are then measured under load.
  [[ -n "$FULL_PID" ]] && kill -0 "$FULL_PID" 2>/dev/null && echo "the product's build ran alongside" > "$R/bench_concurrent_with_build"
  step bench 120 bench.log "$BENCHBIN" "${QUICK[@]}" --out "$R/bench.json"
else
  skip bench "winnow_cuda_bench was not built"
fi

e2e
log "done"
exit 0
