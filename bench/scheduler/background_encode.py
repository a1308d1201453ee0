#!/usr/bin/env python3
"""Searches during the background encode of scripts/run (issue 17).

Does what scripts/run does — a seeded catalogue (`winnow gen-catalogue`), ingested
into the BM25 index without vectors (`winnow ingest --no-vectors`), then
`winnow serve` on the embedded default, which encodes every document in the bulk
class — and meanwhile sends interactive hybrid searches open loop at a fixed rate
(each at its scheduled time, whatever the previous ones are doing). It records,
over the whole encode (or until --max-seconds):

  * interactive latency p50 / p99 (client side, whole run and per 10 s window),
  * degraded answers (BM25 order: the query's encoding missed its deadline),
  * errors (non-200),
  * bulk passages/s from the answers' "vectors": {"encoded", "total"} counts.

Writes OUT/samples.csv (one line per search), OUT/summary.json and, with gnuplot,
OUT/background-encode.png (p99 per window and documents encoded over time).

    bench/scheduler/background_encode.py [--count 100000] [--rate 5]
        [--max-seconds 0] [--out bench/out/background-encode] [--winnow build/app/winnow]

--max-seconds 0 runs until every document is encoded. The service's data
directory is OUT/data (removed first: every run starts from the same catalogue).

--bulk-only SECONDS sends no searches: after a 15 s warm-up it counts the bulk passages
encoded over SECONDS from /metrics (winnow_batch_size_sum{class="bulk"}) and reports
bulk passages/s with no queries, and whether the backlog lasted the whole window (a
backlog that runs out inside it understates the rate; use a larger --count).
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time

QUERIES = ["waterproof hiking boot", "stainless steel water bottle", "wireless noise cancelling headphones",
           "cotton t-shirt for kids", "leather wallet", "running shoes men", "ceramic coffee mug",
           "usb c charger", "camping tent 4 person", "yoga mat non slip"]


def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    rank = max(1, -(-len(v) * p // 100))  # ceil(p/100 * n), 1-based
    return v[int(rank) - 1]


def search(port, query, timeout_s=10):
    body = json.dumps({"query": query, "mode": "hybrid", "k": 10, "class": "interactive"})
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
        c.request("POST", "/v1/search", body, {"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        c.close()
        ms = (time.monotonic() - t0) * 1e3
        if r.status != 200:
            return ms, r.status, None
        return ms, 200, json.loads(data)
    except Exception:  # a refused or broken connection counts as an error
        return (time.monotonic() - t0) * 1e3, 0, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--rate", type=float, default=5.0, help="searches per second, open loop")
    ap.add_argument("--max-seconds", type=float, default=0, help="0 = until the catalogue is encoded")
    ap.add_argument("--out", default="bench/out/background-encode")
    ap.add_argument("--winnow", default="build/app/winnow")
    ap.add_argument("--bulk-only", type=float, default=0, metavar="SECONDS",
                    help="no searches: bulk passages/s over SECONDS after a 15 s warm-up")
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    catalogue = os.path.join(a.out, "catalogue-%d-seed%d.jsonl" % (a.count, a.seed))
    data = os.path.join(a.out, "data")
    if not os.path.exists(catalogue):
        subprocess.run([a.winnow, "gen-catalogue", "--count", str(a.count), "--seed", str(a.seed), catalogue],
                       check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(data, ignore_errors=True)
    t = time.monotonic()
    subprocess.run([a.winnow, "ingest", "--no-vectors", "--data", data, catalogue], check=True,
                   stdout=subprocess.DEVNULL)
    print("ingested %d documents without vectors in %.1f s" % (a.count, time.monotonic() - t), file=sys.stderr)

    server = subprocess.Popen([a.winnow, "serve", "--data", data, "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if "http://127.0.0.1:" not in line:
            sys.exit("unexpected first line from winnow serve: %r" % line)
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        if a.bulk_only:
            summary = bulk_only(port, a)
        else:
            samples = run(port, a)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if a.bulk_only:
        with open(os.path.join(a.out, "summary.json"), "w") as f:
            json.dump(summary, f, indent=2)
        print(json.dumps(summary, indent=2))
    else:
        report(samples, a)


def bulk_passages(port):
    """Passages encoded in the bulk class so far, on any device (from /metrics)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    c.close()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("winnow_batch_size_sum{") and 'class="bulk"' in line)


