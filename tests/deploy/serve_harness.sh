# Sourced by the deploy test scripts: a scratch directory, `winnow serve` started in the
# background and waited for, a graceful stop, and cleanup on any exit. The sourcing script
# sets test_name before sourcing it.
#   start_serve SECONDS WINNOW serve ARGS...   sets server_pid and url (no trailing slash)
#   stop_serve                                  SIGTERM; fails unless serve exits 0
tmp=$(mktemp -d)
server_pid=
url=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "$test_name: FAIL: $*" >&2; exit 1; }

start_serve() {
  local seconds=$1; shift
  "$@" > "$tmp/serve.out" 2> "$tmp/serve.err" &
  server_pid=$!
  url=
  local _
  for _ in $(seq 1 $((seconds * 10))); do
    url=$(sed -n 's/^winnow: serving on \(http:[^ ]*\).*/\1/p' "$tmp/serve.out")
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; fail "serve exited before it was ready"; }
    sleep 0.1
  done
  [ -n "$url" ] || fail "serve printed no URL within $seconds s"
  url=${url%/}
}

stop_serve() {
  kill -TERM "$server_pid"
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=
  [ "$rc" -eq 0 ] || { cat "$tmp/serve.err" >&2; fail "serve exited $rc after SIGTERM"; }
}
