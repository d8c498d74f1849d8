"""nn.init against real PyTorch: gains, fans, exact fills, the statistics of random fills, and errors."""
import math
import warnings

import numpy as np
import pytest

import ember
from support import needs_torch, torch

pytestmark = needs_torch

EI = ember.nn.init
TI = torch.nn.init if torch is not None else None

GAIN_CASES = [('linear',), ('conv1d',), ('conv2d',), ('conv3d',), ('conv_transpose1d',), ('conv_transpose2d',),
              ('conv_transpose3d',), ('sigmoid',), ('tanh',), ('relu',), ('leaky_relu',), ('leaky_relu', 0.2),
              ('leaky_relu', 1), ('leaky_relu', 0), ('selu',), ('leaky_relu', None)]


@pytest.mark.parametrize('args', GAIN_CASES)
def test_calculate_gain(args):
    e, t = EI.calculate_gain(*args), TI.calculate_gain(*args)
    assert type(e) is type(t)
    assert e == t


@pytest.mark.parametrize('args', [('gelu',), ('bad',), ('leaky_relu', True), ('leaky_relu', 'x')])
def test_calculate_gain_errors(args):
    with pytest.raises(ValueError) as te:
        TI.calculate_gain(*args)
    with pytest.raises(ValueError) as ee:
        EI.calculate_gain(*args)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize('shape', [(3, 5), (4, 2, 3), (6, 3, 2, 5), (2, 3, 1, 2, 4), (7, 0), (0, 4, 3)])
def test_fan_in_and_fan_out(shape):
    e = EI._calculate_fan_in_and_fan_out(ember.empty(shape))
    t = TI._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert e == t
    for mode in ('fan_in', 'fan_out', 'FAN_OUT'):
        assert EI._calculate_correct_fan(ember.empty(shape), mode) == TI._calculate_correct_fan(torch.empty(shape),
                                                                                                mode)


def _errors(name, shape, *args, **kwargs):
    with pytest.raises(Exception) as te:
        getattr(TI, name)(torch.empty(shape), *args, **kwargs)
    with pytest.raises(Exception) as ee:
        getattr(EI, name)(ember.empty(shape), *args, **kwargs)
    assert type(ee.value).__name__ == type(te.value).__name__
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize('name,shape,args', [
    ('xavier_uniform_', (3,), ()), ('xavier_normal_', (), ()), ('kaiming_uniform_', (5,), ()),
    ('kaiming_normal_', (3, 3), (0, 'bad')), ('kaiming_uniform_', (3, 3), (0, 'fan_in', 'bad')),
    ('eye_', (3,), ()), ('eye_', (2, 3, 4), ()), ('dirac_', (3, 3), ()), ('dirac_', (3, 3, 3), (2,)),
    ('dirac_', (2, 2, 2, 2, 2, 2), ()), ('orthogonal_', (3,), ()), ('sparse_', (3, 3, 3), (0.1,)),
    ('uniform_', (3,), (2.0, 1.0)), ('normal_', (3,), (0.0, -1.0)),
])
def test_init_errors(name, shape, args):
    _errors(name, shape, *args)


N = (300, 400)


def _stats(a):
    a = np.asarray(a, dtype=np.float64)
    return a.mean(), a.std(), a.min(), a.max()


RANDOM_CASES = [
    ('uniform_', N, dict()), ('uniform_', N, dict(a=-3.0, b=0.5)),
    ('normal_', N, dict()), ('normal_', N, dict(mean=2.0, std=0.25)),
    ('trunc_normal_', N, dict()), ('trunc_normal_', N, dict(mean=1.0, std=2.0, a=-1.0, b=2.5)),
    ('xavier_uniform_', N, dict()), ('xavier_uniform_', (64, 32, 3, 3), dict(gain=2.0)),
    ('xavier_normal_', N, dict()), ('xavier_normal_', (64, 32, 3, 3), dict(gain=0.5)),
    ('kaiming_uniform_', N, dict()), ('kaiming_uniform_', (64, 32, 3, 3), dict(a=math.sqrt(5))),
    ('kaiming_uniform_', N, dict(mode='fan_out', nonlinearity='relu')),
    ('kaiming_normal_', N, dict()), ('kaiming_normal_', (64, 32, 3, 3), dict(mode='fan_out', nonlinearity='relu')),
    ('kaiming_normal_', N, dict(a=0.3, nonlinearity='leaky_relu')),
    ('kaiming_uniform_', N, dict(nonlinearity='tanh')),
]


