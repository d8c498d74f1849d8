"""Attention: ``scaled_dot_product_attention`` and ``multi_head_attention_forward``.

The math is three ops whatever the masks: a batched ``q @ k^T``, one fused masked softmax, and a batched
``weights @ v`` (plus dropout on the weights when asked). Heads live in a batch dimension, never in a Python loop.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor, wrap_dim
from ...backend import xp_of
from ...ops._primitive import primitive
from ...ops.blas import _CPP_NAMES
from .dropout import _dropout
from .linear import linear

_NEG_INF = float('-inf')


@primitive(backward_name='SoftmaxBackward0')
def _masked_softmax(scores, mask, scale, safe):
    # softmax(scores * scale + mask) over the last dim; a bool mask keeps the True entries. With ``safe`` a row
    # with nothing to attend to gives zeros (PyTorch's SDPA on CPU), otherwise NaN (its explicit-weights path).
    s = scores * scores.dtype.type(scale)
    if mask is not None:
        if mask.dtype == np.bool_:
            s = np.where(mask, s, s.dtype.type(_NEG_INF))
        else:
            s = s + mask
    with np.errstate(invalid='ignore', divide='ignore', over='ignore'):
        m = np.max(s, axis=-1, keepdims=True, initial=_NEG_INF)
        if safe:
            m[m == _NEG_INF] = 0
        s -= m  # ``s`` is always a fresh array here
        np.exp(s, out=s)
        total = np.sum(s, axis=-1, keepdims=True)
        if safe:
            total[total == 0] = 1
        s /= total
    return s


@_masked_softmax.vjp
def _(grad, out, scale, needs_input_grad):
    ds = out * (grad - (grad * out).sum(-1, keepdim=True))
    gmask = ds if len(needs_input_grad) > 1 and needs_input_grad[1] else None
    return (ds * scale if scale != 1 else ds), gmask


def _attend(q: Tensor, k: Tensor, v: Tensor, mask, scale: float, dropout_p: float, safe: bool):
    """(softmax(q k^T * scale + mask) with dropout) @ v, and the (dropped) weights."""
    w = _masked_softmax(q.matmul(k.mT), mask, scale, safe)
    if dropout_p > 0:
        w = _dropout(w, dropout_p, False, False) if dropout_p < 1 else w * 0
    return w.matmul(v), w


def _causal_mask(L: int, S: int, like: Tensor) -> Tensor:
    """Row i attends to columns 0..i (top-left aligned, as PyTorch)."""
    xp = xp_of(like._data)
    return Tensor._wrap(xp.tri(L, S, dtype=bool))


def _check_broadcast(a: tuple, b: tuple) -> None:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {i}")


def _dtype_name(t: Tensor) -> str:
    return _CPP_NAMES.get(t.dtype.name, t.dtype.name)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, with dropout on the weights (``dropout_p``) and a boolean
    mask (True takes part), an additive float mask, or a causal mask."""
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead.")
    if not (query.dtype is key.dtype is value.dtype):
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_dtype_name(query)} key.dtype: {_dtype_name(key)} and value.dtype: "
                           f"{_dtype_name(value)} instead.")
    if query.dtype.category < D.FLOAT:
        raise RuntimeError(f"scaled_dot_product_attention: expected a floating point query, but got "
                           f"{_dtype_name(query)}")
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        if attn_mask.dtype is not D.bool_ and attn_mask.dtype is not query.dtype:
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {_dtype_name(attn_mask)} and  query.dtype: {_dtype_name(query)} "
                               f"instead.")
    if dropout_p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if enable_gqa and query.ndim > 2 and key.ndim > 2:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hq % hk or hq % hv:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
        if hk != hq:
            key = key.repeat_interleave(hq // hk, -3)
        if hv != hq:
            value = value.repeat_interleave(hq // hv, -3)
    L, E, S = query.shape[-2], query.shape[-1], key.shape[-2]
    if key.shape[-1] != E or value.shape[-2] != S:
        bad, want = (key, E) if key.shape[-1] != E else (value, S)
        got = bad.shape[-1] if bad is key else bad.shape[-2]
        b = math.prod(bad.shape[:-2])
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {want}] but got: "
                           f"[{b}, {got}].")
    if attn_mask is not None:
        if attn_mask.ndim < 2:
            wrap_dim(-2, attn_mask.ndim)
        _check_broadcast(tuple(query.shape[:-1]) + (S,), tuple(attn_mask.shape))
    mask = _causal_mask(L, S, query) if is_causal else attn_mask
    scale = 1.0 / math.sqrt(E) if scale is None else float(scale)
    return _attend(query, key, value, mask, scale, dropout_p if dropout_p > 0 else 0.0, True)[0]


