"""Loss functions: regression, classification (nll / cross entropy / binary), ranking and margin losses, CTC.

``nll_loss`` is a fused primitive (one gather forward, one scatter backward): with ``log_softmax`` it is all of
``cross_entropy``, which runs every training step. ``binary_cross_entropy`` is a primitive so its gradient keeps
PyTorch's epsilon-guarded formula where the log is clamped at -100. ``ctc_loss`` runs the alpha recursion in log
space, vectorised over the batch and the extended label axis, and gets its gradient from the beta recursion.
The rest are composites of ember ops, with PyTorch's inequalities at the hinges.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...ops._primitive import primitive
from ...ops.indexing import gather, where
from ...ops.pointwise import exp, log, relu
from ...ops.reduction import log_softmax as _log_softmax, norm as _norm
from .activation import logsigmoid

_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.uint8))


# ------------------------------------------------------------------------------------------------ reductions

def _get_reduction(reduction: str) -> str:
    if reduction == 'elementwise_mean':
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return 'mean'
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _legacy_reduction(size_average, reduce) -> str:
    """PyTorch's mapping of the deprecated ``size_average`` / ``reduce`` flags onto ``reduction``."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    r = 'mean' if size_average and reduce else 'sum' if reduce else 'none'
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{r}' instead.",
                  stacklevel=3)
    return r


