"""Unary elementwise math and ember.special against PyTorch: values, dtypes, gradients, edge values, errors."""
import math

import numpy as np
import pytest

import ember
from support import check_op, check_grads, needs_torch, torch, assert_same

pytestmark = needs_torch


def _domain(kind, rng, shape):
    if kind == 'real':
        return rng.standard_normal(shape)
    if kind == 'pos':
        return rng.uniform(0.2, 3.0, shape)
    if kind == 'unit':
        return rng.uniform(-0.9, 0.9, shape)
    if kind == 'prob':
        return rng.uniform(0.05, 0.95, shape)
    if kind == 'gt1':
        return rng.uniform(1.2, 3.0, shape)
    if kind == 'nonint':  # away from the poles of the gamma functions
        return rng.uniform(0.3, 4.0, shape) * rng.choice([-1, 1], shape) + 0.05
    if kind == 'round':  # keep away from rounding boundaries so finite differences see a flat function
        return np.floor(rng.uniform(-5, 5, shape)) + rng.uniform(0.1, 0.4, shape)
    raise ValueError(kind)


# name, ember op, torch op, input domain, accepts complex, differentiable
UNARY = [
    ('exp', ember.exp, torch.exp, 'real', True, True),
    ('exp2', ember.exp2, torch.exp2, 'real', True, True),
    ('expm1', ember.expm1, torch.expm1, 'real', True, True),
    ('log', ember.log, torch.log, 'pos', True, True),
    ('log2', ember.log2, torch.log2, 'pos', True, True),
    ('log10', ember.log10, torch.log10, 'pos', True, True),
    ('log1p', ember.log1p, torch.log1p, 'pos', True, True),
    ('sqrt', ember.sqrt, torch.sqrt, 'pos', True, True),
    ('rsqrt', ember.rsqrt, torch.rsqrt, 'pos', True, True),
    ('square', ember.square, torch.square, 'real', True, True),
    ('reciprocal', ember.reciprocal, torch.reciprocal, 'pos', True, True),
    ('sin', ember.sin, torch.sin, 'real', True, True),
    ('cos', ember.cos, torch.cos, 'real', True, True),
    ('tan', ember.tan, torch.tan, 'unit', True, True),
    ('asin', ember.asin, torch.asin, 'unit', True, True),
    ('arcsin', ember.arcsin, torch.arcsin, 'unit', True, True),
    ('acos', ember.acos, torch.acos, 'unit', True, True),
    ('atan', ember.atan, torch.atan, 'real', True, True),
    ('sinh', ember.sinh, torch.sinh, 'real', True, True),
    ('cosh', ember.cosh, torch.cosh, 'real', True, True),
    ('tanh', ember.tanh, torch.tanh, 'real', True, True),
    ('asinh', ember.asinh, torch.asinh, 'real', True, True),
    ('acosh', ember.acosh, torch.acosh, 'gt1', True, True),
    ('atanh', ember.atanh, torch.atanh, 'unit', True, True),
    ('sigmoid', ember.sigmoid, torch.sigmoid, 'real', True, True),
    ('logit', ember.logit, torch.logit, 'prob', False, True),
    ('erf', ember.erf, torch.erf, 'real', False, True),
    ('erfc', ember.erfc, torch.erfc, 'real', False, True),
    ('erfinv', ember.erfinv, torch.erfinv, 'unit', False, True),
    ('lgamma', ember.lgamma, torch.lgamma, 'nonint', False, True),
    ('digamma', ember.digamma, torch.digamma, 'nonint', False, True),
    ('sinc', ember.sinc, torch.sinc, 'real', True, True),
    ('floor', ember.floor, torch.floor, 'round', False, True),
    ('ceil', ember.ceil, torch.ceil, 'round', False, True),
    ('round', ember.round, torch.round, 'round', False, True),
    ('trunc', ember.trunc, torch.trunc, 'round', False, True),
    ('fix', ember.fix, torch.fix, 'round', False, True),
    ('frac', ember.frac, torch.frac, 'round', False, True),
    ('nan_to_num', ember.nan_to_num, torch.nan_to_num, 'real', True, True),
    ('sign', ember.sign, torch.sign, 'real', False, True),
    ('sgn', ember.sgn, torch.sgn, 'real', True, True),
    ('neg', ember.neg, torch.neg, 'real', True, True),
    ('negative', ember.negative, torch.negative, 'real', True, True),
    ('abs', ember.abs, torch.abs, 'real', True, True),
    ('relu', ember.relu, torch.relu, 'real', False, True),
    ('angle', ember.angle, torch.angle, 'real', True, True),
    ('conj', ember.conj, torch.conj_physical, 'real', True, True),
    ('real', ember.real, torch.real, 'real', True, True),
]
SPECIAL = [
    ('special.expit', ember.special.expit, torch.special.expit, 'real'),
    ('special.logit', lambda x: ember.special.logit(x, eps=0.1), lambda x: torch.special.logit(x, eps=0.1), 'real'),
    ('special.erf', ember.special.erf, torch.special.erf, 'real'),
    ('special.erfc', ember.special.erfc, torch.special.erfc, 'real'),
    ('special.erfinv', ember.special.erfinv, torch.special.erfinv, 'unit'),
    ('special.log1p', ember.special.log1p, torch.special.log1p, 'pos'),
    ('special.expm1', ember.special.expm1, torch.special.expm1, 'real'),
    ('special.exp2', ember.special.exp2, torch.special.exp2, 'real'),
    ('special.sinc', ember.special.sinc, torch.special.sinc, 'real'),
    ('special.entr', ember.special.entr, torch.special.entr, 'pos'),
    ('special.ndtr', ember.special.ndtr, torch.special.ndtr, 'real'),
    ('special.gammaln', ember.special.gammaln, torch.special.gammaln, 'nonint'),
    ('special.digamma', ember.special.digamma, torch.special.digamma, 'nonint'),
    ('special.psi', ember.special.psi, torch.special.psi, 'nonint'),
    ('special.round', ember.special.round, torch.special.round, 'round'),
    ('polygamma1', lambda x: ember.polygamma(1, x), lambda x: torch.polygamma(1, x), 'nonint'),
    ('polygamma2', lambda x: ember.polygamma(2, x), lambda x: torch.polygamma(2, x), 'nonint'),
    ('polygamma3', lambda x: x.polygamma(3), lambda x: x.polygamma(3), 'pos'),
    ('round_decimals', lambda x: ember.round(x, decimals=2), lambda x: torch.round(x, decimals=2), 'round'),
    ('round_neg_decimals', lambda x: ember.round(x * 100, decimals=-1), lambda x: torch.round(x * 100, decimals=-1),
     'round'),
]
ALL = [(n, e, t, d) for n, e, t, d, _, _ in UNARY] + SPECIAL
IDS = [row[0] for row in ALL]
SHAPES = [(3, 4), (), (0, 2)]
TOL = {'erfinv': 2e-5, 'special.erfinv': 2e-5, 'lgamma': 2e-5, 'digamma': 2e-5, 'special.gammaln': 2e-5,
       'special.digamma': 2e-5, 'special.psi': 2e-5, 'polygamma1': 2e-5, 'polygamma2': 2e-5, 'polygamma3': 2e-5}


