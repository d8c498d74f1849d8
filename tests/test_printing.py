"""repr/str of tensors, character for character against real PyTorch on the same programs."""
import math

import numpy as np
import pytest

import ember
from support import needs_torch, torch

pytestmark = needs_torch


@pytest.fixture(autouse=True)
def _restore_print_options():
    yield
    ember.set_printoptions(profile='default')
    torch.set_printoptions(profile='default')


def same_repr(make):
    """``make(lib)`` builds a tensor with ``lib`` (ember or torch); both reprs and strs must match."""
    e, t = make(ember), make(torch)
    assert repr(e) == repr(t), f"\nember:\n{e!r}\ntorch:\n{t!r}"
    assert str(e) == str(t)


def _rng(seed=0):
    return np.random.default_rng(seed)


VALUES = {
    'float_1d': [1.5, -2.25, 3.125],
    'int_valued_floats': [1.0, 2.0, -3.0],
    'zeros': [0.0, 0.0],
    'neg_zero': [-0.0, 1.0],
    'mixed_magnitudes': [1e-5, 1.0, 100.0],
    'large': [1e9, 2.0],
    'large_ints': [1e9, 1e10],
    'ratio_over_1000_ints': [1.0, 2000.0],
    'ratio_under_1000_ints': [1.0, 999.0],
    'small': [1e-5, 2e-5],
    'tiny_and_zero': [0.0, 1e-8],
    'nan_inf': [float('nan'), float('inf'), -float('inf'), 1.5],
    'nan_inf_int_mode': [float('nan'), float('inf'), 2.0],
    'only_nan': [float('nan')],
    'rounding': [0.12345, 1.99996, 123.456],
    'negative_sci': [-1e-7, 3.0],
    'long_line': [float(i) * 1.1 for i in range(40)],
}


@pytest.mark.parametrize('name', sorted(VALUES))
@pytest.mark.parametrize('dtype', ['float32', 'float64', 'float16'])
def test_float_vectors(name, dtype):
    vals = VALUES[name]
    if dtype == 'float16' and name in ('large', 'large_ints', 'small', 'tiny_and_zero', 'negative_sci',
                                       'mixed_magnitudes'):
        vals = [v for v in vals if abs(v) < 6e4]
    same_repr(lambda lib: lib.tensor(vals, dtype=getattr(lib, dtype)))


@pytest.mark.parametrize('value', [3.0, -2.5, 0.0, 1e-9, 1e12, float('nan'), -float('inf'), 0.1])
def test_zero_dim_floats(value):
    same_repr(lambda lib: lib.tensor(value))
    same_repr(lambda lib: lib.tensor(value, dtype=lib.float64))


@pytest.mark.parametrize('dtype', ['int64', 'int32', 'int16', 'int8', 'uint8', 'bool'])
def test_integer_and_bool(dtype):
    a = _rng().integers(-100, 100, (3, 4))
    if dtype == 'uint8':
        a = np.abs(a)
    if dtype == 'bool':
        a = a > 0
    same_repr(lambda lib: lib.tensor(a.tolist(), dtype=getattr(lib, dtype)))
    same_repr(lambda lib: lib.tensor(a.tolist()[0][0], dtype=getattr(lib, dtype)))


@pytest.mark.parametrize('shape', [(2, 3), (3, 1), (1, 3), (2, 3, 4), (2, 1, 2, 3), (4, 20), (1, 1, 1)])
@pytest.mark.parametrize('scale', [1.0, 1000.0, 1e-3])
def test_multidim(shape, scale):
    a = (_rng().standard_normal(shape) * scale).astype(np.float32)
    same_repr(lambda lib: lib.tensor(a))


@pytest.mark.parametrize('shape', [(0,), (0, 3), (2, 0), (3, 0, 2)])
@pytest.mark.parametrize('dtype', ['float32', 'float64', 'int64', 'bool', 'int32', 'complex64'])
def test_empty(shape, dtype):
    same_repr(lambda lib: lib.zeros(shape, dtype=getattr(lib, dtype)))


@pytest.mark.parametrize('shape', [(1001,), (2000,), (40, 30), (11, 12, 13), (5, 300), (3000, 1)])
def test_summarized(shape):
    a = _rng().standard_normal(shape).astype(np.float32)
    same_repr(lambda lib: lib.tensor(a))
    ints = _rng(1).integers(0, 10 ** 6, shape)
    same_repr(lambda lib: lib.tensor(ints))


def test_not_summarized_at_threshold():
    a = np.arange(1000, dtype=np.float32)
    same_repr(lambda lib: lib.tensor(a))


