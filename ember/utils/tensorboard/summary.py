"""Summary protos for TensorBoard: scalars, histograms, images, text, hyperparameters, graphs
(``torch.utils.tensorboard.summary``). Each function returns a serialised ``Summary`` message."""
from __future__ import annotations

import struct
import time
import zlib

import numpy as np

from . import _proto as P

__all__ = ['scalar', 'histogram', 'image', 'text', 'hparams', 'make_np', 'encode_png']

_DT_FLOAT, _DT_STRING = 1, 7


def make_np(x) -> np.ndarray:
    """An ember tensor, NumPy array, Python number or list as a NumPy array."""
    if hasattr(x, 'detach') and hasattr(x, 'numpy'):
        x = x.detach()
        x = x.float() if getattr(x, 'dtype', None) is not None and str(x.dtype).endswith('bfloat16') else x
        return np.asarray(x.numpy())
    return np.asarray(x)


def _summary(*values: bytes) -> bytes:
    return b''.join(P.blob(1, v) for v in values)


def _metadata(plugin: str, content: bytes = b'') -> bytes:
    return P.blob(1, P.blob(1, plugin) + (P.blob(2, content) if content else b''))


def _shape(dims) -> bytes:
    return b''.join(P.blob(2, P.uint(1, d)) for d in dims)


def scalar(tag: str, value, new_style: bool = False, double_precision: bool = False) -> bytes:
    """A scalar: ``simple_value`` (classic) or a 0-d tensor of the ``scalars`` plugin (``new_style``)."""
    arr = make_np(value).squeeze()
    if arr.ndim != 0:
        raise ValueError(f"scalar should be 0D, got a value of shape {make_np(value).shape}")
    v = float(arr)
    if not new_style:
        return _summary(P.blob(1, tag) + P.float32(2, v))
    tensor = (P.uint(1, 2) + P.blob(2, b'') + P.packed_doubles(6, [v])) if double_precision else (
        P.uint(1, _DT_FLOAT) + P.blob(2, b'') + P.packed_floats(5, [v]))
    return _summary(P.blob(1, tag) + P.blob(9, _metadata('scalars')) + P.blob(8, tensor))


def _tf_bucket_edges() -> np.ndarray:
    """TensorFlow's default histogram buckets: +-1e-12 growing by 10% up to 1e20, and 0."""
    pos = 1e-12 * 1.1 ** np.arange(int(np.ceil(np.log(1e20 / 1e-12) / np.log(1.1))))
    pos = pos[pos < 1e20]
    return np.concatenate([-pos[::-1], [0.0], pos])


def histogram(tag: str, values, bins='tensorflow', max_bins: int | None = None) -> bytes:
    """A histogram (min, max, count, sum, sum of squares and the non-empty range of buckets)."""
    v = make_np(values).astype(np.float64).ravel()
    if v.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    edges = _tf_bucket_edges() if isinstance(bins, str) and bins == 'tensorflow' else bins
    counts, limits = np.histogram(v, bins=edges)
    if max_bins is not None and len(counts) > max_bins:
        step = -(-len(counts) // max_bins)
        pad = (-len(counts)) % step
        counts = np.pad(counts, (0, pad)).reshape(-1, step).sum(1)
        limits = np.concatenate([limits[:-1:step], limits[-1:]])
    nonzero = np.nonzero(counts)[0]
    first, last = (nonzero[0], nonzero[-1]) if nonzero.size else (0, len(counts) - 1)
    # A bucket is described by its right edge; keep one empty bucket before the data so its left edge shows.
    lo = max(first - 1, 0)
    bucket = counts[lo:last + 1]
    bucket_limit = limits[lo + 1:last + 2]
    histo = (P.double(1, v.min()) + P.double(2, v.max()) + P.double(3, v.size) + P.double(4, v.sum())
             + P.double(5, v.dot(v)) + P.packed_doubles(6, bucket_limit) + P.packed_doubles(7, bucket))
    return _summary(P.blob(1, tag) + P.blob(5, histo))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(hwc: np.ndarray) -> bytes:
    """PNG bytes of a uint8 (H, W, C) image with 1, 2, 3 or 4 channels (zlib only; no Pillow needed)."""
    h, w, c = hwc.shape
    color = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    raw = np.concatenate([np.zeros((h, 1), np.uint8), hwc.reshape(h, w * c)], axis=1)
    return (b'\x89PNG\r\n\x1a\n' + _png_chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, color, 0, 0, 0))
            + _png_chunk(b'IDAT', zlib.compress(raw.tobytes(), 6)) + _png_chunk(b'IEND', b''))


