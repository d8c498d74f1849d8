"""Vision ops: interpolate / upsample, grid_sample, affine_grid, pixel_shuffle / unshuffle, channel_shuffle.

All are composites of ember ops (index_select, gather, arithmetic, reshape), so every derivative order works.
Interpolation is separable: one dimension at a time, last first, with PyTorch's source-index formulas.
"""
from __future__ import annotations

import math

import numpy as np

from ..._tensor import Tensor
from ...ops.creation import linspace
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

_MODES = 'nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact'
_LINEAR_DIMS = {'linear': 1, 'bilinear': 2, 'trilinear': 3, 'bicubic': 2}
_AXES = {1: ('W',), 2: ('H', 'W'), 3: ('D', 'H', 'W')}


def _idx(a) -> Tensor:
    return Tensor._wrap(np.ascontiguousarray(a, dtype=np.int64))


def _weights(w, like: Tensor, dim: int) -> Tensor:
    """Per-position weights along ``dim`` of ``like``, shaped to broadcast against it."""
    shape = [1] * like.ndim
    shape[dim] = len(w)
    return Tensor._wrap(np.asarray(w).astype(like._data.dtype).reshape(shape))


def _opmath(x: Tensor):
    return np.float64 if x._data.dtype == np.float64 else np.float32


def _scale(n: int, o: int, scale, ft):
    """PyTorch's compute_scales_value: 1 / scale_factor when one was given, else in / out."""
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(n / o)


def _nearest_index(n: int, o: int, scale, exact: bool, shortcut: bool, ft):
    if shortcut and o == n:
        return np.arange(o)
    if shortcut and o == 2 * n:
        return np.arange(o) >> 1
    sc = _scale(n, o, scale, ft)
    dst = np.arange(o, dtype=ft)
    src = np.floor((dst + ft(0.5)) * sc if exact else dst * sc)
    return np.minimum(src.astype(np.int64), n - 1)


def _source(n: int, o: int, scale, align_corners: bool, cubic: bool, ft):
    """PyTorch's area_pixel_compute_source_index over every output position."""
    dst = np.arange(o, dtype=ft)
    if align_corners:
        sc = ft(n - 1) / ft(o - 1) if o > 1 else ft(0)
        return sc * dst
    src = _scale(n, o, scale, ft) * (dst + ft(0.5)) - ft(0.5)
    return src if cubic else np.maximum(src, ft(0))


def _guard(src, n: int, ft):
    i = np.minimum(np.floor(src).astype(np.int64), n - 1)
    return i, np.clip(src - i.astype(ft), ft(0), ft(1))


def _linear_along(x: Tensor, dim: int, o: int, scale, align_corners: bool) -> Tensor:
    n = x.shape[dim]
    if n == o:
        return x
    ft = _opmath(x)
    i0, l1 = _guard(_source(n, o, scale, align_corners, False, ft), n, ft)
    i1 = i0 + (i0 < n - 1)
    l0 = ft(1) - l1
    return x.index_select(dim, _idx(i0)) * _weights(l0, x, dim) + x.index_select(dim, _idx(i1)) * _weights(l1, x, dim)


