"""Lookup tables: embedding, embedding_bag and one_hot.

``_embedding`` (gather rows) and ``_embedding_grad`` (scatter-add rows) are each other's adjoints, so
gradients of every order work. padding_idx and scale_grad_by_freq only change the gradient: rows of the
padding index get none, and with scale_grad_by_freq each row's gradient is divided by how often its index
occurs in the batch.
"""
from __future__ import annotations

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor
from ...backend import xp_of
from ...ops._primitive import primitive

_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32))


@primitive(backward_name='EmbeddingBackward0')
def _embedding(weight, indices, padding_idx, scale_grad_by_freq):
    return weight.take(indices, axis=0)


@_embedding.vjp
def _(grad, weight_shape, indices, padding_idx, scale_grad_by_freq):
    return _embedding_grad(grad, indices, weight_shape[0], padding_idx, scale_grad_by_freq), None


@primitive(backward_name='EmbeddingDenseBackward0')
def _embedding_grad(grad, indices, num_weights, padding_idx, scale_grad_by_freq):
    xp = xp_of(grad)
    idx = indices.reshape(-1)
    out = xp.zeros((num_weights,) + grad.shape[indices.ndim:], grad.dtype)
    xp.add.at(out, idx, grad.reshape((idx.size,) + out.shape[1:]))
    if scale_grad_by_freq:
        counts = xp.bincount(idx, minlength=num_weights)
        out /= xp.maximum(counts, 1).astype(out.dtype).reshape((-1,) + (1,) * (out.ndim - 1))
    if padding_idx >= 0:
        out[padding_idx] = 0
    return out


@_embedding_grad.vjp
def _(grad, indices, num_weights, padding_idx):
    # The adjoint gathers the rows back, padding rows zeroed. Like PyTorch, it leaves out the 1/count factor
    # of scale_grad_by_freq (which is not a true gradient to begin with).
    if padding_idx >= 0:
        from ...ops.creation import arange
        keep = (arange(num_weights, device=grad.device) != padding_idx).to(grad.dtype)
        grad = grad * keep.reshape((-1,) + (1,) * (grad.ndim - 1))
    return _embedding(grad, indices, -1, False), None


def _check_indices(indices: Tensor, fn: str) -> None:
    if indices._data.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{indices.dtype._legacy}Tensor instead (while checking arguments "
                           f"for {fn})")


def _renorm_(weight: Tensor, indices, max_norm: float, norm_type: float) -> None:
    """Scale the referenced rows whose ``norm_type``-norm exceeds ``max_norm`` down to it, in place."""
    xp = xp_of(weight._data)
    rows = xp.unique(indices.reshape(-1))
    w = weight._data
    sub = w[rows]
    norms = xp.linalg.norm(sub, ord=norm_type, axis=1) if norm_type not in (0,) else (sub != 0).sum(1)
    big = norms > max_norm
    if big.any():
        w[rows[big]] = sub[big] * (max_norm / (norms[big] + 1e-7)).astype(w.dtype)[:, None]
        weight._version_ctr.value += 1


def _padding(padding_idx: int | None, n: int, msg: str) -> int:
    if padding_idx is None:
        return -1
    if padding_idx >= n or padding_idx < -n:
        raise AssertionError(msg)
    return padding_idx + n if padding_idx < 0 else padding_idx


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up the rows of ``weight`` at the integer ``input`` positions (output: input.shape + (dim,))."""
    pad = _padding(padding_idx, weight.shape[0] if weight.ndim else 0, "Padding_idx must be within num_embeddings")
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported by ember; use sparse=False")
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices(input, 'embedding')
    idx = input._data
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_(weight, idx, max_norm, norm_type)
    return _embedding(weight, input, pad, scale_grad_by_freq)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = 'mean', sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sum, mean or max of the embedding rows of each bag (bags are the rows of a 2-D input, or the slices of
    a 1-D input that ``offsets`` starts)."""
    from ...ops.creation import zeros
    if weight.dtype is D.int64 and input.is_floating_point():
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    psw = per_sample_weights
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {_type_str(offsets)}")
        n_bags, length = input.shape
        starts = np.arange(0, n_bags * length, length) if length else np.zeros(n_bags, np.int64)
        input = input.reshape(-1)
        psw = psw.reshape(-1) if psw is not None else None
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = offsets._host().astype(np.int64)
        if include_last_offset:
            starts = starts[:-1]
        n_bags = starts.size
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if mode not in ('sum', 'mean', 'max'):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == 'max' and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == 'max' and sparse:
        raise ValueError("max mode does not support sparse weights")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse gradients are not supported by ember; use sparse=False")
    _check_indices(input, 'embedding_bag')
    idx = input._host().astype(np.int64)
    n = weight.shape[0]
    bad = np.flatnonzero((idx < 0) | (idx >= n))
    if bad.size:
        raise RuntimeError(f"Index {bad[0]} of input takes value {idx[bad[0]]} which is not in the valid range "
                           f"[0, {n})")
    if starts.size and starts[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {starts[0]}")
    if starts.size and starts[-1] > idx.size:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {idx.size} but got offsets[-1] of "
                           f"{starts[-1]}")
    if max_norm is not None:
        _renorm_(weight, input._data, max_norm, norm_type)
    if per_sample_weights is not None and mode != 'sum':
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    pad = _padding(padding_idx, n, "padding_idx must be within num_embeddings")
    end = int(offsets._host()[-1]) if include_last_offset and offsets is not None and offsets.numel() else idx.size
    bag = np.searchsorted(starts, np.arange(idx.size), side='right') - 1
    keep = np.arange(idx.size) < end
    if pad >= 0:
        keep &= idx != pad
    sel = np.flatnonzero(keep)
    xp = xp_of(weight._data)
    sel_t = Tensor._wrap(xp.asarray(sel))
    bag_t = Tensor._wrap(xp.asarray(bag[sel]))
    rows = _embedding(weight, input.index_select(0, sel_t), -1, scale_grad_by_freq)
    out = zeros((n_bags, weight.shape[1]), dtype=weight.dtype, device=weight.device)
    if mode == 'max':
        index = bag_t.unsqueeze(1).expand(-1, weight.shape[1])
        return out.scatter_reduce(0, index, rows, 'amax', include_self=False)
    if psw is not None:
        rows = rows * psw.index_select(0, sel_t).unsqueeze(1)
    out = out.index_add(0, bag_t, rows)
    if mode == 'mean':
        counts = np.maximum(np.bincount(bag[sel], minlength=n_bags), 1).astype(weight._data.dtype)
        out = out / Tensor._wrap(xp.asarray(counts)).unsqueeze(1)
    return out


def _type_str(obj) -> str:
    return "<class 'torch.Tensor'>" if isinstance(obj, Tensor) else str(type(obj))


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """The int64 one-hot encoding of an index tensor: shape ``tensor.shape + (num_classes,)`` (inferred as
    max + 1 when -1)."""
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    a = tensor._data
    xp = xp_of(a)
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    if a.size:
        if a.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if a.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    elif num_classes < 0:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (a[..., None] == xp.arange(num_classes)).astype(np.int64)
    return Tensor._wrap(out)


__all__ = ['embedding', 'embedding_bag', 'one_hot']
