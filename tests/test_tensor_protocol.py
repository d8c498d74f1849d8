"""Tensors as Python and NumPy objects, their metadata, dtypes, devices and conversions, against real PyTorch."""
import itertools
import operator

import numpy as np
import pytest

import ember
from support import needs_torch, torch

pytestmark = needs_torch


def _norm(v):
    """Make ember and torch results comparable: tensors by (values, dtype name, shape), dtypes by name."""
    if isinstance(v, (ember.Tensor, torch.Tensor)):
        arr = np.asarray(v.detach().float() if v.dtype in (ember.bfloat16, torch.bfloat16) else v.detach())
        return ('tensor', arr.tolist(), str(v.dtype), tuple(v.shape))
    if isinstance(v, (ember.dtype, torch.dtype)):
        return ('dtype', str(v))
    if isinstance(v, (ember.device, torch.device)):
        return ('device', str(v), v.type, v.index)
    if isinstance(v, (ember.Size, torch.Size)):
        return ('Size', repr(v), tuple(v))
    if isinstance(v, (list, tuple)):
        return type(v).__name__, [_norm(x) for x in v]
    return v


def same(program):
    """``program(lib)`` gives the same result with ember and torch."""
    e, t = program(ember), program(torch)
    assert _norm(e) == _norm(t), f"\nember: {e!r}\ntorch: {t!r}"
    return e, t


def same_error(program, exc, match=True):
    """``program(lib)`` raises ``exc`` in both (and the same message unless ``match`` is False)."""
    with pytest.raises(exc) as te:
        program(torch)
    with pytest.raises(exc) as ee:
        program(ember)
    if match:
        assert str(ee.value) == str(te.value), f"\nember: {ee.value}\ntorch: {te.value}"


# ----------------------------------------------------------------------------------------------- Python protocol
@pytest.mark.parametrize('make', [
    lambda l: l.tensor(2.5), lambda l: l.tensor([7]), lambda l: l.tensor([[True]]), lambda l: l.tensor(3),
    lambda l: l.tensor(1 + 2j), lambda l: l.tensor(2.5, dtype=l.float16), lambda l: l.tensor(-4, dtype=l.int8),
])
def test_item(make):
    same(lambda l: (make(l).item(), type(make(l).item()).__name__))


def test_tolist():
    same(lambda l: l.tensor([[1, 2], [3, 4]]).tolist())
    same(lambda l: l.tensor([[1.5], [2.5]], dtype=l.float64).tolist())
    same(lambda l: l.tensor(1.5).tolist())
    same(lambda l: l.tensor([True, False]).tolist())
    same(lambda l: l.tensor([1j, 2]).tolist())
    same(lambda l: l.zeros(2, 0).tolist())


def test_len_and_iter():
    same(lambda l: len(l.zeros(3, 2)))
    same(lambda l: [x for x in l.tensor([[1, 2], [3, 4]])])
    same(lambda l: [x.item() for x in l.tensor([1.5, 2.5])])


def test_len_and_iter_of_0d_raise():
    same_error(lambda l: len(l.tensor(1.0)), TypeError)
    same_error(lambda l: list(l.tensor(1.0)), TypeError)


def test_bool():
    same(lambda l: [bool(l.tensor([0.0])), bool(l.tensor(2)), bool(l.tensor([[True]])), bool(l.tensor(0j))])
    same(lambda l: 'yes' if l.tensor(1) else 'no')


def test_bool_ambiguous_raises():
    same_error(lambda l: bool(l.tensor([1.0, 2.0])), RuntimeError)
    same_error(lambda l: bool(l.tensor([])), RuntimeError)
    same_error(lambda l: l.tensor([1, 2]) and 1, RuntimeError)


def test_float_int_complex():
    same(lambda l: [float(l.tensor([2])), int(l.tensor(2.7)), int(l.tensor(-2.7)), float(l.tensor(True)),
                    complex(l.tensor(1 + 2j)), float(l.tensor(1 + 0j)), int(l.tensor([[5]], dtype=l.uint8))])


