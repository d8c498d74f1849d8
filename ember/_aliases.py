"""Top-level functions that PyTorch exposes as ``torch.<name>`` next to their ``torch.nn.functional`` forms.

Most are the functional op itself. Where ATen's top-level signature differs from the functional one (``embedding``
takes the weight first, ``batch_norm`` the affine parameters before the running statistics, ``dropout`` a required
``train`` flag, pooling a ``stride`` of ``[]`` for "same as the kernel"), a thin wrapper reorders the arguments.
The in-place ``torch.<op>_(t)`` forms are the Tensor methods called as functions.
"""
from __future__ import annotations

from ._tensor import Tensor
import sys

from .nn.functional import activation as _act, conv as _conv, distance as _dist, normalization as _norm, \
    pooling as _pool, sparse as _sparse, vision as _vision

# F.dropout and F.linear (functions) shadow the submodules of the same names: fetch those modules by name.
_drop, _linear = sys.modules['ember.nn.functional.dropout'], sys.modules['ember.nn.functional.linear']

conv1d, conv2d, conv3d = _conv.conv1d, _conv.conv2d, _conv.conv3d
conv_transpose1d, conv_transpose2d, conv_transpose3d = \
    _conv.conv_transpose1d, _conv.conv_transpose2d, _conv.conv_transpose3d
avg_pool1d, adaptive_avg_pool1d = _pool.avg_pool1d, _pool.adaptive_avg_pool1d
cosine_similarity, pairwise_distance, pdist, cdist = \
    _dist.cosine_similarity, _dist.pairwise_distance, _dist.pdist, _dist.cdist
bilinear, prelu, hardshrink = _linear.bilinear, _act.prelu, _act.hardshrink
selu, selu_, celu, celu_, threshold, threshold_, rrelu, rrelu_ = \
    _act.selu, _act.selu_, _act.celu, _act.celu_, _act.threshold, _act.threshold_, _act.rrelu, _act.rrelu_
pixel_shuffle, pixel_unshuffle, channel_shuffle = \
    _vision.pixel_shuffle, _vision.pixel_unshuffle, _vision.channel_shuffle
layer_norm, group_norm, rms_norm = _norm.layer_norm, _norm.group_norm, _norm.rms_norm


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Dropout with ATen's signature (``train`` is required)."""
    return _drop.dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop.dropout(input, p, train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop.alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop.feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop.feature_alpha_dropout(input, p, train, inplace=True)


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
               running_var: Tensor | None, training: bool, momentum: float, eps: float,
               cudnn_enabled: bool = True) -> Tensor:
    """Batch normalisation with ATen's argument order (affine parameters before the running statistics)."""
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                  running_var: Tensor | None, use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool = True) -> Tensor:
    """Instance normalisation with ATen's argument order (affine parameters before the running statistics)."""
    return _norm.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """Embedding lookup with ATen's argument order (weight first; ``padding_idx=-1`` means none)."""
    return _sparse.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                             scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def _pool_stride(stride):
    return stride if stride not in ((), []) else None


def max_pool1d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1, ceil_mode: bool = False) -> Tensor:
    """1-D max pooling (``stride=[]`` means the kernel size)."""
    return _pool.max_pool1d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1, ceil_mode: bool = False) -> Tensor:
    """2-D max pooling (``stride=[]`` means the kernel size)."""
    return _pool.max_pool2d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1, ceil_mode: bool = False) -> Tensor:
    """3-D max pooling (``stride=[]`` means the kernel size)."""
    return _pool.max_pool3d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=(), padding=0, dilation=1, ceil_mode: bool = False):
    """1-D max pooling returning (values, indices)."""
    return _pool.max_pool1d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode, True)


def adaptive_max_pool1d(input: Tensor, output_size):
    """Adaptive 1-D max pooling returning (values, indices), as ATen's does."""
    return _pool.adaptive_max_pool1d(input, output_size, return_indices=True)


_INPLACE_METHODS = ('abs_', 'acos_', 'acosh_', 'addmv_', 'arccos_', 'arccosh_', 'arcsin_', 'arcsinh_', 'arctan_',
                    'arctanh_', 'asin_', 'asinh_', 'atan_', 'atanh_', 'ceil_', 'clamp_', 'clamp_max_', 'clamp_min_',
                    'clip_', 'cos_', 'cosh_', 'detach_', 'erf_', 'erfc_', 'exp2_', 'exp_', 'expm1_', 'fill_', 'fix_',
                    'floor_', 'frac_', 'log10_', 'log1p_', 'log2_', 'log_', 'logit_', 'nan_to_num_', 'neg_',
                    'negative_', 'reciprocal_', 'relu_', 'round_', 'rsqrt_', 'sigmoid_', 'sin_', 'sinc_', 'sinh_',
                    'sqrt_', 'square_', 'tan_', 'tanh_', 'trunc_', 'xlogy_', 'zero_')
globals().update({_n: getattr(Tensor, _n) for _n in _INPLACE_METHODS})

__all__ = ['conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'avg_pool1d',
           'adaptive_avg_pool1d', 'cosine_similarity', 'pairwise_distance', 'pdist', 'cdist', 'bilinear', 'prelu',
           'hardshrink', 'selu', 'selu_', 'celu', 'celu_', 'threshold', 'threshold_', 'rrelu', 'rrelu_',
           'pixel_shuffle', 'pixel_unshuffle', 'channel_shuffle', 'layer_norm', 'group_norm', 'rms_norm', 'dropout',
           'dropout_', 'alpha_dropout', 'alpha_dropout_', 'feature_alpha_dropout', 'feature_alpha_dropout_',
           'batch_norm', 'instance_norm', 'embedding', 'max_pool1d', 'max_pool2d', 'max_pool3d',
           'max_pool1d_with_indices', 'adaptive_max_pool1d', *_INPLACE_METHODS]
