"""Tensor creation against PyTorch: dtype inference, sizes, ranges, legacy constructors, memory sharing, errors."""
import numpy as np
import pytest

import ember
from support import assert_same, needs_torch, torch

pytestmark = needs_torch


def _both(fn):
    return fn(ember), fn(torch)


def _eq(fn, **kw):
    e, t = _both(fn)
    assert_same(e, t, **kw)


TENSOR_DATA = [
    [True, False], [1, 2], [1, 2.5], [1, True], [1, 2 + 1j], 3, 3.5, True, [], [[]], [[1, 2], [3, 4]], (1, 2),
    range(3), [float('nan'), float('inf')], np.array([1, 2], np.int32), np.array([1.5], np.float64),
    np.array([[1, 2]], np.uint8), np.float64(1.5), np.int32(1), [np.float64(1.5), 2], [np.float32(1.5), 2],
    [np.int32(1), 2], np.array(True), [[1.5, 2], [3, 4]], [[[1]], [[2]]],
]


@pytest.mark.parametrize('i', range(len(TENSOR_DATA)))
def test_tensor_dtype_inference(i):
    data = TENSOR_DATA[i]
    _eq(lambda m: m.tensor(data))


def test_tensor_from_tensors_and_explicit_dtypes():
    _eq(lambda m: m.tensor([m.tensor(1.5), m.tensor(2.0)]))
    _eq(lambda m: m.tensor([m.tensor(1), m.tensor(2)]))
    _eq(lambda m: m.tensor([m.tensor(1.5, dtype=m.float64), 2.0]))
    for dt in ['float64', 'int32', 'uint8', 'bool', 'float16', 'complex128', 'int8']:
        _eq(lambda m: m.tensor([[1, 0], [3, 4]], dtype=getattr(m, dt)))
    _eq(lambda m: m.tensor([1.7, -1.7], dtype=m.int64))
    _eq(lambda m: m.tensor([-1], dtype=m.uint8))
    e, t = _both(lambda m: m.tensor([1.5, 2.0], requires_grad=True))
    assert e.requires_grad and e.is_leaf and e.grad_fn is None
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        c = ember.tensor(e)
    assert not c.requires_grad and c._data is not e._data


def test_set_default_dtype_affects_creation():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for fn in [lambda m: m.tensor([1.5]), lambda m: m.tensor([1 + 2j]), lambda m: m.tensor([1, 2]),
                   lambda m: m.zeros(2), lambda m: m.full((1,), 2.5), lambda m: m.arange(0.0, 1, 0.5),
                   lambda m: m.linspace(0, 1, 3), lambda m: m.Tensor([1]), lambda m: m.tensor(np.float32(1.5)),
                   lambda m: m.tensor([np.float32(1.5)]), lambda m: m.eye(2)]:
            _eq(fn)
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_as_tensor_asarray_from_numpy_share_memory():
    a = np.arange(6.0).reshape(2, 3)
    for f in [ember.as_tensor, ember.asarray, ember.from_numpy]:
        t = f(a)
        assert t.dtype is ember.float64 and np.shares_memory(t.numpy(), a)
    t = ember.from_numpy(a)
    a[0, 0] = 42
    assert t[0, 0].item() == 42 if hasattr(t, '__getitem__') else t.numpy()[0, 0] == 42
    assert not np.shares_memory(ember.tensor(a).numpy(), a)
    c = ember.as_tensor(a, dtype=ember.float32)
    assert c.dtype is ember.float32 and not np.shares_memory(c.numpy(), a)
    x = ember.ones(2)
    assert ember.as_tensor(x) is x and ember.as_tensor(x, dtype=ember.float64).dtype is ember.float64
    _eq(lambda m: m.as_tensor([1, 2]))
    _eq(lambda m: m.asarray([1.5, 2]))
    _eq(lambda m: m.asarray(3))
    _eq(lambda m: m.from_numpy(np.array([1, 2], np.float16)))
    _eq(lambda m: m.from_numpy(np.array(1.5)))


SIZES = [(2, 3), ((2, 3),), ([2, 3],), (), ((),), ((0, 4),)]


