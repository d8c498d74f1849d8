"""Checkpoint loading: ember.load vs torch.load of the same ~500 MB state dict file; ember.load(mmap=True).

    .venv/bin/python bench/checkpoint.py [--mb 500] [--dir /tmp]

Writes one state dict of float32 Linear-like layers with torch.save, then times each loader (best of several runs,
after a warm-up run, so the file is in the page cache for both) and prints the times and the ratio ember / torch.
mmap=True is timed on two files with the same tensors but 1000x apart in bytes: mapping does not grow with the
file (what remains is the per-tensor cost of unpickling).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402


def best_of(fn, runs: int) -> float:
    fn()
    best = float('inf')
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        del out
    return best


def write_state_dict(torch, path: str, mb: int, width: int = 1024) -> None:
    """About ``mb`` MB of float32 (width x width) weights and (width,) biases; the layer count depends on mb only."""
    n = max(1, mb * (1 << 20) // (4 * 1024 * 1024 + 4 * 1024))
    g = np.random.default_rng(0)
    sd = {}
    for i in range(n):
        sd[f'layers.{i}.weight'] = torch.from_numpy(g.standard_normal((width, width), dtype=np.float32))
        sd[f'layers.{i}.bias'] = torch.from_numpy(g.standard_normal(width, dtype=np.float32))
    torch.save(sd, path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--mb', type=int, default=500)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--dir', default=None)
    args = ap.parse_args()
    import torch
    import ember
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        big = os.path.join(d, 'big.pt')
        small = os.path.join(d, 'small.pt')
        write_state_dict(torch, big, args.mb)
        write_state_dict(torch, small, args.mb, width=32)  # as many tensors, 1000x fewer bytes
        size = os.path.getsize(big) / (1 << 20)
        t_torch = best_of(lambda: torch.load(big, weights_only=True), args.runs)
        t_ember = best_of(lambda: ember.load(big), args.runs)
        a, b = ember.load(big), torch.load(big, weights_only=True)
        assert all(np.array_equal(a[k].numpy(), b[k].numpy()) for k in b), "ember and torch loaded different values"
        del a, b
        t_mmap_big = best_of(lambda: ember.load(big, mmap=True), args.runs)
        t_mmap_small = best_of(lambda: ember.load(small, mmap=True), args.runs)
        t_torch_mmap = best_of(lambda: torch.load(big, weights_only=True, mmap=True), args.runs)
        print(f"checkpoint load, {size:.0f} MB state dict (best of {args.runs}, warm page cache)")
        print(f"  torch.load              {t_torch * 1e3:9.1f} ms")
        print(f"  ember.load              {t_ember * 1e3:9.1f} ms   ratio ember/torch = {t_ember / t_torch:.2f}")
        print(f"  torch.load(mmap=True)   {t_torch_mmap * 1e3:9.1f} ms")
        print(f"  ember.load(mmap=True)   {t_mmap_big * 1e3:9.1f} ms   ({size:.0f} MB file)")
        print(f"  ember.load(mmap=True)   {t_mmap_small * 1e3:9.1f} ms   "
              f"({os.path.getsize(small) / (1 << 20):.0f} MB file)")


if __name__ == '__main__':
    main()