def test_float_int_bad_inputs():
    same_error(lambda l: float(l.tensor([2, 3])), ValueError)
    same_error(lambda l: int(l.zeros(0)), ValueError)
    same_error(lambda l: float(l.tensor(1 + 2j)), RuntimeError)
    same_error(lambda l: int(l.tensor(1 + 2j)), RuntimeError)
    same_error(lambda l: l.tensor([1, 2]).item(), RuntimeError)


def test_index_protocol():
    same(lambda l: [[10, 20, 30][l.tensor(1)], list(range(l.tensor(3))), operator.index(l.tensor([2])),
                    'abcdef'[l.tensor(1):l.tensor(4)], hex(l.tensor(255))])


def test_index_bad_inputs():
    same_error(lambda l: [10, 20, 30][l.tensor(1.0)], TypeError)
    same_error(lambda l: [10, 20, 30][l.tensor([1, 2])], TypeError)
    same_error(lambda l: range(l.tensor(True + 0.5)), TypeError)


def test_format():
    same(lambda l: [f"{l.tensor(3.14159):.2f}", f"{l.tensor(3):>5}", f"{l.tensor(2.5)}", f"{l.tensor([1.0, 2.0])}",
                    "{:e}".format(l.tensor(12345.678, dtype=l.float64)), format(l.tensor(True))])


def test_format_spec_on_non_scalar_raises():
    same_error(lambda l: f"{l.tensor([1.0, 2.0]):.2f}", TypeError, match=False)


def test_hash_is_identity():
    for lib in (ember, torch):
        a, b = lib.tensor([1.0]), lib.tensor([1.0])
        d = {a: 'a', b: 'b'}
        assert d[a] == 'a' and d[b] == 'b' and len({a, b, a}) == 2
        assert hash(a) != hash(b)


# ----------------------------------------------------------------------------------------------- NumPy interop
def test_numpy_shares_memory():
    for lib in (ember, torch):
        t = lib.tensor([1.0, 2.0, 3.0])
        a = t.numpy()
        a[0] = 10
        t.mul_(2)
        assert a.tolist() == [20.0, 4.0, 6.0] and t.tolist() == [20.0, 4.0, 6.0]
        assert t.detach().numpy().dtype == np.float32


def test_numpy_of_tensor_requiring_grad_raises():
    same_error(lambda l: l.ones(2, requires_grad=True).numpy(), RuntimeError)
    same_error(lambda l: np.asarray(l.ones(2, requires_grad=True)), RuntimeError)
    same(lambda l: l.ones(2, requires_grad=True).numpy(force=True).tolist())


def test_from_numpy_shares_memory():
    for lib in (ember, torch):
        a = np.arange(6, dtype=np.int32).reshape(2, 3)
        t = lib.from_numpy(a)
        a[0, 0] = 100
        t.add_(1)
        assert t.tolist() == [[101, 2, 3], [4, 5, 6]] and a.tolist() == t.tolist()
        assert str(t.dtype) == 'torch.int32'


def test_from_numpy_bad_dtype_raises():
    same_error(lambda l: l.from_numpy(np.zeros(2, dtype=np.longdouble)), TypeError, match=False)
    same_error(lambda l: l.from_numpy([1, 2]), TypeError, match=False)


def test_array_protocol():
    same(lambda l: [np.asarray(l.tensor([1.0, 2.0])).tolist(), np.asarray(l.tensor([1.5]), dtype=np.int64).tolist(),
                    str(np.asarray(l.tensor([1], dtype=l.int16)).dtype), np.add(l.tensor([1.0]).numpy(), 1).tolist()])