def _reduction(size_average, reduce, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    return _get_reduction(reduction)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    return loss


def _size(shape) -> str:
    return f"torch.Size([{', '.join(map(str, shape))}])"


def _list(shape) -> str:
    return '[' + ', '.join(map(str, shape)) + ']'


def _warn_size(input: Tensor, target: Tensor) -> None:
    if input.shape != target.shape:
        warnings.warn(f"Using a target size ({_size(target.shape)}) that is different to the input size "
                      f"({_size(input.shape)}). This will likely lead to incorrect results due to broadcasting. "
                      f"Please ensure they have the same size.", stacklevel=3)


def _legacy(dt) -> str:
    return D.from_numpy_dtype(dt)._legacy


def _need_float(kernel: str, x: Tensor) -> None:
    if x.dtype.category < D.FLOAT:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{x.dtype._legacy}'")


# ------------------------------------------------------------------------------------------------ regression

def _weighted(loss: Tensor, weight, input: Tensor, reduction: str, mean_by_weight: bool) -> Tensor:
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'mean':
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = 'mean',
            weight: Tensor | None = None) -> Tensor:
    """Mean (or sum) absolute error, optionally weighted per element."""
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if weight is not None:
        return _weighted((input - target).abs(), weight, input, reduction, True)
    reduction = _get_reduction(reduction)
    if reduction == 'mean' and input.dtype.category < D.FLOAT and target.dtype.category < D.FLOAT:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {input.dtype._legacy}")
    return _reduce((input - target).abs(), reduction)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = 'mean',
             weight: Tensor | None = None) -> Tensor:
    """Mean (or sum) squared error, optionally weighted per element."""
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    d = input - target
    if weight is not None:
        return _weighted(d * d, weight, input, reduction, True)
    reduction = _get_reduction(reduction)
    _need_float('mse_cpu', d)
    return _reduce(d * d, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = 'mean', delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Squared error below ``delta``, ``delta``-scaled absolute error above it."""
    _warn_size(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = input - target
    ad = d.abs()
    loss = where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))
    if weight is not None:
        return _weighted(loss, weight, input, reduction, False)
    return _reduce(loss, _get_reduction(reduction))


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = 'mean',
                   beta: float = 1.0) -> Tensor:
    """Squared error (over ``2 * beta``) below ``beta``, absolute error minus ``beta / 2`` above it."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = input - target
    ad = d.abs()
    if beta == 0:
        return _reduce(ad, reduction)
    return _reduce(where(ad < beta, (0.5 / beta) * d * d, ad - 0.5 * beta), reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = 'mean') -> Tensor:
    """Negative log likelihood of ``target`` under a Poisson distribution of rate ``input`` (or ``exp(input)``)."""
    reduction = _reduction(size_average, reduce, reduction)
    loss = exp(input) - target * input if log_input else input - target * log(input + eps)
    if full:
        t = target
        stirling = t * log(t) - t + 0.5 * log(2 * math.pi * t)
        loss = loss + where(t > 1, stirling, 0.)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = 'mean') -> Tensor:
    """Negative log likelihood of ``target`` under a Gaussian of mean ``input`` and variance ``var``."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = input.new_ones(input.shape) * var
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif input.ndim == var.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
            pass  # one dimension of size 1 broadcasts (homoscedastic along it)
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f"{reduction} is not valid")
    # Clamped for stability without changing the gradient (PyTorch clamps a clone in place under no_grad).
    var = var.clone()
    with grad_mode.no_grad():
        var.clamp_(min=eps)
    d = input - target
    loss = 0.5 * (log(var) + d * d / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = 'mean',
           log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence of ``target`` from ``input`` (``input`` holds log-probabilities)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    else:
        if reduction == 'mean':
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        if reduction != 'batchmean':
            reduction = _get_reduction(reduction)
    if log_target:
        loss = exp(target) * (target - input)
    else:
        loss = target.xlogy(target) - target * input
    if reduction == 'batchmean':
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


# ------------------------------------------------------------------------------------------------ nll, cross entropy

def _check_nll(x, t, weight, ignore_index: int):
    """PyTorch's checks of nll_loss's arguments, on arrays."""
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim <= 2 and t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if x.ndim >= 2 and x.shape[0] != (t.shape[0] if t.ndim else 1):
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size "
                         f"({t.shape[0] if t.ndim else 1}).")
    if x.ndim > 2 and t.shape != x.shape[:1] + x.shape[2:]:
        raise RuntimeError(f"Expected target size {_list(x.shape[:1] + x.shape[2:])}, got {_list(t.shape)}")
    c = x.shape[0] if x.ndim == 1 else x.shape[1]
    if weight is not None and weight.size != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got weight "
                           f"tensor of shape: {_list(weight.shape)}")
    if t.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_legacy(t.dtype)}")
    if x.dtype.kind != 'f':
        raise NotImplementedError(f"\"nll_loss_out_frame\" not implemented for '{_legacy(x.dtype)}'")
    if weight is not None and weight.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {_legacy(x.dtype)} but found {_legacy(weight.dtype)}")
    if not t.size:
        return None
    lo, hi = t.min(), t.max()
    keep = None if not lo <= ignore_index <= hi else t != ignore_index
    if lo < 0 or hi >= c:
        bad = (t < 0) | (t >= c)
        if keep is not None:
            bad &= keep
        if bad.any():
            raise IndexError(f"Target {t[bad].flat[0]} is out of bounds.")
    return keep


def _safe_targets(t, keep):
    """The targets as indices, the ignored ones pointing at class 0 (where their coefficient is 0)."""
    return (t if keep is None else np.where(keep, t, 0)).astype(np.intp, copy=False)


@primitive(backward_name='NllLossBackward0', aux=('coef',))
def _nll(input, target, weight, ignore_index, reduction):
    x, t = (input[None], target.reshape(1)) if input.ndim == 1 else (input, target)
    keep = _check_nll(x, t, weight, ignore_index) if input.ndim > 1 else _check_nll(input, target, weight,
                                                                                    ignore_index)
    safe = _safe_targets(t, keep)
    picked = x[np.arange(x.shape[0]), safe] if x.ndim == 2 else np.take_along_axis(x, safe[:, None], axis=1)[:, 0]
    if weight is None:
        coef = np.ones(t.shape, x.dtype) if keep is None else keep.astype(x.dtype)
    else:
        coef = weight[safe] if keep is None else np.where(keep, weight[safe], 0).astype(x.dtype)
    loss = picked * coef
    if reduction == 'none':
        out = -loss.reshape(() if input.ndim == 1 else target.shape)
    elif reduction == 'sum':
        out = -loss.sum(dtype=x.dtype)
    else:
        total = coef.sum(dtype=x.dtype)
        with np.errstate(invalid='ignore', divide='ignore'):
            out = -loss.sum(dtype=x.dtype) / total
        if total:
            coef = coef / total
    return np.asarray(out, x.dtype), coef.reshape(target.shape)


@_nll.vjp
def _(grad, input_shape, target, coef, ignore_index):
    return _nll_backward(grad, target, coef, input_shape, ignore_index), None, None


@primitive(backward_name='NllLossBackwardBackward0')
def _nll_backward(grad, target, coef, shape, ignore_index):
    """The gradient of nll_loss w.r.t. its input: ``-grad * coef`` scattered to the target classes."""
    out = np.zeros(shape, coef.dtype)
    g = -(grad * coef)
    if len(shape) == 1:
        t = int(target.reshape(-1)[0])
        out[t if t != ignore_index else 0] = g.reshape(())
        return out
    keep = target != ignore_index
    safe = _safe_targets(target, None if keep.all() else keep)
    if len(shape) == 2:
        out[np.arange(shape[0]), safe] = g
    else:
        np.put_along_axis(out, safe[:, None], g[:, None], axis=1)
    return out


@_nll_backward.vjp
def _(gg, target, coef, ignore_index):
    # Linear in grad: its adjoint gathers ``gg`` back at the target classes.
    t = where(target == ignore_index, 0, target).long()
    picked = gather(gg, 0, t.reshape(1)).reshape(()) if gg.ndim == 1 else gather(gg, 1, t.unsqueeze(1)).squeeze(1)
    return -(picked * coef), None, None


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = 'mean') -> Tensor:
    """Negative log likelihood of class-index targets given log-probabilities ``input`` (N, C, d1, ...)."""
    reduction = _reduction(size_average, reduce, reduction)
    return _nll(input, target, weight, ignore_index, reduction)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = 'mean',
                  label_smoothing: float = 0.0) -> Tensor:
    """``nll_loss(log_softmax(input, class dim), target)``, or the cross entropy with class-probability targets;
    ``label_smoothing`` mixes the target with the uniform distribution."""
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    if input.shape == target.shape:
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing, class_dim)
    logp = _log_softmax(input, class_dim)
    nll = _nll(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0.0:
        return nll
    c = input.shape[class_dim]
    if weight is not None:
        wshape = [1] * input.ndim
        wshape[class_dim] = c
        smooth = -(logp * weight.reshape(wshape)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == 'mean':
        if weight is not None:
            kept = target[~ignored].reshape(-1)
            smooth = smooth.sum() / weight.gather(0, kept).sum()
        else:
            smooth = smooth.sum() / (~ignored).sum()
    elif reduction == 'sum':
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / c)


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing, class_dim):
    if target.dtype.category != D.FLOAT:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{target.dtype._legacy}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    c = input.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / c
    prod = _log_softmax(input, class_dim) * target
    if weight is not None:
        wshape = [1] * input.ndim
        wshape[class_dim] = c
        prod = prod * weight.reshape(wshape)
    if reduction == 'none':
        return -prod.sum(class_dim)
    if reduction == 'sum':
        return -prod.sum()
    return -prod.sum() / (input.numel() // c if c else 0)


# ------------------------------------------------------------------------------------------------ binary

@primitive(backward_name='BinaryCrossEntropyBackward0')
def _binary_cross_entropy(input, target, weight):
    if not ((input >= 0) & (input <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    with np.errstate(divide='ignore'):
        loss = -(target * np.maximum(np.log(input), -100) + (1 - target) * np.maximum(np.log(1 - input), -100))
    return loss if weight is None else loss * weight


@_binary_cross_entropy.vjp
def _(grad, input, target, weight, needs_input_grad):
    g = grad if weight is None else grad * weight
    gx = g * (input - target) / ((1 - input) * input).clamp_min(1e-12) if needs_input_grad[0] else None
    gt = None
    if needs_input_grad[1]:
        gt = g * (log(1 - input) - log(input))  # unclamped, like PyTorch's (infinite at 0 and 1)
    return gx, gt, None


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = 'mean') -> Tensor:
    """Binary cross entropy between probabilities ``input`` and ``target`` (logs clamped at -100)."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({_size(target.shape)}) that is different to the input size "
                         f"({_size(input.shape)}) is deprecated. Please ensure they have the same size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype._legacy} but expected {input.dtype._legacy}")
    if weight is not None:
        weight = weight.expand(*np.broadcast_shapes(tuple(target.shape), tuple(weight.shape)))
    return _reduce(_binary_cross_entropy(input, target, weight), reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = 'mean',
                                     pos_weight: Tensor | None = None) -> Tensor:
    """``binary_cross_entropy(sigmoid(input), target)`` computed stably, with ``pos_weight`` on the positives."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({_size(target.shape)}) must be the same as input size "
                         f"({_size(input.shape)})")
    ls = logsigmoid(input)
    if pos_weight is not None:
        ls = ls * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input - ls
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ------------------------------------------------------------------------------------------------ margins

def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = 'mean') -> Tensor:
    """``log(1 + exp(-target * input))`` (two-class logistic loss)."""
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(-logsigmoid(input * target), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                reduce=None, reduction: str = 'mean') -> Tensor:
    """Per-class logistic loss averaged over the classes (multi-label one-vs-all)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f"{reduction} is not valid")
    return _reduce(loss, reduction)


