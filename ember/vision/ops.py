"""Box operations, non-maximum suppression and RoI pooling for detection models (``torchvision.ops``)."""
from __future__ import annotations

import math

import numpy as np

import ember
from ..nn.modules.module import Module
from ..ops._primitive import primitive

__all__ = ['box_area', 'box_iou', 'box_convert', 'clip_boxes_to_image', 'remove_small_boxes', 'nms', 'batched_nms',
           'roi_align', 'roi_pool', 'RoIAlign', 'RoIPool']

_FORMATS = ('xyxy', 'xywh', 'cxcywh')


def box_area(boxes: ember.Tensor) -> ember.Tensor:
    """The areas of (x1, y1, x2, y2) boxes."""
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _inter_union(boxes1: ember.Tensor, boxes2: ember.Tensor):
    area1, area2 = box_area(boxes1), box_area(boxes2)
    lt = ember.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = ember.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[:, None] + area2[None, :] - inter


def box_iou(boxes1: ember.Tensor, boxes2: ember.Tensor) -> ember.Tensor:
    """The (N, M) matrix of intersection-over-union of two sets of (x1, y1, x2, y2) boxes."""
    inter, union = _inter_union(boxes1, boxes2)
    return inter / union


def box_convert(boxes: ember.Tensor, in_fmt: str, out_fmt: str) -> ember.Tensor:
    """Convert boxes between 'xyxy' (corners), 'xywh' (corner and size) and 'cxcywh' (centre and size)."""
    if in_fmt not in _FORMATS or out_fmt not in _FORMATS:
        raise ValueError("Unsupported Bounding Box Conversions for given in_fmt and out_fmt")
    if in_fmt == out_fmt:
        return boxes.clone()
    a, b, c, d = boxes.unbind(-1)
    if in_fmt == 'xywh':
        a, b, c, d = a, b, a + c, b + d
    elif in_fmt == 'cxcywh':
        a, b, c, d = a - 0.5 * c, b - 0.5 * d, a + 0.5 * c, b + 0.5 * d
    if out_fmt == 'xywh':
        a, b, c, d = a, b, c - a, d - b
    elif out_fmt == 'cxcywh':
        a, b, c, d = (a + c) / 2, (b + d) / 2, c - a, d - b
    return ember.stack((a, b, c, d), dim=-1)


def clip_boxes_to_image(boxes: ember.Tensor, size: tuple[int, int]) -> ember.Tensor:
    """Clip (x1, y1, x2, y2) boxes to an image of ``size`` (height, width)."""
    height, width = size
    x = boxes[..., 0::2].clamp(min=0, max=width)
    y = boxes[..., 1::2].clamp(min=0, max=height)
    return ember.stack((x, y), dim=-1).reshape(boxes.shape)


def remove_small_boxes(boxes: ember.Tensor, min_size: float) -> ember.Tensor:
    """The indices of the boxes whose sides are both at least ``min_size``."""
    b = boxes.detach().numpy()
    keep = ((b[:, 2] - b[:, 0]) >= min_size) & ((b[:, 3] - b[:, 1]) >= min_size)
    return ember.from_numpy(np.nonzero(keep)[0].astype(np.int64))


def _check_nms(boxes, scores) -> None:
    if boxes.ndim != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.ndim}D")
    if boxes.shape[1] != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.shape[1]}")
    if scores.ndim != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.ndim}D")
    if boxes.shape[0] != scores.shape[0]:
        raise RuntimeError(f"boxes and scores should have same number of elements in dimension 0, got "
                           f"{boxes.shape[0]} and {scores.shape[0]}")
    if boxes.dtype != scores.dtype:
        raise RuntimeError("dets should have the same type as scores")


def _nms(b: np.ndarray, s: np.ndarray, iou_threshold: float) -> np.ndarray:
    # Greedy: take the best remaining box, drop the remaining ones that overlap it too much, repeat.
    order = np.argsort(-s, kind='stable')
    b = b.astype(np.float64)
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    keep = []
    while order.size:
        i, rest = order[0], order[1:]
        keep.append(i)
        iw = np.clip(np.minimum(b[i, 2], b[rest, 2]) - np.maximum(b[i, 0], b[rest, 0]), 0, None)
        ih = np.clip(np.minimum(b[i, 3], b[rest, 3]) - np.maximum(b[i, 1], b[rest, 1]), 0, None)
        inter = iw * ih
        with np.errstate(divide='ignore', invalid='ignore'):
            over = inter / (area[i] + area[rest] - inter) > iou_threshold
        order = rest[~over]
    return np.array(keep, dtype=np.int64)