def test_dlpack_round_trips():
    # NumPy <-> ember
    e = ember.tensor([1.0, 2.0, 3.0])
    a = np.from_dlpack(e)
    a[1] = 7
    assert e.tolist() == [1.0, 7.0, 3.0]
    b = np.arange(3.0)
    e2 = ember.from_dlpack(b)
    b[0] = 5
    assert e2.tolist() == [5.0, 1.0, 2.0] and e2.dtype is ember.float64
    # torch <-> ember, zero-copy both ways
    t = torch.from_dlpack(e)
    t[0] = 10
    assert e.tolist() == [10.0, 7.0, 3.0]
    e.mul_(2)
    assert t.tolist() == [20.0, 14.0, 6.0]
    t2 = torch.tensor([[4.0, 5.0], [6.0, 7.0]])
    e3 = ember.from_dlpack(t2)
    t2[1, 1] = 9
    assert e3.tolist() == [[4.0, 5.0], [6.0, 9.0]]
    e3.add_(1)
    assert t2.tolist() == [[5.0, 6.0], [7.0, 10.0]]
    # A transposed view keeps its strides through DLPack.
    v = ember.arange(6.0).reshape(2, 3).t()
    tv = torch.from_dlpack(v)
    assert tv.stride() == v.stride() and tv.tolist() == v.tolist()
    assert ember.from_dlpack(torch.arange(4)).dtype is ember.int64


def test_dlpack_of_tensor_requiring_grad_raises():
    same_error(lambda l: l.ones(2, requires_grad=True).__dlpack__(), BufferError)


# ----------------------------------------------------------------------------------------------- metadata
VIEWS = [
    ('contiguous', (4, 6), lambda a: a),
    ('row', (4, 6), lambda a: a[1]),
    ('strided cols', (4, 6), lambda a: a[:, 1:5:2]),
    ('transpose', (2, 3), lambda a: a.t()),
    ('inner slice', (3, 4, 5), lambda a: a[:, 1]),
    ('offset block', (5, 5), lambda a: a[1:3, 2:]),
    ('permute', (2, 3, 4), lambda a: a.permute(2, 0, 1)),
    ('expand', (3, 1), lambda a: a.expand(3, 4)),
    ('empty', (0, 3), lambda a: a),
    ('scalar', (), lambda a: a),
]


@pytest.mark.parametrize('name,shape,view', VIEWS, ids=[v[0] for v in VIEWS])
def test_view_metadata(name, shape, view):
    def prog(lib):
        base = lib.arange(int(np.prod(shape)), dtype=lib.float32).reshape(shape)
        v = view(base)
        return [v.shape, v.size(), v.stride(), v.is_contiguous(), v.storage_offset(), v.data_ptr() - base.data_ptr(),
                v.element_size(), v.nbytes, v.itemsize, v.dim(), v.ndim, v.numel(), v.nelement(), len(v.shape)]
    same(prog)


def test_size_and_stride_with_dim():
    same(lambda l: [l.zeros(2, 3).size(1), l.zeros(2, 3).size(-2), l.zeros(2, 3).stride(0), l.zeros(2, 3).stride(-1)])


def test_size_and_stride_dim_out_of_range():
    same_error(lambda l: l.zeros(2, 3).size(2), IndexError)
    same_error(lambda l: l.zeros(2, 3).stride(-3), IndexError)


@pytest.mark.parametrize('dtype', ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16',
                                   'float32', 'float64', 'complex64', 'complex128'])
def test_element_size_nbytes(dtype):
    same(lambda l: [(t := l.ones(3, 2, dtype=getattr(l, dtype))).element_size(), t.nbytes, t.itemsize,
                    t.is_floating_point(), t.is_complex(), t.is_signed()])


# ----------------------------------------------------------------------------------------------- Size
def test_size_behaviour():
    same(lambda l: [l.Size([2, 3]), repr(l.Size([2, 3])), str(l.Size([])), l.Size([2, 3]).numel(), l.Size([]).numel(),
                    l.Size([2, 3, 4])[1:], l.Size([2, 3])[0], l.Size([2, 3]) == (2, 3), isinstance(l.Size([2]), tuple),
                    l.Size([2]) + (3,), (1,) + l.Size([2]), l.Size([2]) * 2, hash(l.Size([2, 3])) == hash((2, 3)),
                    l.Size([l.tensor(2), np.int64(3)]), l.Size((True, 4)), l.zeros(2, 3).shape[-1]])


