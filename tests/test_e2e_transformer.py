"""End to end: a TransformerEncoder classifier learns whether a token sequence is sorted (negatives include
sorted sequences with one adjacent pair swapped), to at least 95% held-out accuracy."""
import numpy as np

import ember
import ember.nn as nn

VOCAB, LEN = 10, 8


def make_data(r, n):
    x = np.sort(r.integers(0, VOCAB, (n, LEN)), axis=1)
    y = np.ones(n, np.int64)
    neg = r.random(n) < 0.5
    for i in np.nonzero(neg)[0]:
        row = x[i]
        if r.random() < 0.5:   # a hard negative: one adjacent pair out of order
            j = np.nonzero(row[1:] > row[:-1])[0]
            if len(j) == 0:
                continue
            k = r.choice(j)
            row[k], row[k + 1] = row[k + 1], row[k]
        else:
            r.shuffle(row)
        y[i] = int(np.all(row[1:] >= row[:-1]))
    return x, y


class SortedClassifier(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d)
        self.pos = nn.Parameter(ember.randn(LEN, d) * 0.1)
        layer = nn.TransformerEncoderLayer(d, 4, 64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(d, 2)

    def forward(self, x):
        h = self.encoder(self.embed(x) + self.pos)
        return self.head(h.mean(1))


def test_transformer_learns_sortedness():
    ember.manual_seed(0)
    r = np.random.default_rng(0)
    xte, yte = make_data(np.random.default_rng(1), 1000)
    model = SortedClassifier()
    lr, steps = 5e-3, 800
    opt = ember.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(steps):   # fresh batches; the learning rate decays linearly over the second half
        for g in opt.param_groups:
            g['lr'] = lr * min(1.0, 2 * (1 - step / steps))
        x, y = make_data(r, 64)
        loss = loss_fn(model(ember.tensor(x)), ember.tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with ember.no_grad():
        pred = model(ember.tensor(xte)).argmax(1).numpy()
    acc = (pred == yte).mean()
    assert acc >= 0.95, acc
