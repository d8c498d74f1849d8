"""Colour adjustments on PIL images and (..., C, H, W) tensors: brightness, contrast, saturation, hue, gamma,
sharpness, grayscale, invert, posterize, solarize, autocontrast and equalize. Re-exported by ``functional``.
"""
from __future__ import annotations

import numpy as np

import ember
from ember._tensor import Tensor
from ember.nn import functional as NF

from .functional import _as_batch, _is_tensor, _max_value, _pil, convert_image_dtype


def _blend(a: Tensor, b: Tensor, ratio: float) -> Tensor:
    ratio = float(ratio)  # an int ratio would keep uint8 arithmetic (and wrap)
    bound = _max_value(a.dtype)
    return (ratio * a + (1.0 - ratio) * b).clamp(0, bound).to(a.dtype)


def _channels(img: Tensor) -> int:
    return 1 if img.ndim == 2 else img.shape[-3]


def _check_rgb(img: Tensor, allowed=(1, 3)) -> int:
    c = _channels(img)
    if c not in allowed:
        raise TypeError(f"Input image tensor permitted channel values are {list(allowed)}, but found {c}")
    return c


def _enhance(img, kind: str, factor: float):
    from PIL import ImageEnhance
    return getattr(ImageEnhance, kind)(img).enhance(factor)


def rgb_to_grayscale(img, num_output_channels: int = 1):
    """Luma (0.2989 R + 0.587 G + 0.114 B) with 1 or 3 equal output channels."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if not _is_tensor(img):
        out = img.convert('L')
        if num_output_channels == 3:
            out = _pil().merge('RGB', [out, out, out])
        return out
    if _check_rgb(img) == 1:
        g = img if img.ndim > 2 else img.unsqueeze(0)
    else:
        r, gr, b = img.unbind(-3)
        g = (0.2989 * r + 0.587 * gr + 0.114 * b).to(img.dtype).unsqueeze(-3)
    if num_output_channels == 3:
        return g.expand(*g.shape[:-3], 3, *g.shape[-2:])
    return g


to_grayscale = rgb_to_grayscale


def adjust_brightness(img, brightness_factor: float):
    """Scale intensities by ``brightness_factor`` (0 gives black, 1 the original)."""
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    if not _is_tensor(img):
        return _enhance(img, 'Brightness', brightness_factor)
    _check_rgb(img)
    return _blend(img, ember.zeros_like(img), brightness_factor)


def adjust_contrast(img, contrast_factor: float):
    """Blend with the mean grey level (0 gives a flat grey image, 1 the original)."""
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    if not _is_tensor(img):
        return _enhance(img, 'Contrast', contrast_factor)
    c = _check_rgb(img)
    dtype = img.dtype if img.dtype.is_floating_point else ember.float32
    src = rgb_to_grayscale(img) if c == 3 else img
    mean = src.to(dtype).mean(dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor: float):
    """Blend with the grayscale image (0 gives grey, 1 the original, 2 doubles saturation)."""
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    if not _is_tensor(img):
        return _enhance(img, 'Color', saturation_factor)
    if _check_rgb(img) == 1:
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def _rgb2hsv(img: Tensor) -> Tensor:
    r, g, b = img.unbind(-3)
    maxc = img.amax(dim=-3)
    minc = img.amin(dim=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = ember.ones_like(maxc)
    s = cr / ember.where(eqc, ones, maxc)
    div = ember.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / div, (maxc - g) / div, (maxc - b) / div
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = ember.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return ember.stack([h, s, maxc], dim=-3)


def _hsv2rgb(img: Tensor) -> Tensor:
    h, s, v = img.unbind(-3)
    i = ember.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.to(ember.int32) % 6
    p = (v * (1.0 - s)).clamp(0.0, 1.0)
    q = (v * (1.0 - s * f)).clamp(0.0, 1.0)
    t = (v * (1.0 - s * (1.0 - f))).clamp(0.0, 1.0)
    mask = (i.unsqueeze(-3) == ember.arange(6).view(-1, 1, 1)).to(img.dtype)
    a = ember.stack([ember.stack(c, dim=-3) for c in ((v, q, p, p, t, v), (t, v, v, q, p, p), (p, p, t, v, v, q))],
                    dim=-4)
    return ember.einsum('...ijk,...xijk->...xjk', mask, a)


def adjust_hue(img, hue_factor: float):
    """Rotate the hue by ``hue_factor`` (in [-0.5, 0.5], a fraction of the colour circle)."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if not _is_tensor(img):
        Image = _pil()
        if img.mode in ('L', '1', 'I', 'F'):
            return img
        h, s, v = img.convert('HSV').split()
        np_h = np.array(h, dtype=np.uint8)
        np_h += np.uint8(int(hue_factor * 255) % 256)  # wraps around the circle
        return Image.merge('HSV', (Image.fromarray(np_h, 'L'), s, v)).convert(img.mode)
    if _check_rgb(img) == 1:
        return img
    dtype = img.dtype
    x = convert_image_dtype(img, ember.float32)
    h, s, v = _rgb2hsv(x).unbind(-3)
    out = _hsv2rgb(ember.stack([(h + hue_factor) % 1.0, s, v], dim=-3))
    return out.to(dtype) if dtype.is_floating_point else convert_image_dtype(out, dtype)


