"""Comparison, logical and bitwise ops, equal/isclose/allclose, and ember.testing.assert_close, against PyTorch."""
import re

import numpy as np
import pytest

import ember
from support import assert_same, check_op, needs_torch, torch

pytestmark = needs_torch

R = np.random.default_rng(0)


def _num(shape, dtype):
    if np.dtype(dtype).kind == 'b':
        return R.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind in 'iu':
        return R.integers(0 if np.dtype(dtype).kind == 'u' else -5, 6, shape).astype(dtype)
    a = R.integers(-3, 4, shape).astype(dtype)  # small integers so that ties and equalities happen
    return a


CMP = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'less', 'greater_equal', 'not_equal']
SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((), (2, 3)), ((0, 3), (3,))]
DTYPES = [(np.float32, np.float32), (np.int64, np.float32), (np.int32, np.int64), (np.bool_, np.bool_),
          (np.uint8, np.int8), (np.float64, np.float32)]


@pytest.mark.parametrize('name', CMP)
@pytest.mark.parametrize('sa,sb', SHAPES)
def test_compare_tensors(name, sa, sb):
    for da, db in DTYPES:
        check_op(getattr(ember, name), getattr(torch, name), _num(sa, da), _num(sb, db), grad=False)


@pytest.mark.parametrize('name', ['eq', 'ne', 'lt', 'le', 'gt', 'ge'])
@pytest.mark.parametrize('scalar', [1, 1.5, True, -1, 300])
@pytest.mark.parametrize('dtype', [np.float32, np.int64, np.uint8, np.int8, np.bool_])
def test_compare_scalars(name, scalar, dtype):
    a = np.array([0, 1, 2, 200 if dtype == np.uint8 else 1]).astype(dtype)
    check_op(getattr(ember, name), getattr(torch, name), a, scalar, grad=False)


def test_compare_operators_and_reflected():
    a = _num((3, 4), np.float32)
    b = _num((4,), np.float32)
    ea, eb, ta, tb = ember.tensor(a), ember.tensor(b), torch.tensor(a), torch.tensor(b)
    for f in [lambda x, y: x < y, lambda x, y: x <= y, lambda x, y: x > y, lambda x, y: x >= y,
              lambda x, y: x == y, lambda x, y: x != y, lambda x, y: 1 < x, lambda x, y: 0.5 >= x,
              lambda x, y: 2 == x]:
        assert_same(f(ea, eb), f(ta, tb))
    assert (ea == 'a') is False and (ea == None) is False  # noqa: E711
    with pytest.raises(TypeError, match="'<' not supported"):
        ea < 'a'


def test_compare_inplace_keeps_dtype():
    a, b = _num((2, 3), np.int64), _num((2, 3), np.float32) + 0.5
    for name in ['lt_', 'ge_', 'eq_']:
        e = ember.tensor(a)
        t = torch.tensor(a)
        assert_same(getattr(e, name)(ember.tensor(b)), getattr(t, name)(torch.tensor(b)))
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        ember.ones(2).lt_(ember.ones(1, 2))


def test_compare_requires_grad_gives_no_grad_fn():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    r = x > 1
    assert r.dtype is ember.bool and not r.requires_grad and r.grad_fn is None


# ----------------------------------------------------------------------------------------------- equal / close

def test_equal():
    cases = [([1, 2], [1, 2]), ([1, 2], [1.0, 2.0]), ([1, 2], [[1, 2]]), ([float('nan')], [float('nan')]),
             ([1, 2], [1, 3]), ([], [])]
    for a, b in cases:
        assert ember.equal(ember.tensor(a), ember.tensor(b)) is torch.equal(torch.tensor(a), torch.tensor(b))


ISCLOSE = [
    (np.array([1.0, 2.0, 3.0, np.inf, -np.inf, np.nan], np.float32),
     np.array([1.0, 2.00001, 3.1, np.inf, np.inf, np.nan], np.float32)),
    (np.array([1, 2, 3], np.int64), np.array([1, 3, 10], np.int64)),
    (np.array([True, False]), np.array([True, True])),
    (np.array([1 + 1j, 2 - 1j], np.complex64), np.array([1 + 1j, 2 - 1.0001j], np.complex64)),
    (np.array([1e-9, 1.0], np.float64), np.array([0.0, 1.0 + 1e-6], np.float64)),
    (np.array([1.0, 1.002], np.float16), np.array([1.0, 1.0], np.float16)),
]