@pytest.mark.parametrize('name,eop,top,dom', ALL, ids=IDS)
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_forward_and_grad_vs_torch(name, eop, top, dom, dtype, rng):
    rtol = TOL.get(name, 1e-5) if dtype == np.float32 else 1e-7
    for shape in SHAPES:
        x = np.asarray(_domain(dom, rng, shape)).astype(dtype)
        # torch's gradient of a real sgn is a ZeroTensor that cannot be read: compare ember's with zeros instead.
        check_op(eop, top, x, rtol=rtol, atol=1e-6 if dtype == np.float32 else 1e-10, grad=name != 'sgn')
    if name == 'sgn':
        x = ember.tensor([1.5, -2.0], requires_grad=True)
        ember.sgn(x).sum().backward()
        assert x.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize('name,eop,top,dom', ALL, ids=IDS)
def test_gradcheck_and_gradgradcheck(name, eop, top, dom, rng):
    check_grads(eop, _domain(dom, rng, (4,)))


@pytest.mark.parametrize('name,eop,top,dom', ALL, ids=IDS)
def test_integer_and_bool_inputs_match_torch(name, eop, top, dom):
    # PyTorch's trigamma gives huge finite values at the poles (-3, ...) where ember gives inf (the true limit).
    first = [1, 3, 2, 5] if name.startswith('polygamma') else [-3, 0, 2, 5]
    for data in (first, [[1, 2], [3, 4]], [True, False]):
        ti = torch.tensor(data)
        try:
            expected = top(ti)
        except (RuntimeError, TypeError) as exc:
            with pytest.raises(type(exc)):
                eop(ember.tensor(data))
            continue
        assert_same(eop(ember.tensor(data)), expected, rtol=1e-5, atol=1e-6)