def _cubic_along(x: Tensor, dim: int, o: int, scale, align_corners: bool) -> Tensor:
    n = x.shape[dim]
    ft = _opmath(x)
    i, t = _guard(_source(n, o, scale, align_corners, True, ft), n, ft)
    a = ft(-0.75)

    def near(s):  # |s| <= 1
        return ((a + 2) * s - (a + 3)) * s * s + 1

    def far(s):  # 1 < |s| < 2
        return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a

    coeffs = (far(t + 1), near(t), near(1 - t), far(2 - t))
    y = None
    for j, c in enumerate(coeffs):
        term = x.index_select(dim, _idx(np.clip(i - 1 + j, 0, n - 1))) * _weights(c, x, dim)
        y = term if y is None else y + term
    return y


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = 'nearest', align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dimensions of (N, C, *S) to ``size`` or by ``scale_factor`` with the given mode."""
    if mode in ('nearest', 'area', 'nearest-exact'):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                             "bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scales = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                 f"(o1, o2, ...,oK) format.")
            if not all(isinstance(v, (int, np.integer)) for v in size):
                raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                                f"Tuple[int, int, int], but got size with types {[type(v) for v in size]}")
            out = [int(v) for v in size]
        else:
            out = [int(size)] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 f"scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [math.floor(input.shape[2 + i] * scales[i]) for i in range(dim)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if recompute_scale_factor or mode == 'area':
        scales = None
    if antialias and not (mode in ('bilinear', 'bicubic', 'lanczos') and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    if antialias:
        raise NotImplementedError("interpolate(): antialias=True is not supported by ember")
    if mode not in ('nearest', 'nearest-exact', 'area') + tuple(_LINEAR_DIMS) or not 3 <= input.ndim <= 5 or (
            mode == 'bicubic' and input.ndim != 4):
        if mode in ('linear', 'bilinear', 'trilinear') and 3 <= input.ndim <= 5:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR_DIMS[mode] + 2}D input")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  f"the modes: {_MODES} (got {mode})")
    if mode in ('linear', 'bilinear', 'trilinear') and input.ndim != _LINEAR_DIMS[mode] + 2:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR_DIMS[mode] + 2}D input")
    spatial = list(input.shape[2:])
    if any(o <= 0 for o in out) or any(n <= 0 for n in spatial):
        axes = _AXES[dim]
        ins = ', '.join(f"{a}: {n}" for a, n in zip(axes, spatial))
        outs = ', '.join(f"{a}: {o}" for a, o in zip(axes, out))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output ({outs})")
    if mode == 'area':
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[dim - 1](input, out)
    if not input.dtype.is_floating_point and mode != 'nearest':
        raise NotImplementedError(f"\"upsample_{mode.replace('-', '_')}{dim}d\" not implemented for "
                                  f"'{input.dtype._legacy}'")
    y = input
    for i in range(dim - 1, -1, -1):
        d, o = 2 + i, out[i]
        sc = scales[i] if scales is not None else None
        if mode in ('nearest', 'nearest-exact'):
            # PyTorch's 2-D nearest kernel (only) copies equal sizes and halves indices for exact doubling.
            idx = _nearest_index(spatial[i], o, sc, mode == 'nearest-exact', mode == 'nearest' and dim == 2,
                                 _opmath(input))
            if o != spatial[i] or (idx != np.arange(o)).any():
                y = y.index_select(d, _idx(idx))
        elif mode == 'bicubic':
            y = _cubic_along(y, d, o, sc, align_corners)
        else:
            y = _linear_along(y, d, o, sc, align_corners)
    return y if y is not input else input.clone()


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = 'nearest', align_corners: bool | None = None):
    """Deprecated alias of interpolate."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: interpolate with mode='nearest'."""
    return interpolate(input, size, scale_factor, mode='nearest')


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: interpolate with mode='bilinear' and align_corners=True."""
    return interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)


# ------------------------------------------------------------------------------------------- grid_sample

def _reflect(c: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Reflect coordinates into [twice_low / 2, twice_high / 2] (PyTorch's reflect_coordinates)."""
    if twice_low == twice_high:
        return c * 0
    lo = twice_low / 2
    span = (twice_high - twice_low) / 2
    c = (c - lo).abs()
    extra = c.fmod(span)
    flips = (c / span).floor().detach()
    even = (flips.fmod(2) == 0)
    return (extra + lo).where(even, span - extra + lo)


