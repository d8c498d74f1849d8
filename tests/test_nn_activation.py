"""Activations: every F form and module against PyTorch (values, dtypes, gradients incl. at the kinks), gradcheck and
gradgradcheck in float64, in-place variants, reprs, RReLU's random slopes, softmax's implicit dim, bad inputs."""
import warnings

import numpy as np
import pytest

import ember
from support import check_grads, check_op, needs_torch, to_numpy, torch

EF = ember.nn.functional
TF = torch.nn.functional if torch is not None else None
pytestmark = needs_torch

# (name, kwargs): each F form called as F.name(x, **kwargs) in both frameworks.
ACTIVATIONS = [
    ('relu', {}), ('relu6', {}), ('leaky_relu', {}), ('leaky_relu', dict(negative_slope=0.2)),
    ('elu', {}), ('elu', dict(alpha=0.5)), ('elu', dict(alpha=-0.7)), ('selu', {}), ('celu', {}),
    ('celu', dict(alpha=2.0)), ('gelu', {}), ('gelu', dict(approximate='tanh')), ('silu', {}), ('mish', {}),
    ('sigmoid', {}), ('logsigmoid', {}), ('tanh', {}), ('hardtanh', {}), ('hardtanh', dict(min_val=-2., max_val=0.5)),
    ('hardsigmoid', {}), ('hardswish', {}), ('hardshrink', {}), ('hardshrink', dict(lambd=1.0)), ('softshrink', {}),
    ('softshrink', dict(lambd=0.2)), ('tanhshrink', {}), ('softplus', {}), ('softplus', dict(beta=2., threshold=1.)),
    ('softsign', {}), ('threshold', dict(threshold=0.1, value=-3.)), ('glu', {}), ('glu', dict(dim=0)),
    ('softmax', dict(dim=1)), ('log_softmax', dict(dim=0)), ('softmin', dict(dim=-1)),
    ('rrelu', {}), ('rrelu', dict(lower=0.2, upper=0.4)),
]
# The values where PyTorch makes a choice of derivative; hit exactly by the samples.
KINKS = np.array([0., -1., 1., 6., -3., 3., 0.5, -0.5, 0.1, 0.2, -0.2, 20., -2., 1.0], np.float32)


def _sample(shape, seed=0, dtype=np.float32):
    r = np.random.default_rng(seed)
    x = np.asarray(r.standard_normal(shape) * 3, dtype)
    flat = x.reshape(-1)
    n = min(flat.size, KINKS.size)
    flat[:n] = KINKS[:n]
    return x


def _call(mod, name, kw):
    return lambda x: getattr(mod, name)(x, **kw)


@pytest.mark.parametrize('name,kw', ACTIVATIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(ACTIVATIONS)])
@pytest.mark.parametrize('shape', [(4, 6), (2, 3, 4), ()])
def test_activation_matches_torch(name, kw, shape):
    if shape == () and (name == 'glu' or kw.get('dim') == 1):
        return  # a scalar cannot be halved (a bad input, tested below) and has no dim 1
    check_op(_call(EF, name, kw), _call(TF, name, kw), _sample(shape), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name,kw', ACTIVATIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(ACTIVATIONS)])
def test_activation_float64_and_empty(name, kw):
    check_op(_call(EF, name, kw), _call(TF, name, kw), _sample((4, 6), 1, np.float64), rtol=1e-10, atol=1e-12)
    check_op(_call(EF, name, kw), _call(TF, name, kw), np.zeros((0, 4), np.float32))


def _smooth(shape, seed=2):
    # gradcheck samples stay clear of every kink (finite differences need a neighbourhood where f is smooth).
    r = np.random.default_rng(seed)
    x = r.uniform(0.25, 2.5, shape) * r.choice([-1, 1], shape)
    return np.where(np.abs(np.abs(x) - 1) < 0.1, x + 0.3, x)


@pytest.mark.parametrize('name,kw', [a for a in ACTIVATIONS if a[0] != 'rrelu'],
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(ACTIVATIONS) if n != 'rrelu'])
def test_activation_gradcheck_gradgradcheck(name, kw):
    check_grads(_call(EF, name, kw), _smooth((4, 2)))