def _check_margin_input(input: Tensor) -> None:
    if not ((input.ndim == 1 and input.numel()) or (input.ndim == 2 and input.shape[1])):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{_list(input.shape)}")


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = 'mean') -> Tensor:
    """Hinge loss between each target class (listed in ``target`` up to the first -1) and each non-target class."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_margin_input(input)
    if target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {_list(target.shape)} for input of size: "
                           f"{_list(input.shape)}")
    if target.dtype is not D.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype._legacy}")
    x = input if input.ndim == 2 else input.unsqueeze(0)
    t = target._data if target.ndim == 2 else target._data[None]
    c = x.shape[1]
    if ((t < -1) | (t >= c)).any():
        raise RuntimeError("argument #2 'target' is out of range")
    # The targets of a row are its entries before the first -1.
    valid = np.cumprod(t != -1, axis=1).astype(bool)
    safe = np.where(valid, t, 0)
    is_target = ((safe[:, :, None] == np.arange(c)) & valid[:, :, None]).any(axis=1)
    xt = gather(x, 1, Tensor._wrap(safe))
    pair = Tensor._wrap((valid[:, :, None] & ~is_target[:, None, :]).astype(x._data.dtype))
    loss = (relu(1 - xt.unsqueeze(2) + x.unsqueeze(1)) * pair).sum((1, 2)) / c
    if input.ndim == 1:
        loss = loss.squeeze(0)
    return _reduce(loss, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                      size_average=None, reduce=None, reduction: str = 'mean') -> Tensor:
    """Multi-class hinge loss: ``sum_i max(0, margin - x[y] + x[i])^p / C`` over the classes i != y."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    _check_margin_input(input)
    n = input.shape[0] if input.ndim == 2 else 1
    if target.ndim > 1 or target.numel() != n:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{n}], but got {_list(target.shape)}. Input "
                           f"has shape {_list(input.shape)}.")
    if target.dtype is not D.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype._legacy}")
    x = input if input.ndim == 2 else input.unsqueeze(0)
    c = x.shape[1]
    t = target._data.reshape(-1)
    if ((t < 0) | (t >= c)).any():
        raise RuntimeError("target out of range")
    tt = Tensor._wrap(t[:, None])
    z = relu(margin - gather(x, 1, tt) + x)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[tt]
    other = Tensor._wrap((np.arange(c) != t[:, None]).astype(x._data.dtype))
    loss = (z * other).sum(1) / c
    if input.ndim == 1:
        loss = loss.reshape(target.shape)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average=None,
                        reduce=None, reduction: str = 'mean') -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {_size(input1.shape)}, input2: {_size(input2.shape)}, target: "
                           f"{_size(target.shape)} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = 'mean') -> Tensor:
    """``x`` where ``target == 1``, ``max(0, margin - x)`` where ``target == -1``."""
    reduction = _reduction(size_average, reduce, reduction)
    margin_part = where(target != 1, (margin - input).clamp_min(0), 0.)
    self_part = where(target != -1, input, 0.)
    return _reduce(margin_part + self_part, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average=None,
                          reduce=None, reduction: str = 'mean') -> Tensor:
    """``1 - cos(x1, x2)`` where ``target == 1``, ``max(0, cos(x1, x2) - margin)`` where ``target == -1``."""
    reduction = _reduction(size_average, reduce, reduction)
    td = target.ndim
    if td > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if td == 1 and (input1.ndim != 2 or input2.ndim != 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{_list(input1.shape)} and {_list(input2.shape)}.")
    if td == 0 and (input1.ndim != 1 or input2.ndim != 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{_list(input1.shape)} and {_list(input2.shape)}.")
    eps = 1e-12
    d = input1.ndim - 1
    prod = (input1 * input2).sum(d)
    mag = ((input1 * input1).sum(d) + eps) * ((input2 * input2).sum(d) + eps)
    cos = prod / mag.sqrt()
    pos = where(target == 1, 1 - cos, 0.)
    neg = where(target == -1, (cos - margin).clamp_min(0), 0.)
    return _reduce(pos + neg, reduction)


def _pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6) -> Tensor:
    d = max(x1.ndim, x2.ndim) - 1
    return _norm(x1 - x2 + eps, p, d)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = 'mean') -> Tensor:
    """``max(0, margin + d(a, p) - d(a, n))`` with the p-norm distance (``swap`` uses d(p, n) when smaller)."""
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet(anchor, positive, negative, lambda a, b: _pairwise_distance(a, b, p, eps), margin, swap,
                    reduction)


