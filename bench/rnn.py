"""An LSTM language-model training step (vocab 64, embed 64, hidden 128, seq 64, batch 32, batch_first,
cross-entropy, clip_grad_norm_, Adam), ember vs PyTorch in one run; prints both step times and the ratio
ember / PyTorch.

    .venv/bin/python bench/rnn.py [--layers N] [--threads N]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

VOCAB, EMBED, HIDDEN, SEQ, BATCH = 64, 64, 128, 64, 32


def make_step(T, layers: int):
    T.manual_seed(0)
    emb = T.nn.Embedding(VOCAB, EMBED)
    lstm = T.nn.LSTM(EMBED, HIDDEN, num_layers=layers, batch_first=True)
    head = T.nn.Linear(HIDDEN, VOCAB)
    params = list(emb.parameters()) + list(lstm.parameters()) + list(head.parameters())
    opt = T.optim.Adam(params, lr=1e-3)
    r = np.random.default_rng(0)
    tokens = r.integers(0, VOCAB, (BATCH, SEQ + 1))
    x, y = T.tensor(tokens[:, :-1]), T.tensor(tokens[:, 1:])

    def step():
        opt.zero_grad()
        out, _ = lstm(emb(x))
        loss = T.nn.functional.cross_entropy(head(out).reshape(-1, VOCAB), y.reshape(-1))
        loss.backward()
        T.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
    return step


def interleaved(fa, fb, rounds=30, warmup=3) -> tuple:
    """Alternate the two steps and keep each one's best time: on a shared machine the minimum is what is least
    disturbed by other load, and alternating exposes both to the same conditions."""
    for _ in range(warmup):
        fa()
        fb()
    ta, tb = [], []
    for _ in range(rounds):
        for f, ts in ((fa, ta), (fb, tb)):
            t0 = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t0)
    return (min(ta), float(np.median(ta))), (min(tb), float(np.median(tb)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--layers', type=int, default=1, help='LSTM layers (default 1)')
    ap.add_argument('--threads', type=int, default=None, help="torch threads (default: torch's own choice)")
    ap.add_argument('--rounds', type=int, default=30)
    args = ap.parse_args()
    import torch
    import ember
    if args.threads:
        torch.set_num_threads(args.threads)
    (be, me), (bt, mt) = interleaved(make_step(ember, args.layers), make_step(torch, args.layers), args.rounds)
    print(f"LSTM LM train step (vocab={VOCAB}, embed={EMBED}, hidden={HIDDEN}, layers={args.layers}, seq={SEQ}, "
          f"batch={BATCH})")
    print(f"  ember   best {be * 1e3:8.2f} ms   median {me * 1e3:8.2f} ms")
    print(f"  PyTorch best {bt * 1e3:8.2f} ms   median {mt * 1e3:8.2f} ms")
    print(f"  ratio ember / PyTorch: {be / bt:.2f}x (best), {me / mt:.2f}x (median)")


if __name__ == '__main__':
    main()
