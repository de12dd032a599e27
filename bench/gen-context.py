#!/usr/bin/env python3
"""Writes a synthetic build context: N files, about SIZE bytes in all, in nested folders.

Deterministic (seeded), so every run measures the same tree. Sizes follow a rough
source-tree shape: many small files, a few large ones.
"""
import os
import random
import sys

def main():
    dest, files, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(42)
    weights = [rng.paretovariate(1.2) for _ in range(files)]
    scale = total / sum(weights)
    block = rng.randbytes(1 << 20)  # the same bytes every run; only they are hashed
    os.makedirs(dest, exist_ok=True)
    written = 0
    for i, w in enumerate(weights):
        size = max(1, int(w * scale))
        folder = os.path.join(dest, "pkg%03d" % (i % 250), "mod%02d" % (i % 17))
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "file%05d.dat" % i)
        with open(path, "wb") as f:
            remaining = size
            offset = (i * 7919) % len(block)
            while remaining > 0:
                chunk = block[offset:offset + remaining]
                f.write(chunk)
                remaining -= len(chunk)
                offset = 0
        written += size
    with open(os.path.join(dest, "Dockerfile"), "w") as f:
        f.write("FROM scratch\nCOPY . /\n")
    print("%d files, %.2f GB in %s" % (files + 1, written / 1e9, dest))

main()