def _triplet(anchor, positive, negative, dist, margin, swap, reduction):
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *, distance_function=None,
                                      margin: float = 1.0, swap: bool = False, reduction: str = 'mean') -> Tensor:
    """``max(0, margin + d(a, p) - d(a, n))`` with any distance function (pairwise distance by default)."""
    if reduction not in ('mean', 'sum', 'none'):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet(anchor, positive, negative, distance_function or _pairwise_distance, margin, swap, reduction)


# ------------------------------------------------------------------------------------------------ CTC

def _lse3(a, b, c):
    """Elementwise log(exp(a) + exp(b) + exp(c)), -inf where all three are."""
    m = np.maximum(np.maximum(a, b), c)
    m = np.where(np.isneginf(m), 0, m)
    with np.errstate(divide='ignore'):
        return np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m)) + m


def _shift(a, k: int, right: bool):
    """``a`` shifted by k along the last axis, -inf filled (right: a[s - k]; left: a[s + k])."""
    out = np.full_like(a, -np.inf)
    if right:
        out[..., k:] = a[..., :a.shape[-1] - k]
    else:
        out[..., :a.shape[-1] - k] = a[..., k:]
    return out


def _ctc_setup(log_probs, targets, target_lengths, blank):
    """The extended label sequences (blank, l1, blank, l2, ..., blank), where skipping a blank is allowed, and the
    log-probabilities of the extended labels at every time step (T, N, L)."""
    n = log_probs.shape[1]
    s_max = targets.shape[1]
    ext = np.full((n, 2 * s_max + 1), blank, dtype=np.intp)
    ext[:, 1::2] = targets
    skip = np.zeros(ext.shape, bool)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    lp = log_probs.astype(np.float64)
    lp_ext = np.take_along_axis(lp, np.broadcast_to(ext[None], (lp.shape[0],) + ext.shape), axis=2)
    return ext, skip, lp, lp_ext