@pytest.mark.parametrize('dtype', ['complex64', 'complex128'])
def test_complex(dtype):
    for vals in ([1 + 2j, -3.5 - 0.25j], [1j, 0j], [1e-6 + 1j, 3 + 0j], [-0.0 - 0.0j, 1 - 1j],
                 [complex(1.5, float('nan')), complex(float('inf'), 2)]):
        same_repr(lambda lib: lib.tensor(vals, dtype=getattr(lib, dtype)))
    same_repr(lambda lib: lib.tensor(2 - 3j, dtype=getattr(lib, dtype)))
    a = (_rng().standard_normal((3, 4)) + 1j * _rng(1).standard_normal((3, 4))).astype(np.complex64)
    same_repr(lambda lib: lib.tensor(a, dtype=getattr(lib, dtype)))


def test_complex_summarized():
    a = (_rng().standard_normal(2000) + 1j * _rng(1).standard_normal(2000)).astype(np.complex64)
    same_repr(lambda lib: lib.tensor(a))


def test_autograd_suffixes():
    same_repr(lambda lib: lib.tensor([1.0, 2.0], requires_grad=True))
    same_repr(lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) * 2)
    same_repr(lambda lib: lib.tensor([1.0, 2.0], requires_grad=True).sum())
    same_repr(lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True).exp())
    same_repr(lambda lib: (lib.tensor([1.0, 2.0], requires_grad=True) + 1).detach())


def test_suffix_wraps_to_new_line():
    a = _rng().standard_normal((3, 9)).astype(np.float64)
    same_repr(lambda lib: lib.tensor(a, requires_grad=True) * 3)
    b = _rng().standard_normal(8).astype(np.float64) * 1e5
    same_repr(lambda lib: lib.tensor(b, requires_grad=True))


def test_default_dtype_changes_suffix():
    try:
        for lib in (ember, torch):
            lib.set_default_dtype(lib.float64)
        same_repr(lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float32))
        same_repr(lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float64))
        same_repr(lambda lib: lib.tensor([1 + 1j], dtype=lib.complex128))
        same_repr(lambda lib: lib.tensor([1 + 1j], dtype=lib.complex64))
        same_repr(lambda lib: lib.zeros(0, dtype=lib.float32))
    finally:
        for lib in (ember, torch):
            lib.set_default_dtype(lib.float32)


@pytest.mark.parametrize('opts', [dict(precision=2), dict(precision=8), dict(threshold=5),
                                  dict(edgeitems=1, threshold=10),
                                  dict(linewidth=40), dict(sci_mode=True), dict(sci_mode=False),
                                  dict(profile='short'), dict(profile='full'), dict(edgeitems=0, threshold=10),
                                  dict(precision=1, sci_mode=True, linewidth=120)])
def test_set_printoptions(opts):
    for lib in (ember, torch):
        lib.set_printoptions(**opts)
    a = (_rng().standard_normal((4, 25)) * 10).astype(np.float32)
    same_repr(lambda lib: lib.tensor(a))
    same_repr(lambda lib: lib.tensor(a[0]))
    same_repr(lambda lib: lib.tensor(a[0, 0]))
    same_repr(lambda lib: lib.arange(30))
    same_repr(lambda lib: lib.tensor([1e-6, 1.0]))
    big = _rng().standard_normal(2000).astype(np.float32)
    same_repr(lambda lib: lib.tensor(big))


def test_full_profile_prints_everything():
    ember.set_printoptions(profile='full')
    s = repr(ember.arange(5000))
    assert '...' not in s and s.count(',') == 4999


def test_bfloat16():
    same_repr(lambda lib: lib.tensor([1.5, 2.0, 3.25], dtype=lib.bfloat16))
    same_repr(lambda lib: lib.tensor([[1.0, 2.0]], dtype=lib.bfloat16))


def test_format_and_str_of_scalars():
    assert f"{ember.tensor(3.14159):.2f}" == f"{torch.tensor(3.14159):.2f}"
    assert f"{ember.tensor(7)}" == f"{torch.tensor(7)}"
    assert f"{ember.tensor([1.0, 2.0])}" == f"{torch.tensor([1.0, 2.0])}"
    assert str(ember.tensor(math.pi)) == str(torch.tensor(math.pi))


def test_size_and_dtype_reprs():
    assert repr(ember.zeros(2, 3).shape) == repr(torch.zeros(2, 3).shape)
    assert repr(ember.zeros(()).shape) == repr(torch.zeros(()).shape)
    for name in ('float32', 'float64', 'int64', 'bool', 'complex64', 'bfloat16', 'uint8'):
        assert repr(getattr(ember, name)) == repr(getattr(torch, name))
        assert str(getattr(ember, name)) == str(getattr(torch, name))


# ----------------------------------------------------------------------------------------------- bad input
def test_bad_profile_raises():
    with pytest.raises(ValueError):
        ember.set_printoptions(profile='nope')


def test_format_spec_on_non_scalar_raises_like_torch():
    with pytest.raises(TypeError):
        f"{torch.tensor([1.0, 2.0]):.2f}"
    with pytest.raises(TypeError):
        f"{ember.tensor([1.0, 2.0]):.2f}"
