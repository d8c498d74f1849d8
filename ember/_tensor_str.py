"""``repr`` and ``str`` of tensors, character for character like PyTorch's (``set_printoptions``).

One formatter per tensor decides, from the (summarized) values, between integer-valued floats (``1.``), fixed
point with ``precision`` digits, and scientific notation; every element is then right-aligned to the widest.
"""
from __future__ import annotations

import math

import numpy as np


class _Options:
    __slots__ = ('precision', 'threshold', 'edgeitems', 'linewidth', 'sci_mode')

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = _Options()

_PROFILES = {'default': (4, 1000, 3, 80), 'short': (2, 1000, 2, 80), 'full': (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set how tensors print: digits, summarization threshold and edge items, line width, scientific mode."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"Unknown profile {profile!r}; expected one of 'default', 'short', 'full'")
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options as a dict."""
    return {k: getattr(PRINT_OPTS, k) for k in _Options.__slots__}


class _Formatter:
    """Chooses the element format of a real or integer array and the width every element is padded to."""

    __slots__ = ('floating', 'int_mode', 'sci_mode', 'max_width')

    def __init__(self, arr: np.ndarray):
        self.floating = arr.dtype.kind == 'f'
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = arr.reshape(-1)
        p = PRINT_OPTS.precision
        if not self.floating:
            if flat.size:
                self.max_width = max(len(str(v)) for v in flat.tolist())
        else:
            vals = flat[np.isfinite(flat) & (flat != 0)]
            if vals.size:
                absv = np.abs(vals.astype(np.float64))
                lo, hi = absv.min(), absv.max()
                values = vals.tolist()
                self.int_mode = bool(np.all(vals == np.ceil(vals)))
                sci = PRINT_OPTS.sci_mode
                self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if sci is None else sci
                if self.sci_mode:
                    self.max_width = max(len(f"{v:.{p}e}") for v in values)
                elif self.int_mode:
                    # Integer-valued floats print with a trailing '.', one more character.
                    self.max_width = max(len(f"{v:.0f}") + 1 for v in values)
                else:
                    self.max_width = max(len(f"{v:.{p}f}") for v in values)

    def format(self, value) -> str:
        if self.floating:
            if self.sci_mode:
                s = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                s = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    s += "."
            else:
                s = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            s = str(value)
        return (self.max_width - len(s)) * " " + s


def _summarized(arr: np.ndarray) -> np.ndarray:
    """Only the values that will be shown: ``edgeitems`` from each end of every long dimension."""
    e = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim > 1 and not e:
        return arr[(slice(0, 0),) * arr.ndim]
    for ax, n in enumerate(arr.shape):
        # PyTorch keeps a whole 1-d tensor when edgeitems is 0 (its ``[-0:]`` slice is everything).
        if n > 2 * e and e:
            arr = np.take(arr, np.r_[0:e, n - e:n], axis=ax)
    return arr


def _join_complex(real: str, imag: str) -> str:
    imag = (imag + "j").lstrip()
    return real + imag if imag[0] in "+-" else real + "+" + imag


def _vector_str(arr, indent: int, summarize: bool, f1: _Formatter, f2: _Formatter | None) -> str:
    width = f1.max_width + 2
    if f2 is not None:
        width += f2.max_width + 1
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / width)))
    if f2 is None:
        fmt = f1.format
    else:
        def fmt(v):
            return _join_complex(f1.format(v.real), f2.format(v.imag))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * e:
        data = [fmt(v) for v in arr[:e].tolist()] + [" ..."] + [fmt(v) for v in arr[-e:].tolist()]
    else:
        data = [fmt(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _body(arr, indent: int, summarize: bool, f1: _Formatter, f2: _Formatter | None) -> str:
    if arr.ndim == 0:
        v = arr.item()
        if f2 is not None:
            return _join_complex(f1.format(v.real), f2.format(v.imag))
        return f1.format(v)
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, f1, f2)
    e = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * e:
        slices = ([_body(arr[i], indent + 1, summarize, f1, f2) for i in range(e)] + ["..."]
                  + [_body(arr[i], indent + 1, summarize, f1, f2) for i in range(n - e, n)])
    else:
        slices = [_body(arr[i], indent + 1, summarize, f1, f2) for i in range(n)]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _tensor_str(arr: np.ndarray, indent: int) -> str:
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    if arr.dtype.itemsize == 2 and arr.dtype.kind in 'fV':  # float16 and bfloat16 print via float32
        arr = arr.astype(np.float32)
    shown = _summarized(arr) if summarize else arr
    if arr.dtype.kind == 'c':
        return _body(arr, indent, summarize, _Formatter(shown.real), _Formatter(shown.imag))
    return _body(arr, indent, summarize, _Formatter(shown), None)


def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    parts = [text]
    last_len = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if last_len + len(s) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + s)
            last_len = indent + len(s)
        else:
            parts.append(", " + s)
            last_len += len(s) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, tensor_contents: str | None = None) -> str:
    """PyTorch's ``repr`` of tensor ``t``: values, then device, dtype, grad_fn or requires_grad."""
    from . import _dtype as D
    from .ops.creation import get_default_device
    plain = type(t).__name__ in ('Tensor', 'Parameter')
    prefix = "tensor(" if plain else f"{type(t).__name__}("
    indent = len(prefix)
    suffixes = []
    default_dev = get_default_device()
    if t._device.type != default_dev.type or (t._device.type == 'cuda' and t._device != default_dev):
        suffixes.append(f"device='{t._device}'")
    default = D.get_default_dtype()
    default_complex = D.complex128 if default is D.float64 else D.complex64
    arr = t._host()
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        if t.dtype is not default:
            suffixes.append(f"dtype={t.dtype!r}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(arr.shape)}")
        if t.dtype not in (default, default_complex, D.int64, D.bool_):
            suffixes.append(f"dtype={t.dtype!r}")
        body = _tensor_str(arr, indent)
    if tensor_contents is not None:
        body = tensor_contents
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