@primitive(backward_name='CtcLossBackward0', aux=('alpha',))
def _ctc(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    ext, skip, lp, lp_ext = _ctc_setup(log_probs, targets, target_lengths, blank)
    t_max, n, length = lp_ext.shape
    alpha = np.full((t_max, n, length), -np.inf)
    if t_max:
        alpha[0, :, 0] = lp_ext[0, :, 0]
        if length > 1:
            alpha[0, :, 1] = np.where(target_lengths > 0, lp_ext[0, :, 1], -np.inf)
    for t in range(1, t_max):
        a = alpha[t - 1]
        alpha[t] = _lse3(a, _shift(a, 1, True), np.where(skip, _shift(a, 2, True), -np.inf)) + lp_ext[t]
    nll = _ctc_nll(alpha, input_lengths, target_lengths)
    if zero_infinity:
        nll = np.where(np.isinf(nll), 0.0, nll)
    return nll.astype(log_probs.dtype), alpha


def _ctc_nll(alpha, input_lengths, target_lengths):
    """-log p(target | input): the alpha mass in the last two states at each sample's last time step."""
    rows = np.arange(alpha.shape[1])
    end = 2 * target_lengths
    a_last = alpha[np.maximum(input_lengths - 1, 0), rows]
    ll = np.logaddexp(a_last[rows, end], np.where(target_lengths > 0, a_last[rows, np.maximum(end - 1, 0)], -np.inf))
    return -np.where(input_lengths > 0, ll, np.where(target_lengths > 0, -np.inf, 0.0))


@_ctc.vjp
def _(grad, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, alpha):
    return _ctc_backward(grad, log_probs, alpha, targets, input_lengths, target_lengths, blank, zero_infinity)


@primitive(backward_name='CtcLossBackwardBackward0')
def _ctc_backward(grad, log_probs, alpha, targets, input_lengths, target_lengths, blank, zero_infinity):
    """PyTorch's gradient of ctc_loss w.r.t. log_probs: ``exp(lp) - exp(log(alpha * beta) + nll - lp)``, zero past
    each input length. The ``exp(lp)`` term sums to 1 over the classes, so it vanishes through the log_softmax that
    produces log_probs: gradients w.r.t. the logits are exact."""
    ext, skip, lp, lp_ext = _ctc_setup(log_probs, targets, target_lengths, blank)
    t_max, n, length = lp_ext.shape
    rows = np.arange(n)
    end = 2 * target_lengths
    beta = np.full((t_max, n, length), -np.inf)
    init = np.full((n, length), -np.inf)
    last = np.maximum(input_lengths - 1, 0)
    init[rows, end] = lp_ext[last, rows, end]
    has_label = target_lengths > 0
    init[rows[has_label], end[has_label] - 1] = lp_ext[last[has_label], rows[has_label], end[has_label] - 1]
    skip_next = np.zeros_like(skip)
    skip_next[:, :-2] = skip[:, 2:]
    for t in range(t_max - 1, -1, -1):
        if t < t_max - 1:
            b = beta[t + 1]
            beta[t] = _lse3(b, _shift(b, 1, False), np.where(skip_next, _shift(b, 2, False), -np.inf)) + lp_ext[t]
        starts = (input_lengths - 1) == t
        beta[t, starts] = init[starts]
    ab = alpha + beta
    m = ab.max(axis=2, keepdims=True)
    m = np.where(np.isneginf(m), 0, m)
    onehot = (ext[:, :, None] == np.arange(lp.shape[2])).astype(np.float64)  # (N, L, C)
    summed = np.matmul(np.exp(ab - m).transpose(1, 0, 2), onehot).transpose(1, 0, 2)  # (T, N, C)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        lcab = np.log(summed) + m
        nll64 = _ctc_nll(alpha, input_lengths, target_lengths)
        g = np.exp(lp) - np.exp(lcab + nll64[None, :, None] - lp)
    active = np.arange(t_max)[:, None] < input_lengths[None, :]
    if zero_infinity:
        active = active & ~np.isinf(nll64)[None, :]
    g = np.where(active[:, :, None], g, 0.0) * grad.astype(np.float64)[None, :, None]
    return g.astype(log_probs.dtype)


@_ctc_backward.vjp
def _(grad):
    raise RuntimeError("derivative for aten::_ctc_loss_backward is not implemented")


def _lengths(v, name: str) -> np.ndarray:
    if isinstance(v, Tensor):
        if v.dtype.category > D.INT:
            raise RuntimeError(f"{name} must be integral")
        return v._host().astype(np.int64).reshape(-1)
    return np.asarray(v, dtype=np.int64).reshape(-1)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = 'mean', zero_infinity: bool = False) -> Tensor:
    """Connectionist Temporal Classification loss of log-probabilities (T, N, C) against unaligned targets."""
    reduction = _get_reduction(reduction)
    unbatched = log_probs.ndim != 3  # PyTorch treats anything but 3-D as unbatched, then checks for 3-D
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0)
    il = _lengths(input_lengths, 'input_lengths')
    tl = _lengths(target_lengths, 'target_lengths')
    where_ = "(while checking arguments for ctc_loss_allocate_outputs)"
    if log_probs.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.ndim}-dimensional tensor for argument "
                           f"#1 'log_probs' {where_}")
    t_max, n, c = log_probs.shape
    if il.size != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.size != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    for name, v in (('input_lengths', il), ('target_lengths', tl)):
        if v.size and v.min() < 0:
            raise RuntimeError(f"Expected {name} to have value at least 0, but got value {v.min()} {where_}")
    if il.size and il.max() > t_max:
        raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value {il.max()} {where_}")
    tg = targets._host().astype(np.int64)
    s_max = int(tl.max()) if tl.size else 0
    if tg.ndim == 1 and not unbatched:
        if tg.shape[0] != tl.sum():
            raise RuntimeError(f"Expected tensor to have size {tl.sum()} at dimension 0, but got size {tg.shape[0]} "
                               f"for argument #2 'targets' {where_}")
        padded = np.full((n, s_max), blank, np.int64)
        offsets = np.concatenate(([0], np.cumsum(tl)[:-1]))
        for i in range(n):
            padded[i, :tl[i]] = tg[offsets[i]:offsets[i] + tl[i]]
        tg = padded
    elif tg.shape[1] < s_max:
        raise RuntimeError(f"Expected tensor to have size at least {s_max} at dimension 1, but got size "
                           f"{tg.shape[1]} for argument #2 'targets' {where_}")
    tg = tg[:, :s_max]
    valid = np.arange(s_max)[None, :] < tl[:, None]
    bad = valid & ((tg < 0) | (tg >= c))
    if bad.any():
        raise IndexError(f"Target {tg[bad][0]} is out of bounds.")
    if log_probs.dtype.category != D.FLOAT:
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{log_probs.dtype._legacy}'")
    nll = _ctc(log_probs, np.where(valid, tg, blank), il, tl, blank, zero_infinity)
    if reduction == 'mean':
        return (nll / Tensor._wrap(np.maximum(tl, 1).astype(nll._data.dtype))).mean()
    if reduction == 'sum':
        return nll.sum()
    return nll.squeeze(0) if unbatched else nll


__all__ = ['l1_loss', 'mse_loss', 'huber_loss', 'smooth_l1_loss', 'poisson_nll_loss', 'gaussian_nll_loss', 'kl_div',
           'nll_loss', 'cross_entropy', 'binary_cross_entropy', 'binary_cross_entropy_with_logits',
           'soft_margin_loss', 'multilabel_soft_margin_loss', 'multilabel_margin_loss', 'multi_margin_loss',
           'margin_ranking_loss', 'hinge_embedding_loss', 'cosine_embedding_loss', 'triplet_margin_loss',
           'triplet_margin_with_distance_loss', 'ctc_loss']