def test_size_bad_inputs():
    same_error(lambda l: l.Size([2.5]), TypeError)
    same_error(lambda l: l.Size(3), TypeError, match=False)
    same_error(lambda l: l.Size(['a', 2]), TypeError, match=False)


# ----------------------------------------------------------------------------------------------- dtypes
DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64',
          'complex64', 'complex128']


@pytest.mark.parametrize('name', DTYPES)
def test_dtype_properties(name):
    same(lambda l: [getattr(l, name), str(getattr(l, name)), repr(getattr(l, name)), getattr(l, name).is_floating_point,
                    getattr(l, name).is_complex, getattr(l, name).itemsize, getattr(l, name).is_signed])


def test_dtype_aliases():
    same(lambda l: [l.float, l.double, l.half, l.long, l.int, l.short, l.cfloat, l.cdouble, l.bool])
    assert ember.float is ember.float32 and ember.long is ember.int64 and ember.cdouble is ember.complex128


@pytest.mark.parametrize('name', ['float16', 'bfloat16', 'float32', 'float64'])
def test_finfo(name):
    same(lambda l: [getattr(l.finfo(getattr(l, name)), k) for k in
                    ('bits', 'eps', 'max', 'min', 'tiny', 'smallest_normal', 'resolution', 'dtype')])


def test_finfo_default_and_complex():
    same(lambda l: [l.finfo().eps, l.finfo(l.complex64).eps, l.finfo(l.complex128).max, l.finfo(l.complex64).dtype])


@pytest.mark.parametrize('name', ['uint8', 'int8', 'int16', 'int32', 'int64'])
def test_iinfo(name):
    same(lambda l: [getattr(l.iinfo(getattr(l, name)), k) for k in ('bits', 'max', 'min', 'dtype')])


def test_finfo_iinfo_wrong_kind_raises():
    same_error(lambda l: l.finfo(l.int32), TypeError, match=False)
    same_error(lambda l: l.iinfo(l.float32), TypeError, match=False)


def test_promote_types_all_pairs():
    for a, b in itertools.product(DTYPES, DTYPES):
        same(lambda l: l.promote_types(getattr(l, a), getattr(l, b)))


def test_can_cast_all_pairs():
    for a, b in itertools.product(DTYPES, DTYPES):
        same(lambda l: l.can_cast(getattr(l, a), getattr(l, b)))


_OPERANDS = {
    'f32': lambda l: l.ones(2), 'f64_0d': lambda l: l.tensor(1.0, dtype=l.float64),
    'i32': lambda l: l.ones(2, dtype=l.int32), 'i64_0d': lambda l: l.tensor(1),
    'bool': lambda l: l.ones(2, dtype=l.bool),
    'f16': lambda l: l.ones(2, dtype=l.float16), 'u8': lambda l: l.ones(2, dtype=l.uint8),
    'c128_0d': lambda l: l.tensor(1j, dtype=l.complex128), 'i8_0d': lambda l: l.tensor(1, dtype=l.int8),
    'int': lambda l: 2, 'float': lambda l: 2.5, 'bool_scalar': lambda l: True, 'complex': lambda l: 1j,
}


def test_result_type_mixes():
    names = list(_OPERANDS)
    for a, b in itertools.product(names, names):
        if a in ('int', 'float', 'bool_scalar', 'complex') and b in ('int', 'float', 'bool_scalar', 'complex'):
            continue
        if {a, b} in ({'f16', 'c128_0d'}, {'f16', 'complex'}):
            continue  # torch gives complex32 (ComplexHalf), a dtype ember does not have
        same(lambda l: l.result_type(_OPERANDS[a](l), _OPERANDS[b](l)))


def test_default_dtype():
    try:
        same(lambda l: [l.get_default_dtype(), l.tensor([1.5]).dtype, l.tensor(1j).dtype, l.arange(3.0).dtype])
        for lib in (ember, torch):
            lib.set_default_dtype(lib.float64)
        same(lambda l: [l.get_default_dtype(), l.tensor([1.5]).dtype, l.tensor(1j).dtype, l.zeros(2).dtype,
                        l.tensor([1]).dtype, (l.tensor([1]) / 2).dtype, l.result_type(l.tensor([1]), 1.5)])
    finally:
        for lib in (ember, torch):
            lib.set_default_dtype(lib.float32)
    assert ember.get_default_dtype() is ember.float32


