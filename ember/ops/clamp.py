"""Clamping and elementwise extrema and interpolation: clamp/clip, maximum/minimum/fmax/fmin, addcmul/addcdiv, lerp."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ._primitive import primitive, inplace
# arithmetic imports this module near its end, after these helpers exist.
from .arithmetic import _binary, _kind, _method, _not_implemented, conj_if_complex


# ----------------------------------------------------------------------------------------- clamp and friends


@primitive(promote='same', operands=('input', 'min', 'max'), backward_name='ClampBackward1')
def _clamp(input, min, max):
    if input.dtype.kind == 'c':
        raise NotImplementedError("clamp is not supported for complex types")
    if min is not None:
        input = np.maximum(input, min)
    if max is not None:
        input = np.minimum(input, max)
    return input


_clamp.name = 'clamp'


@_clamp.vjp
def _(grad, input, min, max):
    from .indexing import where
    zero = 0.0
    if min is not None and max is not None:
        keep = (input >= min) & (input <= max)
    elif min is not None:
        keep = input >= min
    else:
        keep = input <= max
    gx = where(keep, grad, zero) if isinstance(input, Tensor) else None
    gmin = gmax = None
    if isinstance(min, Tensor):
        below = input < min
        gmin = where(below & (min < max) if max is not None else below, grad, zero)
    if isinstance(max, Tensor):
        above = input > max
        gmax = where(above | (max < min) if min is not None else above, grad, zero)
    return gx, gmin, gmax


def _clamp_args(min, max) -> None:
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if min is not None and max is not None and isinstance(min, Tensor) != isinstance(max, Tensor):
        raise TypeError(f"clamp() received an invalid combination of arguments - got (Tensor, "
                        f"min={type(min).__name__}, max={type(max).__name__}), but expected min and max to be both "
                        f"Tensors or both numbers")


def clamp(input: Tensor, min=None, max=None, *, out: Tensor | None = None) -> Tensor:
    """Limit every element to ``[min, max]`` (either bound may be None; bounds may be tensors)."""
    _clamp_args(min, max)
    return _clamp(input, min, max) if out is None else _clamp(input, min, max, out=out)


clip = clamp


def clamp_min(input: Tensor, min, *, out: Tensor | None = None) -> Tensor:
    """``clamp(input, min=min)``."""
    return clamp(input, min, None, out=out)


def clamp_max(input: Tensor, max, *, out: Tensor | None = None) -> Tensor:
    """``clamp(input, max=max)``."""
    return clamp(input, None, max, out=out)


def _clamp_(self: Tensor, min=None, max=None) -> Tensor:
    _clamp_args(min, max)
    return inplace(_clamp, self, min, max)


def _tensor_pair(name: str, input, other) -> None:
    for pos, v in ((1, input), (2, other)):
        if not isinstance(v, Tensor):
            raise TypeError(f"{name}(): argument '{'input' if pos == 1 else 'other'}' (position {pos}) must be "
                            f"Tensor, not {type(v).__name__}")


def _extremum(name, ufunc, complex_msg):
    @primitive(promote='same')
    def op(input, other):
        if _kind(input, other) == 'c':
            raise RuntimeError(complex_msg)
        return _binary(name, ufunc, input, other)
    op.name = op.__name__ = name
    op.backward_name = name.capitalize() + 'Backward0'
    return op


_maximum = _extremum('maximum', np.maximum, "maximum not implemented for complex tensors.")
_minimum = _extremum('minimum', np.minimum, "minimum not implemented for complex tensors.")
_fmax = _extremum('fmax', np.fmax, "fmax not implemented for complex tensors.")
_fmin = _extremum('fmin', np.fmin, "fmin not implemented for complex tensors.")


@_maximum.vjp
def _(grad, input, other):
    from .indexing import where
    g = where(input == other, grad / 2, grad)
    return where(input < other, 0.0, g), where(input > other, 0.0, g)


@_minimum.vjp
def _(grad, input, other):
    from .indexing import where
    g = where(input == other, grad / 2, grad)
    return where(input > other, 0.0, g), where(input < other, 0.0, g)


@_fmax.vjp
def _(grad, input, other):
    from .indexing import where
    first = (input >= other) | (other != other)
    return where(first, grad, 0.0), where(first, 0.0, grad)


@_fmin.vjp
def _(grad, input, other):
    from .indexing import where
    first = (input <= other) | (other != other)
    return where(first, grad, 0.0), where(first, 0.0, grad)


def _binary_tensor_op(prim):
    name = prim.name

    def op(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
        _tensor_pair(name, input, other)
        return prim(input, other) if out is None else prim(input, other, out=out)
    op.__name__ = name
    return op


maximum = _binary_tensor_op(_maximum)
maximum.__doc__ = "The elementwise maximum of two tensors (NaN propagates)."
minimum = _binary_tensor_op(_minimum)
minimum.__doc__ = "The elementwise minimum of two tensors (NaN propagates)."
fmax = _binary_tensor_op(_fmax)
fmax.__doc__ = "The elementwise maximum of two tensors, ignoring NaN where the other value is a number."
fmin = _binary_tensor_op(_fmin)
fmin.__doc__ = "The elementwise minimum of two tensors, ignoring NaN where the other value is a number."


# ----------------------------------------------------------------------------------------- fused: addc*, lerp, xlogy


def _int_value(arr, value):
    # For integer results PyTorch converts ``value`` to the integer type first.
    return int(value) if arr.dtype.kind in 'biu' and not isinstance(value, (bool, np.bool_)) else value


@primitive(promote='same')
def addcmul(input, tensor1, tensor2, value=1):
    """``input + value * tensor1 * tensor2``."""
    if np.result_type(input, tensor1, tensor2).kind == 'b':
        raise _not_implemented('addcmul_cpu_out', np.bool_)
    prod = _binary('addcmul', np.multiply, tensor1, tensor2)
    if not (type(value) is int and value == 1):
        prod = np.multiply(prod, _int_value(prod, value))
    return _binary('addcmul', np.add, input, prod).astype(np.result_type(input, tensor1, tensor2), copy=False)


@addcmul.vjp
def _(grad, tensor1, tensor2, value):
    v = conj_if_complex(value)
    return grad, grad * conj_if_complex(tensor2) * v, grad * conj_if_complex(tensor1) * v


@primitive(promote='same', operands=('input', 'tensor1', 'tensor2'))
def _addcdiv(input, tensor1, tensor2, value=1):
    with np.errstate(divide='ignore', invalid='ignore'):
        q = _binary('addcdiv', np.true_divide, tensor1, tensor2)
    if not (type(value) is int and value == 1):
        q = np.multiply(q, value)
    return _binary('addcdiv', np.add, input, q).astype(np.result_type(input, tensor1, tensor2), copy=False)


_addcdiv.name = 'addcdiv'


@_addcdiv.vjp
def _(grad, tensor1, tensor2, value):
    v = conj_if_complex(value)
    g1 = grad * v / conj_if_complex(tensor2)
    return grad, g1, -g1 * conj_if_complex(tensor1 / tensor2)


def _check_addcdiv(tensor1: Tensor, tensor2: Tensor) -> None:
    if tensor1.dtype.category < D.FLOAT and tensor2.dtype.category < D.FLOAT:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
            "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + "
            "value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * "
            "tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out: Tensor | None = None) -> Tensor:
    """``input + value * tensor1 / tensor2``."""
    _check_addcdiv(tensor1, tensor2)
    if out is not None:
        return _addcdiv(input, tensor1, tensor2, value, out=out)
    return _addcdiv(input, tensor1, tensor2, value)


@primitive(operands=('input', 'end', 'weight'))
def _lerp(input, end, weight):
    d = _binary('lerp', np.subtract, end, input)
    # PyTorch's two-sided formula: exact at both ends of [0, 1].
    small = np.abs(weight) < 0.5
    if isinstance(weight, np.ndarray):
        out = np.where(small, np.add(input, np.multiply(weight, d)), np.subtract(end, np.multiply(d, 1 - weight)))
    else:
        out = np.add(input, np.multiply(weight, d)) if small else np.subtract(end, np.multiply(d, 1 - weight))
    return np.asarray(out, dtype=np.result_type(input, end))


_lerp.name, _lerp.backward_name = 'lerp', 'LerpBackward0'


@_lerp.vjp
def _(grad, input, end, weight):
    w = conj_if_complex(weight)
    gw = grad * conj_if_complex(end - input) if isinstance(weight, Tensor) else None
    return grad * (1 - w), grad * w, gw


def lerp(input: Tensor, end: Tensor, weight, *, out: Tensor | None = None) -> Tensor:
    """``input + weight * (end - input)``; ``weight`` a number or a tensor of the same dtype."""
    dt = input.dtype
    if dt.category < D.FLOAT:
        raise NotImplementedError(f"\"lerp_kernel_{'tensor' if isinstance(weight, Tensor) else 'scalar'}\" not "
                                  f"implemented for '{dt._legacy}'")
    for name, v in (('end', end), ('weight', weight)):
        if isinstance(v, Tensor) and v.dtype is not dt and (name == 'end' or v._data.ndim):
            raise RuntimeError(f"expected dtype {dt.name.replace('float32', 'float').replace('float64', 'double')} "
                               f"for `{name}` but got dtype "
                               f"{v.dtype.name.replace('float32', 'float').replace('float64', 'double')}")
    return _lerp(input, end, weight) if out is None else _lerp(input, end, weight, out=out)


def _lerp_(self, end, weight):
    lerp(self, end, weight)  # validates dtypes
    return inplace(_lerp, self, end, weight)


def _addc_(prim):
    def method(self, tensor1, tensor2, *, value=1):
        return inplace(prim, self, tensor1, tensor2, value)
    method.__name__ = prim.name + '_'
    return method


def _addcdiv_(self, tensor1, tensor2, *, value=1):
    _check_addcdiv(tensor1, tensor2)
    return inplace(_addcdiv, self, tensor1, tensor2, value)


bind_methods({
    'clamp': _method(clamp), 'clip': _method(clamp), 'clamp_min': _method(clamp_min),
    'clamp_max': _method(clamp_max), 'maximum': _method(maximum), 'minimum': _method(minimum),
    'fmax': _method(fmax), 'fmin': _method(fmin), 'addcmul': addcmul, 'addcdiv': _method(addcdiv), 'lerp': _method(lerp),
    'clamp_': _clamp_, 'clip_': _clamp_,
    'clamp_min_': lambda self, min: _clamp_(self, min, None), 'clamp_max_': lambda self, max: _clamp_(self, None, max),
    'addcmul_': _addc_(addcmul), 'addcdiv_': _addcdiv_, 'lerp_': _lerp_,
})

__all__ = ['clamp', 'clip', 'clamp_min', 'clamp_max', 'maximum', 'minimum', 'fmax', 'fmin', 'addcmul', 'addcdiv',
           'lerp']