def test_gelu_softplus_logsigmoid_are_stable_for_large_inputs():
    x = np.array([-1e4, -100., -30., 30., 100., 1e4], np.float32)
    for name, kw in [('logsigmoid', {}), ('softplus', {}), ('softplus', dict(beta=0.5, threshold=100.)),
                     ('gelu', {}), ('gelu', dict(approximate='tanh')), ('mish', {}), ('silu', {}), ('elu', {})]:
        check_op(_call(EF, name, kw), _call(TF, name, kw), x)


@pytest.mark.parametrize('name,kw', [('relu', {}), ('relu6', {}), ('hardtanh', {}), ('leaky_relu', dict(
    negative_slope=0.3)), ('hardsigmoid', {}), ('hardswish', {}), ('threshold', dict(threshold=1., value=0.)),
    ('hardshrink', dict(lambd=0.5)), ('softshrink', dict(lambd=0.5)), ('elu', {}), ('celu', dict(alpha=2.)),
    ('selu', {}), ('softplus', dict(beta=1., threshold=3.)), ('prelu', {})])
def test_gradient_at_kinks_matches_torch(name, kw):
    x = np.array([0., -1., 1., 6., -3., 3., 0.5, -0.5, 3.], np.float32)
    if name == 'prelu':
        check_op(EF.prelu, TF.prelu, x, np.array([0.25], np.float32))
        return
    e = ember.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    getattr(EF, name)(e, **kw).sum().backward()
    getattr(TF, name)(t, **kw).sum().backward()
    np.testing.assert_allclose(to_numpy(e.grad), t.grad.numpy(), rtol=1e-6, atol=0)


# ------------------------------------------------------------------------------------------------ in place

INPLACE = [('relu', 'relu_', {}), ('leaky_relu', 'leaky_relu_', dict(negative_slope=0.1)),
           ('hardtanh', 'hardtanh_', dict(min_val=-0.5, max_val=2.)), ('elu', 'elu_', dict(alpha=0.5)),
           ('selu', 'selu_', {}), ('celu', 'celu_', dict(alpha=1.5)), ('threshold', 'threshold_', dict(
               threshold=0.2, value=7.)), ('rrelu', 'rrelu_', {})]