def nms(boxes: ember.Tensor, scores: ember.Tensor, iou_threshold: float) -> ember.Tensor:
    """Greedy non-maximum suppression: the indices of the kept (x1, y1, x2, y2) boxes, by decreasing score. A box is
    dropped when its IoU with a higher-scoring kept box is above ``iou_threshold``."""
    _check_nms(boxes, scores)
    if boxes.shape[0] == 0:
        return ember.empty(0, dtype=ember.int64)
    return ember.from_numpy(_nms(boxes.detach().numpy(), scores.detach().numpy(), float(iou_threshold)))


def batched_nms(boxes: ember.Tensor, scores: ember.Tensor, idxs: ember.Tensor,
                iou_threshold: float) -> ember.Tensor:
    """Non-maximum suppression done independently per category ``idxs``; kept indices by decreasing score."""
    _check_nms(boxes, scores)
    if boxes.shape[0] == 0:
        return ember.empty(0, dtype=ember.int64)
    b = boxes.detach().numpy().astype(np.float64)
    # Shift each category's boxes far apart so boxes of different categories never overlap.
    shift = idxs.detach().numpy().astype(np.float64)[:, None] * (b.max() - b.min() + 1)
    return ember.from_numpy(_nms(b + shift, scores.detach().numpy(), float(iou_threshold)))


# RoI pooling as a sparse linear map: each output cell is a weighted sum of input pixels. ``_gather`` applies it
# and ``_scatter`` its transpose; each is the other's backward, so gradients of any order follow.
_CHUNK_ELEMS = 1 << 22  # bound on the gathered (rows, taps, channels) block of one step


def _chunk(idx, channels: int) -> int:
    return max(1, _CHUNK_ELEMS // max(idx.shape[1] * channels, 1))


@primitive
def _roi_gather(x, idx, w):
    """out[m, c] = sum_s x[idx[m, s], c] * w[m, s] for x of shape (N, C)."""
    out = np.empty((idx.shape[0], x.shape[1]), dtype=x.dtype)
    step = _chunk(idx, x.shape[1])
    for i in range(0, idx.shape[0], step):
        sl = slice(i, i + step)
        np.einsum('ms,msc->mc', w[sl].astype(x.dtype), x[idx[sl]], out=out[sl])
    return out


@_roi_gather.vjp
def _(grad, x_shape, idx, w):
    return _roi_scatter(grad, idx, w, x_shape[0])


@primitive
def _roi_scatter(g, idx, w, n):
    """out[idx[m, s], c] += g[m, c] * w[m, s]: the transpose of ``_roi_gather``, an (n, C) array."""
    out = np.zeros((n, g.shape[1]), dtype=g.dtype)
    step = _chunk(idx, 1)
    for i in range(0, idx.shape[0], step):
        sl = slice(i, i + step)
        flat, wc = idx[sl].ravel(), w[sl]
        # One weighted bincount per channel: much faster than np.add.at on rows.
        for c in range(g.shape[1]):
            out[:, c] += np.bincount(flat, (wc * g[sl, c:c + 1]).ravel(), minlength=n)
    return out


@_roi_scatter.vjp
def _(grad, idx, w):
    return _roi_gather(grad, idx, w)


def _rois(boxes, input: ember.Tensor) -> np.ndarray:
    """Boxes as a (K, 5) array of (batch index, x1, y1, x2, y2)."""
    if isinstance(boxes, (list, tuple)):
        for b in boxes:
            if not isinstance(b, ember.Tensor) or b.ndim != 2 or b.shape[1] != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]")
        parts = [np.concatenate([np.full((b.shape[0], 1), i, np.float64), b.detach().numpy()], 1)
                 for i, b in enumerate(boxes)]
        return np.concatenate(parts, 0) if parts else np.zeros((0, 5))
    if not isinstance(boxes, ember.Tensor):
        raise TypeError(f"boxes must be a Tensor[K, 5] or a list of Tensor[L, 4], got {type(boxes).__name__}")
    if boxes.ndim != 2 or boxes.shape[1] != 5:
        raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    if boxes.dtype != input.dtype:
        raise RuntimeError(f"Expected tensor for input to have the same type as tensor for rois; but type "
                           f"{input.dtype} does not equal {boxes.dtype}")
    return boxes.detach().numpy().astype(np.float64)


