"""``ember.testing``: ``assert_close`` with PyTorch's default tolerances and messages, and ``make_tensor``."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from . import _dtype as D
from ._tensor import Tensor

# Default (rtol, atol) per dtype; integer and bool dtypes compare exactly.
_TOLS = {D.float16: (1e-3, 1e-5), D.bfloat16: (1.6e-2, 1e-5), D.float32: (1.3e-6, 1e-5), D.float64: (1e-7, 1e-7),
         D.complex64: (1.3e-6, 1e-5), D.complex128: (1e-7, 1e-7)}


def _tols(*dtypes) -> tuple:
    r = [_TOLS.get(d, (0.0, 0.0)) for d in dtypes]
    return max(t[0] for t in r), max(t[1] for t in r)


def _fail(msg_default: str, msg, path: tuple) -> None:
    if callable(msg):
        text = msg(msg_default)
    elif msg is not None:
        text = msg
    else:
        text = msg_default
    if path and msg is None:
        text += "\n\nThe failure occurred for item " + ''.join(f"[{p!r}]" for p in path)
    raise AssertionError(text)


def _is_tensor_like(x) -> bool:
    return isinstance(x, (Tensor, np.ndarray))


def assert_close(actual, expected, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Assert that ``actual`` and ``expected`` are close: tensors, NumPy arrays, numbers, and sequences or
    mappings of them, compared elementwise with ``|actual - expected| <= atol + rtol * |expected|``."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'atol' if atol is None else 'rtol'}.")
    _compare(actual, expected, (), dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                                        check_dtype=check_dtype, check_stride=check_stride, msg=msg))


def _compare(actual, expected, path: tuple, opts: dict) -> None:
    if _is_tensor_like(actual) and _is_tensor_like(expected) and type(actual) is type(expected) or \
            isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return _compare_tensors(actual, expected, path, opts)
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) != bool(expected):
            _fail(f"Booleans mismatch: {actual} is not {expected}", opts['msg'], path)
        return
    num = (int, float, complex)
    if isinstance(actual, num) and isinstance(expected, num) and not isinstance(actual, bool) \
            and not isinstance(expected, bool):
        return _compare_numbers(actual, expected, path, opts)
    if actual is None and expected is None:
        return
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        ka, ke = list(actual.keys()), list(expected.keys())
        if set(ka) != set(ke):
            missing = [k for k in ke if k not in actual]
            extra = [k for k in ka if k not in expected]
            _fail(f"The keys of the mappings do not match:\nMissing keys in the actual mapping: {sorted(missing)}\n"
                  f"Additional keys in the actual mapping: {sorted(extra)}", opts['msg'], path)
        for k in ke:
            _compare(actual[k], expected[k], path + (k,), opts)
        return
    if isinstance(actual, Sequence) and isinstance(expected, Sequence) and not isinstance(actual, str) \
            and not isinstance(expected, str):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", opts['msg'], path)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, path + (i,), opts)
        return
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")


def _compare_numbers(actual, expected, path, opts) -> None:
    if opts['check_dtype'] and type(actual) is not type(expected):
        _fail(f"The (d)types do not match: {type(actual)} != {type(expected)}.", opts['msg'], path)
    exact = isinstance(actual, int) and isinstance(expected, int)
    if opts['rtol'] is not None:
        rtol, atol = opts['rtol'], opts['atol']
    else:
        rtol, atol = (0.0, 0.0) if exact else (1e-7, 1e-7)
    if actual == expected or (opts['equal_nan'] and _isnan(actual) and _isnan(expected)):
        return
    diff = abs(actual - expected)
    if not exact and math.isfinite(diff) and diff <= atol + rtol * abs(expected):
        return
    rel = diff / abs(expected) if expected != 0 else (math.nan if diff == 0 else math.inf)
    if exact:
        _fail(f"Scalars are not equal!\n\nExpected {expected} but got {actual}.\nAbsolute difference: {diff}\n"
              f"Relative difference: {rel}", opts['msg'], path)
    _fail(f"Scalars are not close!\n\nExpected {expected} but got {actual}.\nAbsolute difference: {diff} (up to "
          f"{atol} allowed)\nRelative difference: {rel} (up to {rtol} allowed)", opts['msg'], path)


def _isnan(x) -> bool:
    return isinstance(x, (float, complex)) and x != x


def _compare_tensors(actual, expected, path, opts) -> None:
    msg = opts['msg']
    a = actual if isinstance(actual, Tensor) else Tensor._wrap(actual)
    e = expected if isinstance(expected, Tensor) else Tensor._wrap(expected)
    if a.shape != e.shape:
        _fail(f"The values for attribute 'shape' do not match: {a.shape} != {e.shape}.", msg, path)
    if opts['check_device'] and a.device != e.device:
        _fail(f"The values for attribute 'device' do not match: {a.device} != {e.device}.", msg, path)
    if opts['check_dtype'] and a.dtype is not e.dtype:
        _fail(f"The values for attribute 'dtype' do not match: {a.dtype} != {e.dtype}.", msg, path)
    if opts['check_stride'] and a.numel() and a.stride() != e.stride():
        _fail(f"The values for attribute 'stride()' do not match: {a.stride()} != {e.stride()}.", msg, path)
    if opts['rtol'] is not None:
        rtol, atol = opts['rtol'], opts['atol']
    else:
        rtol, atol = _tols(a.dtype, e.dtype)
    dt = D.promote_types(a.dtype, e.dtype)
    if dt is D.bfloat16:
        dt = D.float32
    x = a._host().astype(dt.np, copy=False)
    y = e._host().astype(dt.np, copy=False)
    if dt.category <= D.INT:
        x, y = x.astype(np.int64), y.astype(np.int64)
    with np.errstate(invalid='ignore', over='ignore'):
        close = x == y
        if opts['equal_nan'] and dt.category >= D.FLOAT:
            close |= np.isnan(x) & np.isnan(y)
        diff = np.abs(x - y)
        if rtol or atol:
            close |= np.isfinite(diff) & (diff <= atol + rtol * np.abs(y))
    if close.all():
        return
    exact = rtol == 0 and atol == 0
    total = close.size
    bad = total - int(close.sum())
    diff = np.where(close, 0, diff)
    with np.errstate(divide='ignore', invalid='ignore'):
        rel = np.where(close, 0, diff / np.abs(y))
    ia = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    ir = np.unravel_index(int(np.argmax(rel)), rel.shape) if rel.ndim else ()
    max_abs, max_rel = diff[ia], float(rel[ir])
    max_abs = int(max_abs) if dt.category <= D.INT else float(max_abs)
    if a.ndim == 0:
        xv, yv = x.item(), y.item()
        max_abs = abs(xv - yv)
        max_rel = max_abs / abs(yv) if yv != 0 else math.inf
        head = "Scalars are not equal!" if exact else "Scalars are not close!"
        body = f"\n\nExpected {y.item()} but got {x.item()}.\nAbsolute difference: {max_abs}"
        tail = f"\nRelative difference: {max_rel}"
        if not exact:
            body += f" (up to {atol} allowed)"
            tail += f" (up to {rtol} allowed)"
        _fail(head + body + tail, msg, path)
    head = "Tensor-likes are not equal!" if exact else "Tensor-likes are not close!"
    idx_a, idx_r = tuple(int(i) for i in ia), tuple(int(i) for i in ir)
    text = (f"{head}\n\nMismatched elements: {bad} / {total} ({bad / total * 100:.1f}%)\n"
            f"Greatest absolute difference: {max_abs} at index {idx_a}")
    text += "" if exact else f" (up to {atol} allowed)"
    text += f"\nGreatest relative difference: {max_rel} at index {idx_r}"
    text += "" if exact else f" (up to {rtol} allowed)"
    _fail(text, msg, path)


def assert_allclose(actual, expected, rtol: float | None = None, atol: float | None = None, equal_nan: bool = True,
                    msg: str = '') -> None:
    """Deprecated ``torch.testing.assert_allclose``: ``assert_close`` without dtype checks, NaNs equal."""
    if not isinstance(actual, Tensor):
        actual = _as_tensor(actual)
    if not isinstance(expected, Tensor):
        expected = _as_tensor(expected)
    if rtol is None and atol is None:
        rtol, atol = _tols(actual.dtype, expected.dtype)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True, check_dtype=False,
                 check_stride=False, msg=msg or None)


def _as_tensor(x) -> Tensor:
    from .ops.creation import tensor
    return tensor(x)


def make_tensor(*shape, dtype, device, low: float | None = None, high: float | None = None,
                requires_grad: bool = False, noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format=None) -> Tensor:
    """A tensor of the given shape filled with random values from [low, high) (defaults per dtype kind:
    [-9, 9) for numbers, [0, 10) for unsigned integers)."""
    from .ops.creation import _sizes, _finish
    from .random import _gen
    shape = _sizes(shape, 'make_tensor')
    dt = D.to_dtype(dtype)
    if requires_grad and dt.category < D.FLOAT:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got "
                         f"dtype={dt!r}")
    for v in (low, high):
        if v is not None and v != v:
            raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    g = _gen(None)
    if dt is D.bool_:
        arr = g.integers(0, 2, shape).astype(bool)
    else:
        info_lo, info_hi = (np.iinfo(dt.np).min, np.iinfo(dt.np).max) if dt.category == D.INT else (-np.inf, np.inf)
        lo = max(-9 if low is None else low, info_lo)
        hi = min((10 if dt.category == D.INT else 9) if high is None else high, info_hi)
        if dt.category == D.INT and low is None and not dt.is_signed:
            lo = 0
        if lo > hi or (lo == hi and dt.category == D.INT):
            raise ValueError(f"`low` must be less than `high`, but got {lo} >= {hi}")
        if dt.category == D.INT:
            arr = g.integers(math.ceil(lo), math.ceil(hi), shape)
        else:
            parts = 2 if dt.category == D.COMPLEX else 1
            arr = g.random(shape + (parts,)) * (hi - lo) + lo
            arr = arr[..., 0] + 1j * arr[..., 1] if parts == 2 else arr[..., 0]
        if exclude_zero:
            eps = 1 if dt.category == D.INT else (D.finfo(dt).tiny if dt.category >= D.FLOAT else 1)
            arr = np.where(arr == 0, eps, arr)
        arr = arr.astype(dt.np)
    if noncontiguous and arr.size > 1:
        wide = np.repeat(arr[..., None], 2, axis=-1)
        arr = wide[..., 0]
    t = _finish(arr, dt, device, False)
    if requires_grad:
        t.requires_grad_(True)
    return t


__all__ = ['assert_close', 'assert_allclose', 'make_tensor']
