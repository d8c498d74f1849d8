"""Image grids, saving, and drawing boxes and masks on images (``torchvision.utils``)."""
from __future__ import annotations

import math
import warnings

import numpy as np

import ember
from ._optional import pil_image, require

__all__ = ['make_grid', 'save_image', 'draw_bounding_boxes', 'draw_segmentation_masks']


def _normalize(t: ember.Tensor, value_range) -> ember.Tensor:
    low, high = (float(t.min()), float(t.max())) if value_range is None else value_range
    return (t.clamp(min=low, max=high) - low) / max(high - low, 1e-5)


def make_grid(tensor, nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: tuple[float, float] | None = None, scale_each: bool = False,
              pad_value: float = 0.0) -> ember.Tensor:
    """Tile a (B, C, H, W) batch (or a list of images) into one (C, H', W') image with ``nrow`` images per row,
    ``padding`` pixels of ``pad_value`` around each; ``normalize`` maps ``value_range`` (default: min..max, per
    image with ``scale_each``) to [0, 1]. Single-channel images become 3-channel."""
    if isinstance(tensor, (list, tuple)):
        if not all(isinstance(t, ember.Tensor) for t in tensor):
            raise TypeError(f"tensor or list of tensors expected, got a list containing "
                            f"{', '.join(sorted({type(t).__name__ for t in tensor}))}")
        tensor = ember.stack(list(tensor), dim=0)
    if not isinstance(tensor, ember.Tensor):
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if tensor.ndim == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.ndim == 3:
        if tensor.shape[0] == 1:
            tensor = ember.cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.ndim != 4:
        raise ValueError(f"make_grid expects a 2D, 3D or 4D tensor (or a list of 2D/3D tensors), "
                         f"got {tensor.ndim}D with shape {tuple(tensor.shape)}")
    if tensor.shape[1] == 1:
        tensor = ember.cat((tensor, tensor, tensor), 1)
    if normalize:
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
        if scale_each:
            tensor = ember.stack([_normalize(t, value_range) for t in tensor], 0)
        else:
            tensor = _normalize(tensor, value_range)
    if tensor.shape[0] == 1:
        return tensor.squeeze(0)
    nmaps, channels, h, w = tensor.shape
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(nmaps / xmaps))
    height, width = h + padding, w + padding
    grid = tensor.new_full((channels, height * ymaps + padding, width * xmaps + padding), pad_value)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        top, left = y * height + padding, x * width + padding
        grid[:, top:top + h, left:left + w] = tensor[k]
    return grid


def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:
    """Save a tensor (or a batch, tiled by ``make_grid`` with ``kwargs``) as an image file; values in [0, 1]."""
    Image = pil_image("save_image")
    grid = make_grid(tensor, **kwargs)
    arr = np.clip(grid.detach().numpy().astype(np.float32) * 255 + 0.5, 0, 255).astype(np.uint8)
    Image.fromarray(np.ascontiguousarray(arr.transpose(1, 2, 0))).save(fp, format=format)


def _palette(n: int) -> list[tuple[int, int, int]]:
    base = np.array([2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1], dtype=np.int64)
    return [tuple(int(v) for v in (i * base) % 255) for i in range(n)]


def _parse_colors(colors, n: int, fn: str) -> list[tuple[int, ...]]:
    if colors is None:
        return _palette(n)
    if isinstance(colors, list):
        if len(colors) < n:
            raise ValueError(f"Number of colors must be equal or larger than the number of objects, but got "
                             f"{len(colors)} < {n}.")
        out = colors[:n]
    else:
        out = [colors] * n
    getrgb = require('PIL.ImageColor', 'vision', 'Pillow', fn).getrgb
    return [getrgb(c) if isinstance(c, str) else tuple(int(v) for v in c) for c in out]


def _check_image(image, fn: str) -> None:
    if not isinstance(image, ember.Tensor):
        raise TypeError(f"Tensor expected, got {type(image)}")
    if image.dtype != ember.uint8 and not image.is_floating_point():
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if image.ndim != 3:
        raise ValueError("Pass individual images, not batches")


