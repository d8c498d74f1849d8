"""Benchmark: forward+backward of BatchNorm2d, LayerNorm, GroupNorm and Dropout, ember vs PyTorch, one thread.

Run: .venv/bin/python bench/norm.py    (best of 20 steps after one warm-up; the load average is printed)

Times of the large-array cases depend on the C heap's state: glibc hands freed multi-MiB blocks back to the
system, so fresh NumPy temporaries page-fault on every step. A case run alone can read 2-3 times slower than
the same case after the others; MALLOC_TRIM_THRESHOLD_=1000000000 MALLOC_MMAP_THRESHOLD_=1000000000 in the
environment removes that effect.
"""
import os

os.environ['OPENBLAS_NUM_THREADS'] = '1'
os.environ['OMP_NUM_THREADS'] = '1'
os.environ['MKL_NUM_THREADS'] = '1'

import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

import ember  # noqa: E402

torch.set_num_threads(1)


def _time(fn, reps: int = 20) -> float:
    fn()
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def _case(lib, name, shape):
    nn = lib.nn
    layer = {'BatchNorm2d (64,32,14,14)': lambda: nn.BatchNorm2d(shape[1]),
             'LayerNorm (64,50,256)': lambda: nn.LayerNorm(shape[-1]),
             'GroupNorm (32,64,14,14)': lambda: nn.GroupNorm(8, shape[1]),
             'Dropout (256,1024) p=0.5': lambda: nn.Dropout(0.5)}[name]()
    layer.train()
    data = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x = lib.tensor(data, requires_grad=True)
    g = lib.tensor(np.random.default_rng(1).standard_normal(shape).astype(np.float32))

    def step():
        x.grad = None
        layer(x).backward(g)
    return step


CASES = [('BatchNorm2d (64,32,14,14)', (64, 32, 14, 14)), ('LayerNorm (64,50,256)', (64, 50, 256)),
         ('GroupNorm (32,64,14,14)', (32, 64, 14, 14)), ('Dropout (256,1024) p=0.5', (256, 1024))]


def main() -> None:
    print(f"{'case':28s} {'ember ms':>9s} {'torch ms':>9s} {'ratio':>6s}   (load avg {os.getloadavg()[0]:.2f})")
    for name, shape in CASES:
        te = _time(_case(ember, name, shape))
        tt = _time(_case(torch, name, shape))
        print(f"{name:28s} {te:9.2f} {tt:9.2f} {te / tt:6.2f}")


if __name__ == '__main__':
    main()
