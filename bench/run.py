"""ember vs PyTorch on the same workloads, in one run; prints each time and the ratio ember / PyTorch.

    .venv/bin/python bench/run.py [names...]

Run it with nothing else on the machine: both frameworks' threads slow down badly when cores are shared.
"""
from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402


def timeit(fn, min_time=1.0, warmup=3):
    for _ in range(warmup):
        fn()
    n, total = 0, 0.0
    best = float('inf')
    while total < min_time or n < 5:
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        best = min(best, dt)
        total += dt
        n += 1
    return best


def small_ops(T):
    """(a) Per-op overhead: 100 small elementwise ops on 16-element tensors, then backward."""
    x = T.tensor(np.linspace(-1, 1, 16, dtype=np.float32), requires_grad=True)
    w = T.tensor(np.full(16, 0.5, dtype=np.float32))

    def step():
        y = x
        for _ in range(20):
            y = (y * w + 0.1).tanh() - y * 0.5
            y = y.exp() * 0.1 + y.sigmoid()
        y.sum().backward()
        x.grad = None
    return step


def matmul_1024(T):
    """(b) 1024x1024 float32 matmul, forward and backward."""
    r = np.random.default_rng(0)
    a = T.tensor(r.standard_normal((1024, 1024), dtype=np.float32), requires_grad=True)
    b = T.tensor(r.standard_normal((1024, 1024), dtype=np.float32), requires_grad=True)

    def step():
        (a @ b).sum().backward()
        a.grad = b.grad = None
    return step


def chain_1m(T):
    """(c) A chain of 20 elementwise ops on a 1M-element tensor, forward and backward."""
    r = np.random.default_rng(0)
    x = T.tensor(r.standard_normal(1 << 20, dtype=np.float32), requires_grad=True)

    def step():
        y = x
        for _ in range(5):
            y = (y * 0.9 + 0.1).tanh()
            y = y * y.sigmoid()
        y.sum().backward()
        x.grad = None
    return step


def _train_step(T, model, x, y, opt):
    def step():
        opt.zero_grad()
        loss = T.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def _data(T, shape, n_classes, seed=0):
    r = np.random.default_rng(seed)
    return (T.tensor(r.standard_normal(shape, dtype=np.float32)),
            T.tensor(r.integers(0, n_classes, shape[0]).astype(np.int64)))


def mlp_small(T):
    """Training step of an MLP 784-128-10 at batch 64 (SGD)."""
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(784, 128), T.nn.ReLU(), T.nn.Linear(128, 10))
    x, y = _data(T, (64, 784), 10)
    return _train_step(T, model, x, y, T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))


def mlp_large(T):
    """Training step of an MLP 784-1024-1024-10 at batch 256 (Adam)."""
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(784, 1024), T.nn.ReLU(), T.nn.Linear(1024, 1024), T.nn.ReLU(),
                            T.nn.Linear(1024, 10))
    x, y = _data(T, (256, 784), 10)
    return _train_step(T, model, x, y, T.optim.Adam(model.parameters(), lr=1e-3))


def mnist_cnn(T):
    """Training step of the classic two-conv MNIST network at batch 64 (Adadelta)."""
    T.manual_seed(0)
    nn = T.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            F = T.nn.functional
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = T.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.dropout2(x)
            return F.log_softmax(self.fc2(x), dim=1)

    model = Net()
    x, y = _data(T, (64, 1, 28, 28), 10)
    opt = T.optim.Adadelta(model.parameters(), lr=1.0)

    def step():
        opt.zero_grad()
        loss = T.nn.functional.nll_loss(model(x), y)
        loss.backward()
        opt.step()
    return step


WORKLOADS = {'small_ops': small_ops, 'matmul_1024': matmul_1024, 'chain_1m': chain_1m, 'mlp_small': mlp_small,
             'mlp_large': mlp_large, 'mnist_cnn': mnist_cnn}


def main(names):
    import torch
    import ember
    torch.manual_seed(0)
    print(f"{'workload':<14} {'ember ms':>10} {'torch ms':>10} {'ratio':>7}")
    for name in names or WORKLOADS:
        make = WORKLOADS[name]
        te = timeit(make(ember))
        tt = timeit(make(torch))
        print(f"{name:<14} {te * 1e3:10.3f} {tt * 1e3:10.3f} {te / tt:7.2f}")


if __name__ == '__main__':
    main(sys.argv[1:])
