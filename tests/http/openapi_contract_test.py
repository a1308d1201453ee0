"""The API contract, docs/openapi.yaml, against a live `winnow serve`.

Starts the real server (the actor engine with the real model) on an ephemeral loopback
port with a fresh data directory and two API keys (admin, read), then:

  1. checks the server's own copy of the document (GET /openapi.yaml) is the file;
  2. sends the requests whose answers Schemathesis does not provoke by itself (a key
     without the role, an unknown route, an over-large body or header, a wrong method),
     and checks each status code is one the document declares for the operation, with
     the declared headers and a JSON error body;
  3. runs Schemathesis (every check: no 5xx, status codes, content types, headers and
     bodies as declared, invalid input refused, valid input accepted, 405 + Allow for
     undeclared methods, auth enforced) with a bounded number of examples per operation;
  4. stops the server with SIGTERM; it must exit 0;
  5. starts a second server whose encode backlog holds one document and checks that an
     ingest of two is refused with 429 and Retry-After, as declared.
503 and 504 need an engine that fails or stalls on purpose; tests/http/server_test.cpp
provokes them (with a stand-in engine) and checks their bodies and headers.

Usage: openapi_contract_test.py --winnow BIN --spec docs/openapi.yaml --model DIR
       [--examples N] [--seed S]
Run by ctest through tests/http/openapi_contract_test.sh, which finds the Python
environment that scripts/setup made.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import yaml

ADMIN_KEY = "contract-test-admin-key-0001"
READ_KEY = "contract-test-read-key-000002"
CONFIG = """
[[http.api_keys]]
key = "%s"
roles = ["admin"]

[[http.api_keys]]
key = "%s"
roles = ["read"]
""" % (ADMIN_KEY, READ_KEY)

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def request(base, method, path, body=None, headers=None, timeout=30):
    """(status, headers, body bytes); never raises for an HTTP status."""
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def raw_request(port, data, timeout=30):
    """Sends raw bytes; returns the status code of the first response line."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    line = buf.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def declared(spec, path, method):
    op = spec["paths"][path][method.lower()]
    return op["responses"]


def expect(spec, name, got, path, method, want, want_error=None, want_header=None):
    status, headers, body = got
    codes = declared(spec, path, method)
    if status != want:
        fail("%s: %s %s answered %d, expected %d: %s" % (name, method, path, status, want, body[:300]))
        return
    if str(status) not in codes:
        fail("%s: %s %s answered %d, which the document does not declare" % (name, method, path, status))
    if want_error is not None:
        try:
            j = json.loads(body)
        except ValueError:
            fail("%s: the %d body is not JSON: %r" % (name, status, body[:200]))
            return
        if j.get("error") != want_error or not isinstance(j.get("detail"), str):
            fail("%s: expected error '%s', got %s" % (name, want_error, j))
    if want_header is not None and headers.get(want_header) is None:
        fail("%s: the %d answer lacks the %s header" % (name, status, want_header))
    print("ok: %s (%s %s -> %d)" % (name, method, path, status), flush=True)


