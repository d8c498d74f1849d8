"""Activations: relu family, elu family, gelu, silu, mish, shrinkage functions, softplus, glu, softmax family.

The activations with a kink or a stability concern are fused primitives whose backward states PyTorch's choice
at the kink explicitly (relu'(0) = 0, hardtanh' = 0 at its bounds, leaky_relu'(0) = negative_slope); the smooth
ones that compose well (tanhshrink, softsign, glu, prelu) are composites of ember ops.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..._tensor import Tensor, wrap_dim
from ...ops._primitive import inplace as _run_inplace, primitive
from ...ops.arithmetic import _not_implemented
from ...ops.indexing import where
from ...ops.pointwise import erf, exp, relu as _relu, sigmoid as _sigmoid, tanh as _tanh
from ...ops.reduction import log_softmax as _log_softmax, softmax as _softmax

_SQRT1_2 = 1 / math.sqrt(2.0)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
# PyTorch's hardsigmoid backward scales by 1/6 rounded to float32, in every dtype.
_ONE_SIXTH = float(np.float32(1 / 6))
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _floating(kernel: str, x) -> None:
    if x.dtype.kind not in 'fc':
        raise _not_implemented(kernel, x)


# ------------------------------------------------------------------------------------------------ relu family

def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(0, x)`` elementwise."""
    return _run_inplace(_relu, input) if inplace else _relu(input)


def relu_(input: Tensor) -> Tensor:
    """In-place ``relu``."""
    return _run_inplace(_relu, input)


@primitive(backward_name='HardtanhBackward0')
def _hardtanh(input, min_val, max_val):
    if input.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for hardtanh")
    return np.clip(input, min_val, max_val).astype(input.dtype, copy=False)


@_hardtanh.vjp
def _(grad, out, min_val, max_val):
    # Zero at and beyond both bounds, like PyTorch; out lies strictly inside exactly where the input does.
    return grad * ((out > min_val) & (out < max_val))


def hardtanh(input: Tensor, min_val: float = -1., max_val: float = 1., inplace: bool = False) -> Tensor:
    """Clamp to ``[min_val, max_val]`` (gradient 0 at the bounds)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _run_inplace(_hardtanh, input, min_val, max_val) if inplace else _hardtanh(input, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1., max_val: float = 1.) -> Tensor:
    """In-place ``hardtanh``."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(0, x), 6)`` elementwise."""
    return hardtanh(input, 0., 6., inplace)


@primitive(backward_name='LeakyReluBackward0')
def _leaky_relu(input, negative_slope):
    _floating('leaky_relu_cpu', input)
    return np.where(input > 0, input, input * negative_slope).astype(input.dtype, copy=False)