def test_set_default_dtype_rejects_non_float():
    same_error(lambda l: l.set_default_dtype(l.int64), TypeError, match=False)


# ----------------------------------------------------------------------------------------------- devices
@pytest.mark.parametrize('spec', ['cpu', 'cuda', 'cuda:1', 'cpu:0', 'meta'])
def test_device_parsing(spec):
    same(lambda l: [l.device(spec), str(l.device(spec)), repr(l.device(spec)), l.device(spec).type,
                    l.device(spec).index, l.device(spec) == l.device(spec.split(':')[0]),
                    l.device(spec) == l.device(spec)])


def test_device_type_and_index():
    same(lambda l: [l.device('cuda', 2), l.device('cpu', 0), hash(l.device('cpu')) == hash(l.device('cpu')),
                    {l.device('cpu'): 1}[l.device('cpu')], l.ones(2).device, l.ones(2).is_cuda, l.ones(2).get_device()])


def test_device_bad_inputs():
    same_error(lambda l: l.device('gpu'), RuntimeError, match=False)
    same_error(lambda l: l.device('cuda:x'), RuntimeError, match=False)
    same_error(lambda l: l.device('cuda', -1), RuntimeError, match=False)


# ----------------------------------------------------------------------------------------------- conversions
def test_to_variants():
    def prog(lib):
        x = lib.tensor([1.5, -2.5])
        other = lib.ones(1, dtype=lib.int32)
        return [x.to(lib.float64), x.to('cpu'), x.to(other), x.to('cpu', lib.int64), x.to(dtype=lib.float16),
                x.to(lib.float32) is x, x.to(lib.float32, copy=True) is x, x.to('cpu') is x,
                x.double(), x.float(), x.half(), x.int(), x.long(), x.bool(), x.short(), x.char(), x.byte(),
                x.cpu() is x]
    same(prog)


def test_to_copy_does_not_share_memory():
    for lib in (ember, torch):
        x = lib.ones(2)
        y = x.to(lib.float32, copy=True)
        y.add_(1)
        assert x.tolist() == [1.0, 1.0]


def test_to_keeps_autograd():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.to(lib.float64)
        (y * y).sum().backward()
        return y.grad_fn.name(), x.grad
    same(prog)


def test_tensor_type_strings():
    same(lambda l: [l.ones(2, dtype=getattr(l, d)).type() for d in DTYPES])
    same(lambda l: [l.ones(2).type('torch.DoubleTensor'), l.ones(2).type(l.int32), l.ones(2).type(l.float32)])


def test_cuda_is_unavailable_here():
    assert ember.cuda.is_available() is False and ember.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match='CUDA'):
        ember.ones(2).cuda()
    with pytest.raises(RuntimeError, match='CUDA|CuPy'):
        ember.ones(2).to('cuda')
    with pytest.raises(RuntimeError, match='CUDA|CuPy'):
        ember.ones(2, device='cuda')


def test_default_device():
    try:
        same(lambda l: l.get_default_device())
        for lib in (ember, torch):
            lib.set_default_device('meta' if lib is torch else 'cpu')
            lib.set_default_device('cpu')
        same(lambda l: [l.get_default_device(), l.ones(2).device])
    finally:
        for lib in (ember, torch):
            lib.set_default_device(None)
    assert ember.get_default_device() == ember.device('cpu')


def test_bfloat16_via_ml_dtypes():
    same(lambda l: [(t := l.tensor([1.5, 2.25, 3.14159], dtype=l.bfloat16)), t.dtype, (t * 2 + 1).float(),
                    (t + l.tensor([1.0], dtype=l.float16)).dtype, (t * l.ones(3)).dtype,
                    t.float().dtype, t.sum().float(), l.tensor(3.14159, dtype=l.bfloat16).item(),
                    l.ones(2).to(l.bfloat16).element_size()])
