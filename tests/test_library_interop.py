"""The libraries people train with accept ember tensors (through ``__array__`` / ``__len__``), as they do torch's.

They are all in the ``test`` extra.
"""
import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader, TensorDataset


def test_sklearn_metrics_accept_tensors():
    import sklearn.metrics as metrics
    y_true = ember.tensor([0, 1, 2, 2, 1, 0])
    y_pred = ember.tensor([0, 2, 2, 2, 1, 0])
    assert metrics.accuracy_score(y_true, y_pred) == pytest.approx(5 / 6)
    cm = metrics.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(cm, [[2, 0, 0], [0, 1, 1], [0, 0, 2]])
    scores = ember.tensor([0.1, 0.9, 0.8, 0.3])
    assert metrics.roc_auc_score(ember.tensor([0, 1, 1, 0]), scores) == 1.0


def test_pandas_builds_frames_from_tensors():
    import pandas as pd
    t = ember.arange(6.0).reshape(3, 2)
    df = pd.DataFrame(t, columns=['a', 'b'])
    assert df['b'].tolist() == [1.0, 3.0, 5.0]
    s = pd.Series(ember.tensor([1, 2, 3]))
    assert s.sum() == 6


def test_matplotlib_and_seaborn_plot_tensors(tmp_path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    x = ember.linspace(0, 1, 20)
    fig, ax = plt.subplots()
    line, = ax.plot(x, x ** 2)
    np.testing.assert_allclose(line.get_ydata(), (x ** 2).numpy())
    ax.imshow(ember.rand(4, 4))
    import seaborn as sns
    sns.histplot(x=ember.randn(100), ax=ax)
    fig.savefig(tmp_path / 'plot.png')
    plt.close(fig)
    assert (tmp_path / 'plot.png').stat().st_size > 0


def test_tqdm_knows_the_dataloader_length():
    from tqdm import tqdm
    loader = DataLoader(TensorDataset(ember.arange(10)), batch_size=3)
    bar = tqdm(loader, disable=True)
    assert bar.total == 4 == len(loader)
    assert sum(len(b[0]) for b in bar) == 10