@pytest.mark.parametrize('name', ['zeros', 'ones', 'empty'])
def test_sized_constructors(name):
    for size in SIZES:
        if size == ():
            continue
        e, t = _both(lambda m: getattr(m, name)(*size))
        assert e.shape == tuple(t.shape) and e.dtype.name == str(t.dtype)[6:]
        if name != 'empty':
            assert_same(e, t)
    _eq(lambda m: getattr(m, name)(m.Size([2, 1]), dtype=m.int32) if name != 'empty' else m.zeros(1))
    for dt in ['int64', 'bool', 'float64', 'complex64']:
        e, t = _both(lambda m: getattr(m, name)(2, dtype=getattr(m, dt)))
        assert e.dtype.name == dt and e.shape == (2,)
    e = getattr(ember, name)(2, requires_grad=True)
    assert e.requires_grad and e.is_leaf


def test_full_and_likes():
    for fill in [1.5, 7, True, 1 + 1j, np.float32(1.5), np.int32(1)]:
        _eq(lambda m: m.full((2, 2), fill))
    _eq(lambda m: m.full((2,), 7, dtype=m.float64))
    _eq(lambda m: m.full([], 2))
    _eq(lambda m: m.full(m.Size([2]), 3))
    _eq(lambda m: m.full((2,), m.tensor(3)))
    _eq(lambda m: m.full((2,), m.tensor(3.5, dtype=m.float64)))
    _eq(lambda m: m.full((2,), 1.5, dtype=m.int64))
    _eq(lambda m: m.zeros_like(m.ones(2, dtype=m.int32)))
    _eq(lambda m: m.ones_like(m.ones(2), dtype=m.int64))
    _eq(lambda m: m.full_like(m.ones(2, dtype=m.int32), 2.7))
    _eq(lambda m: m.full_like(m.ones(2), 7))
    _eq(lambda m: m.zeros_like(m.tensor(3.0)))
    e, t = _both(lambda m: m.empty_like(m.ones(2, 2, dtype=m.float64)))
    assert e.shape == (2, 2) and e.dtype is ember.float64


ARANGE = [(5,), (1, 2.5, 0.5), (0, 1, 0.1), (0, 1, 0.3), (0.5, 10, 3), (0, 10.0), (10, 0, -3), (3, 3),
          (-5, 5, 0.7), (np.int64(3),), (0, 1, 1 / 3)]


@pytest.mark.parametrize('args', ARANGE)
def test_arange(args):
    _eq(lambda m: m.arange(*args), rtol=1e-6, atol=1e-6)
    _eq(lambda m: m.arange(*args, dtype=m.float64), rtol=1e-12, atol=1e-12)


def test_arange_dtypes_and_tensors():
    _eq(lambda m: m.arange(0, 10, 3, dtype=m.float32))
    _eq(lambda m: m.arange(5, dtype=m.uint8))
    _eq(lambda m: m.arange(-1, 4, 1.5, dtype=m.int64))
    _eq(lambda m: m.arange(0.5, 4.7, 1.5, dtype=m.int64))
    _eq(lambda m: m.arange(m.tensor(3)))
    _eq(lambda m: m.arange(m.tensor(3.0)))
    _eq(lambda m: m.arange(3.0, requires_grad=True))
    out_e, out_t = ember.ones(1), torch.ones(1)
    with pytest.warns(UserWarning):
        torch.arange(3, out=out_t)
    ember.arange(3, out=out_e)
    assert_same(out_e, out_t)


LINSPACE = [(0, 1, 5), (0, 1, 1), (0, 1, 0), (-1.3, 2.9, 11), (0, 10, 4), (5, -5, 7), (0, 1 + 1j, 3), (2, 2, 3)]


@pytest.mark.parametrize('args', LINSPACE)
def test_linspace_logspace(args):
    _eq(lambda m: m.linspace(*args), rtol=1e-6, atol=1e-6)
    if not isinstance(args[1], complex):
        _eq(lambda m: m.linspace(*args, dtype=m.float64), rtol=1e-12, atol=1e-12)
        _eq(lambda m: m.linspace(*args, dtype=m.int64))
        _eq(lambda m: m.logspace(*args), rtol=1e-5, atol=1e-6)
        _eq(lambda m: m.logspace(*args, base=2, dtype=m.float64), rtol=1e-12, atol=1e-12)
    _eq(lambda m: m.linspace(m.tensor(0.0), m.tensor(1.0), 3))
    _eq(lambda m: m.logspace(0, 3, 4, dtype=m.int64))


