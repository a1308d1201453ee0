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

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }

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
"$prefix/bin/winnow" serve --config winnow.toml --data "$tmp/data" --listen 127.0.0.1:0 \
  > "$tmp/serve.out" 2> "$tmp/serve.err" &
server_pid=$!
url=
for _ in $(seq 1 900); do
  url=$(sed -n 's/^winnow: serving on \(http:[^ ]*\).*/\1/p' "$tmp/serve.out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; fail "the installed serve exited before it was ready"; }
  sleep 0.1
done
[ -n "$url" ] || fail "the installed serve printed no URL within 90 s"
url=${url%/}
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
kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=
[ "$rc" -eq 0 ] || { cat "$tmp/serve.err" >&2; fail "serve exited $rc after SIGTERM"; }
echo "install_test: installed to a temporary prefix; the binary found its model from another directory and answered"
