"""End to end: the classic two-conv MNIST network trains on real MNIST digits to at least 97% test accuracy.

Uses the first 8,000 images of ../shared/data/mnist (the real MNIST test set) for training and the last 2,000
for testing; skipped when that folder is absent (a user's checkout does not have it).
"""
import gzip
import hashlib
import os

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.optim.lr_scheduler import StepLR
from ember.utils.data import DataLoader, TensorDataset

MNIST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '..', 'shared', 'data', 'mnist')

pytestmark = pytest.mark.skipif(not os.path.isdir(MNIST), reason="../shared/data/mnist is not present")


def _read_idx(name: str) -> np.ndarray:
    path = os.path.join(MNIST, name)
    sums = dict(reversed(line.split()) for line in open(os.path.join(MNIST, 'MD5SUMS')) if line.strip())
    raw = open(path, 'rb').read()
    assert hashlib.md5(raw).hexdigest() == sums[name], f"{name} does not match its md5"
    data = gzip.decompress(raw)
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], 'big') for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist():
    images = _read_idx('t10k-images-idx3-ubyte.gz').astype(np.float32) / 255.0
    labels = _read_idx('t10k-labels-idx1-ubyte.gz').astype(np.int64)
    images = (images - 0.1307) / 0.3081  # the normalisation of PyTorch's MNIST example
    x = ember.from_numpy(np.ascontiguousarray(images[:, None]))
    y = ember.from_numpy(labels)
    return (x[:8000], y[:8000]), (x[8000:], y[8000:])


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
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = ember.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def evaluate(model, x, y) -> float:
    model.eval()
    correct = 0
    with ember.no_grad():
        for i in range(0, len(x), 500):
            pred = model(x[i:i + 500]).argmax(dim=1)
            correct += int((pred == y[i:i + 500]).sum())
    return correct / len(x)


def test_mnist_cnn_reaches_97_percent():
    ember.manual_seed(1)
    (xtr, ytr), (xte, yte) = load_mnist()
    model = Net()
    opt = ember.optim.Adadelta(model.parameters(), lr=1.0)
    sched = StepLR(opt, step_size=1, gamma=0.7)
    loader = DataLoader(TensorDataset(xtr, ytr), batch_size=64, shuffle=True, num_workers=2,
                        generator=ember.Generator().manual_seed(0))
    first_loss = None
    for epoch in range(3):
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.nll_loss(model(xb), yb)
            loss.backward()
            opt.step()
            if first_loss is None:
                first_loss = loss.item()
        sched.step()
    acc = evaluate(model, xte, yte)
    print(f"MNIST CNN: test accuracy {acc:.4f} after 3 epochs on 8,000 images")
    assert first_loss > 2.0
    assert acc >= 0.97