@pytest.mark.parametrize('a,b', ISCLOSE)
@pytest.mark.parametrize('kw', [{}, {'rtol': 0.01, 'atol': 0.0}, {'rtol': 0.0, 'atol': 2}, {'equal_nan': True},
                                {'rtol': 0, 'atol': 0}])
def test_isclose_allclose(a, b, kw):
    check_op(ember.isclose, torch.isclose, a, b, grad=False, **kw)
    assert ember.allclose(ember.tensor(a), ember.tensor(b), **kw) is torch.allclose(torch.tensor(a),
                                                                                      torch.tensor(b), **kw)
    assert_same(ember.tensor(a).isclose(ember.tensor(b), **kw), torch.tensor(a).isclose(torch.tensor(b), **kw))


def test_isclose_broadcasts():
    check_op(ember.isclose, torch.isclose, np.ones((3, 1), np.float32), np.ones(4, np.float32), grad=False)


# --------------------------------------------------------------------------------------------------- logical

LOGICAL = ['logical_and', 'logical_or', 'logical_xor']


@pytest.mark.parametrize('name', LOGICAL)
@pytest.mark.parametrize('da,db', [(np.float32, np.int64), (np.bool_, np.bool_), (np.complex64, np.float64),
                                   (np.uint8, np.int32)])
def test_logical_binary(name, da, db):
    for sa, sb in SHAPES:
        check_op(getattr(ember, name), getattr(torch, name), _num(sa, da), _num(sb, db), grad=False)


@pytest.mark.parametrize('dtype', [np.float32, np.int64, np.bool_, np.complex64, np.uint8])
def test_logical_not(dtype):
    check_op(ember.logical_not, torch.logical_not, _num((3, 4), dtype), grad=False)


def test_logical_inplace_keeps_dtype():
    for name in LOGICAL:
        e, t = ember.tensor([1.0, 0.0, 2.0]), torch.tensor([1.0, 0.0, 2.0])
        assert_same(getattr(e, name + '_')(ember.tensor([1, 1, 0])), getattr(t, name + '_')(torch.tensor([1, 1, 0])))
    assert_same(ember.tensor([1, 0]).logical_not_(), torch.tensor([1, 0]).logical_not_())


# --------------------------------------------------------------------------------------------------- bitwise

BITWISE = ['bitwise_and', 'bitwise_or', 'bitwise_xor']
INT_PAIRS = [(np.int64, np.int64), (np.int32, np.int64), (np.uint8, np.int8), (np.bool_, np.bool_),
             (np.int16, np.bool_), (np.uint8, np.uint8)]


@pytest.mark.parametrize('name', BITWISE)
@pytest.mark.parametrize('da,db', INT_PAIRS)
def test_bitwise_binary(name, da, db):
    for sa, sb in SHAPES:
        check_op(getattr(ember, name), getattr(torch, name), _num(sa, da), _num(sb, db), grad=False)


@pytest.mark.parametrize('name', ['bitwise_left_shift', 'bitwise_right_shift'])
@pytest.mark.parametrize('dtype', [np.int64, np.int32, np.int8, np.uint8])
def test_shifts(name, dtype):
    a = np.array([1, -2, 3, 100, 0, 7]).astype(dtype)
    s = np.array([0, 1, 3, 9, 70, 2]).astype(dtype if dtype != np.int8 else np.int8)
    check_op(getattr(ember, name), getattr(torch, name), a, s, grad=False)
    for k in [1, 3, 8, 64, -1]:
        check_op(getattr(ember, name), getattr(torch, name), a, k, grad=False)


def test_bitwise_not_and_invert():
    for dtype in [np.int64, np.uint8, np.int8, np.bool_]:
        a = _num((3, 3), dtype)
        check_op(ember.bitwise_not, torch.bitwise_not, a, grad=False)
        assert_same(~ember.tensor(a), ~torch.tensor(a))
        e, t = ember.tensor(a), torch.tensor(a)
        assert_same(e.bitwise_not_(), t.bitwise_not_())