@_leaky_relu.vjp
def _(grad, input, negative_slope):
    # At 0 the slope is negative_slope (PyTorch's convention).
    return where(input > 0, grad, grad * negative_slope)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` for positive x, ``negative_slope * x`` otherwise."""
    return _run_inplace(_leaky_relu, input, negative_slope) if inplace else _leaky_relu(input, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place ``leaky_relu``."""
    return _run_inplace(_leaky_relu, input, negative_slope)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``max(0, x) + weight * min(0, x)`` with one learnable slope per channel (dim 1) or one shared slope."""
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.ndim >= 2 else 1
        if n != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} "
                               f"and channel size = {channels}.")
        weight = weight.reshape((n,) + (1,) * (input.ndim - 2))
    elif input.ndim == 0:
        weight = weight.reshape(())
    return where(input > 0, input, weight * input)


@primitive(backward_name='RreluWithNoiseBackward0')
def _rrelu_with_noise(input, noise):
    return input * noise


@_rrelu_with_noise.vjp
def _(grad, noise):
    return grad * noise, None


def rrelu(input: Tensor, lower: float = 1. / 8, upper: float = 1. / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Randomized leaky relu: slopes drawn from U(lower, upper) for x <= 0 in training, (lower+upper)/2 in eval."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    _floating('rrelu_with_noise_out_cpu', input._data)
    noise = input.detach().new_empty(input.shape).uniform_(lower, upper)
    noise = where(input > 0, 1.0, noise)
    return _run_inplace(_rrelu_with_noise, input, noise) if inplace else _rrelu_with_noise(input, noise)


def rrelu_(input: Tensor, lower: float = 1. / 8, upper: float = 1. / 3, training: bool = False) -> Tensor:
    """In-place ``rrelu``."""
    return rrelu(input, lower, upper, training, True)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``."""
    return _run_inplace(_threshold, input, threshold, value) if inplace else _threshold(input, threshold, value)


@primitive(backward_name='ThresholdBackward0')
def _threshold(input, threshold, value):
    return np.where(input > threshold, input, value).astype(input.dtype, copy=False)


@_threshold.vjp
def _(grad, input, threshold):
    return grad * (input > threshold)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place ``threshold``."""
    return _run_inplace(_threshold, input, threshold, value)


# ------------------------------------------------------------------------------------------------ elu family

@primitive(backward_name='EluBackward0')
def _elu(input, alpha, scale, input_scale):
    _floating('elu_cpu', input)
    with np.errstate(over='ignore'):
        neg = np.expm1(input * input_scale) * (alpha * scale)
    return np.where(input > 0, input * scale, neg).astype(input.dtype, copy=False)


@_elu.vjp
def _(grad, input, alpha, scale, input_scale):
    # The input (not the output) is saved: with a negative alpha the output's sign no longer tells the branch.
    return where(input > 0, grad * scale, grad * (exp(input * input_scale) * (alpha * scale * input_scale)))


def elu(input: Tensor, alpha: float = 1., inplace: bool = False) -> Tensor:
    """``x`` for positive x, ``alpha * (exp(x) - 1)`` otherwise."""
    return _run_inplace(_elu, input, alpha, 1., 1.) if inplace else _elu(input, alpha, 1., 1.)


def elu_(input: Tensor, alpha: float = 1.) -> Tensor:
    """In-place ``elu``."""
    return elu(input, alpha, True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants."""
    args = (_SELU_ALPHA, _SELU_SCALE, 1.)
    return _run_inplace(_elu, input, *args) if inplace else _elu(input, *args)


def selu_(input: Tensor) -> Tensor:
    """In-place ``selu``."""
    return selu(input, True)


def celu(input: Tensor, alpha: float = 1., inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    args = (alpha, 1., 1. / alpha)
    return _run_inplace(_elu, input, *args) if inplace else _elu(input, *args)


def celu_(input: Tensor, alpha: float = 1.) -> Tensor:
    """In-place ``celu``."""
    return celu(input, alpha, True)


# ------------------------------------------------------------------------------------------------ smooth gates

@primitive(backward_name='GeluBackward0')
def _gelu(input, approximate):
    _floating('GeluKernelImpl', input)
    if approximate == 'tanh':
        return (0.5 * input * (1 + np.tanh(_SQRT_2_OVER_PI * (input + 0.044715 * input ** 3)))).astype(input.dtype)
    return (input * (0.5 * (1 + erf.fn(input * _SQRT1_2)))).astype(input.dtype, copy=False)


@_gelu.vjp
def _(grad, input, approximate):
    x = input
    if approximate == 'tanh':
        t = _tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
        dt = (1 - t * t) * (_SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x))
        return grad * (0.5 * (1 + t) + 0.5 * x * dt)
    cdf = 0.5 * (1 + erf(x * _SQRT1_2))
    pdf = exp(-0.5 * x * x) * _INV_SQRT_2PI
    return grad * (cdf + x * pdf)


def gelu(input: Tensor, approximate: str = 'none') -> Tensor:
    """``x * Phi(x)`` (Phi the standard normal CDF), or its tanh approximation with ``approximate='tanh'``."""
    if approximate not in ('none', 'tanh'):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _gelu(input, approximate)


def _np_sigmoid(x):
    with np.errstate(over='ignore'):
        return 1 / (1 + np.exp(-x))


@primitive(backward_name='SiluBackward0')
def _silu(input):
    _floating('silu_cpu', input)
    return input * _np_sigmoid(input)


@_silu.vjp
def _(grad, input):
    s = _sigmoid(input)
    return grad * (s * (1 + input * (1 - s)))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (swish)."""
    return _run_inplace(_silu, input) if inplace else _silu(input)


@primitive(backward_name='MishBackward0')
def _mish(input):
    _floating('mish_cpu', input)
    return input * np.tanh(np.logaddexp(0, input))


@_mish.vjp
def _(grad, input):
    t = _tanh(_softplus(input, 1., 20.))
    return grad * (t + input * _sigmoid(input) * (1 - t * t))


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    return _run_inplace(_mish, input) if inplace else _mish(input)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    return _sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return _tanh(input)


@primitive(backward_name='LogSigmoidBackward0')
def _log_sigmoid(input):
    _floating('log_sigmoid_cpu', input)
    # log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)): never overflows.
    return (np.minimum(input, 0) - np.log1p(np.exp(-np.abs(input)))).astype(input.dtype, copy=False)


@_log_sigmoid.vjp
def _(grad, input):
    return grad * _sigmoid(-input)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))``, computed without overflow."""
    return _log_sigmoid(input)


@primitive(backward_name='SoftplusBackward0')
def _softplus(input, beta, threshold):
    _floating('softplus_cpu', input)
    bx = input * beta
    with np.errstate(over='ignore'):
        soft = np.logaddexp(0, bx) / beta
    return np.where(bx > threshold, input, soft).astype(input.dtype, copy=False)


@_softplus.vjp
def _(grad, input, beta, threshold):
    bx = input * beta
    return where(bx > threshold, grad, grad * _sigmoid(bx))


def softplus(input: Tensor, beta: float = 1., threshold: float = 20.) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    return _softplus(input, beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``."""
    return input - _tanh(input)


# ------------------------------------------------------------------------------------------------ hard functions

@primitive(backward_name='HardsigmoidBackward0')
def _hardsigmoid(input):
    _floating('hardsigmoid_cpu', input)
    return (np.clip(input + 3, 0, 6) / 6).astype(input.dtype, copy=False)


@_hardsigmoid.vjp
def _(grad, out):
    return grad * ((out > 0) & (out < 1)) * _ONE_SIXTH


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``."""
    return _run_inplace(_hardsigmoid, input) if inplace else _hardsigmoid(input)


@primitive(backward_name='HardswishBackward0')
def _hardswish(input):
    _floating('hardswish_cpu', input)
    return (input * np.clip(input + 3, 0, 6) / 6).astype(input.dtype, copy=False)


@_hardswish.vjp
def _(grad, input):
    # PyTorch: 0 up to -3, x/3 + 1/2 strictly inside (-3, 3), 1 from 3 on.
    return where(input <= -3, 0., where(input < 3, grad * (input / 3 + 0.5), grad))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6``."""
    return _run_inplace(_hardswish, input) if inplace else _hardswish(input)


@primitive(backward_name='HardshrinkBackward0')
def _hardshrink(input, lambd):
    _floating('hardshrink_cpu', input)
    return np.where((input > lambd) | (input < -lambd), input, 0).astype(input.dtype, copy=False)


@_hardshrink.vjp
def _(grad, input, lambd):
    return grad * ((input > lambd) | (input < -lambd))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0."""
    return _hardshrink(input, lambd)


@primitive(backward_name='SoftshrinkBackward0')
def _softshrink(input, lambd):
    _floating('softshrink_cpu', input)
    if lambd < 0:
        kind = 'Double' if input.dtype == np.float64 else 'Float' if input.dtype == np.float32 else 'Half'
        raise RuntimeError(f"lambda must be in range [0, {np.finfo(input.dtype).max:g}] for input dtype {kind}, but "
                           f"found {lambd:g}")
    return np.where(input > lambd, input - lambd, np.where(input < -lambd, input + lambd, 0)).astype(input.dtype)


@_softshrink.vjp
def _(grad, input, lambd):
    return grad * ((input > lambd) | (input < -lambd))


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above lambd, ``x + lambd`` below -lambd, else 0."""
    return _softshrink(input, lambd)


# ------------------------------------------------------------------------------------------------ glu, softmax

def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: split ``input`` in halves a, b along ``dim``; return ``a * sigmoid(b)``."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    _floating('glu_cpu', input._data)
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    h = n // 2
    return input.narrow(d, 0, h) * _sigmoid(input.narrow(d, h, h))


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                  f"argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``."""
    if dim is None:
        dim = _softmax_dim('softmax', input.ndim, _stacklevel)
    return _softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``log(softmax(x))`` along ``dim``, computed stably."""
    if dim is None:
        dim = _softmax_dim('log_softmax', input.ndim, _stacklevel)
    return _log_softmax(input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``softmax(-x)`` along ``dim``."""
    if dim is None:
        dim = _softmax_dim('softmin', input.ndim, _stacklevel)
    return _softmax(-input, dim, dtype)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """A sample from the Gumbel-softmax distribution; with ``hard``, one-hot forward, soft gradient
    (straight-through)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -logits.detach().new_empty(logits.shape).exponential_().log()
    y_soft = _softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.detach().argmax(dim, keepdim=True)
    y_hard = logits.detach().new_zeros(logits.shape).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


__all__ = ['relu', 'relu_', 'relu6', 'hardtanh', 'hardtanh_', 'leaky_relu', 'leaky_relu_', 'prelu', 'rrelu',
           'rrelu_', 'threshold', 'threshold_', 'elu', 'elu_', 'selu', 'selu_', 'celu', 'celu_', 'gelu', 'silu',
           'mish', 'sigmoid', 'tanh', 'logsigmoid', 'softplus', 'softsign', 'tanhshrink', 'hardsigmoid', 'hardswish',
           'hardshrink', 'softshrink', 'glu', 'softmax', 'log_softmax', 'softmin', 'gumbel_softmax']