def _support(name, shape, kw):
    """The interval a bounded fill draws from (None for unbounded ones)."""
    if name == 'uniform_':
        return kw.get('a', 0.0), kw.get('b', 1.0)
    if name == 'trunc_normal_':
        return kw.get('a', -2.0), kw.get('b', 2.0)
    fan_in, fan_out = TI._calculate_fan_in_and_fan_out(torch.empty(shape))
    if name == 'xavier_uniform_':
        bound = kw.get('gain', 1.0) * math.sqrt(6.0 / (fan_in + fan_out))
    elif name == 'kaiming_uniform_':
        fan = fan_out if kw.get('mode') == 'fan_out' else fan_in
        bound = TI.calculate_gain(kw.get('nonlinearity', 'leaky_relu'), kw.get('a', 0)) * math.sqrt(3.0 / fan)
    else:
        return None
    return -bound, bound


@pytest.mark.parametrize('name,shape,kw', RANDOM_CASES)
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_random_fill_statistics(name, shape, kw, dtype):
    ember.manual_seed(0)
    torch.manual_seed(0)
    e = getattr(EI, name)(ember.empty(shape, dtype=getattr(ember, dtype)), **kw)
    t = getattr(TI, name)(torch.empty(shape, dtype=getattr(torch, dtype)), **kw)
    assert e.dtype.name == dtype and tuple(e.shape) == shape
    (em, es, emin, emax), (tm, ts, _, _) = _stats(e.numpy()), _stats(t.numpy())
    n = e.numel()
    # Two independent samples of n draws: means within ~5 standard errors, stds within ~6 relative errors.
    assert abs(em - tm) < 5 * ts / math.sqrt(n)
    assert abs(es - ts) < 6 * ts / math.sqrt(n)
    support = _support(name, shape, kw)
    if support is not None:
        lo, hi = support
        span = hi - lo
        assert lo <= emin < lo + 0.01 * span
        assert hi - 0.01 * span < emax <= hi


def test_theoretical_bounds_and_std():
    ember.manual_seed(1)
    w = EI.kaiming_uniform_(ember.empty(500, 200), a=0, nonlinearity='relu').numpy()
    bound = math.sqrt(2.0) * math.sqrt(3.0 / 200)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    w = EI.kaiming_normal_(ember.empty(500, 200), mode='fan_out').numpy()
    assert abs(w.std() - math.sqrt(2.0 / (1 + 0.01 ** 2)) / math.sqrt(500)) < 0.01 * w.std()
    w = EI.xavier_uniform_(ember.empty(300, 100)).numpy()
    a = math.sqrt(6.0 / 400)
    assert np.abs(w).max() <= a and np.abs(w).max() > 0.99 * a
    w = EI.trunc_normal_(ember.empty(1000, 100), mean=0.5, std=1.0, a=0.0, b=1.0).numpy()
    assert w.min() >= 0.0 and w.max() <= 1.0 and abs(w.mean() - 0.5) < 0.01


@pytest.mark.parametrize('name,args', [('zeros_', ()), ('ones_', ()), ('constant_', (0.3,)), ('constant_', (-2,))])
@pytest.mark.parametrize('dtype', ['float32', 'float64', 'int64'])
def test_constant_fills(name, args, dtype):
    e = getattr(EI, name)(ember.empty(3, 4, dtype=getattr(ember, dtype)), *args)
    t = getattr(TI, name)(torch.empty(3, 4, dtype=getattr(torch, dtype)), *args)
    assert e.dtype.name == dtype
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize('shape', [(3, 3), (2, 5), (5, 2), (1, 1), (0, 3)])
@pytest.mark.parametrize('dtype', ['float32', 'int64'])
def test_eye(shape, dtype):
    e = EI.eye_(ember.full(shape, 7, dtype=getattr(ember, dtype)))
    t = TI.eye_(torch.full(shape, 7, dtype=getattr(torch, dtype)))
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize('shape,groups', [((4, 4, 3), 1), ((6, 3, 3, 3), 1), ((3, 6, 2, 4), 1), ((4, 2, 3, 3), 2),
                                          ((6, 2, 3, 4, 5), 3), ((2, 5, 1, 1), 1)])
def test_dirac(shape, groups):
    e = EI.dirac_(ember.full(shape, 7.0), groups)
    t = TI.dirac_(torch.full(shape, 7.0), groups)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_dirac_convolution_is_identity():
    x = ember.randn(2, 3, 5, 5)
    w = EI.dirac_(ember.empty(3, 3, 3, 3))
    np.testing.assert_allclose(ember.nn.functional.conv2d(x, w, padding=1).numpy(), x.numpy(), atol=1e-6)


@pytest.mark.parametrize('shape', [(5, 5), (3, 7), (7, 3), (4, 2, 3, 3), (1, 6), (6, 1)])
@pytest.mark.parametrize('gain', [1.0, 2.5])
def test_orthogonal(shape, gain):
    ember.manual_seed(2)
    q = EI.orthogonal_(ember.empty(shape, dtype=ember.float64), gain=gain).numpy().reshape(shape[0], -1)
    rows, cols = q.shape
    if rows <= cols:
        np.testing.assert_allclose(q @ q.T, gain ** 2 * np.eye(rows), atol=1e-10)
    else:
        np.testing.assert_allclose(q.T @ q, gain ** 2 * np.eye(cols), atol=1e-10)