def test_bitwise_operators_reflected_and_inplace():
    a = np.array([5, 3, 12, -7], np.int64)
    b = np.array([1, 7, 4, 2], np.int64)
    ea, eb, ta, tb = ember.tensor(a), ember.tensor(b), torch.tensor(a), torch.tensor(b)
    ops = [lambda x, y: x & y, lambda x, y: x | y, lambda x, y: x ^ y, lambda x, y: x << y, lambda x, y: x >> y,
           lambda x, y: 6 & x, lambda x, y: 6 | x, lambda x, y: 6 ^ x, lambda x, y: 5 << y, lambda x, y: 100 >> y,
           lambda x, y: x & True, lambda x, y: ember_or_torch_bool(x) & 3]
    for f in ops:
        assert_same(f(ea, eb), f(ta, tb))
    for name in ['__iand__', '__ior__', '__ixor__', '__ilshift__', '__irshift__']:
        e, t = ember.tensor(a, dtype=ember.int32), torch.tensor(a, dtype=torch.int32)
        r = getattr(e, name)(eb)
        assert r is e
        assert_same(e, getattr(t, name)(tb))
    e, t = ember.tensor(a), torch.tensor(a)
    e &= 6
    t &= 6
    assert_same(e, t)


def ember_or_torch_bool(x):
    return x > 0


def test_bool_bitwise_with_int_scalar_promotes():
    assert_same(ember.tensor([True, False]) << 1, torch.tensor([True, False]) << 1)
    assert_same(ember.tensor([True, False]) & 3, torch.tensor([True, False]) & 3)


# ------------------------------------------------------------------------------------------------ bad inputs

BAD = [
    (lambda m: m.tensor([1.0, 2.0]) & m.tensor([1.0, 2.0]), NotImplementedError, '"bitwise_and_cpu" not implemented for \'Float\''),
    (lambda m: m.bitwise_or(m.tensor([1, 2]), 1.5), NotImplementedError, '"bitwise_or_cpu" not implemented for \'Float\''),
    (lambda m: m.bitwise_xor(m.tensor([1.0]), m.tensor([1.0], dtype=m.float64)), NotImplementedError, "'Double'"),
    (lambda m: m.tensor([1.0, 2.0]) << 1, NotImplementedError, '"lshift_cpu" not implemented for \'Float\''),
    (lambda m: 5.5 >> m.tensor([1, 2]), NotImplementedError, '"rshift_cpu" not implemented for \'Float\''),
    (lambda m: m.tensor([True]) << m.tensor([True]), NotImplementedError, '"lshift_cpu" not implemented for \'Bool\''),
    (lambda m: m.bitwise_not(m.tensor([1.0])), NotImplementedError, '"bitwise_not_cpu" not implemented'),
    (lambda m: ~m.tensor([1.0]), TypeError, r"~ \(operator.invert\) is only implemented on integer and Boolean"),
    (lambda m: m.tensor([1, 2]).bitwise_and_(m.tensor([1.0, 2.0])), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda m: m.tensor([1 + 1j]) < m.tensor([1 + 1j]), NotImplementedError, '"lt_cpu" not implemented for \'ComplexFloat\''),
    (lambda m: m.tensor([1 + 1j]).gt(m.tensor([0.0])), NotImplementedError, '"gt_cpu" not implemented'),
    (lambda m: m.eq(m.ones(2), m.ones(3)), RuntimeError, "The size of tensor a \\(2\\) must match the size of tensor b \\(3\\)"),
    (lambda m: m.isclose(m.tensor([1, 2]), m.tensor([1.0, 2.0])), RuntimeError, "Long did not match Float"),
    (lambda m: m.allclose(m.tensor([1.0]), m.tensor([1.0], dtype=m.float64)), RuntimeError, "Float did not match Double"),
    (lambda m: m.isclose(m.tensor([1.0]), m.tensor([1.0]), rtol=-1), RuntimeError, "rtol must be greater than or equal to zero"),
    (lambda m: m.isclose(m.tensor([1.0]), m.tensor([1.0]), atol=-1), RuntimeError, "atol must be greater than or equal to zero"),
    (lambda m: m.isclose(m.tensor([1.0]), 1.0), TypeError, "must be Tensor, not float"),
    (lambda m: m.logical_and(m.tensor([1.0]), 1), TypeError, "must be Tensor, not int"),
    (lambda m: m.tensor([1.0]) < 'a', TypeError, "not supported between instances"),
]


