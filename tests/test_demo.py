"""The demo in a reduced form: it reaches 97% on held-out digits and its checkpoint loads in real PyTorch."""
import os
import sys

import numpy as np

import ember
from support import needs_torch, torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'examples'))
import sklearn  # noqa: E402,F401  (the demo's dataset ships with scikit-learn, in the test extra)

import demo  # noqa: E402


def _torch_small_cnn():
    nn = torch.nn
    m = nn.Module()
    m.features = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                               nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2))
    m.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 4 * 4, 128), nn.ReLU(),
                                 nn.Dropout(0.25), nn.Linear(128, 10))
    m.forward = lambda x: m.classifier(m.features(x))
    return m


@needs_torch
def test_demo_trains_to_97_percent_and_torch_loads_the_checkpoint(tmp_path):
    acc = demo.main(['--epochs', '6', '--out', str(tmp_path)])
    assert acc >= 0.97
    ckpt = tmp_path / 'digits_cnn.pt'
    assert (tmp_path / 'digits_report.png').stat().st_size > 10_000
    state = torch.load(ckpt, weights_only=True)
    assert state['epoch'] == 6 and abs(state['test_accuracy'] - acc) < 1e-9
    model = _torch_small_cnn()
    model.load_state_dict(state['model'])
    model.eval()
    (_, _), (x_test, y_test), _, _ = demo.load_digits_data(0)
    with torch.no_grad():
        pred = model(torch.from_numpy(x_test)).argmax(1).numpy()
    assert abs((pred == y_test).mean() - acc) < 1e-6  # ember computes the accuracy in float32
    # And the optimizer state resumes in PyTorch's AdamW.
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    opt.load_state_dict(state['optimizer'])
    assert len(opt.state) == len(list(model.parameters()))