def adjust_gamma(img, gamma: float, gain: float = 1):
    """gain * I ** gamma on intensities in [0, 1]."""
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    if not _is_tensor(img):
        mode = img.mode
        lut = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
        return img.convert('RGB').point(lut).convert(mode)
    _check_rgb(img)
    x = img if img.dtype.is_floating_point else convert_image_dtype(img, ember.float32)
    return convert_image_dtype((gain * x ** gamma).clamp(0, 1), img.dtype)


def adjust_sharpness(img, sharpness_factor: float):
    """Blend with a smoothed image (0 blurs, 1 keeps, 2 sharpens); the border stays as it is."""
    if sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    if not _is_tensor(img):
        return _enhance(img, 'Sharpness', sharpness_factor)
    _check_rgb(img)
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    x, undo = _as_batch(img)
    k = np.ones((3, 3), np.float32)
    k[1, 1] = 5.0
    c = x.shape[1]
    kernel = ember.from_numpy(np.broadcast_to(k / k.sum(), (c, 1, 3, 3)).copy()).to(x.dtype)
    inner = NF.conv2d(x, kernel, groups=c)
    if not undo[1].is_floating_point:
        inner = inner.round()
    blurred = ember.cat([x[..., :1, :], ember.cat([x[..., 1:-1, :1], inner, x[..., 1:-1, -1:]], dim=-1),
                         x[..., -1:, :]], dim=-2)
    if not undo[1].is_floating_point:
        x, blurred = x.to(undo[1]), blurred.to(undo[1])
    out = _blend(x, blurred, sharpness_factor)
    return out.reshape(undo[0])


def invert(img):
    """max - I for each pixel."""
    if not _is_tensor(img):
        from PIL import ImageOps
        return ImageOps.invert(img)
    _check_rgb(img)
    return (1.0 if img.dtype.is_floating_point else int(_max_value(img.dtype))) - img


def _uint8_only(img: Tensor) -> None:
    if img.dtype != ember.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")


def posterize(img, bits: int):
    """Keep the ``bits`` highest bits of each channel (uint8 images)."""
    if not 0 <= bits <= 8:
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    if not _is_tensor(img):
        from PIL import ImageOps
        return ImageOps.posterize(img, bits)
    _check_rgb(img)
    _uint8_only(img)
    return ember.from_numpy(img.numpy() & np.uint8((-(2 ** (8 - bits))) & 0xFF))


def solarize(img, threshold: float):
    """Invert the pixels at or above ``threshold``."""
    if not _is_tensor(img):
        from PIL import ImageOps
        return ImageOps.solarize(img, threshold)
    _check_rgb(img)
    if threshold > _max_value(img.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    return ember.where(img >= threshold, invert(img), img)


def autocontrast(img):
    """Stretch each channel to span the full range (its darkest pixel black, its lightest white)."""
    if not _is_tensor(img):
        from PIL import ImageOps
        return ImageOps.autocontrast(img)
    _check_rgb(img)
    bound = _max_value(img.dtype)
    dtype = img.dtype if img.dtype.is_floating_point else ember.float32
    lo = img.amin(dim=(-2, -1), keepdim=True).to(dtype)
    hi = img.amax(dim=(-2, -1), keepdim=True).to(dtype)
    flat = hi == lo
    scale = ember.where(flat, ember.ones_like(hi), bound / ember.where(flat, ember.ones_like(hi), hi - lo))
    lo = ember.where(flat, ember.zeros_like(lo), lo)
    return ((img - lo) * scale).clamp(0, bound).to(img.dtype)


def _equalize_channel(ch: np.ndarray) -> np.ndarray:
    hist = np.bincount(ch.ravel(), minlength=256)
    nz = hist[hist != 0]
    step = int(nz[:-1].sum()) // 255
    if step == 0:
        return ch
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.clip(np.concatenate([[0], lut[:-1]]), 0, 255).astype(np.uint8)
    return lut[ch]


def equalize(img):
    """Histogram equalisation of each channel, as PIL's ImageOps.equalize (uint8 images)."""
    if not _is_tensor(img):
        from PIL import ImageOps
        return ImageOps.equalize(img)
    _check_rgb(img)
    _uint8_only(img)
    a = img.numpy()
    flat = a.reshape(-1, *a.shape[-2:])
    return ember.from_numpy(np.stack([_equalize_channel(c) for c in flat]).reshape(a.shape))