def _as_uint8(image: ember.Tensor) -> np.ndarray:
    arr = image.detach().numpy()
    return arr if arr.dtype == np.uint8 else (arr * 255).astype(np.uint8)


def _like(arr: np.ndarray, image: ember.Tensor) -> ember.Tensor:
    out = ember.from_numpy(np.ascontiguousarray(arr))
    return out if image.dtype == ember.uint8 else out.to(image.dtype) / 255


def draw_bounding_boxes(image: ember.Tensor, boxes: ember.Tensor, labels: list[str] | None = None, colors=None,
                        fill: bool = False, width: int = 1, font: str | None = None,
                        font_size: int | None = None) -> ember.Tensor:
    """Draw (xmin, ymin, xmax, ymax) ``boxes`` (and optional ``labels``) on a (C, H, W) image; return a new image."""
    _check_image(image, 'draw_bounding_boxes')
    if image.shape[0] not in (1, 3):
        raise ValueError("Only grayscale and RGB images are supported")
    b = boxes.detach().numpy()
    if b.ndim != 2 or (b.size and b.shape[1] != 4):
        raise ValueError(f"boxes must be a (N, 4) tensor, got shape {tuple(boxes.shape)}")
    if ((b[:, 0] > b[:, 2]) | (b[:, 1] > b[:, 3])).any():
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert to "
                         "convert them")
    n = b.shape[0]
    if n == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is not None and len(labels) != n:
        raise ValueError(f"Number of boxes ({n}) and labels ({len(labels)}) mismatch. Please specify labels for each "
                         f"box.")
    Image = pil_image('draw_bounding_boxes')
    ImageDraw = require('PIL.ImageDraw', 'vision', 'Pillow', 'draw_bounding_boxes')
    ImageFont = require('PIL.ImageFont', 'vision', 'Pillow', 'draw_bounding_boxes')
    cols = _parse_colors(colors, n, 'draw_bounding_boxes')
    arr = _as_uint8(image)
    if arr.shape[0] == 1:
        arr = np.repeat(arr, 3, axis=0)
    img = Image.fromarray(np.ascontiguousarray(arr.transpose(1, 2, 0)))
    draw = ImageDraw.Draw(img, 'RGBA') if fill else ImageDraw.Draw(img)
    txt_font = ImageFont.load_default() if font is None else ImageFont.truetype(font=font, size=font_size or 10)
    for box, color, label in zip(b.astype(np.int64).tolist(), cols, labels or [None] * n):
        color = tuple(color[:3])
        if fill:
            draw.rectangle(box, width=width, outline=color, fill=color + (100,))
        else:
            draw.rectangle(box, width=width, outline=color)
        if label:
            margin = width + 1
            draw.text((box[0] + margin, box[1] + margin), label, fill=color, font=txt_font)
    return _like(np.asarray(img).transpose(2, 0, 1), image)


def draw_segmentation_masks(image: ember.Tensor, masks: ember.Tensor, alpha: float = 0.8,
                            colors=None) -> ember.Tensor:
    """Blend boolean ``masks`` ((H, W) or (N, H, W)) onto an RGB (3, H, W) image with opacity ``alpha``."""
    _check_image(image, 'draw_segmentation_masks')
    if image.shape[0] != 3:
        raise ValueError("Pass an RGB image. Other Image formats are not supported")
    if masks.ndim == 2:
        masks = masks[None]
    if masks.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (num_masks, H, W)")
    if masks.dtype != ember.bool:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if tuple(masks.shape[-2:]) != tuple(image.shape[-2:]):
        raise ValueError("The image and the masks must have the same height and width")
    n = masks.shape[0]
    if n == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    arr = _as_uint8(image)
    painted = arr.copy()
    for mask, color in zip(masks.numpy(), _parse_colors(colors, n, 'draw_segmentation_masks')):
        painted[:, mask] = np.asarray(color[:3], dtype=np.uint8)[:, None]
    out = (arr * (1 - alpha) + painted * alpha).astype(np.uint8)
    return _like(out, image)