@pytest.mark.parametrize('fn,exc,match', BAD)
def test_bad_inputs(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(ember)
    with pytest.raises(exc, match=match.replace('\\(2\\)', '.2.')):
        fn(torch)


# ---------------------------------------------------------------------------------------- ember.testing

def _msg(fn, mod):
    try:
        fn(mod)
    except Exception as e:  # noqa: BLE001 - we compare whatever was raised
        return type(e).__name__, re.sub(r'(torch|ember)\.Tensor', 'Tensor', str(e))
    return None


CLOSE_CASES = [
    lambda m: m.testing.assert_close(m.tensor([1.0, 2, 3]), m.tensor([1.0, 2.5, 3])),
    lambda m: m.testing.assert_close(m.tensor([1, 2, 3]), m.tensor([1, 4, 3])),
    lambda m: m.testing.assert_close(m.tensor([True]), m.tensor([False])),
    lambda m: m.testing.assert_close(m.tensor([1.0, 2, 3]), m.tensor([1.0, 2.5, 3], dtype=m.float64)),
    lambda m: m.testing.assert_close(m.tensor([1.0, 2, 3]), m.tensor([1.0, 2.5])),
    lambda m: m.testing.assert_close(1.0, 1.5),
    lambda m: m.testing.assert_close(1, 2),
    lambda m: m.testing.assert_close(1, 1.0),
    lambda m: m.testing.assert_close(True, False),
    lambda m: m.testing.assert_close(m.tensor(1.0), 1.0),
    lambda m: m.testing.assert_close([m.tensor(1.0), 2.0], [m.tensor(1.0), 3.0]),
    lambda m: m.testing.assert_close([1, 2], [1, 2, 3]),
    lambda m: m.testing.assert_close({'a': 1}, {'b': 1}),
    lambda m: m.testing.assert_close({'a': 1, 'b': m.ones(2)}, {'a': 1, 'b': m.zeros(2)}),
    lambda m: m.testing.assert_close(m.tensor([float('nan')]), m.tensor([float('nan')])),
    lambda m: m.testing.assert_close(m.tensor([float('nan')]), m.tensor([float('nan')]), equal_nan=True),
    lambda m: m.testing.assert_close(m.tensor([1.0]), m.tensor([1.1]), rtol=0.2),
    lambda m: m.testing.assert_close(m.tensor([1.0]), m.tensor([1.1]), rtol=0.2, atol=0),
    lambda m: m.testing.assert_close(m.tensor([1.0]), m.tensor([1.1]), msg='boom'),
    lambda m: m.testing.assert_close(m.tensor([1.0]), m.tensor([1.1]), msg=lambda s: 'X' + s[:10]),
    lambda m: m.testing.assert_close(m.ones(2, 2), m.zeros(2, 2)),
    lambda m: m.testing.assert_close(m.tensor([1 + 1j]), m.tensor([1 + 2j])),
    lambda m: m.testing.assert_close(m.tensor([1.0]), np.array([1.0])),
    lambda m: m.testing.assert_close(np.array([1.0]), np.array([2.0])),
    lambda m: m.testing.assert_close('a', 'a'),
    lambda m: m.testing.assert_close(None, None),
    lambda m: m.testing.assert_close(m.tensor([1, 2]), m.tensor([1.0, 2])),
    lambda m: m.testing.assert_close(m.tensor([1, 2]), m.tensor([1.0, 2]), check_dtype=False),
    lambda m: m.testing.assert_close(m.tensor([1.0, 2]), m.tensor([1.0, 3]), rtol=0, atol=0),
    lambda m: m.testing.assert_close(m.tensor(1.0), m.tensor(3.0)),
    lambda m: m.testing.assert_close(m.tensor([float('inf')]), m.tensor([float('inf')])),
    lambda m: m.testing.assert_close(m.tensor([float('inf')]), m.tensor([1.0])),
    lambda m: m.testing.assert_close([[1.0, 2.0]], [[1.0, 2.5]]),
    lambda m: m.testing.assert_close((1.0,), [1.0]),
    lambda m: m.testing.assert_close(m.tensor([1.0], dtype=m.float16), m.tensor([1.001], dtype=m.float16)),
    lambda m: m.testing.assert_close(m.tensor([1.0], dtype=m.bfloat16), m.tensor([1.01], dtype=m.bfloat16)),
    lambda m: m.testing.assert_close(m.tensor([1.0, 2]), m.tensor([1.0, 2.00001])),
    lambda m: m.testing.assert_close(m.tensor([1.0, 2]), m.tensor([1.0, 2.0001])),
    lambda m: m.testing.assert_close(m.tensor([[1.0, 2], [3, 4]]), m.tensor([[1.0, 2.1], [3.5, 4]])),
    lambda m: m.testing.assert_close(m.tensor([1.0, 2], dtype=m.float64), m.tensor([1.0, 2 + 1e-8], dtype=m.float64)),
    lambda m: m.testing.assert_close(m.ones(2, 2).t(), m.ones(2, 2), check_stride=True),
]


@pytest.mark.parametrize('case', range(len(CLOSE_CASES)))
def test_assert_close_matches_torch(case):
    fn = CLOSE_CASES[case]
    assert _msg(fn, ember) == _msg(fn, torch)


def test_assert_allclose_and_make_tensor():
    ember.testing.assert_allclose(ember.tensor([1.0, float('nan')]), [1.0, float('nan')])
    with pytest.raises(AssertionError):
        ember.testing.assert_allclose(ember.tensor([1.0]), ember.tensor([2.0]))
    ember.manual_seed(0)
    for dtype, lo, hi in [(ember.float32, -9, 9), (ember.int64, -9, 10), (ember.uint8, 0, 10),
                          (ember.float64, 2, 3), (ember.complex64, -9, 9)]:
        kw = {} if (lo, hi) in [(-9, 9), (-9, 10), (0, 10)] else {'low': lo, 'high': hi}
        t = ember.testing.make_tensor(50, 4, dtype=dtype, device='cpu', **kw)
        assert t.shape == (50, 4) and t.dtype is dtype
        v = t.numpy()
        parts = [v.real, v.imag] if dtype is ember.complex64 else [v]
        for p in parts:
            assert p.min() >= lo and p.max() < hi
    b = ember.testing.make_tensor((3,), dtype=ember.bool, device='cpu')
    assert b.dtype is ember.bool
    g = ember.testing.make_tensor(2, 3, dtype=ember.float32, device='cpu', requires_grad=True)
    assert g.requires_grad and g.is_leaf
    z = ember.testing.make_tensor(1000, dtype=ember.int64, device='cpu', exclude_zero=True, low=-1, high=2)
    assert not (z == 0).any()
    nc = ember.testing.make_tensor(3, 4, dtype=ember.float32, device='cpu', noncontiguous=True)
    assert not nc.is_contiguous()
    for kw, match in [({'dtype': ember.int64, 'requires_grad': True}, 'not supported for boolean and integral'),
                      ({'dtype': ember.uint8, 'low': 3, 'high': 3}, '`low` must be less than `high`'),
                      ({'dtype': ember.float32, 'low': 3, 'high': 2}, '`low` must be less than `high`'),
                      ({'dtype': ember.float32, 'low': float('nan'), 'high': 3}, 'cannot be NaN')]:
        with pytest.raises(ValueError, match=match):
            ember.testing.make_tensor(2, device='cpu', **kw)
        with pytest.raises(ValueError, match=match):
            torch.testing.make_tensor(2, device='cpu', **{k: to_t(v) for k, v in kw.items()})


def to_t(v):
    return getattr(torch, v.name) if isinstance(v, ember.dtype) else v


def test_assert_close_one_tolerance_only():
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol' must be either specified or omitted"):
        ember.testing.assert_close(ember.ones(1), ember.ones(1), rtol=0.1)