# ------------------------------------------------------------------------------------------- multi-head attention

def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads) -> bool:
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError(f"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError(f"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.ndim}-D tensor instead")
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise AssertionError(f"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                 f"found {attn_mask.ndim}-D tensor instead")
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                                 f"but found {key_padding_mask.ndim}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.ndim not in (2, 3):
                raise AssertionError(f"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                     f"but found {attn_mask.ndim}-D tensor instead")
            if attn_mask.ndim == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D query "
                         f"tensor")


def _canonical_mask(mask: Tensor | None, mask_name: str, other_type, other_name: str, target_type,
                    check_other: bool = True) -> Tensor | None:
    """A bool mask (True = masked out) as an additive float mask of ``target_type``; float masks pass through."""
    if mask is None:
        return None
    is_float = mask.dtype.category >= D.FLOAT and mask.dtype.category < D.COMPLEX
    if mask.dtype is not D.bool_ and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype is not other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                      f"instead.", stacklevel=3)
    if not is_float:
        t = target_type.np.type
        mask = Tensor._wrap(xp_of(mask._data).where(mask._data, t(_NEG_INF), t(0)))
    return mask


def _none_or_dtype(input: Tensor | None):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _heads(x: Tensor, seq_first: bool, num_heads: int) -> Tensor:
    """(S, N, E) or (N, S, E) -> (N, H, S, head_dim)."""
    a, b, e = x.shape
    x = x.reshape(a, b, num_heads, e // num_heads)
    return x.permute(1, 2, 0, 3) if seq_first else x.permute(0, 2, 1, 3)


def _packed_heads(x: Tensor, n: int, seq_first: bool, num_heads: int) -> tuple:
    """(S, N, n*E) or (N, S, n*E) -> n tensors (N, H, S, head_dim), one split of the packed projection."""
    a, b, e = x.shape
    x = x.reshape(a, b, n, num_heads, e // (n * num_heads))
    return (x.permute(2, 1, 3, 0, 4) if seq_first else x.permute(2, 0, 3, 1, 4)).unbind(0)


def _pad_last(mask: Tensor | None) -> Tensor | None:
    if mask is None:
        return None
    from .padding import pad
    return pad(mask, (0, 1))


def _mha(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
         add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training, key_padding_mask, need_weights,
         attn_mask, use_separate_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight, static_k, static_v,
         average_attn_weights, is_causal, batch_first, safe):
    """multi_head_attention_forward on (L, N, E) inputs, or (N, L, E) ones when ``batch_first``."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    seq_first = not batch_first
    bdim = 1 if seq_first else 0
    if not is_batched:
        query, key, value = query.unsqueeze(bdim), key.unsqueeze(bdim), value.unsqueeze(bdim)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    if seq_first:
        tgt_len, bsz, embed_dim = query.shape
        src_len = key.shape[0]
    else:
        bsz, tgt_len, embed_dim = query.shape
        src_len = key.shape[1]
    key_padding_mask = _canonical_mask(key_padding_mask, 'key_padding_mask', _none_or_dtype(attn_mask), 'attn_mask',
                                       query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint stands in for the mask
    else:
        attn_mask = _canonical_mask(attn_mask, 'attn_mask', None, '', query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
    elif tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    # in-projection, straight into (N, H, S, head_dim)
    E = embed_dim
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        if key is value and query is key:
            q, k, v = _packed_heads(linear(query, in_proj_weight, in_proj_bias), 3, seq_first, num_heads)
        elif key is value:
            w_q, w_kv = in_proj_weight.split([E, 2 * E])
            b_q, b_kv = in_proj_bias.split([E, 2 * E]) if in_proj_bias is not None else (None, None)
            q = _heads(linear(query, w_q, b_q), seq_first, num_heads)
            k, v = _packed_heads(linear(key, w_kv, b_kv), 2, seq_first, num_heads)
        else:
            w_q, w_k, w_v = in_proj_weight.chunk(3)
            b_q, b_k, b_v = in_proj_bias.chunk(3) if in_proj_bias is not None else (None, None, None)
            q, k, v = (_heads(linear(x, w, b), seq_first, num_heads)
                       for x, w, b in ((query, w_q, b_q), (key, w_k, b_k), (value, w_v, b_v)))
    else:
        for name, w in (('q', q_proj_weight), ('k', k_proj_weight), ('v', v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        b_q, b_k, b_v = in_proj_bias.chunk(3) if in_proj_bias is not None else (None, None, None)
        ek, ev = key.shape[-1], value.shape[-1]
        for what, w, shape in (('query', q_proj_weight, (E, E)), ('key', k_proj_weight, (E, ek)),
                               ('value', v_proj_weight, (E, ev))):
            if tuple(w.shape) != shape:
                raise AssertionError(f"expecting {what} weights shape of {shape}, but got {w.shape}")
        for what, b in (('query', b_q), ('key', b_k), ('value', b_v)):
            if b is not None and tuple(b.shape) != (E,):
                raise AssertionError(f"expecting {what} bias shape of {(E,)}, but got {b.shape}")
        q, k, v = (_heads(linear(x, w, b), seq_first, num_heads)
                   for x, w, b in ((query, q_proj_weight, b_q), (key, k_proj_weight, b_k),
                                   (value, v_proj_weight, b_v)))

    if attn_mask is not None:
        if attn_mask.ndim == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
        elif attn_mask.ndim == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")

    from ...ops.joining import cat
    from ...ops.creation import zeros
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.reshape(1, num_heads, 1, head_dim).expand(bsz, num_heads, 1, head_dim)], 2)
        v = cat([v, bias_v.reshape(1, num_heads, 1, head_dim).expand(bsz, num_heads, 1, head_dim)], 2)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    for name, static in (('k', static_k), ('v', static_v)):
        if static is not None:
            if static.shape[0] != bsz * num_heads:
                raise AssertionError(f"expecting static_{name}.size(0) of {bsz * num_heads}, but got "
                                     f"{static.shape[0]}")
            if static.shape[2] != head_dim:
                raise AssertionError(f"expecting static_{name}.size(2) of {head_dim}, but got {static.shape[2]}")
    if static_k is not None:
        k = static_k.reshape(bsz, num_heads, static_k.shape[1], head_dim)
    if static_v is not None:
        v = static_v.reshape(bsz, num_heads, static_v.shape[1], head_dim)
    if add_zero_attn:
        z = zeros((bsz, num_heads, 1, head_dim), dtype=k.dtype, device=k.device)
        k, v = cat([k, z], 2), cat([v, z], 2)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    src_len = k.shape[2]

    if attn_mask is not None and attn_mask.ndim == 3:
        attn_mask = attn_mask.reshape(bsz, num_heads, tgt_len, -1)
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    mask = _causal_mask(tgt_len, src_len, q) if is_causal and attn_mask is None else attn_mask
    if dropout_p > 1:
        if need_weights:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    out, weights = _attend(q, k, v, mask, 1.0 / math.sqrt(head_dim), dropout_p if dropout_p > 0 else 0.0,
                           safe and not need_weights)
    # (N, H, L, hd) -> (L, N, E) or (N, L, E), then the out-projection
    out = out.permute(2, 0, 1, 3) if seq_first else out.permute(0, 2, 1, 3)
    out = linear(out.reshape(out.shape[0], out.shape[1], embed_dim), out_proj_weight, out_proj_bias)
    if not is_batched:
        out = out.squeeze(bdim)
    if not need_weights:
        return out, None
    if average_attn_weights:
        weights = weights.mean(1)
    if not is_batched:
        weights = weights.squeeze(0)
    return out, weights


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
                                 bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float,
                                 out_proj_weight: Tensor, out_proj_bias: Tensor | None, training: bool = True,
                                 key_padding_mask: Tensor | None = None, need_weights: bool = True,
                                 attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
                                 q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
                                 v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
                                 static_v: Tensor | None = None, average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple:
    """Multi-head attention on (L, N, E) inputs (or unbatched (L, E)): in-projections, scaled dot-product
    attention per head, out-projection; returns the output and (when ``need_weights``) the attention weights."""
    return _mha(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
                add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training, key_padding_mask, need_weights,
                attn_mask, use_separate_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight, static_k, static_v,
                average_attn_weights, is_causal, False, True)


__all__ = ['scaled_dot_product_attention', 'multi_head_attention_forward']
