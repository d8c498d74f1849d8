"""Binary arithmetic and the Python operators against PyTorch: values, dtypes, broadcasting, gradients, errors."""
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
        return rng.uniform(0.5, 2.0, shape)
    if kind == 'away':  # |x| >= 0.5, for divisors
        return rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape)
    raise ValueError(kind)


# name, ember op, torch op, domains of the operands
BINARY = [
    ('add', ember.add, torch.add, 'real', 'real'),
    ('add_alpha', lambda a, b: ember.add(a, b, alpha=2.5), lambda a, b: torch.add(a, b, alpha=2.5), 'real', 'real'),
    ('sub', ember.sub, torch.sub, 'real', 'real'),
    ('sub_alpha', lambda a, b: ember.sub(a, b, alpha=-2), lambda a, b: torch.sub(a, b, alpha=-2), 'real', 'real'),
    ('subtract', ember.subtract, torch.subtract, 'real', 'real'),
    ('rsub', ember.rsub, torch.rsub, 'real', 'real'),
    ('rsub_alpha', lambda a, b: ember.rsub(a, b, alpha=3), lambda a, b: torch.rsub(a, b, alpha=3), 'real', 'real'),
    ('mul', ember.mul, torch.mul, 'real', 'real'),
    ('multiply', ember.multiply, torch.multiply, 'real', 'real'),
    ('div', ember.div, torch.div, 'real', 'away'),
    ('divide', ember.divide, torch.divide, 'real', 'away'),
    ('true_divide', ember.true_divide, torch.true_divide, 'real', 'away'),
    ('div_trunc', lambda a, b: ember.div(a, b, rounding_mode='trunc'),
     lambda a, b: torch.div(a, b, rounding_mode='trunc'), 'real', 'away'),
    ('div_floor', lambda a, b: ember.div(a, b, rounding_mode='floor'),
     lambda a, b: torch.div(a, b, rounding_mode='floor'), 'real', 'away'),
    ('remainder', ember.remainder, torch.remainder, 'real', 'away'),
    ('fmod', ember.fmod, torch.fmod, 'real', 'away'),
    ('pow', ember.pow, torch.pow, 'pos', 'real'),
    ('float_power', ember.float_power, torch.float_power, 'pos', 'real'),
    ('hypot', ember.hypot, torch.hypot, 'real', 'real'),
    ('atan2', ember.atan2, torch.atan2, 'real', 'away'),
    ('arctan2', ember.arctan2, torch.arctan2, 'real', 'away'),
    ('copysign', ember.copysign, torch.copysign, 'real', 'away'),
    ('maximum', ember.maximum, torch.maximum, 'real', 'real'),
    ('minimum', ember.minimum, torch.minimum, 'real', 'real'),
    ('fmax', ember.fmax, torch.fmax, 'real', 'real'),
    ('fmin', ember.fmin, torch.fmin, 'real', 'real'),
    ('xlogy', ember.xlogy, torch.xlogy, 'real', 'pos'),
    ('special.xlogy', ember.special.xlogy, torch.special.xlogy, 'real', 'pos'),
    ('special.xlog1py', ember.special.xlog1py, torch.special.xlog1py, 'real', 'pos'),
    ('clamp_tensor_min', lambda a, b: ember.clamp(a, min=b), lambda a, b: torch.clamp(a, min=b), 'real', 'real'),
    ('clamp_tensor_max', lambda a, b: ember.clamp(a, max=b), lambda a, b: torch.clamp(a, max=b), 'real', 'real'),
    ('clamp_min', ember.clamp_min, torch.clamp_min, 'real', 'real'),
    ('clamp_max', ember.clamp_max, torch.clamp_max, 'real', 'real'),
    ('lerp_scalar', lambda a, b: ember.lerp(a, b, 0.3), lambda a, b: torch.lerp(a, b, 0.3), 'real', 'real'),
    ('lerp_scalar_hi', lambda a, b: ember.lerp(a, b, 0.8), lambda a, b: torch.lerp(a, b, 0.8), 'real', 'real'),
    ('addcmul', lambda a, b: ember.addcmul(a, b, a, value=0.5), lambda a, b: torch.addcmul(a, b, a, value=0.5),
     'real', 'real'),
    ('addcdiv', lambda a, b: ember.addcdiv(a, a, b, value=-2), lambda a, b: torch.addcdiv(a, a, b, value=-2),
     'real', 'away'),
]
IDS = [b[0] for b in BINARY]
SHAPE_PAIRS = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((), (2, 3)), ((2, 3), ()), ((0, 3), (3,))]


