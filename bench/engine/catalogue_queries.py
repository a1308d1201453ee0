#!/usr/bin/env python3
"""Queries for engine_bench on the generated catalogue: 300 queries of 2-4 words
sampled (seed 11) from the titles of every 97th item.

    bench/engine/catalogue_queries.py catalogue-100k.jsonl > catalogue-queries.jsonl
"""
import json
import random
import sys

random.seed(11)
titles = []
with open(sys.argv[1]) as f:
    for i, line in enumerate(f):
        if i % 97 == 0:
            titles.append(json.loads(line)["title"])
for i, t in enumerate(random.sample(titles, 300)):
    words = [w.strip(",") for w in t.split()]
    k = random.randint(2, 4)
    q = " ".join(random.sample(words[1:], min(k, len(words) - 1)))
    print(json.dumps({"_id": "q%d" % i, "text": q}))