@pytest.mark.parametrize('name,name_,kw', INPLACE)
def test_inplace_variants_modify_and_return_the_input(name, name_, kw):
    x = _sample((3, 5))
    expected = getattr(TF, name)(torch.tensor(x), **kw)
    for call in (lambda t: getattr(EF, name_)(t, **kw), lambda t: getattr(EF, name)(t, inplace=True, **kw)):
        e = ember.tensor(x)
        out = call(e)
        assert out is e
        np.testing.assert_allclose(to_numpy(e), expected.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize('name', ['relu', 'relu6', 'hardtanh', 'leaky_relu', 'elu', 'selu', 'celu', 'silu', 'mish',
                                  'hardsigmoid', 'hardswish', 'rrelu'])
def test_inplace_keyword_gradients_match_torch(name):
    x = _sample((4, 5), 3)

    def run(mod, t):
        y = t * 1.5
        out = getattr(mod, name)(y, inplace=True)
        assert out is y
        return out
    check_op(lambda t: run(EF, t), lambda t: run(TF, t), x)


def test_inplace_on_a_leaf_that_requires_grad_raises_like_torch():
    for mod, mk in ((EF, ember.tensor), (TF, torch.tensor)):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            mod.relu_(mk([1., -1.], requires_grad=True))


def test_inplace_tensor_methods_and_int_inputs():
    x = np.array([[-2, 0, 3, 7]])
    for name, kw in [('relu', {}), ('relu6', {}), ('hardtanh', {}), ('threshold', dict(threshold=1, value=-5))]:
        check_op(_call(EF, name, kw), _call(TF, name, kw), x)
    check_op(lambda t: EF.softsign(t), lambda t: TF.softsign(t), x)
    check_op(lambda t: EF.sigmoid(t), lambda t: TF.sigmoid(t), x)


# ------------------------------------------------------------------------------------------------ prelu, rrelu

@pytest.mark.parametrize('xs,ws', [((2, 3, 4), (3,)), ((2, 3), (1,)), ((5,), (1,)), ((), (1,)), ((2, 3, 2, 2), (3,)),
                                   ((2, 4, 2), ())])
def test_prelu_matches_torch(xs, ws):
    r = np.random.default_rng(4)
    x = r.standard_normal(xs).astype(np.float32)
    w = r.uniform(0.05, 0.5, ws).astype(np.float32)
    check_op(EF.prelu, TF.prelu, x, w)
    check_grads(EF.prelu, _smooth(xs), np.asarray(r.uniform(0.05, 0.5, ws)))


def test_prelu_module_parameter_and_training_gradient():
    e, t = ember.nn.PReLU(3, init=0.1), torch.nn.PReLU(3, init=0.1)
    assert [n for n, _ in e.named_parameters()] == ['weight']
    np.testing.assert_array_equal(to_numpy(e.weight), t.weight.detach().numpy())
    x = _sample((2, 3, 4))
    e(ember.tensor(x)).sum().backward()
    t(torch.tensor(x)).sum().backward()
    np.testing.assert_allclose(to_numpy(e.weight.grad), t.weight.grad.numpy(), rtol=1e-6)


def test_rrelu_training_draws_slopes_from_the_uniform_range():
    ember.manual_seed(0)
    lower, upper = 0.1, 0.3
    x = ember.full((200000,), -1.0, requires_grad=True)
    y = EF.rrelu(x, lower, upper, training=True)
    slopes = -to_numpy(y)
    assert slopes.min() >= lower and slopes.max() <= upper
    assert abs(slopes.mean() - 0.2) < 0.002
    assert abs(slopes.std() - (upper - lower) / np.sqrt(12)) < 0.002
    # The gradient is the slope that was drawn; positive inputs pass unchanged.
    y.sum().backward()
    np.testing.assert_allclose(to_numpy(x.grad), slopes)
    pos = ember.tensor([0.5, 2.0])
    np.testing.assert_array_equal(to_numpy(EF.rrelu(pos, training=True)), [0.5, 2.0])


def test_rrelu_eval_is_leaky_relu_with_the_mean_slope_and_module_follows_mode():
    x = _sample((50,))
    m = ember.nn.RReLU(0.1, 0.3)
    m.eval()
    np.testing.assert_allclose(to_numpy(m(ember.tensor(x))), TF.leaky_relu(torch.tensor(x), 0.2).numpy(), rtol=1e-6)
    m.train()
    out = to_numpy(m(ember.tensor(np.full(1000, -1., np.float32))))
    assert len(np.unique(out)) > 100


# ------------------------------------------------------------------------------------------------ softmax family

@pytest.mark.parametrize('name', ['softmax', 'log_softmax', 'softmin'])
@pytest.mark.parametrize('shape', [(), (5,), (3, 4), (2, 3, 4), (2, 3, 2, 2)])
def test_softmax_implicit_dim_warns_like_torch(name, shape):
    x = _sample(shape)
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated"):
        e = getattr(EF, name)(ember.tensor(x))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        t = getattr(TF, name)(torch.tensor(x))
    np.testing.assert_allclose(to_numpy(e), t.numpy(), rtol=1e-5, atol=1e-6)


def test_softmax_dtype_argument():
    x = _sample((3, 4))
    for name in ('softmax', 'log_softmax', 'softmin'):
        check_op(lambda t: getattr(EF, name)(t, 1, dtype=ember.float64),
                 lambda t: getattr(TF, name)(t, 1, dtype=torch.float64), x)


def test_gumbel_softmax_soft_and_hard():
    logits = np.random.default_rng(5).standard_normal((6, 5)).astype(np.float32)
    ember.manual_seed(3)
    x_soft = ember.tensor(logits, requires_grad=True)
    soft = EF.gumbel_softmax(x_soft, tau=0.5)
    np.testing.assert_allclose(to_numpy(soft.sum(-1)), np.ones(6), rtol=1e-5)
    ember.manual_seed(3)
    x_hard = ember.tensor(logits, requires_grad=True)
    hard = EF.gumbel_softmax(x_hard, tau=0.5, hard=True)
    h = to_numpy(hard)
    np.testing.assert_array_equal(h.sum(-1), np.ones(6))
    np.testing.assert_array_equal(h.argmax(-1), to_numpy(soft).argmax(-1))
    assert set(np.unique(np.round(h, 6))) <= {0.0, 1.0}
    # Straight-through: the hard sample's gradient is the soft sample's.
    w = ember.tensor(np.random.default_rng(6).standard_normal((6, 5)).astype(np.float32))
    (soft * w).sum().backward()
    (hard * w).sum().backward()
    np.testing.assert_allclose(to_numpy(x_hard.grad), to_numpy(x_soft.grad), rtol=1e-5, atol=1e-6)
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        EF.gumbel_softmax(ember.tensor(logits), eps=1e-5)


# ------------------------------------------------------------------------------------------------ modules

MODULES = [
    ('ReLU', (), {}), ('ReLU', (True,), {}), ('ReLU6', (), {}), ('ReLU6', (True,), {}), ('Hardtanh', (), {}),
    ('Hardtanh', (-2, 3.0, True), {}), ('LeakyReLU', (), {}), ('LeakyReLU', (0.2, True), {}), ('PReLU', (), {}),
    ('PReLU', (4, 0.1), {}), ('RReLU', (), {}), ('RReLU', (0.1, 0.3, True), {}), ('ELU', (), {}),
    ('ELU', (0.5, True), {}), ('SELU', (), {}), ('SELU', (True,), {}), ('CELU', (), {}), ('CELU', (2.0,), {}),
    ('GELU', (), {}), ('GELU', ('tanh',), {}), ('SiLU', (), {}), ('SiLU', (True,), {}), ('Mish', (), {}),
    ('Mish', (True,), {}), ('Sigmoid', (), {}), ('LogSigmoid', (), {}), ('Tanh', (), {}), ('Hardsigmoid', (), {}),
    ('Hardsigmoid', (True,), {}), ('Hardswish', (True,), {}), ('Hardshrink', (), {}), ('Softshrink', (1,), {}),
    ('Tanhshrink', (), {}), ('Softplus', (), {}), ('Softplus', (2, 10), {}), ('Softsign', (), {}),
    ('Threshold', (0.1, 20), {}), ('Threshold', (0.1, 20, True), {}), ('GLU', (), {}), ('GLU', (1,), {}),
    ('Softmax', (), dict(dim=1)), ('Softmax', (), {}), ('LogSoftmax', (0,), {}), ('Softmin', (), dict(dim=-1)),
    ('Softmax2d', (), {}),
]


@pytest.mark.parametrize('cls,args,kw', MODULES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(MODULES)])
def test_module_repr_attributes_and_forward_match_torch(cls, args, kw):
    e, t = getattr(ember.nn, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
    assert repr(e) == repr(t)
    for k in ('inplace', 'min_val', 'max_val', 'negative_slope', 'alpha', 'lambd', 'beta', 'threshold', 'value',
              'dim', 'approximate', 'lower', 'upper', 'num_parameters', 'init'):
        assert getattr(e, k, None) == getattr(t, k, None), k
    if cls in ('RReLU',):
        e.eval(), t.eval()
    x = _sample((2, 4, 2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        # in-place modules write into their input: each framework gets its own copy
        eo, to = e(ember.tensor(x) * 1), t(torch.tensor(x) * 1)
    np.testing.assert_allclose(to_numpy(eo), to.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_hardtanh_module_legacy_keywords_and_assertion():
    with pytest.warns(FutureWarning, match="`min_value` is deprecated"):
        m = ember.nn.Hardtanh(min_value=-3.)
    assert m.min_val == -3.
    with pytest.raises(AssertionError, match=r"max_val \(1.0\) must be greater than min_val \(2.0\)"):
        ember.nn.Hardtanh(2., 1.)


# ------------------------------------------------------------------------------------------------ bad inputs

BAD = [
    ('glu odd', lambda m, mk: m.glu(mk(np.zeros((2, 3), np.float32)), 1), RuntimeError,
     "Halving dimension must be even, but dimension 1 is size 3"),
    ('glu scalar', lambda m, mk: m.glu(mk(np.float32(1))), RuntimeError, "glu does not support scalars"),
    ('glu dim', lambda m, mk: m.glu(mk(np.zeros((2, 4), np.float32)), 2), IndexError, "Dimension out of range"),
    ('glu int', lambda m, mk: m.glu(mk(np.zeros((2, 4), np.int64))), NotImplementedError, "glu_cpu"),
    ('gelu approximate', lambda m, mk: m.gelu(mk(np.zeros(3, np.float32)), approximate='exact'), RuntimeError,
     "approximate argument must be either none or tanh"),
    ('hardtanh bounds', lambda m, mk: m.hardtanh(mk(np.zeros(3, np.float32)), 1., -1.), ValueError,
     "min_val cannot be greater than max_val"),
    ('softshrink negative', lambda m, mk: m.softshrink(mk(np.zeros(3, np.float32)), -1.), RuntimeError,
     r"lambda must be in range \[0, 3.40282e\+38\] for input dtype Float, but found -1"),
    ('prelu channels', lambda m, mk: m.prelu(mk(np.zeros((2, 3), np.float32)), mk(np.ones(2, np.float32))),
     RuntimeError, "Found parameter numbers = 2 and channel size = 3"),
    ('prelu 1d channels', lambda m, mk: m.prelu(mk(np.zeros(3, np.float32)), mk(np.ones(3, np.float32))),
     RuntimeError, "Found parameter numbers = 3 and channel size = 1"),
    ('prelu weight dims', lambda m, mk: m.prelu(mk(np.zeros((2, 3), np.float32)), mk(np.ones((3, 1), np.float32))),
     RuntimeError, "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2"),
    ('celu alpha 0', lambda m, mk: m.celu(mk(np.zeros(3, np.float32)), 0.), RuntimeError,
     "alpha cannot be 0 for CELU"),
    ('elu int', lambda m, mk: m.elu(mk(np.array([1, -2]))), NotImplementedError, "\"elu_cpu\" not implemented for "
     "'Long'"),
    ('leaky int', lambda m, mk: m.leaky_relu(mk(np.array([1, -2]))), NotImplementedError, "leaky_relu_cpu"),
    ('softplus int', lambda m, mk: m.softplus(mk(np.array([1, -2]))), NotImplementedError, "softplus_cpu"),
    ('gelu int', lambda m, mk: m.gelu(mk(np.array([1, -2]))), NotImplementedError, "GeluKernelImpl"),
    ('silu int', lambda m, mk: m.silu(mk(np.array([1, -2]))), NotImplementedError, "silu_cpu"),
    ('mish int', lambda m, mk: m.mish(mk(np.array([1, -2]))), NotImplementedError, "mish_cpu"),
    ('hardswish int', lambda m, mk: m.hardswish(mk(np.array([1, -2]))), NotImplementedError, "hardswish_cpu"),
    ('hardsigmoid int', lambda m, mk: m.hardsigmoid(mk(np.array([1, -2]))), NotImplementedError, "hardsigmoid_cpu"),
    ('hardshrink int', lambda m, mk: m.hardshrink(mk(np.array([1, -2]))), NotImplementedError, "hardshrink_cpu"),
    ('logsigmoid int', lambda m, mk: m.logsigmoid(mk(np.array([1, -2]))), NotImplementedError, "log_sigmoid_cpu"),
    ('rrelu int', lambda m, mk: m.rrelu(mk(np.array([1, -2])), training=True), NotImplementedError,
     "rrelu_with_noise_out_cpu"),
    ('relu bool', lambda m, mk: m.relu(mk(np.array([True, False]))), RuntimeError,
     "Boolean inputs not supported for relu"),
]


@pytest.mark.parametrize('label,fn,exc,match', BAD, ids=[b[0] for b in BAD])
def test_bad_inputs_raise_like_torch(label, fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(EF, ember.tensor)
    with pytest.raises(exc, match=match):
        fn(TF, torch.tensor)


def test_softmax2d_rejects_2d_input_like_torch():
    for nn, mk in ((ember.nn, ember.zeros), (torch.nn, torch.zeros)):
        with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D instead"):
            nn.Softmax2d()(mk(2, 3))