EDGE = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5, -3.0, 1e-8, 30.0, -30.0, math.inf, -math.inf, math.nan]


@pytest.mark.parametrize('name,eop,top,dom', ALL, ids=IDS)
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_edge_values_match_torch(name, eop, top, dom, dtype):
    edge = EDGE
    rtol = 1e-5 if dtype == np.float32 else 1e-9
    if name.startswith('polygamma'):
        # Not compared: PyTorch's finite values at the negative poles and its NaN/0 at +-inf for some orders;
        # its float64 trigamma is good to only ~1e-9 (ember's accuracy is checked against mpmath below).
        edge = [v for v in EDGE if math.isnan(v) or (math.isfinite(v) and not (v < 0 and v == int(v)))]
        rtol = max(rtol, 1e-8)
    with np.errstate(all='ignore'):
        check_op(eop, top, np.array(edge, dtype=dtype), grad=False, rtol=rtol, atol=1e-30)


COMPLEX_OPS = [(n, e, t, d) for n, e, t, d, c, _ in UNARY if c]


@pytest.mark.parametrize('name,eop,top,dom', COMPLEX_OPS, ids=[r[0] for r in COMPLEX_OPS])
def test_complex_forward_and_grad_vs_torch(name, eop, top, dom, rng):
    z = (_domain(dom, rng, (5,)) + 1j * rng.uniform(-0.4, 0.4, (5,))).astype(np.complex128)
    grad = name != 'nan_to_num'  # PyTorch has no complex gradient for nan_to_num (see the bad-input table)
    check_op(eop, top, z, rtol=1e-7, atol=1e-9, grad=grad)
    check_op(eop, top, z.astype(np.complex64), rtol=1e-4, atol=1e-5, grad=grad)


@pytest.mark.parametrize('name', ['exp', 'log', 'sqrt', 'sin', 'tanh', 'sigmoid', 'abs', 'angle', 'reciprocal',
                                  'rsqrt', 'sgn', 'asin', 'acosh', 'sinc'])
def test_complex_gradcheck(name, rng):
    eop = getattr(ember, name)
    z = rng.uniform(0.6, 1.4, (3,)) + 1j * rng.uniform(0.2, 0.6, (3,))
    if name == 'acosh':
        z = z + 1.0
    check_grads(eop, z)


INPLACE = [n for n, e, t, d, c, g in UNARY if n not in ('real', 'angle', 'conj', 'square', 'reciprocal')] + [
    'square', 'reciprocal']


@pytest.mark.parametrize('name', INPLACE)
def test_inplace_methods_match_torch(name, rng):
    dom = next(d for n, e, t, d, c, g in UNARY if n == name)
    x = _domain(dom, rng, (2, 3)).astype(np.float32)
    e = ember.tensor(x)
    t = torch.tensor(x)
    r = getattr(e, name + '_')()
    assert r is e
    getattr(t, name + '_')()
    assert_same(e, t)
    assert e._version == 1


def test_inplace_unary_keeps_autograd_history(rng):
    x = rng.uniform(0.2, 2.0, (3,))
    check_op(lambda a: (a * 2).sin_().mul_(3).exp_(), lambda a: (a * 2).sin_().mul_(3).exp_(), x)


@pytest.mark.parametrize('name', ['exp', 'sin', 'erf', 'lgamma', 'floor', 'abs', 'nan_to_num'])
def test_tensor_methods_and_out(name, rng):
    x = rng.standard_normal((2, 3)).astype(np.float32) + 0.1
    e, t = ember.tensor(x), torch.tensor(x)
    assert_same(getattr(e, name)(), getattr(t, name)())
    eo, to = ember.empty(0), torch.empty(0)
    r = getattr(ember, name)(e, out=eo)
    getattr(torch, name)(t, out=to)
    assert r is eo
    assert_same(eo, to)