def test_eye():
    for args in [(3,), (2, 3), (3, 2), (0,), (1, 0)]:
        _eq(lambda m: m.eye(*args))
    _eq(lambda m: m.eye(2, 3, dtype=m.int64))
    _eq(lambda m: m.eye(2, dtype=m.bool))


def test_legacy_constructors():
    _eq(lambda m: m.Tensor([1, 2]))
    _eq(lambda m: m.Tensor())
    assert ember.Tensor(2, 3).shape == (2, 3) and ember.Tensor(2, 3).dtype is ember.float32
    for name in ['FloatTensor', 'DoubleTensor', 'LongTensor', 'IntTensor', 'BoolTensor', 'ByteTensor',
                 'ShortTensor', 'CharTensor', 'HalfTensor']:
        _eq(lambda m: getattr(m, name)([[1, 0], [2, 3]]))
        e, t = _both(lambda m: getattr(m, name)(2, 2))
        assert e.shape == (2, 2) and e.dtype.name == str(t.dtype)[6:]
    _eq(lambda m: m.LongTensor([1.7, 2]))
    _eq(lambda m: m.LongTensor(m.tensor([1, 2])))
    assert ember.FloatTensor(ember.Size([2, 3])).shape == (2, 3)
    assert isinstance(ember.Tensor([1.0]), ember.Tensor)


def test_new_methods():
    _eq(lambda m: m.ones(2, dtype=m.int32).new_tensor([1.5, 2]))
    _eq(lambda m: m.ones(2, dtype=m.int32).new_tensor([1.5, 2], dtype=m.float64))
    _eq(lambda m: m.ones(2).new_zeros(2, 3))
    _eq(lambda m: m.ones(2).new_zeros((2, 3)))
    _eq(lambda m: m.ones(2, dtype=m.int32).new_ones([2]))
    _eq(lambda m: m.ones(2).new_full((2,), 5))
    _eq(lambda m: m.ones(2, dtype=m.int64).new_full((2,), 5.7))
    _eq(lambda m: m.ones(2, dtype=m.float64).new_full([2, 2], 5))
    e, t = _both(lambda m: m.ones(2).new_empty((3,), dtype=m.int8))
    assert e.shape == (3,) and e.dtype is ember.int8
    assert ember.ones(2).new_zeros(2, requires_grad=True).requires_grad


def test_empty_strided_and_scalar_tensor():
    e, t = _both(lambda m: m.empty_strided((2, 3), (1, 2)))
    assert e.shape == (2, 3) and e.stride() == t.stride()
    e, t = _both(lambda m: m.empty_strided((2, 3), (3, 1), dtype=m.float64))
    assert e.stride() == t.stride() and e.dtype is ember.float64
    _eq(lambda m: m.scalar_tensor(3))
    _eq(lambda m: m.scalar_tensor(True))


