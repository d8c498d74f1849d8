"""``nn.MultiheadAttention``."""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd import grad_mode
from ...ops.creation import empty
from .. import init
from ..functional import attention as A
from ..parameter import Parameter
from .linear import NonDynamicallyQuantizableLinear
from .module import Module


def _grad_needed(*tensors) -> bool:
    return grad_mode.state.enabled and any(t is not None and t.requires_grad for t in tensors)


class MultiheadAttention(Module):
    """Attention of ``num_heads`` heads over ``embed_dim // num_heads`` features each, with input and output
    projections ("Attention Is All You Need").

    Parameters as PyTorch's: ``in_proj_weight`` / ``in_proj_bias`` (q, k, v stacked) when key and value have
    ``embed_dim`` features, else ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``; ``bias_k`` / ``bias_v``
    with ``add_bias_kv``; ``out_proj`` (a Linear).
    """

    __constants__ = ['batch_first']

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None, dtype=None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        super().__init__()
        fk = {'device': device, 'dtype': dtype}
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **fk))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **fk))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **fk))
            self.register_parameter('in_proj_weight', None)
        else:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **fk))
            self.register_parameter('q_proj_weight', None)
            self.register_parameter('k_proj_weight', None)
            self.register_parameter('v_proj_weight', None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **fk))
        else:
            self.register_parameter('in_proj_bias', None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **fk)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **fk))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **fk))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def __setstate__(self, state):
        state.setdefault('_qkv_same_embed_dim', True)
        super().__setstate__(state)

    def _fast_path(self, query: Tensor, key: Tensor, value: Tensor, attn_mask, key_padding_mask) -> bool:
        # PyTorch's inference fast path gives NaN (not zeros) for rows with every key masked; we follow it there.
        if (attn_mask is not None and attn_mask.is_floating_point()) or (
                key_padding_mask is not None and key_padding_mask.is_floating_point()):
            return False
        w, b = self.in_proj_weight, self.in_proj_bias
        return (query.ndim == 3 and query is key and key is value and w is not None and b is not None
                and query.dtype is w.dtype and query.dtype is b.dtype and not self.training
                and self.num_heads % 2 == 0 and self.batch_first and self.bias_k is None and self.bias_v is None
                and not self.add_zero_attn
                and not _grad_needed(query, w, b, self.out_proj.weight, self.out_proj.bias))

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple:
        """Attend from ``query`` to ``key``/``value``; returns ``(attn_output, attn_weights or None)``.

        Masks: ``key_padding_mask`` (N, S) and ``attn_mask`` (L, S) or (N * num_heads, L, S), where True (or a
        float added to the scores) marks keys not to attend to.
        """
        fast = self._fast_path(query, key, value, attn_mask, key_padding_mask)
        key_padding_mask = A._canonical_mask(key_padding_mask, 'key_padding_mask', A._none_or_dtype(attn_mask),
                                             'attn_mask', query.dtype)
        attn_mask = A._canonical_mask(attn_mask, 'attn_mask', None, '', query.dtype, check_other=False)
        separate = not self._qkv_same_embed_dim
        return A._mha(query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
                      self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight,
                      self.out_proj.bias, self.training, key_padding_mask, need_weights, attn_mask, separate,
                      self.q_proj_weight, self.k_proj_weight, self.v_proj_weight, None, None, average_attn_weights,
                      is_causal, self.batch_first, not fast)

    def merge_masks(self, attn_mask: Tensor | None, key_padding_mask: Tensor | None, query: Tensor) -> tuple:
        """Combine an (L, L) or (N * H, L, L) ``attn_mask`` and an (N, L) ``key_padding_mask`` into one
        (N, H, L, L) mask; returns ``(mask, mask_type)``: type 1 for a padding mask alone, 2 when an attn_mask is
        given."""
        mask_type = merged = None
        if key_padding_mask is not None:
            mask_type, merged = 1, key_padding_mask
        if attn_mask is not None:
            n, L, _ = query.shape
            mask_type = 2
            if attn_mask.ndim == 3:
                merged = attn_mask.view(n, -1, L, L)
            else:
                merged = attn_mask.view(1, 1, L, L).expand(n, self.num_heads, -1, -1)
            if key_padding_mask is not None:
                merged = merged + key_padding_mask.view(n, 1, 1, L).expand(-1, self.num_heads, -1, -1)
        return merged, mask_type