def test_rounding_on_integers_is_identity_with_zero_grad(rng):
    for name in ('floor', 'ceil', 'round', 'trunc'):
        check_op(getattr(ember, name), getattr(torch, name), np.array([-3, 0, 7], dtype=np.int64), grad=False)
        check_op(getattr(ember, name), getattr(torch, name), np.array([-3, 0, 7], dtype=np.int32), grad=False)
    x = ember.tensor([1.5, -2.25], requires_grad=True)
    (ember.floor(x) + ember.ceil(x) + ember.round(x) + ember.trunc(x)).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_nan_to_num_arguments_and_dtypes():
    x = np.array([math.nan, math.inf, -math.inf, 1.5])
    for dt in (np.float16, np.float32, np.float64):
        check_op(ember.nan_to_num, torch.nan_to_num, x.astype(dt), grad=False)
        check_op(lambda a: ember.nan_to_num(a, nan=2.0, posinf=9.0, neginf=-9.0),
                 lambda a: torch.nan_to_num(a, nan=2.0, posinf=9.0, neginf=-9.0), x.astype(dt))
    z = np.array([complex(math.nan, math.inf), complex(1, -math.inf)])
    check_op(ember.nan_to_num, torch.nan_to_num, z, grad=False)


@pytest.mark.parametrize('name', ['isnan', 'isinf', 'isposinf', 'isneginf', 'isfinite', 'isreal', 'signbit'])
def test_predicates(name):
    vals = np.array([0.0, -0.0, 1.0, -2.0, math.inf, -math.inf, math.nan])
    for arr in (vals.astype(np.float32), vals, np.array([-1, 0, 3]), np.array([True, False])):
        check_op(getattr(ember, name), getattr(torch, name), arr, grad=False)
    if name in ('isnan', 'isinf', 'isfinite', 'isreal'):
        z = np.array([1 + 1j, complex(math.inf, 0), complex(0, math.nan), 2 + 0j])
        check_op(getattr(ember, name), getattr(torch, name), z, grad=False)
    r = getattr(ember, name)(ember.tensor([1.0], requires_grad=True))
    assert r.dtype is ember.bool and not r.requires_grad


def test_logit_eps_grad_and_outside():
    x = np.array([0.01, 0.3, 0.99, 0.5])
    check_op(lambda a: ember.logit(a, eps=0.05), lambda a: torch.logit(a, eps=0.05), x)
    check_op(lambda a: ember.logit(a), lambda a: torch.logit(a), np.array([-0.5, 1.5, 0.25]))


