"""Cluster 100,000 synthetic flaw reports with redhive.findings.dedup.cluster (sparse TF-IDF,
blocked by system, nearest neighbours in row blocks; never an n × n matrix). Prints the seconds."""

from __future__ import annotations

import random
import sys
import time

from redhive.findings.dedup import cluster

TECHNIQUES = ["role-play persona", "base64 encoding", "rot13 text", "leetspeak spelling", "prefix injection",
              "refusal suppression", "multi-turn follow-up", "document injection", "false premise", "tool call"]
GOALS = ["recites the restricted surrogate reference", "prints its system prompt canary",
         "lists the planted customer records", "obeys the embedded instruction", "calls delete_file"]


def synthetic(n: int, systems: int = 200, seed: int = 7) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, keys = [], []
    for i in range(n):
        t, g = rng.choice(TECHNIQUES), rng.choice(GOALS)
        texts.append(f"{t} makes the model {g} variant {i % 997} {rng.randint(0, 99)}")
        keys.append(f"system-{rng.randrange(systems)}")
    return texts, keys


def main(n: int = 100_000) -> None:
    texts, keys = synthetic(n)
    start = time.perf_counter()
    labels = cluster(texts, keys, threshold=0.8)
    seconds = time.perf_counter() - start
    print(f"{n} reports clustered into {len(set(labels))} clusters in {seconds:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