def to_hwc(arr: np.ndarray, dataformats: str) -> np.ndarray:
    """An image in ``dataformats`` (some order of C, H, W, or N for a batch tiled 8 per row) as (H, W, 3|4)."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or not set(fmt) <= set('NCHW') or not {'H', 'W'} <= set(fmt):
        raise ValueError(f"dataformats must be a permutation of (N)(C)HW, got {dataformats!r}")
    if arr.ndim != len(fmt):
        raise ValueError(f"size of input tensor and input format are different. tensor shape: {arr.shape}, "
                         f"input_format: {dataformats}")
    if 'N' in fmt:
        arr = arr.transpose([fmt.index(k) for k in ('N', 'C', 'H', 'W') if k in fmt])
        if 'C' not in fmt:
            arr = arr[:, None]
        if arr.shape[1] == 1:
            arr = np.repeat(arr, 3, axis=1)
        n, c, h, w = arr.shape
        cols = min(n, 8)
        rows = -(-n // cols)
        canvas = np.zeros((c, h * rows, w * cols), dtype=arr.dtype)
        for i in range(n):
            y, x = divmod(i, cols)
            canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = arr[i]
        return canvas.transpose(1, 2, 0)
    if 'C' not in fmt:
        arr = arr.transpose([fmt.index('H'), fmt.index('W')])[:, :, None]
    else:
        arr = arr.transpose([fmt.index(k) for k in 'HWC'])
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    if arr.shape[2] not in (3, 4):
        raise ValueError(f"an image must have 1, 3 or 4 channels, got {arr.shape[2]}")
    return arr


def image(tag: str, img, dataformats: str = 'CHW') -> bytes:
    """An image summary: floats in [0, 1] (scaled by 255) or uint8, encoded as PNG."""
    arr = to_hwc(make_np(img), dataformats)
    scale = 1 if arr.dtype == np.uint8 else 255
    arr = np.clip(arr.astype(np.float64) * scale, 0, 255).astype(np.uint8) if scale != 1 else arr
    h, w, c = arr.shape
    img_proto = P.uint(1, h) + P.uint(2, w) + P.uint(3, c) + P.blob(4, encode_png(np.ascontiguousarray(arr)))
    return _summary(P.blob(1, tag) + P.blob(4, img_proto))


def text(tag: str, text_string: str) -> bytes:
    """A text summary (the ``text`` plugin: a 1-element string tensor, rendered as Markdown)."""
    tensor = P.uint(1, _DT_STRING) + P.blob(2, _shape([1])) + P.blob(8, text_string)
    return _summary(P.blob(1, tag + '/text_summary') + P.blob(9, _metadata('text')) + P.blob(8, tensor))


def _pb_value(v) -> bytes:
    """A google.protobuf.Value: number, string or bool."""
    if isinstance(v, bool):
        return P.uint(4, v)
    if isinstance(v, (int, float)):
        return P.double(2, v)
    return P.blob(3, str(v))


def _hparams_value(tag: str, plugin_data: bytes) -> bytes:
    return _summary(P.blob(1, tag) + P.blob(9, _metadata('hparams', P.uint(1, 0) + plugin_data)))


def hparams(hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None):
    """The three summaries of the ``hparams`` plugin: experiment, session start and session end."""
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError("hparam_dict and metric_dict should be dictionary.")
    domains = hparam_domain_discrete or {}
    infos = b''
    start = b''
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if hasattr(v, 'numpy') or isinstance(v, np.generic):
            v = make_np(v).item()
        if not isinstance(v, (bool, int, float, str)):
            v = str(v)
        start += P.blob(1, P.blob(1, k) + P.blob(2, _pb_value(v)))
        kind = 2 if isinstance(v, bool) else 3 if isinstance(v, (int, float)) else 1
        info = P.blob(1, k) + P.uint(4, kind)
        if k in domains:
            info += P.blob(5, b''.join(P.blob(1, _pb_value(d)) for d in domains[k]))
        infos += P.blob(4, info)
    for k in metric_dict:
        infos += P.blob(5, P.blob(1, P.blob(2, k)))
    experiment = _hparams_value('_hparams_/experiment', P.blob(2, infos))
    session_start = _hparams_value('_hparams_/session_start_info', P.blob(3, start + P.double(5, time.time())))
    session_end = _hparams_value('_hparams_/session_end_info', P.blob(4, P.uint(1, 1) + P.double(2, time.time())))
    return experiment, session_start, session_end