def test_orthogonal_is_random_and_seeded():
    ember.manual_seed(3)
    a = EI.orthogonal_(ember.empty(4, 4)).numpy()
    b = EI.orthogonal_(ember.empty(4, 4)).numpy()
    ember.manual_seed(3)
    c = EI.orthogonal_(ember.empty(4, 4)).numpy()
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, c)
    # Orthogonal matrices of a Haar draw: the entries have variance 1/n.
    ember.manual_seed(4)
    big = EI.orthogonal_(ember.empty(200, 200), gain=1).numpy()
    assert abs(big.std() - 1 / math.sqrt(200)) < 0.05 / math.sqrt(200)


@pytest.mark.parametrize('sparsity', [0.1, 0.5, 0.34])
def test_sparse(sparsity):
    ember.manual_seed(5)
    rows, cols = 50, 40
    w = EI.sparse_(ember.empty(rows, cols), sparsity, std=0.2).numpy()
    zeros_per_col = (w == 0).sum(0)
    assert np.all(zeros_per_col == math.ceil(sparsity * rows))
    assert abs(w[w != 0].std() - 0.2) < 0.02
    t = TI.sparse_(torch.empty(rows, cols), sparsity, std=0.2).numpy()
    assert np.all((t == 0).sum(0) == zeros_per_col)


def test_init_records_no_graph_and_keeps_identity():
    p = ember.nn.Parameter(ember.empty(4, 3))
    version = p._version
    for fn in [EI.uniform_, EI.normal_, EI.xavier_uniform_, EI.kaiming_normal_, EI.orthogonal_, EI.zeros_,
               EI.eye_, lambda t: EI.constant_(t, 2.0), EI.trunc_normal_, lambda t: EI.sparse_(t, 0.5)]:
        out = fn(p)
        assert out is p and p.grad_fn is None and p.is_leaf and p.requires_grad
    assert p._version > version


def test_generator_argument():
    g1, g2 = ember.Generator().manual_seed(7), ember.Generator().manual_seed(7)
    for fn in [EI.uniform_, EI.normal_, EI.xavier_normal_, EI.kaiming_uniform_, EI.trunc_normal_, EI.orthogonal_]:
        a = fn(ember.empty(5, 6), generator=g1).numpy()
        b = fn(ember.empty(5, 6), generator=g2).numpy()
        np.testing.assert_array_equal(a, b)


def test_warnings_match_torch():
    def record(lib_init, lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            lib_init.kaiming_uniform_(lib.empty(0, 3))
            lib_init.kaiming_normal_(lib.empty(3, 0))
            lib_init.xavier_uniform_(lib.empty(0, 3))
            lib_init.trunc_normal_(lib.empty(3), mean=10.0)
            lib_init.uniform(lib.empty(2))
            lib_init.normal(lib.empty(2))
            lib_init.constant(lib.empty(2), 1.0)
            lib_init.eye(lib.empty(2, 2))
            lib_init.dirac(lib.empty(2, 2, 2))
            lib_init.xavier_uniform(lib.empty(2, 2))
            lib_init.xavier_normal(lib.empty(2, 2))
            lib_init.kaiming_uniform(lib.empty(2, 2))
            lib_init.kaiming_normal(lib.empty(2, 2))
            lib_init.orthogonal(lib.empty(2, 2))
            lib_init.sparse(lib.empty(2, 2), 0.5)
        return [(x.category.__name__, str(x.message)) for x in w]
    assert record(EI, ember) == record(TI, torch)


@pytest.mark.parametrize('build', [
    lambda nn: nn.Linear(300, 200), lambda nn: nn.Conv2d(16, 32, 3), lambda nn: nn.Conv1d(8, 64, 5, groups=2),
    lambda nn: nn.ConvTranspose2d(16, 24, 3), lambda nn: nn.Bilinear(30, 20, 50),
])
def test_default_layer_initialisation(build):
    ember.manual_seed(0)
    e, t = build(ember.nn), build(torch.nn)
    if isinstance(t, torch.nn.Bilinear):
        fan_in = t.weight.shape[1]
    else:
        fan_in = TI._calculate_fan_in_and_fan_out(t.weight)[0]
    bound = 1 / math.sqrt(fan_in)
    names = [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_parameters()] == names
    for (n, a), b in zip(e.named_parameters(), t.parameters()):
        assert tuple(a.shape) == tuple(b.shape) and a.dtype.name == 'float32'
        ea = a.detach().numpy()
        # Weights and biases alike are U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        assert np.abs(ea).max() <= bound
        if ea.size >= 1000:
            assert np.abs(ea).max() > 0.98 * bound
            assert abs(ea.std() - bound / math.sqrt(3)) < 6 * bound / math.sqrt(ea.size)
            assert abs(ea.mean()) < 5 * bound / math.sqrt(ea.size)
        else:
            assert np.abs(ea).max() > 0.5 * bound