def bulk_only(port, a, warmup_s=15):
    time.sleep(warmup_s)
    t0, n0 = time.monotonic(), bulk_passages(port)
    time.sleep(a.bulk_only)
    t1, n1 = time.monotonic(), bulk_passages(port)
    # One search after the window: its vector counts say whether the backlog lasted.
    _, status, body = search(port, QUERIES[0])
    v = (body or {}).get("vectors") or {}
    return {
        "count": a.count, "warmup_s": warmup_s, "window_s": round(t1 - t0, 1),
        "bulk_passages": n1 - n0, "bulk_passages_per_s": (n1 - n0) / (t1 - t0),
        "encoded_after_window": v.get("encoded"), "total": v.get("total"),
        "backlog_lasted": bool(v) and v.get("encoded", 0) < v.get("total", 0),
    }


def run(port, a):
    rng = random.Random(a.seed)
    samples = []  # (scheduled_s, latency_ms, status, degraded, encoded, total)
    lock = threading.Lock()
    done = threading.Event()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=64)
    start = time.monotonic()

    def one(scheduled, query):
        ms, status, body = search(port, query)
        degraded = bool(body and body.get("degraded"))
        v = (body or {}).get("vectors") or {}
        with lock:
            samples.append((scheduled, ms, status, degraded, v.get("encoded", -1), v.get("total", -1)))
        if v and v.get("encoded") == v.get("total"):
            done.set()

    i = 0
    while not done.is_set():
        scheduled = i / a.rate
        if a.max_seconds and scheduled >= a.max_seconds:
            break
        delay = start + scheduled - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        pool.submit(one, scheduled, rng.choice(QUERIES))
        i += 1
    pool.shutdown(wait=True)
    return sorted(samples)


def report(samples, a):
    with open(os.path.join(a.out, "samples.csv"), "w") as f:
        f.write("scheduled_s,latency_ms,status,degraded,encoded,total\n")
        for s in samples:
            f.write("%.3f,%.2f,%d,%d,%d,%d\n" % (s[0], s[1], s[2], int(s[3]), s[4], s[5]))
    ok = [s for s in samples if s[2] == 200]
    lat = [s[1] for s in ok]
    counted = [s for s in ok if s[4] >= 0]
    first, last = (counted[0], counted[-1]) if counted else (None, None)
    encode_rate = ((last[4] - first[4]) / (last[0] - first[0])
                   if counted and last[0] > first[0] else float("nan"))
    summary = {
        "count": a.count, "rate": a.rate, "max_seconds": a.max_seconds,
        "searches": len(samples), "ok": len(ok), "errors": len(samples) - len(ok),
        "degraded": sum(1 for s in ok if s[3]),
        "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99), "max_ms": max(lat) if lat else None,
        "seconds": samples[-1][0] if samples else 0,
        "encoded_first": first[4] if first else None, "encoded_last": last[4] if last else None,
        "total": last[5] if last else None,
        "encoded_all": bool(last and last[4] == last[5]),
        "bulk_passages_per_s": encode_rate,
    }
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary, indent=2))
    # Per 10 s window: p99 and documents encoded, for the chart.
    windows = os.path.join(a.out, "windows.dat")
    with open(windows, "w") as f:
        w = 0
        while True:
            ws = [s for s in ok if w * 10 <= s[0] < (w + 1) * 10]
            if not ws:
                break
            f.write("%d %.2f %d %d\n" % (w * 10, percentile([s[1] for s in ws], 99),
                                         sum(1 for s in ws if s[3]), max(s[4] for s in ws)))
            w += 1
    if shutil.which("gnuplot"):
        png = os.path.join(a.out, "background-encode.png")
        script = """set terminal pngcairo size 900,420 noenhanced
set output '%s'
set title 'Interactive searches at %g/s while the catalogue encodes (%d documents)'
set xlabel 'seconds since the searches started (serve up, encoding under way)'
set ylabel 'p99 per 10 s window (ms)'
set y2label 'documents encoded'
set ytics nomirror
set y2tics
set key left top
plot '%s' using 1:2 with linespoints title 'interactive p99 (ms)', \\
     '' using 1:4 axes x1y2 with lines title 'documents encoded'
""" % (png, a.rate, a.count, windows)
        subprocess.run(["gnuplot"], input=script, text=True, check=False)


if __name__ == "__main__":
    main()