def _pair(v) -> tuple[int, int]:
    if isinstance(v, int):
        return v, v
    if isinstance(v, (list, tuple)) and len(v) == 2:
        return int(v[0]), int(v[1])
    raise ValueError(f"output_size must be an int or a pair of ints, got {v!r}")


def _check_input(input, fn: str) -> None:
    if not isinstance(input, ember.Tensor) or input.ndim != 4:
        raise RuntimeError(f"{fn}: input must be a 4-D (N, C, H, W) tensor")


def _as_rows(input: ember.Tensor) -> ember.Tensor:
    n, c, h, w = input.shape
    return input.permute(0, 2, 3, 1).reshape(n * h * w, c)


def _from_rows(out: ember.Tensor, k: int, c: int, ph: int, pw: int) -> ember.Tensor:
    return out.reshape(k, ph, pw, c).permute(0, 3, 1, 2)


def _bilinear(y: np.ndarray, x: np.ndarray, h: int, w: int):
    """Corner indices (in one H*W plane) and weights of bilinear samples at (y, x); zero outside the map."""
    outside = (y < -1.0) | (y > h) | (x < -1.0) | (x > w)
    y, x = np.maximum(y, 0), np.maximum(x, 0)
    y0, x0 = np.floor(y).astype(np.int64), np.floor(x).astype(np.int64)
    y_edge, x_edge = y0 >= h - 1, x0 >= w - 1
    y0, x0 = np.where(y_edge, h - 1, y0), np.where(x_edge, w - 1, x0)
    y1, x1 = np.where(y_edge, h - 1, y0 + 1), np.where(x_edge, w - 1, x0 + 1)
    ly, lx = np.where(y_edge, 0.0, y - y0), np.where(x_edge, 0.0, x - x0)
    hy, hx = 1 - ly, 1 - lx
    idx = np.stack([y0 * w + x0, y0 * w + x1, y1 * w + x0, y1 * w + x1], -1)
    wts = np.stack([hy * hx, hy * lx, ly * hx, ly * lx], -1) * ~outside[..., None]
    return idx, wts


def roi_align(input: ember.Tensor, boxes, output_size, spatial_scale: float = 1.0, sampling_ratio: int = -1,
              aligned: bool = False) -> ember.Tensor:
    """RoI Align (Mask R-CNN): average ``sampling_ratio``^2 bilinear samples (adaptive ceil(roi/bin) when <= 0) in
    each of ``output_size`` bins of every box; boxes are (batch index, x1, y1, x2, y2) rows or a per-image list.
    ``aligned`` shifts boxes by -0.5 pixel. Differentiable in ``input``."""
    _check_input(input, 'roi_align')
    rois = _rois(boxes, input)
    ph, pw = _pair(output_size)
    n, c, h, w = input.shape
    k = rois.shape[0]
    offset = 0.5 if aligned else 0.0
    x1, y1 = rois[:, 1] * spatial_scale - offset, rois[:, 2] * spatial_scale - offset
    roi_w, roi_h = rois[:, 3] * spatial_scale - offset - x1, rois[:, 4] * spatial_scale - offset - y1
    if not aligned:
        roi_w, roi_h = np.maximum(roi_w, 1.0), np.maximum(roi_h, 1.0)
    bin_h, bin_w = roi_h / ph, roi_w / pw
    if sampling_ratio > 0:
        gh = gw = np.full(k, sampling_ratio, np.int64)
    else:
        gh, gw = np.ceil(roi_h / ph).astype(np.int64), np.ceil(roi_w / pw).astype(np.int64)
    sh, sw = max(int(gh.max(initial=1)), 1), max(int(gw.max(initial=1)), 1)
    iy, ix = np.arange(sh), np.arange(sw)
    # Sample coordinates, shape (K, PH, SH) for y and (K, PW, SW) for x; samples past a box's own grid are masked.
    ys = y1[:, None, None] + np.arange(ph)[None, :, None] * bin_h[:, None, None] \
        + (iy[None, None, :] + 0.5) * (bin_h / np.maximum(gh, 1))[:, None, None]
    xs = x1[:, None, None] + np.arange(pw)[None, :, None] * bin_w[:, None, None] \
        + (ix[None, None, :] + 0.5) * (bin_w / np.maximum(gw, 1))[:, None, None]
    valid = (iy[None, :] < gh[:, None])[:, None, :, None, None] & (ix[None, :] < gw[:, None])[:, None, None, None, :]
    y = np.broadcast_to(ys[:, :, :, None, None], (k, ph, sh, pw, sw))
    x = np.broadcast_to(xs[:, None, None, :, :], (k, ph, sh, pw, sw))
    idx, wts = _bilinear(y, x, h, w)
    count = np.maximum(gh * gw, 1).astype(np.float64)
    wts = wts * (valid / count[:, None, None, None, None])[..., None]
    base = rois[:, 0].astype(np.int64) * (h * w)
    idx = idx + base[:, None, None, None, None, None]
    # Rows (K, PH, PW) and, per row, the SH*SW*4 taps.
    idx = idx.transpose(0, 1, 3, 2, 4, 5).reshape(k * ph * pw, sh * sw * 4)
    wts = wts.transpose(0, 1, 3, 2, 4, 5).reshape(k * ph * pw, sh * sw * 4)
    return _from_rows(_roi_gather(_as_rows(input), idx, wts), k, c, ph, pw)


