"""A TransformerEncoderLayer training step (d_model 128, 4 heads, feed-forward 512, seq 64, batch 32, dropout 0.1,
batch_first, Adam), ember vs PyTorch in one run; prints both step times and the ratio ember / PyTorch.

    .venv/bin/python bench/transformer.py [--threads N]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

D_MODEL, HEADS, FF, SEQ, BATCH = 128, 4, 512, 64, 32


def make_step(T):
    T.manual_seed(0)
    layer = T.nn.TransformerEncoderLayer(D_MODEL, HEADS, FF, dropout=0.1, batch_first=True)
    head = T.nn.Linear(D_MODEL, 1)
    params = list(layer.parameters()) + list(head.parameters())
    opt = T.optim.Adam(params, lr=1e-3)
    r = np.random.default_rng(0)
    x = T.tensor(r.standard_normal((BATCH, SEQ, D_MODEL), dtype=np.float32))
    y = T.tensor(r.standard_normal((BATCH, 1), dtype=np.float32))

    def step():
        opt.zero_grad()
        out = head(layer(x).mean(1))
        loss = ((out - y) ** 2).mean()
        loss.backward()
        opt.step()
    return step


def timeit(fn, min_time=2.0, warmup=3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    while sum(times) < min_time or len(times) < 5:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=None, help='torch threads (default: torch\'s own choice)')
    args = ap.parse_args()
    import torch
    import ember
    if args.threads:
        torch.set_num_threads(args.threads)
    te = timeit(make_step(ember))
    tt = timeit(make_step(torch))
    print(f"TransformerEncoderLayer train step (d={D_MODEL}, h={HEADS}, ff={FF}, seq={SEQ}, batch={BATCH})")
    print(f"  ember  {te * 1e3:8.2f} ms")
    print(f"  torch  {tt * 1e3:8.2f} ms")
    print(f"  ratio  {te / tt:8.2f}x")


if __name__ == '__main__':
    main()