def test_special_functions_high_accuracy_in_float64():
    import mpmath  # in the test extra
    x = np.linspace(-6, 6, 241)
    np.testing.assert_allclose(ember.erf(ember.tensor(x)).numpy(), [math.erf(v) for v in x], rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(ember.erfc(ember.tensor(x)).numpy(), [math.erfc(v) for v in x], rtol=1e-13)
    y = np.linspace(-0.999999, 0.999999, 201)
    np.testing.assert_allclose(ember.erfinv(ember.tensor(y)).numpy(), [float(mpmath.erfinv(v)) for v in y],
                               rtol=1e-12)
    g = np.linspace(-20.25, 30.5, 203)
    g = np.concatenate([g, [1.0, 2.0, 1 + 1e-9, 2 - 1e-9, 1e-300, 1e300]])
    np.testing.assert_allclose(ember.lgamma(ember.tensor(g)).numpy(), [float(mpmath.loggamma(v).real) for v in g],
                               rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ember.digamma(ember.tensor(g)).numpy(), [float(mpmath.digamma(v)) for v in g],
                               rtol=1e-12, atol=1e-13)
    for n in (1, 2, 4):
        np.testing.assert_allclose(ember.polygamma(n, ember.tensor(g)).numpy(),
                                   [float(mpmath.polygamma(n, v)) for v in g], rtol=1e-12)


def test_special_logsumexp_delegates_to_reduction():
    x = np.random.default_rng(0).standard_normal((3, 4))
    check_op(lambda a: ember.special.logsumexp(a, 1), lambda a: torch.special.logsumexp(a, 1), x)
    check_op(lambda a: ember.special.logsumexp(a, (0, 1), keepdim=True),
             lambda a: torch.special.logsumexp(a, (0, 1), keepdim=True), x)


def test_real_imag_conj_views_and_grads():
    z = np.array([1 + 2j, -3 + 0.5j])
    check_op(lambda a: a.real * 2 + a.imag * 3, lambda a: a.real * 2 + a.imag * 3, z)
    check_op(lambda a: ember.imag(a), lambda a: torch.imag(a), z)
    e = ember.tensor(z)
    e.real.mul_(10)
    assert e.tolist() == [10 + 2j, -30 + 0.5j]


def test_bool_and_int_unary_dtype_rules():
    b = np.array([True, False])
    check_op(ember.square, torch.square, b, grad=False)
    check_op(ember.sign, torch.sign, b, grad=False)
    check_op(ember.abs, torch.abs, np.array([-3, 4], dtype=np.int16), grad=False)
    check_op(ember.sqrt, torch.sqrt, np.array([4, 9], dtype=np.int32), grad=False)
    check_op(ember.angle, torch.angle, np.array([-4, 9]), grad=False)


# ----------------------------------------------------------------------------------------- bad inputs


def _same_error(efn, tfn, data, match=None):
    """ember raises the class torch raises (torch is asked first, so the test fails if torch stops raising)."""
    with pytest.raises(Exception) as texc:
        tfn(torch.tensor(data))
    with pytest.raises(type(texc.value), match=match):
        efn(ember.tensor(data))


BAD = [
    ('neg_bool', ember.neg, torch.neg, [True], "Negation, the `-` operator, on a bool tensor"),
    ('minus_bool', lambda t: -t, lambda t: -t, [True, False], "invert a mask"),
    ('abs_bool', ember.abs, torch.abs, [True], "abs_cpu"),
    ('relu_bool', ember.relu, torch.relu, [True], "Boolean inputs not supported for relu"),
    ('erf_complex', ember.erf, torch.erf, [1j], "not implemented for 'ComplexFloat'"),
    ('erfinv_complex', ember.erfinv, torch.erfinv, [1j], None),
    ('lgamma_complex', ember.lgamma, torch.lgamma, [1j], None),
    ('floor_complex', ember.floor, torch.floor, [1j], "floor is not supported for complex inputs"),
    ('ceil_complex', ember.ceil, torch.ceil, [1j], "ceil is not supported for complex inputs"),
    ('floor_bool', ember.floor, torch.floor, [True], None),
    ('frac_int', ember.frac, torch.frac, [1, 2], "frac_cpu"),
    ('round_complex', ember.round, torch.round, [1j], None),
    ('round_int_decimals', lambda t: ember.round(t, decimals=1), lambda t: torch.round(t, decimals=1), [1, 2], None),
    ('sign_complex', ember.sign, torch.sign, [1j], "Please use torch.sgn instead"),
    ('signbit_complex', ember.signbit, torch.signbit, [1j], "signbit is not implemented for complex tensors"),
    ('isposinf_complex', ember.isposinf, torch.isposinf, [1j], "isposinf does not support complex inputs"),
    ('imag_real', ember.imag, torch.imag, [1.0], "imag is not implemented for tensors with non-complex dtypes"),
    ('logit_complex', ember.logit, torch.logit, [1j], None),
    ('polygamma_negative_n', lambda t: ember.polygamma(-1, t), lambda t: torch.polygamma(-1, t), [1.0],
     "does not support negative n"),
    ('special_round_int', ember.special.round, torch.special.round, [1, 2], None),
    ('entr_complex', ember.special.entr, torch.special.entr, [1j], None),
    ('nan_to_num_complex_grad', lambda t: ember.nan_to_num(t.requires_grad_()),
     lambda t: torch.nan_to_num(t.requires_grad_()), [1j], "does not support automatic differentiation"),
    ('sqrt_out_int', lambda t: ember.sqrt(t, out=ember.zeros(2, dtype=ember.int64)),
     lambda t: torch.sqrt(t, out=torch.zeros(2, dtype=torch.int64)), [1.0, 4.0],
     "result type Float can't be cast to the desired output type Long"),
    ('sqrt_inplace_int', lambda t: t.sqrt_(), lambda t: t.sqrt_(), [1, 4], "can't be cast"),
    ('exp_inplace_leaf', lambda t: t.requires_grad_().exp_(), lambda t: t.requires_grad_().exp_(), [1.0],
     "a leaf Variable that requires grad is being used in an in-place operation"),
]


@pytest.mark.parametrize('name,efn,tfn,data,match', BAD, ids=[b[0] for b in BAD])
def test_bad_inputs_raise_like_torch(name, efn, tfn, data, match):
    _same_error(efn, tfn, data, match)


def test_out_with_grad_raises():
    x = ember.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        ember.exp(x, out=ember.empty(1))