def roi_pool(input: ember.Tensor, boxes, output_size, spatial_scale: float = 1.0) -> ember.Tensor:
    """RoI max pooling (Fast R-CNN): the maximum of each of ``output_size`` bins of every (rounded) box; empty bins
    give 0. Differentiable in ``input`` (the gradient goes to each bin's maximum)."""
    _check_input(input, 'roi_pool')
    rois = _rois(boxes, input)
    ph, pw = _pair(output_size)
    n, c, h, w = input.shape
    k = rois.shape[0]
    x = input.detach().numpy()
    idx = np.zeros((k, ph, pw, c), np.int64)
    wts = np.zeros((k, ph, pw, c))
    for r in range(k):
        b = int(rois[r, 0])
        xs, ys, xe, ye = (int(math.floor(v * spatial_scale + 0.5)) for v in rois[r, 1:])
        rh, rw = max(ye - ys + 1, 1), max(xe - xs + 1, 1)
        for i in range(ph):
            top = min(max(int(math.floor(i * rh / ph)) + ys, 0), h)
            bottom = min(max(int(math.ceil((i + 1) * rh / ph)) + ys, 0), h)
            for j in range(pw):
                left = min(max(int(math.floor(j * rw / pw)) + xs, 0), w)
                right = min(max(int(math.ceil((j + 1) * rw / pw)) + xs, 0), w)
                if bottom <= top or right <= left:
                    continue
                patch = x[b, :, top:bottom, left:right].reshape(c, -1)
                arg = patch.argmax(1)
                py, px = np.divmod(arg, right - left)
                idx[r, i, j] = (b * h + top + py) * w + left + px
                wts[r, i, j] = 1.0
    # Each channel picks its own pixel: gather from the flattened (N*H*W*C, 1) map, one tap per output value.
    flat = idx * c + np.arange(c)
    rows = _roi_gather(input.permute(0, 2, 3, 1).reshape(-1, 1), flat.reshape(-1, 1), wts.reshape(-1, 1))
    return rows.reshape(k, ph, pw, c).permute(0, 3, 1, 2)


class RoIAlign(Module):
    """``roi_align`` as a module."""

    def __init__(self, output_size, spatial_scale: float, sampling_ratio: int, aligned: bool = False) -> None:
        super().__init__()
        self.output_size, self.spatial_scale = output_size, spatial_scale
        self.sampling_ratio, self.aligned = sampling_ratio, aligned

    def forward(self, input: ember.Tensor, rois) -> ember.Tensor:
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self) -> str:
        return (f"RoIAlign(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")


class RoIPool(Module):
    """``roi_pool`` as a module."""

    def __init__(self, output_size, spatial_scale: float) -> None:
        super().__init__()
        self.output_size, self.spatial_scale = output_size, spatial_scale

    def forward(self, input: ember.Tensor, rois) -> ember.Tensor:
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self) -> str:
        return f"RoIPool(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