@pytest.mark.parametrize('name,eop,top,da,db', BINARY, ids=IDS)
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_forward_and_grad_vs_torch(name, eop, top, da, db, dtype, rng):
    for sa, sb in SHAPE_PAIRS:
        if name.startswith('lerp') or name.startswith('addc') or name.startswith('clamp_tensor') or \
                name in ('clamp_min', 'clamp_max'):
            if len(sb) > len(sa) or sa == (3, 1):  # the result takes input's shape for these in PyTorch too
                sa = sb if len(sb) > len(sa) else sa
        a = np.asarray(_domain(da, rng, sa)).astype(dtype)
        b = np.asarray(_domain(db, rng, sb)).astype(dtype)
        check_op(eop, top, a, b, rtol=1e-5 if dtype == np.float32 else 1e-9, atol=1e-6 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize('name,eop,top,da,db', BINARY, ids=IDS)
def test_gradcheck_and_gradgradcheck(name, eop, top, da, db, rng):
    check_grads(eop, _domain(da, rng, (2, 3)), _domain(db, rng, (3,)))


def test_floor_divide_has_no_derivative_like_torch(rng):
    a, b = rng.standard_normal((2, 3)), rng.uniform(0.5, 2, (3,))
    check_op(ember.floor_divide, torch.floor_divide, a, b, grad=False)
    for mod, f in ((torch, lambda x, y: torch.floor_divide(x, y)), (ember, lambda x, y: ember.floor_divide(x, y)),
                   (torch, lambda x, y: x // y), (ember, lambda x, y: x // y), (torch, lambda x, y: 7 % x),
                   (ember, lambda x, y: 7 % x)):
        x = mod.tensor(a, requires_grad=True)
        out = f(x, mod.tensor(b))
        with pytest.raises(RuntimeError, match="derivative for aten::(floor_divide|remainder) is not implemented"):
            out.sum().backward()


@pytest.mark.parametrize('name,eop,top,da,db', BINARY + [('floor_divide', ember.floor_divide, torch.floor_divide,
                                                          'real', 'away')], ids=IDS + ['floor_divide'])
@pytest.mark.parametrize('dtypes', [('int64', 'int64'), ('int32', 'int64'), ('uint8', 'int8'), ('bool', 'bool'),
                                    ('int64', 'float32'), ('float32', 'float64'), ('int16', 'float64')],
                         ids=lambda d: '-'.join(d))
def test_dtype_promotion_matches_torch(name, eop, top, da, db, dtypes):
    a = np.array([[3, -2, 5], [1, 7, -4]]) if dtypes[0] != 'bool' else np.array([[True, False, True]] * 2)
    b = np.array([2, -3, 1]) if dtypes[1] != 'bool' else np.array([True, True, False])
    if dtypes[0] == 'uint8':
        a = np.abs(a)
    a, b = a.astype(dtypes[0]), b.astype(dtypes[1])
    try:
        expected = top(torch.tensor(a), torch.tensor(b))
    except (RuntimeError, TypeError) as exc:
        with pytest.raises(type(exc)):
            eop(ember.tensor(a), ember.tensor(b))
        return
    assert_same(eop(ember.tensor(a), ember.tensor(b)), expected, rtol=1e-6, atol=1e-6)


SCALARS = [2, -3, 2.5, True, 1 + 2j, 0]


@pytest.mark.parametrize('opname', ['add', 'sub', 'mul', 'div', 'remainder', 'fmod', 'pow', 'floor_divide',
                                    'maximum', 'atan2', 'copysign', 'xlogy', 'hypot', 'float_power'])
@pytest.mark.parametrize('dtype', ['int64', 'int32', 'float32', 'float64', 'bool', 'uint8', 'float16'])
def test_tensor_scalar_promotion(opname, dtype):
    data = np.array([1, 2, 3]).astype(dtype)
    for s in SCALARS:
        if dtype == 'float16' and isinstance(s, complex):
            continue  # PyTorch gives complex32, a dtype ember does not have
        for zero_dim in (False, True):
            arr = data[0] if zero_dim else data
            for args in ((arr, s), (s, arr)) if opname not in ('atan2', 'maximum', 'hypot') else ((arr, s),):
                t_args = tuple(torch.tensor(np.asarray(x)) if isinstance(x, (np.ndarray, np.generic)) else x
                               for x in args)
                e_args = tuple(ember.tensor(np.asarray(x)) if isinstance(x, (np.ndarray, np.generic)) else x
                               for x in args)
                try:
                    with np.errstate(all='ignore'):
                        expected = getattr(torch, opname)(*t_args)
                except (RuntimeError, TypeError) as exc:
                    with pytest.raises(type(exc)):
                        getattr(ember, opname)(*e_args)
                    continue
                with np.errstate(all='ignore'):
                    assert_same(getattr(ember, opname)(*e_args), expected, rtol=2e-3 if dtype == 'float16' else 1e-6)


OPERATORS = [
    ('t + 2', lambda t: t + 2), ('2 + t', lambda t: 2 + t), ('t - 2', lambda t: t - 2), ('2 - t', lambda t: 2 - t),
    ('t * 2.5', lambda t: t * 2.5), ('2.5 * t', lambda t: 2.5 * t), ('t / 2', lambda t: t / 2),
    ('2 / t', lambda t: 2 / t), ('t ** 2', lambda t: t ** 2), ('2 ** t', lambda t: 2 ** t),
    ('2.5 ** t', lambda t: 2.5 ** t), ('t ** t', lambda t: t ** t), ('t ** 0.5', lambda t: t ** 0.5),
    ('t // 2', lambda t: t // 2), ('7 // t', lambda t: 7 // t), ('7.5 // t', lambda t: 7.5 // t),
    ('t % 2', lambda t: t % 2), ('7 % t', lambda t: 7 % t), ('t % -3', lambda t: t % -3), ('-t', lambda t: -t),
    ('+t', lambda t: +t), ('abs(t)', lambda t: abs(t)), ('t * t', lambda t: t * t), ('t / t', lambda t: t / t),
    ('t - t', lambda t: t - t), ('t ** 0', lambda t: t ** 0), ('0 ** t', lambda t: 0 ** t),
]


@pytest.mark.parametrize('expr,fn', OPERATORS, ids=[o[0] for o in OPERATORS])
@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.int64, np.int32])
def test_python_operators(expr, fn, dtype):
    data = np.array([[1, 2, 3], [4, 5, 6]]).astype(dtype)
    if dtype in (np.float32, np.float64):
        data = data * 0.7
    try:
        expected = fn(torch.tensor(data))
    except (RuntimeError, TypeError) as exc:
        with pytest.raises(type(exc)):
            fn(ember.tensor(data))
        return
    assert_same(fn(ember.tensor(data)), expected)
    if dtype in (np.float32, np.float64) and '//' not in expr and expr != '7 % t':  # no derivative in PyTorch
        check_op(fn, fn, data)


@pytest.mark.parametrize('expr,fn', [('t + t', lambda a: a + a), ('t * t', lambda a: a * a), ('t / t', lambda a: a / a),
                                     ('t // t', lambda a: a // a), ('t - 1', lambda a: a - 1), ('-t', lambda a: -a),
                                     ('t * 2.5', lambda a: a * 2.5), ('t ** 2', lambda a: a ** 2),
                                     ('t + 1', lambda a: a + 1), ('t * True', lambda a: a * True)])
def test_bool_arithmetic_rules(expr, fn):
    data = np.array([True, False, True])
    try:
        expected = fn(torch.tensor(data))
    except (RuntimeError, TypeError) as exc:
        with pytest.raises(type(exc)):
            fn(ember.tensor(data))
        return
    assert_same(fn(ember.tensor(data)), expected)


def test_int_divisions_and_remainders_follow_python_and_c():
    a = np.array([7, -7, 7, -7, 0])
    b = np.array([2, 2, -2, -2, 3])
    for mode in (None, 'trunc', 'floor'):
        check_op(lambda x, y: ember.div(x, y, rounding_mode=mode), lambda x, y: torch.div(x, y, rounding_mode=mode),
                 a, b, grad=False)
    check_op(ember.remainder, torch.remainder, a, b, grad=False)
    check_op(ember.fmod, torch.fmod, a, b, grad=False)
    x = np.array([7.5, -7.5, -0.0, math.inf, 2.0])
    y = np.array([2.0, 2.0, 3.0, 2.0, 0.0])
    with np.errstate(all='ignore'):
        for mode in (None, 'trunc', 'floor'):
            check_op(lambda p, q: ember.div(p, q, rounding_mode=mode),
                     lambda p, q: torch.div(p, q, rounding_mode=mode), x, y, grad=False)
        check_op(ember.remainder, torch.remainder, x, y, grad=False)
        check_op(ember.fmod, torch.fmod, x, y, grad=False)


def test_clamp_variants(rng):
    x = rng.standard_normal((3, 4))
    for kw in ({'min': -0.5}, {'max': 0.5}, {'min': -0.5, 'max': 0.5}, {'min': 1.0, 'max': -1.0}):
        check_op(lambda a: ember.clamp(a, **kw), lambda a: torch.clamp(a, **kw), x)
        check_op(lambda a: a.clip(**kw), lambda a: a.clip(**kw), x)
    lo, hi = rng.standard_normal((4,)) - 0.5, rng.standard_normal((3, 1)) + 0.5
    check_op(lambda a, b, c: ember.clamp(a, b, c), lambda a, b, c: torch.clamp(a, b, c), x, lo, hi)
    check_op(lambda a, b, c: ember.clamp(a, c, b), lambda a, b, c: torch.clamp(a, c, b), x, lo, hi)
    check_grads(lambda a, b, c: ember.clamp(a, b, c), x, lo, hi)
    check_op(lambda a: ember.clamp(a, 0.5), lambda a: torch.clamp(a, 0.5), np.array([0, 1, 2]), grad=False)
    check_op(lambda a: ember.clamp(a, 1, 2), lambda a: torch.clamp(a, 1, 2), np.array([0, 1, 5]), grad=False)
    check_op(lambda a, b: ember.clamp(a, b), lambda a, b: torch.clamp(a, b), np.array([1.0, 2.0]),
             np.array([1.5, 0.5], dtype=np.float64))
    check_op(lambda a: ember.clamp(a, -1, 1), lambda a: torch.clamp(a, -1, 1), np.array([math.nan, 3.0, -3.0]))


def test_maximum_minimum_ties_and_nan_gradients():
    a = np.array([1.0, 2.0, math.nan, 3.0, 0.5])
    b = np.array([1.0, 1.0, 0.0, math.nan, math.nan])
    for e, t in ((ember.maximum, torch.maximum), (ember.minimum, torch.minimum), (ember.fmax, torch.fmax),
                 (ember.fmin, torch.fmin)):
        check_op(e, t, a, b)


def test_pow_gradient_edge_cases():
    check_op(lambda a, b: a ** b, lambda a, b: a ** b, np.array([0.0, 0.0, 2.0, 0.0]), np.array([2.0, 0.0, 0.0, 0.5]))
    check_op(lambda a: 0 ** a, lambda a: 0 ** a, np.array([0.0, 1.0, 2.0]))
    check_op(lambda a: a ** 0, lambda a: a ** 0, np.array([0.0, 1.0, 2.0]))
    check_op(lambda a: (-2.0) ** a, lambda a: (-2.0) ** a, np.array([1.0, 2.0, 0.5]))
    check_op(lambda a: ember.pow(a, 3), lambda a: torch.pow(a, 3), np.array([-1.0, 0.0, 2.0]))


def test_lerp_tensor_weight_and_xlogy_edges(rng):
    a, b, w = rng.standard_normal((3, 4)), rng.standard_normal((4,)), rng.uniform(-0.5, 1.5, (3, 4))
    check_op(ember.lerp, torch.lerp, a, b, w)
    check_grads(ember.lerp, a, b, w)
    x = np.array([0.0, 0.0, 1.0, 2.0, 0.0])
    y = np.array([0.0, math.nan, 0.0, -1.0, -1.0])
    with np.errstate(all='ignore'):
        check_op(ember.xlogy, torch.xlogy, x, y, grad=False)
        check_op(ember.special.xlog1py, torch.special.xlog1py, x, y, grad=False)
    check_op(lambda q: ember.xlogy(2, q), lambda q: torch.xlogy(2, q), np.array([0.5, 3.0]))
    check_op(lambda q: ember.xlogy(q, 3), lambda q: torch.xlogy(q, 3), np.array([0.5, 3.0]))


def test_addcmul_addcdiv_promotion_and_value():
    i, f = np.array([1, 2]), np.array([1.5, -2.0], dtype=np.float32)
    check_op(lambda a, b: ember.addcmul(a, b, b, value=2), lambda a, b: torch.addcmul(a, b, b, value=2), f, i)
    check_op(lambda a, b: ember.addcmul(a, a, a, value=0.5), lambda a, b: torch.addcmul(a, a, a, value=0.5), i, i,
             grad=False)
    check_op(lambda a, b: ember.addcdiv(a, b, a, value=0.5), lambda a, b: torch.addcdiv(a, b, a, value=0.5), f, i)


COMPLEX_BINARY = [('add', ember.add, torch.add), ('sub', ember.sub, torch.sub), ('mul', ember.mul, torch.mul),
                  ('div', ember.div, torch.div), ('pow', ember.pow, torch.pow),
                  ('add_alpha', lambda a, b: ember.add(a, b, alpha=1 - 2j), lambda a, b: torch.add(a, b, alpha=1 - 2j)),
                  ('addcmul', lambda a, b: ember.addcmul(a, a, b, value=2j),
                   lambda a, b: torch.addcmul(a, a, b, value=2j)),
                  ('rpow', lambda a, b: (1.5 + 0.5j) ** a, lambda a, b: (1.5 + 0.5j) ** a),
                  ('reciprocal_mul', lambda a, b: 2 / a * b, lambda a, b: 2 / a * b)]


@pytest.mark.parametrize('name,eop,top', COMPLEX_BINARY, ids=[c[0] for c in COMPLEX_BINARY])
def test_complex_binary_ops_and_wirtinger_grads(name, eop, top, rng):
    a = rng.uniform(0.5, 1.5, (2, 3)) + 1j * rng.uniform(-0.5, 0.5, (2, 3))
    b = rng.uniform(0.5, 1.5, (3,)) + 1j * rng.uniform(-0.5, 0.5, (3,))
    check_op(eop, top, a, b, rtol=1e-7, atol=1e-9)
    check_op(eop, top, a.astype(np.complex64), b.astype(np.complex64), rtol=1e-4, atol=1e-5)
    check_grads(eop, a, b)
    check_op(eop, top, a, rng.standard_normal(3), rtol=1e-7, atol=1e-9)  # complex with real operand


INPLACE = [('add_', (1.5,), {}), ('add_', ('T',), {'alpha': 2}), ('sub_', ('T',), {}), ('sub_', (1,), {'alpha': 3}),
           ('mul_', ('T',), {}), ('div_', ('T',), {}), ('div_', (2,), {'rounding_mode': 'floor'}),
           ('true_divide_', (3,), {}), ('floor_divide_', (2,), {}), ('remainder_', (0.7,), {}), ('fmod_', (-0.7,), {}),
           ('pow_', (2,), {}), ('hypot_', ('T',), {}), ('atan2_', ('T',), {}), ('copysign_', (-1,), {}),
           ('clamp_', (-0.2, 0.3), {}), ('clip_', (), {'min': 0.1}), ('clamp_min_', (0.0,), {}),
           ('clamp_max_', (0.0,), {}), ('fmax', ('T',), {}), ('fmin', ('T',), {}), ('maximum', ('T',), {}),
           ('addcmul_', ('T', 'T'), {'value': 3}), ('addcdiv_', ('T', 'T'), {'value': 3}), ('lerp_', ('T', 0.25), {}),
           ('xlogy_', (2.0,), {}), ('reciprocal_', (), {}), ('__iadd__', (1,), {}), ('__isub__', ('T',), {}),
           ('__imul__', (2,), {}), ('__itruediv__', (2,), {}), ('__ifloordiv__', (0.3,), {}),
           ('__imod__', (0.3,), {}), ('__ipow__', (2,), {})]


@pytest.mark.parametrize('name,args,kwargs', INPLACE, ids=[f'{i[0]}{n}' for n, i in enumerate(INPLACE)])
def test_inplace_methods_match_torch(name, args, kwargs, rng):
    x, y = rng.uniform(0.2, 2.0, (2, 3)).astype(np.float32), rng.uniform(0.2, 2.0, (3,)).astype(np.float32)
    e, t = ember.tensor(x), torch.tensor(x)
    ea = [ember.tensor(y) if a == 'T' else a for a in args]
    ta = [torch.tensor(y) if a == 'T' else a for a in args]
    r = getattr(e, name)(*ea, **kwargs)
    rt = getattr(t, name)(*ta, **kwargs)
    assert_same(r, rt)
    if name.endswith('_') or name.startswith('__i'):
        assert r is e
        assert_same(e, t)


def test_inplace_records_gradient(rng):
    x = rng.uniform(0.5, 1.5, (3,))
    check_op(lambda a: (a * 1).add_(a, alpha=2).mul_(a).clamp_(max=4.0).pow_(2),
             lambda a: (a * 1).add_(a, alpha=2).mul_(a).clamp_(max=4.0).pow_(2), x)
    check_op(lambda a: (a * 1).lerp_(a * a, 0.3).addcdiv_(a, a + 1, value=2).hypot_(a),
             lambda a: (a * 1).lerp_(a * a, 0.3).addcdiv_(a, a + 1, value=2).hypot_(a), x)


@pytest.mark.parametrize('opname', ['add', 'sub', 'mul', 'div', 'remainder', 'pow', 'atan2', 'maximum', 'hypot',
                                    'fmax', 'xlogy', 'copysign', 'floor_divide', 'fmod', 'clamp_min'])
def test_out_argument(opname, rng):
    a, b = rng.uniform(0.5, 2, (2, 3)).astype(np.float32), rng.uniform(0.5, 2, (3,)).astype(np.float32)
    eo, to = ember.empty(0), torch.empty(0)
    r = getattr(ember, opname)(ember.tensor(a), ember.tensor(b), out=eo)
    getattr(torch, opname)(torch.tensor(a), torch.tensor(b), out=to)
    assert r is eo
    assert_same(eo, to)
    eo = ember.empty(2, 3, dtype=ember.float64)
    to = torch.empty(2, 3, dtype=torch.float64)
    getattr(ember, opname)(ember.tensor(a), ember.tensor(b), out=eo)
    getattr(torch, opname)(torch.tensor(a), torch.tensor(b), out=to)
    assert_same(eo, to)


def test_div_rounding_out_and_clamp_out():
    a, b = ember.tensor([7, -7]), ember.tensor([2, 2])
    out = ember.empty(2, dtype=ember.int64)
    assert ember.div(a, b, rounding_mode='floor', out=out) is out
    assert out.tolist() == [3, -4]
    out = ember.empty(2, dtype=ember.int64)
    ember.clamp(a, 0, 5, out=out)
    assert out.tolist() == [5, 0]


def test_grad_fn_names_match_torch():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    for f in (lambda t: t + 1, lambda t: t - t, lambda t: 2 - t, lambda t: t * t, lambda t: t / t, lambda t: t ** 2,
              lambda t: 2 ** t, lambda t: t ** t, lambda t: t.clamp(0, 1), lambda t: torch_or_ember(t).maximum(t, t),
              lambda t: torch_or_ember(t).atan2(t, t), lambda t: torch_or_ember(t).lerp(t, t, 0.5)):
        assert type(f(tx).grad_fn).__name__ == f(x).grad_fn.name()


def torch_or_ember(t):
    return torch if isinstance(t, torch.Tensor) else ember


# ----------------------------------------------------------------------------------------- bad inputs


def _raises_like_torch(efn, tfn, match=None):
    """ember raises the class torch raises (torch is asked first, so the test fails if torch stops raising)."""
    with pytest.raises(Exception) as texc:
        tfn(torch)
    with pytest.raises(type(texc.value), match=match):
        efn(ember)


BAD = [
    ('bool_minus_bool', lambda m: m.tensor([True]) - m.tensor([False]),
     "Subtraction, the `-` operator, with two bool tensors is not supported"),
    ('bool_sub_int', lambda m: m.sub(m.tensor([True]), m.tensor([1])), "with a bool tensor is not supported"),
    ('int_rsub_bool', lambda m: 1 - m.tensor([True]), "with a bool tensor is not supported"),
    ('bool_isub', lambda m: m.tensor([True]).sub_(True), "two bool tensors"),
    ('shape_mismatch', lambda m: m.ones(2, 3) + m.ones(2, 4),
     r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"),
    ('shape_mismatch_mul', lambda m: m.mul(m.ones(3), m.ones(4)), r"The size of tensor a \(3\) must match"),
    ('shape_mismatch_lerp', lambda m: m.lerp(m.ones(3), m.ones(2), 0.5), r"The size of tensor a"),
    ('out_dtype', lambda m: m.add(m.ones(3), m.ones(3), out=m.zeros(3, dtype=m.int64)),
     "result type Float can't be cast to the desired output type Long"),
    ('out_dtype_div', lambda m: m.div(m.tensor([1, 2]), m.tensor([2, 2]), out=m.zeros(2, dtype=m.int64)),
     "can't be cast"),
    ('inplace_cast', lambda m: m.tensor([1, 2]).add_(1.5), "result type Float can't be cast"),
    ('inplace_cast_div', lambda m: m.tensor([1, 2]).div_(2), "can't be cast"),
    ('inplace_broadcast', lambda m: m.ones(3).add_(m.ones(2, 3)),
     r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"),
    ('int_zero_floordiv', lambda m: m.tensor([1, 2]) // 0, "ZeroDivisionError"),
    ('int_zero_remainder', lambda m: m.tensor([1, 2]) % m.tensor([0, 1]), "ZeroDivisionError"),
    ('int_negative_pow', lambda m: m.tensor([1, 2]) ** -1, "Integers to negative integer powers are not allowed"),
    ('float_alpha_int', lambda m: m.add(m.tensor([1]), 1, alpha=1.5), "argument alpha must not be a floating point"),
    ('bool_alpha', lambda m: m.add(m.tensor([1.0]), 1, alpha=True), "Boolean alpha only supported"),
    ('complex_alpha', lambda m: m.sub(m.tensor([1.0]), 1, alpha=1j), "alpha must not be a complex number"),
    ('bad_rounding_mode', lambda m: m.div(m.tensor([1.0]), 2, rounding_mode='round'),
     "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"),
    ('clamp_no_bounds', lambda m: m.clamp(m.ones(2)), "At least one of 'min' or 'max' must not be None"),
    ('clamp_complex', lambda m: m.clamp(m.ones(2, dtype=m.complex64), 0), "clamp is not supported for complex"),
    ('clamp_mixed_bounds', lambda m: m.clamp(m.ones(2), m.zeros(2), 1), None),
    ('maximum_scalar', lambda m: m.maximum(m.ones(2), 1), "must be Tensor, not int"),
    ('maximum_complex', lambda m: m.maximum(m.ones(2, dtype=m.complex64), m.ones(2)),
     "maximum not implemented for complex tensors"),
    ('hypot_int', lambda m: m.hypot(m.tensor([1]), m.tensor([2])), "hypot_cpu"),
    ('atan2_complex', lambda m: m.atan2(m.ones(1, dtype=m.complex64), m.ones(1)), "atan2_cpu"),
    ('addcdiv_int', lambda m: m.addcdiv(m.ones(2), m.tensor([1, 2]), m.tensor([1, 2])),
     "Integer division with addcdiv is no longer supported"),
    ('lerp_dtype', lambda m: m.lerp(m.ones(2), m.ones(2, dtype=m.float64), 0.5), "expected dtype float for `end`"),
    ('lerp_weight_dtype', lambda m: m.lerp(m.ones(2), m.ones(2), m.tensor([0.5], dtype=m.float64)),
     "expected dtype float for `weight` but got dtype double"),
    ('lerp_int', lambda m: m.lerp(m.tensor([1]), m.tensor([2]), 0.5), "lerp_kernel_scalar"),
    ('floordiv_bool', lambda m: m.tensor([True]) // m.tensor([True]), "div_floor_cpu"),
    ('float_power_inplace', lambda m: m.tensor([1, 2]).float_power_(2),
     "the base given to float_power_ has dtype Long but the operation's result requires dtype Double"),
    ('leaf_inplace', lambda m: m.ones(2, requires_grad=True).add_(1), "a leaf Variable that requires grad"),
    ('out_with_grad', lambda m: m.mul(m.ones(2, requires_grad=True), 2, out=m.empty(2)),
     "don't support automatic differentiation"),
    ('add_string', lambda m: m.ones(2) + 'a', None),
    ('pow_string', lambda m: m.ones(2) ** 'a', None),
]


@pytest.mark.parametrize('name,fn,match', BAD, ids=[b[0] for b in BAD])
def test_bad_inputs_raise_like_torch(name, fn, match):
    _raises_like_torch(fn, fn, match)
