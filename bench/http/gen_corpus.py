#!/usr/bin/env python3
"""Writes a deterministic synthetic corpus as NDJSON batch files for the wrk runs.

Zipf-skewed words from the same vocabulary as bench/http/corpus.hpp.
usage: gen_corpus.py OUT_DIR N_DOCS [BATCH]
"""
import json
import os
import random
import sys

STEMS = ("river granite engine protein market orbit violin harbor glacier circuit forest "
         "ledger canyon pollen saddle thunder lantern quartz meadow falcon copper signal "
         "garden harvest island jungle kettle ladder mirror needle oyster pepper rocket "
         "silver tunnel velvet walnut yogurt zephyr anchor bridge candle desert ember fabric "
         "galaxy hammer insect jacket kernel lizard magnet nectar orchid").split()
SUFFIXES = ["", "s", "ing", "ed", "er", "ology", "ville", "craft"]
VOCAB = [s + x for s in STEMS for x in SUFFIXES]


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rng = random.Random(42)
    word = lambda: VOCAB[int(len(VOCAB) * rng.random() ** 3)]
    os.makedirs(out, exist_ok=True)
    for first in range(0, n, batch):
        with open(os.path.join(out, "batch-%06d.ndjson" % first), "w") as f:
            for i in range(first, min(n, first + batch)):
                doc = {"id": "d%d" % i, "title": word() + " " + word(),
                       "text": " ".join(word() for _ in range(60))}
                f.write(json.dumps(doc) + "\n")


if __name__ == "__main__":
    main()