BAD = [
    (lambda m: m.tensor([[1, 2], [3]]), ValueError, "expected sequence of length 2 at dim 1 \\(got 1\\)"),
    (lambda m: m.tensor([[1], [2, 3]]), ValueError, "expected sequence of length 1 at dim 1 \\(got 2\\)"),
    (lambda m: m.tensor([[1, 2], 3]), TypeError, "not a sequence"),
    (lambda m: m.tensor([1, [2]]), TypeError, "'list' object cannot be interpreted as an integer"),
    (lambda m: m.tensor([1.5, [2]]), TypeError, "must be real number, not list"),
    (lambda m: m.tensor('a'), TypeError, "new\\(\\): invalid data type 'str'"),
    (lambda m: m.tensor(['a']), ValueError, "too many dimensions 'str'"),
    (lambda m: m.tensor(None), RuntimeError, "Could not infer dtype of NoneType"),
    (lambda m: m.tensor([1, None]), RuntimeError, "Could not infer dtype of NoneType"),
    (lambda m: m.tensor([300], dtype=m.uint8), RuntimeError, "value cannot be converted to type uint8 without overflow"),
    (lambda m: m.tensor([2 ** 40], dtype=m.int32), RuntimeError, "value cannot be converted to type int32 without"),
    (lambda m: m.tensor(2 ** 63), ValueError, "Overflow when unpacking long long"),
    (lambda m: m.tensor([m.tensor([1, 2]), m.tensor([3, 4])]), TypeError, "only integer tensors of a single element"),
    (lambda m: m.tensor([1, 2], requires_grad=True), RuntimeError, "Only Tensors of floating point and complex dtype"),
    (lambda m: m.from_numpy(np.arange(4)[::-1]), ValueError, "At least one stride in the given numpy array is negative"),
    (lambda m: m.from_numpy(np.array(['a'])), TypeError, "can't convert np.ndarray of type numpy.str"),
    (lambda m: m.from_numpy([1, 2]), TypeError, "expected np.ndarray \\(got list\\)"),
    (lambda m: m.zeros(-1), RuntimeError, "negative dimension -1|Dimension size must be non-negative"),
    (lambda m: m.zeros(), TypeError, "zeros\\(\\) missing 1 required positional argument"),
    (lambda m: m.zeros(2.5), TypeError, "zeros\\(\\): argument 'size' \\(position 1\\) must be tuple of ints, not float"),
    (lambda m: m.zeros('a'), TypeError, "must be tuple of ints, not str"),
    (lambda m: m.full(2, 1.0), TypeError, "full\\(\\): argument 'size' \\(position 1\\) must be tuple of ints, not int"),
    (lambda m: m.full([2, 'a'], 3), TypeError, "full\\(\\): argument 'size'"),
    (lambda m: m.full((2,), m.tensor([3.5])), TypeError, "argument 'fill_value' \\(position 2\\) must be Number, not Tensor"),
    (lambda m: m.full((2,), 'a'), TypeError, "must be Number, not str"),
    (lambda m: m.full((2,), 300, dtype=m.uint8), RuntimeError, "value cannot be converted to type uint8_t without overflow"),
    (lambda m: m.full((2,), float('nan'), dtype=m.int64), RuntimeError, "value cannot be converted to type int64_t"),
    (lambda m: m.ones(2).new_full(3, 5), TypeError, "new_full\\(\\): argument 'size' \\(position 1\\) must be tuple of ints"),
    (lambda m: m.arange(1, 0, 0.1), RuntimeError, "upper bound and lower bound inconsistent with step sign"),
    (lambda m: m.arange(0, 5, -1), RuntimeError, "upper bound and lower bound inconsistent with step sign"),
    (lambda m: m.arange(1, 0, 0), RuntimeError, "step must be nonzero"),
    (lambda m: m.arange(1, 4, 0.5, dtype=m.int64), ValueError, "step must be nonzero"),
    (lambda m: m.arange(0, float('inf')), RuntimeError, "unsupported range: 0 -> inf"),
    (lambda m: m.arange(0, float('nan')), RuntimeError, "unsupported range: 0 -> nan"),
    (lambda m: m.arange(3, dtype=m.bool), NotImplementedError, '"arange_cpu" not implemented for \'Bool\''),
    (lambda m: m.arange(3, requires_grad=True), RuntimeError, "Only Tensors of floating point and complex dtype"),
    (lambda m: m.linspace(0, 1, -1), RuntimeError, "number of steps must be non-negative"),
    (lambda m: m.logspace(0, 1, -1), RuntimeError, "number of steps must be non-negative"),
    (lambda m: m.linspace(0, 1, 2.5), TypeError, "linspace\\(\\) received an invalid combination of arguments"),
    (lambda m: m.eye(-1), RuntimeError, "n must be greater or equal to 0, got -1"),
    (lambda m: m.eye(2, -1), RuntimeError, "m must be greater or equal to 0, got -1"),
    (lambda m: m.Tensor(2.5), TypeError, "new\\(\\): data must be a sequence \\(got float\\)"),
    (lambda m: m.Tensor([[1, 2], [3]]), ValueError, "expected sequence of length 2 at dim 1"),
    (lambda m: m.LongTensor(m.tensor([1.0, 2])), TypeError, "expected "),
    (lambda m: m.empty_strided((2, 3), (1,)), RuntimeError, "dimensionality of sizes \\(2\\) must match dimensionality of strides \\(1\\)"),
]


@pytest.mark.parametrize('fn,exc,match', BAD)
def test_bad_inputs(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(ember)
    with pytest.raises(exc, match=match):
        fn(torch)
