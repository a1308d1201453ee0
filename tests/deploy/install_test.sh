#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed binary, started
# from a directory that has no models/, with the printed default configuration:
# it must find the installed model (PREFIX/share/winnow/models), answer
# /readyz (which checks the model and devices) and a hybrid search that uses
# the encoder, and stop cleanly on SIGTERM. Also checks what else is
# installed (example configs, dashboard, systemd unit) and, where
# systemd-analyze exists, that the unit verifies.
#
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")

test_name=install_test
# shellcheck source=serve_harness.sh
. "$(dirname "$0")/serve_harness.sh"

prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" || { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }
for f in bin/winnow \
         share/winnow/models/all-MiniLM-L6-v2/model.safetensors \
         share/winnow/models/all-MiniLM-L6-v2/vocab.txt \
         share/winnow/config/single-cpu.toml \
         share/winnow/dashboards/winnow.json \
         lib/systemd/system/winnow.service; do
  [ -e "$prefix/$f" ] || fail "not installed: PREFIX/$f"
done
[ -x "$prefix/bin/winnow" ] || fail "PREFIX/bin/winnow is not executable"

unit="$prefix/lib/systemd/system/winnow.service"
grep -qx "ExecStart=$prefix/bin/winnow serve --data /var/lib/winnow" "$unit" ||
  fail "the unit does not start the installed binary: $(grep ExecStart= "$unit")"
for key in DynamicUser=yes StateDirectory=winnow LimitNOFILE=65536 KillSignal=SIGTERM; do
  grep -qx "$key" "$unit" || fail "the unit lacks $key"
done
if command -v systemd-analyze > /dev/null; then
  # Only the unit's own findings count (the host may lack other units it names).
  systemd-analyze verify "$unit" > "$tmp/verify.log" 2>&1 || true
  if grep -i "winnow.service" "$tmp/verify.log" | grep -v "Failed to .* bus\|not found in unit search path" > /dev/null; then
    cat "$tmp/verify.log" >&2
    fail "systemd-analyze verify found problems in the unit"
  fi
fi

# Another working directory, with no models/ in it.
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
"$prefix/bin/winnow" config --print-default > winnow.toml
"$prefix/bin/winnow" config --check winnow.toml > /dev/null || fail "the printed default does not validate"
start_serve 90 "$prefix/bin/winnow" serve --config winnow.toml --data "$tmp/data" --listen 127.0.0.1:0
curl -sf "$url/readyz" > "$tmp/readyz" || { cat "$tmp/readyz" >&2; fail "$url/readyz did not answer 200"; }
curl -sf "$url/v1/documents" -H 'Content-Type: application/json' -d '[
  {"id": "doc-1", "title": "Granite", "text": "Granite is an igneous rock."},
  {"id": "doc-2", "title": "Basalt", "text": "Basalt is a volcanic rock."}]' > "$tmp/ingest" ||
  fail "ingest failed: $(cat "$tmp/ingest")"
# Hybrid, with a generous budget: the answer must use the installed model (not
# degraded). Documents become searchable once indexed and encoded: poll.
check_search() {
  curl -sf "$url/v1/search" \
    -d '{"query": "volcanic rock", "k": 2, "mode": "hybrid", "budget_ms": 20000}' > "$tmp/search" || return 1
  python3 - "$tmp/search" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["mode"] == "hybrid" and not r["degraded"], r
assert r["results"] and r["results"][0]["id"] == "doc-2", r
PY
}
ok=
for _ in $(seq 1 60); do
  if check_search 2> "$tmp/search.err"; then ok=1; break; fi
  sleep 0.5
done
[ -n "$ok" ] || fail "hybrid search: $(cat "$tmp/search" "$tmp/search.err")"
stop_serve
echo "install_test: installed to a temporary prefix; the binary found its model from another directory and answered"