class Server:
    def __init__(self, winnow, model, workdir, config=CONFIG):
        os.makedirs(workdir, exist_ok=True)
        cfg = os.path.join(workdir, "contract.toml")
        with open(cfg, "w") as f:
            f.write(config)
        self.log = open(os.path.join(workdir, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [winnow, "serve", "--config", cfg, "--data", os.path.join(workdir, "data"),
             "--listen", "127.0.0.1:0", "--model", model],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.url = None
        line = [None]

        def read_first():
            line[0] = self.proc.stdout.readline()

        t = threading.Thread(target=read_first, daemon=True)
        t.start()
        t.join(120)
        first = line[0] or ""
        marker = "http://127.0.0.1:"
        if marker not in first:
            self.stop()
            raise RuntimeError("winnow serve did not say where it serves: %r\n%s" % (first, self.stderr()))
        port = int(first[first.index(marker) + len(marker):].split("/")[0])
        self.port = port
        self.url = "http://127.0.0.1:%d" % port
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def stderr(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self):
        """SIGTERM; returns the exit code (None when it had to be killed)."""
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


def own_checks(spec, spec_bytes, base, port, catalogue):
    admin = {"Authorization": "Bearer " + ADMIN_KEY}
    read = {"X-API-Key": READ_KEY}
    js = {"Content-Type": "application/json"}

    status, headers, body = request(base, "GET", "/openapi.yaml")
    if status != 200 or body != spec_bytes:
        fail("GET /openapi.yaml: status %d, %d bytes; expected 200 and the %d bytes of the file "
             "(rebuild after editing docs/openapi.yaml)" % (status, len(body), len(spec_bytes)))
    elif not headers.get("Content-Type", "").startswith("application/yaml"):
        fail("GET /openapi.yaml: Content-Type %r" % headers.get("Content-Type"))
    else:
        print("ok: GET /openapi.yaml serves docs/openapi.yaml (%d bytes)" % len(body), flush=True)

    # A small generated catalogue, so that searches find something and hits are checked.
    with open(catalogue) as f:
        items = [json.loads(line) for line in f if line.strip()]
    batch = json.dumps([{"id": i["_id"], "title": i.get("title"), "text": i["text"],
                         "metadata": i.get("metadata")} for i in items]).encode()
    got = request(base, "POST", "/v1/documents", batch, dict(admin, **js))
    expect(spec, "ingest the catalogue", got, "/v1/documents", "POST", 200)
    if got[0] == 200 and json.loads(got[2]).get("accepted") != len(items):
        fail("ingest the catalogue: %s" % got[2][:300])

    docs = json.dumps([{"id": "contract-1", "title": "Basalt", "text": "Basalt is a volcanic rock.",
                        "metadata": {"lang": "en"}},
                       {"id": "contract-2", "text": "Granite is an igneous rock."},
                       {"id": "", "text": "an empty id is rejected, the others applied"}]).encode()
    got = request(base, "POST", "/v1/documents", docs, dict(admin, **js))
    expect(spec, "ingest with one bad document", got, "/v1/documents", "POST", 200)
    if got[0] == 200:
        j = json.loads(got[2])
        if (j.get("accepted"), j.get("rejected"), j.get("errors")) != (2, 1, True):
            fail("ingest with one bad document: %s" % j)
    search = json.dumps({"query": "volcanic rock", "k": 5, "mode": "bm25"}).encode()
    # "accepted" documents become searchable shortly after; wait for it (10 s at most).
    deadline = time.monotonic() + 10
    while True:
        got = request(base, "POST", "/v1/search", search, dict(read, **js))
        first = [h["id"] for h in json.loads(got[2])["results"]][:1] if got[0] == 200 else None
        if first == ["contract-1"] or got[0] != 200 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    expect(spec, "search with a read key", got, "/v1/search", "POST", 200)
    if got[0] == 200 and first != ["contract-1"]:
        fail("search with a read key: expected contract-1 first: %s" % got[2][:300])
    expect(spec, "search without a key", request(base, "POST", "/v1/search", search, js),
           "/v1/search", "POST", 401, "unauthenticated", "WWW-Authenticate")
    expect(spec, "search with an unknown key",
           request(base, "POST", "/v1/search", search, dict(js, **{"X-API-Key": "x" * 20})),
           "/v1/search", "POST", 401, "unauthenticated", "WWW-Authenticate")
    expect(spec, "ingest with a read key", request(base, "POST", "/v1/documents", docs, dict(read, **js)),
           "/v1/documents", "POST", 403, "forbidden")
    expect(spec, "delete with a read key", request(base, "DELETE", "/v1/documents/contract-1", None, read),
           "/v1/documents/{id}", "DELETE", 403, "forbidden")
    expect(spec, "metrics with a read key", request(base, "GET", "/metrics", None, read),
           "/metrics", "GET", 403, "forbidden")
    got = request(base, "GET", "/metrics", None, admin)
    expect(spec, "metrics with the admin key", got, "/metrics", "GET", 200)
    if b"winnow_http_requests_total" not in got[2]:
        fail("GET /metrics lacks winnow_http_requests_total")
    expect(spec, "get a document", request(base, "GET", "/v1/documents/contract-1", None, read),
           "/v1/documents/{id}", "GET", 200)
    expect(spec, "get a missing document", request(base, "GET", "/v1/documents/no-such-doc", None, read),
           "/v1/documents/{id}", "GET", 404, "not_found")
    expect(spec, "get a malformed percent-escape", request(base, "GET", "/v1/documents/a%2", None, read),
           "/v1/documents/{id}", "GET", 400, "invalid_field")
    expect(spec, "delete a missing document", request(base, "DELETE", "/v1/documents/no-such-doc", None, admin),
           "/v1/documents/{id}", "DELETE", 404, "not_found")
    expect(spec, "search with an unknown field",
           request(base, "POST", "/v1/search", b'{"query": "rock", "kk": 3}', dict(read, **js)),
           "/v1/search", "POST", 400, "invalid_field")
    expect(spec, "search with malformed JSON",
           request(base, "POST", "/v1/search", b'{"query": "rock",', dict(read, **js)),
           "/v1/search", "POST", 400, "invalid_json")
    expect(spec, "search with invalid UTF-8",
           request(base, "POST", "/v1/search", b'{"query": "\xff"}', dict(read, **js)),
           "/v1/search", "POST", 400, "invalid_utf8")
    expect(spec, "search without a query",
           request(base, "POST", "/v1/search", b'{"k": 3}', dict(read, **js)),
           "/v1/search", "POST", 400, "missing_field")
    expect(spec, "ingest of an empty batch",
           request(base, "POST", "/v1/documents", b"[]", dict(admin, **js)),
           "/v1/documents", "POST", 400, "invalid_json")
    expect(spec, "ingest into an unknown class",
           request(base, "POST", "/v1/documents?class=nope", docs, dict(admin, **js)),
           "/v1/documents", "POST", 400, "invalid_field")
    expect(spec, "search with a number beyond a double",
           request(base, "POST", "/v1/search", b'{"query": "x", "k": 1e400}', dict(read, **js)),
           "/v1/search", "POST", 400, "invalid_json")
    deep = b"[" * 100000 + b"]" * 100000
    expect(spec, "ingest with metadata nested 100,000 deep",
           request(base, "POST", "/v1/documents",
                   b'[{"id": "deep", "text": "t", "metadata": {"a": ' + deep + b"}}]", dict(admin, **js)),
           "/v1/documents", "POST", 400, "invalid_json")
    ndjson = b'{"id": "contract-3", "text": "Obsidian is volcanic glass."}\nnot json\n'
    got = request(base, "POST", "/v1/documents", ndjson, dict(admin, **{"Content-Type": "application/x-ndjson"}))
    expect(spec, "NDJSON ingest with a line that is not JSON", got, "/v1/documents", "POST", 200)
    if got[0] == 200 and (json.loads(got[2])["accepted"], json.loads(got[2])["rejected"]) != (1, 1):
        fail("NDJSON ingest: %s" % got[2][:300])
    got = request(base, "PUT", "/v1/search", search, dict(read, **js))
    if got[0] != 405 or got[1].get("Allow") != "POST":
        fail("PUT /v1/search: %d, Allow %r; expected 405, Allow: POST" % (got[0], got[1].get("Allow")))
    else:
        print("ok: PUT /v1/search -> 405, Allow: POST", flush=True)
    got = request(base, "GET", "/no/such/route", None, admin)
    if got[0] != 404 or json.loads(got[2]).get("error") != "not_found":
        fail("GET /no/such/route: %d %s; expected 404 not_found" % (got[0], got[2][:200]))
    else:
        print("ok: GET /no/such/route -> 404", flush=True)
    big = b'{"query": "' + b"a" * (70 << 10) + b'"}'
    expect(spec, "search body above 64 KiB", request(base, "POST", "/v1/search", big, dict(read, **js)),
           "/v1/search", "POST", 413, "payload_too_large")
    raw = (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * (20 << 10) + b"\r\n\r\n")
    status = raw_request(port, raw)
    if status != 431 or "431" not in declared(spec, "/healthz", "GET"):
        fail("a 20 KiB header: %d; expected 431, declared" % status)
    else:
        print("ok: a 20 KiB header -> 431", flush=True)
    expect(spec, "delete a document", request(base, "DELETE", "/v1/documents/contract-2", None, admin),
           "/v1/documents/{id}", "DELETE", 200)
    status, _, body = request(base, "GET", "/readyz")
    if status != 200:
        fail("GET /readyz: %d %s" % (status, body[:300]))


def wait_ready(server):
    deadline = time.monotonic() + 120
    while True:
        try:
            status, _, _ = request(server.url, "GET", "/readyz", timeout=5)
        except OSError:
            status = 0
        if status == 200:
            return True
        if time.monotonic() > deadline or server.proc.poll() is not None:
            print("FAIL: the server never became ready\n" + server.stderr())
            return False
        time.sleep(0.2)


def admission_check(spec, winnow, model, workdir):
    """429 + Retry-After, from a second server whose encode backlog holds one document."""
    server = Server(winnow, model, workdir, CONFIG + "\n[engine]\nmax_pending_encode = 1\n")
    try:
        if not wait_ready(server):
            fail("the second server (max_pending_encode = 1) never became ready")
            return
        docs = json.dumps([{"id": "a", "text": "first"}, {"id": "b", "text": "second"}]).encode()
        got = request(server.url, "POST", "/v1/documents", docs,
                      {"Authorization": "Bearer " + ADMIN_KEY, "Content-Type": "application/json"})
        expect(spec, "ingest above max_pending_encode", got, "/v1/documents", "POST", 429,
               "resource_exhausted", "Retry-After")
    finally:
        code = server.stop()
        if code != 0:
            fail("the second server exited %r after SIGTERM:\n%s" % (code, server.stderr()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--winnow", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--examples", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.model, "model.safetensors")):
        print("FAIL: no model in %s (run scripts/setup)" % a.model)
        return 1
    with open(a.spec, "rb") as f:
        spec_bytes = f.read()
    spec = yaml.safe_load(spec_bytes)
    work = tempfile.mkdtemp(prefix="winnow-openapi-")
    server = None
    try:
        started = time.monotonic()
        server = Server(a.winnow, a.model, work)
        if not wait_ready(server):
            return 1
        print("server ready at %s in %.1f s" % (server.url, time.monotonic() - started), flush=True)
        catalogue = os.path.join(work, "catalogue.jsonl")
        subprocess.run([a.winnow, "gen-catalogue", "--count", "300", "--seed", "42", catalogue],
                       check=True, stdout=subprocess.DEVNULL)
        own_checks(spec, spec_bytes, server.url, server.port, catalogue)

        st = os.path.join(os.path.dirname(sys.executable), "schemathesis")
        config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")

        cmd = [st, "--config-file", config, "run", a.spec, "--url", server.url,
               "--max-examples", str(a.examples), "--seed", str(a.seed), "--workers", "1",
               "--phases", "examples,coverage,fuzzing", "--request-timeout", "30",
               "--suppress-health-check", "all", "--generation-database", "none", "--no-color",
               "-H", "Authorization: Bearer " + ADMIN_KEY]
        print("running: " + " ".join(c if ADMIN_KEY not in c else "-H 'Authorization: Bearer <admin key>'"
                                     for c in cmd[1:]), flush=True)
        here = os.path.dirname(os.path.abspath(__file__))
        env = dict(os.environ, SCHEMATHESIS_HOOKS="schemathesis_hooks", PYTHONDONTWRITEBYTECODE="1",
                   PYTHONPATH=here + os.pathsep + os.environ.get("PYTHONPATH", ""))
        rc = subprocess.call(cmd, cwd=work, env=env)
        if rc != 0:
            fail("schemathesis found responses that break the contract (exit %d; see above)" % rc)
        if server.proc.poll() is not None:
            fail("the server died during the run:\n" + server.stderr())
        admission_check(spec, a.winnow, a.model, os.path.join(work, "admission"))
    finally:
        if server is not None:
            code = server.stop()
            if code != 0:
                fail("winnow serve exited %r after SIGTERM:\n%s" % (code, server.stderr()))
        if a.keep:
            print("scratch directory kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d failed" % len(failures))
        return 1
    print("openapi contract: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