def _source_coord(g: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    c = (g + 1) / 2 * (size - 1) if align_corners else ((g + 1) * size - 1) / 2
    if padding_mode == 'border':
        c = c.clamp(0, size - 1)
    elif padding_mode == 'reflection':
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
        c = c.clamp(0, size - 1)
    return c


def _gather_points(input: Tensor, idx: list, sizes: tuple, zeros: bool) -> Tensor:
    """input (N, C, *S) at integer coordinates idx (one (N, *O) array per dim); zero where out of bounds if zeros."""
    n, c = input.shape[:2]
    out_shape = idx[0].shape[1:]
    valid = np.ones(idx[0].shape, bool)
    flat = np.zeros(idx[0].shape, np.int64)
    for i, s in zip(idx, sizes):
        valid &= (i >= 0) & (i < s)
        flat = flat * s + np.clip(i, 0, s - 1)
    flat = _idx(flat.reshape(n, 1, -1)).expand(n, c, flat[0].size)
    vals = input.reshape(n, c, -1).gather(2, flat).reshape((n, c) + tuple(out_shape))
    if zeros and not valid.all():
        vals = vals * Tensor._wrap(valid.astype(input._data.dtype)[:, None])
    return vals


def grid_sample(input: Tensor, grid: Tensor, mode: str = 'bilinear', padding_mode: str = 'zeros',
                align_corners: bool | None = None) -> Tensor:
    """Sample input (N, C, *S) at the normalised coordinates grid (N, *O, D) in [-1, 1] (x first)."""
    if mode not in ('bilinear', 'nearest', 'bicubic'):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ('zeros', 'border', 'reflection'):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    d = input.ndim - 2
    if grid.shape[-1] != d:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {d} in last dimension, but got grid with sizes "
                           f"{list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with sizes "
                           f"{list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got "
                           f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    for i in range(2, input.ndim):
        if input.shape[i] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {list(input.shape)} with dimension {i} being empty")
    if mode == 'bicubic':
        if d != 2:
            raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
        raise NotImplementedError("grid_sample(): mode='bicubic' is not supported by ember")
    if input.dtype is not grid.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {grid.dtype._legacy}")
    align_corners = bool(align_corners)
    sizes = tuple(input.shape[2:])
    # grid[..., 0] indexes the last (width) dimension: coords in input order are the grid's last entries reversed.
    coords = [_source_coord(grid[..., d - 1 - i], sizes[i], padding_mode, align_corners) for i in range(d)]
    zeros = padding_mode == 'zeros'
    if mode == 'nearest':
        idx = [c.detach()._data for c in coords]
        # PyTorch rounds half to even (nearbyint); np.rint does the same. round() keeps grid in the graph at zero grad.
        res = _gather_points(input, [np.rint(i).astype(np.int64) for i in idx], sizes, zeros)
        return res + (sum(c.round() for c in coords) * 0).unsqueeze(1)
    lows = [c.detach().floor() for c in coords]
    # Weights as PyTorch forms them: (low + 1 - c) for the low corner, (c - low) for the high one.
    w = [((lo + 1 - c).unsqueeze(1), (c - lo).unsqueeze(1)) for c, lo in zip(coords, lows)]
    base = [lo._data.astype(np.int64) for lo in lows]
    out = None
    for corner in np.ndindex(*(2,) * d):
        vals = _gather_points(input, [b + k for b, k in zip(base, corner)], sizes, zeros)
        weight = w[0][corner[0]]
        for i in range(1, d):
            weight = weight * w[i][corner[i]]
        term = vals * weight
        out = term if out is None else out + term
    return out


def _base_axis(n: int, align_corners: bool, like: Tensor) -> Tensor:
    if n <= 1:
        return Tensor._wrap(np.zeros(n, like._data.dtype))
    r = linspace(-1, 1, n, dtype=like.dtype)
    return r if align_corners else r * ((n - 1) / n)


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """The sampling grid (N, *S, D) of the affine maps theta (N, D, D + 1) for an output of ``size``."""
    align_corners = bool(align_corners)
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"{theta.shape}.")
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"{theta.shape}.")
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    d = len(size) - 2
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, {d + 1}] but "
                           f"got: [{theta.shape[0]}, {d + 1}].")
    spatial = size[2:]
    axes = [_base_axis(n, align_corners, theta) for n in spatial[::-1]]  # x (width) first
    mesh = np.meshgrid(*[a._data for a in axes[::-1]], indexing='ij')  # in spatial order
    cols = [m for m in mesh[::-1]] + [np.ones(spatial, theta._data.dtype)]
    base = Tensor._wrap(np.stack(cols, -1).reshape(1, -1, d + 1).astype(theta._data.dtype))
    grid = base @ theta.transpose(1, 2)
    return grid.reshape((size[0],) + spatial + (d,))


# ------------------------------------------------------------------------------------------- shuffles

def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """Rearrange (*, C * r^2, H, W) into (*, C, H * r, W * r)."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c, h, w = input.shape[-3:]
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    lead = tuple(input.shape[:-3])
    n = len(lead)
    y = input.reshape(lead + (c // (r * r), r, r, h, w))
    y = y.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return y.reshape(lead + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """Rearrange (*, C, H * r, W * r) into (*, C * r^2, H, W)."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    c, h, w = input.shape[-3:]
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but "
                           f"input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but "
                           f"input.size(-1)={w} is not divisible by {r}")
    lead = tuple(input.shape[:-3])
    n = len(lead)
    y = input.reshape(lead + (c, h // r, r, w // r, r))
    y = y.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return y.reshape(lead + (c * r * r, h // r, w // r))


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Split the channels (dim 1) into ``groups`` groups and interleave them."""
    g = int(groups)
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if g <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{g}")
    c = input.shape[1]
    if c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {g} groups.")
    n = input.shape[0]
    rest = tuple(input.shape[2:])
    return input.reshape((n, g, c // g) + rest).transpose(1, 2).reshape((n, c) + rest)


native_channel_shuffle = channel_shuffle

__all__ = ['interpolate', 'upsample', 'upsample_nearest', 'upsample_bilinear', 'grid_sample', 'affine_grid',
           'pixel_shuffle', 'pixel_unshuffle', 'channel_shuffle', 'native_channel_shuffle']
