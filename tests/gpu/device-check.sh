#!/usr/bin/env bash
# One prepared check of the CUDA backend on a GPU machine.
#
# From a clean tree: configures tests/gpu/standalone (only common/, kernels/,
# bench/cuda and the kernel tests: no RocksDB/CAF needed), builds with -j16
# for the GPU's own architecture, runs the GTest-free op check, the gtest
# suites when GoogleTest is installed, and the GPU benchmark, then writes ONE
# JSON file: ${OUT:-./device-check-out}/device-check.json. Fetches nothing
# from the network. Designed to finish within 8 minutes on one H200; each
# step has its own timeout and the benchmark drops to --quick when the
# earlier steps ran long.
#
# Usage: tests/gpu/device-check.sh        (env: OUT, BUILD_DIR, JOBS)
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT_DIR=${OUT:-$ROOT/device-check-out}
BUILD=${BUILD_DIR:-${TMPDIR:-/tmp}/winnow-device-check-build}
JOBS=${JOBS:-16}
WORK=$BUILD/results
mkdir -p "$OUT_DIR" "$WORK"
rm -f "$WORK"/*
T0=$(date +%s)
elapsed() { echo $(( $(date +%s) - T0 )); }
log() { echo "[device-check +$(elapsed)s] $*" >&2; }

# The GPU's architecture, so only one is compiled (the full build does 80;89;90).
ARCH=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')
[[ "$ARCH" =~ ^[0-9]+$ ]] || ARCH=90
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader > "$WORK/nvidia-smi.txt" 2>&1 || true

# Ninja when present, unless an earlier run configured this build dir otherwise.
GEN=()
KEEP_GOING=(-k)
if [[ ! -f "$BUILD/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then GEN=(-G Ninja); fi
if [[ -f "$BUILD/build.ninja" || ${#GEN[@]} -gt 0 ]]; then KEEP_GOING=(-k 0); fi

log "configure (sm_$ARCH)"
CONFIGURE_RC=0
timeout 120 cmake -S "$ROOT/tests/gpu/standalone" -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CUDA_ARCHITECTURES="$ARCH" > "$WORK/configure.log" 2>&1 || CONFIGURE_RC=$?

BUILD_RC=-1
if [[ $CONFIGURE_RC -eq 0 ]]; then
  log "build -j$JOBS"
  BUILD_RC=0
  # Keep going past a failing target: whatever did build still runs (the
  # JSON then says the build failed, and which binaries may be stale).
  timeout 300 cmake --build "$BUILD" -j "$JOBS" -- "${KEEP_GOING[@]}" > "$WORK/build.log" 2>&1 || BUILD_RC=$?
fi
BUILD_S=$(elapsed)

OP_RC=-1
if [[ -x "$BUILD/winnow_gpu_op_check" || -x "$BUILD/tests/gpu/winnow_gpu_op_check" ]]; then
  OPBIN=$BUILD/winnow_gpu_op_check
  [[ -x "$OPBIN" ]] || OPBIN=$BUILD/tests/gpu/winnow_gpu_op_check
  log "op check"
  OP_RC=0
  timeout 120 "$OPBIN" --out "$WORK/op_check.json" > "$WORK/op_check.log" 2>&1 || OP_RC=$?
fi

GTEST_BINS=()
for t in gpu_cuda_backend_test kernels_backend_ops_test kernels_hd_math_test kernels_device_pool_test \
         kernels_registry_test kernels_encoder_cross_backend_test; do
  bin=$(find "$BUILD/tests" -maxdepth 2 -type f -name "$t" -perm -u+x 2>/dev/null | head -1)
  [[ -n "$bin" ]] && GTEST_BINS+=("$bin")
done
for bin in "${GTEST_BINS[@]}"; do
  name=$(basename "$bin")
  log "gtest $name"
  rc=0
  timeout 150 "$bin" --gtest_output="json:$WORK/gtest_$name.json" > "$WORK/gtest_$name.log" 2>&1 || rc=$?
  echo "$rc" > "$WORK/gtest_$name.rc"
done

BENCH_RC=-1
if [[ -x "$BUILD/bench/cuda/winnow_cuda_bench" ]]; then
  QUICK=()
  (( $(elapsed) > 240 )) && QUICK=(--quick)
  log "bench ${QUICK[*]:-}"
  BENCH_RC=0
  timeout 200 "$BUILD/bench/cuda/winnow_cuda_bench" "${QUICK[@]}" --out "$WORK/bench.json" \
    > "$WORK/bench.stdout" 2> "$WORK/bench.log" || BENCH_RC=$?
fi

MODELS_PRESENT=false
[[ -f "$ROOT/models/all-MiniLM-L6-v2/model.safetensors" ]] && MODELS_PRESENT=true
COMMIT=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
log "assemble $OUT_DIR/device-check.json"

# One JSON file. python3 is on the GPU image; without it, a plain fallback.
if command -v python3 >/dev/null 2>&1; then
  WORK="$WORK" OUT_FILE="$OUT_DIR/device-check.json" ARCH="$ARCH" CONFIGURE_RC="$CONFIGURE_RC" BUILD_RC="$BUILD_RC" \
  BUILD_S="$BUILD_S" OP_RC="$OP_RC" BENCH_RC="$BENCH_RC" MODELS_PRESENT="$MODELS_PRESENT" COMMIT="$COMMIT" \
  TOTAL_S="$(elapsed)" python3 - <<'PY'
import glob, json, os, datetime
w = os.environ["WORK"]
def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception as e:
        return {"missing_or_invalid": f"{os.path.basename(path)}: {e}"}
def tail(path, n=4000):
    try:
        with open(path, errors="replace") as f:
            return f.read()[-n:]
    except Exception:
        return ""
gtests = {}
for p in sorted(glob.glob(os.path.join(w, "gtest_*.json"))):
    name = os.path.basename(p)[len("gtest_"):-len(".json")]
    j = load(p)
    rc = tail(os.path.join(w, f"gtest_{name}.rc")).strip()
    summary = {k: j.get(k) for k in ("tests", "failures", "disabled", "errors", "time")} if "tests" in j else j
    failed, skipped = [], []
    for suite in j.get("testsuites", []):
        for t in suite.get("testsuite", []):
            full = f'{suite["name"]}.{t["name"]}'
            if t.get("failures"):
                failed.append({"test": full, "failures": [f.get("failure", "")[:600] for f in t["failures"]]})
            elif t.get("result") == "SKIPPED":
                skipped.append(full)
    gtests[name] = {"exit_code": int(rc) if rc.lstrip("-").isdigit() else None, "summary": summary,
                    "failed": failed, "skipped_count": len(skipped), "skipped": skipped[:20]}
op = load(os.path.join(w, "op_check.json"))
bench = load(os.path.join(w, "bench.json"))
rc = lambda k: int(os.environ[k])
ok = (rc("CONFIGURE_RC") == 0 and rc("BUILD_RC") == 0 and rc("OP_RC") == 0 and rc("BENCH_RC") == 0
      and all(g["exit_code"] == 0 for g in gtests.values()))
out = {
    "what": "winnow CUDA backend device check (tests/gpu/device-check.sh)",
    "date_utc": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    "commit": os.environ["COMMIT"],
    "nvidia_smi": tail(os.path.join(w, "nvidia-smi.txt")).strip(),
    "cuda_arch_built": os.environ["ARCH"],
    "models_present": os.environ["MODELS_PRESENT"] == "true",
    "weights_used_by_benchmark": bench.get("weights") if isinstance(bench, dict) else None,
    "all_passed": ok,
    "configure": {"exit_code": rc("CONFIGURE_RC"), "log_tail": tail(os.path.join(w, "configure.log"), 1500)},
    "build": {"exit_code": rc("BUILD_RC"), "seconds_since_start": int(os.environ["BUILD_S"]),
              "note": "" if rc("BUILD_RC") == 0 else "the build failed: binaries that ran may be stale or missing",
              "log_tail": "" if rc("BUILD_RC") == 0 else tail(os.path.join(w, "build.log"), 6000)},
    "op_check": {"exit_code": rc("OP_RC"), "report": op,
                 "log_tail": "" if rc("OP_RC") == 0 else tail(os.path.join(w, "op_check.log"), 3000)},
    "gtest": gtests,
    "benchmark": {"exit_code": rc("BENCH_RC"), "results": bench,
                  "log_tail": "" if rc("BENCH_RC") == 0 else tail(os.path.join(w, "bench.log"), 3000)},
    "total_seconds": int(os.environ["TOTAL_S"]),
}
with open(os.environ["OUT_FILE"], "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps({"all_passed": ok, "total_seconds": out["total_seconds"]}))
PY
else
  {
    echo "{\"what\": \"winnow CUDA backend device check\", \"commit\": \"$COMMIT\", \"cuda_arch_built\": \"$ARCH\","
    echo " \"models_present\": $MODELS_PRESENT, \"configure_rc\": $CONFIGURE_RC, \"build_rc\": $BUILD_RC,"
    echo " \"op_check_rc\": $OP_RC, \"bench_rc\": $BENCH_RC, \"total_seconds\": $(elapsed),"
    echo " \"op_check\": $(cat "$WORK/op_check.json" 2>/dev/null || echo null),"
    echo " \"benchmark\": $(cat "$WORK/bench.json" 2>/dev/null || echo null)}"
  } > "$OUT_DIR/device-check.json"
fi
log "done"
