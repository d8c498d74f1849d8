"""Image transforms as functions on PIL images and on (..., C, H, W) tensors (``torchvision.transforms.functional``).

PIL images go through Pillow's own operations (resize, rotate, transform, ImageEnhance, ImageOps) as torchvision
does; tensors go through ember ops (interpolate, grid_sample, conv2d), with integer images computed in float32 and
rounded back. Pillow is imported on first use.
"""
from __future__ import annotations

import math
import numbers
import warnings
from enum import Enum
from typing import Sequence

import numpy as np

import ember
from ember._tensor import Tensor
from ember.nn import functional as NF
from ember.vision._optional import pil_image

__all__ = ['InterpolationMode', 'get_dimensions', 'get_image_size', 'get_image_num_channels', 'to_tensor',
           'pil_to_tensor', 'to_pil_image', 'convert_image_dtype', 'normalize', 'resize', 'pad', 'crop',
           'center_crop', 'resized_crop', 'hflip', 'vflip', 'five_crop', 'ten_crop', 'rotate', 'affine',
           'perspective', 'adjust_brightness', 'adjust_contrast', 'adjust_saturation', 'adjust_hue', 'adjust_gamma',
           'adjust_sharpness', 'rgb_to_grayscale', 'to_grayscale', 'gaussian_blur', 'erase', 'invert', 'posterize',
           'solarize', 'autocontrast', 'equalize']


class InterpolationMode(Enum):
    """How a resize or a warp samples the input."""

    NEAREST = 'nearest'
    NEAREST_EXACT = 'nearest-exact'
    BILINEAR = 'bilinear'
    BICUBIC = 'bicubic'
    BOX = 'box'
    HAMMING = 'hamming'
    LANCZOS = 'lanczos'


_FROM_INT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
             4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}
_PIL_RESAMPLE = {InterpolationMode.NEAREST: 0, InterpolationMode.NEAREST_EXACT: 0, InterpolationMode.BILINEAR: 2,
                 InterpolationMode.BICUBIC: 3, InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
                 InterpolationMode.LANCZOS: 1}


def _interpolation(mode) -> InterpolationMode:
    if isinstance(mode, InterpolationMode):
        return mode
    if isinstance(mode, int) and not isinstance(mode, bool) and mode in _FROM_INT:
        return _FROM_INT[mode]
    raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant")


# ---------------------------------------------------------------------------------------------------------- helpers

def _pil():
    return pil_image('PIL images')


def _is_pil(img) -> bool:
    return type(img).__module__.startswith('PIL.') and hasattr(img, 'getbands')


def _check_pil(img) -> None:
    if not _is_pil(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def _check_tensor(img) -> None:
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if img.ndim < 2:
        raise TypeError("Tensor is not a torch image.")


def _is_tensor(img) -> bool:
    if isinstance(img, Tensor):
        _check_tensor(img)
        return True
    _check_pil(img)
    return False


def _max_value(dtype) -> float:
    if dtype.is_floating_point:
        return 1.0
    return float(np.iinfo(np.dtype(str(dtype).replace('torch.', ''))).max) if dtype != ember.bool else 1.0


def _as_batch(img: Tensor):
    """(..., C, H, W) -> float (N, C, H, W), and what undoes it."""
    shape, dtype = img.shape, img.dtype
    x = img.reshape(-1, *shape[-3:]) if img.ndim >= 3 else img.reshape(1, 1, *shape)
    if not dtype.is_floating_point:
        x = x.to(ember.float32)
    return x, (shape, dtype)


def _from_batch(x: Tensor, undo) -> Tensor:
    shape, dtype = undo
    if not dtype.is_floating_point:
        x = x.round().to(dtype)
    return x.reshape(*shape[:-2], *x.shape[-2:])


def _parse_fill(fill, img, name: str = 'fillcolor') -> dict:
    n = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and n > 1:
        fill = tuple([fill] * n)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * n
        elif len(fill) != n:
            raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the image "
                             f"({len(fill)} != {n})")
        fill = tuple(fill)
    if img.mode != 'F':
        fill = tuple(int(v) for v in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


# ------------------------------------------------------------------------------------------------------ conversions

def get_dimensions(img) -> list[int]:
    """[channels, height, width] of an image."""
    if _is_tensor(img):
        return [1 if img.ndim == 2 else img.shape[-3], img.shape[-2], img.shape[-1]]
    w, h = img.size
    return [len(img.getbands()), h, w]


def get_image_size(img) -> list[int]:
    """[width, height] of an image."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img) -> int:
    """The number of channels of an image."""
    return get_dimensions(img)[0]


def to_tensor(pic) -> Tensor:
    """A PIL image or an HWC ndarray as a CHW tensor; uint8 data is scaled to floats in [0, 1]."""
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        arr = np.ascontiguousarray(arr.transpose(2, 0, 1))
    elif _is_pil(pic):
        kind = {'I': np.int32, 'I;16': np.uint16, 'F': np.float32}.get(pic.mode, np.uint8)
        arr = np.array(pic, kind, copy=True)
        if pic.mode == '1':
            arr = arr * np.uint8(255)
        arr = np.ascontiguousarray(arr.reshape(pic.size[1], pic.size[0], len(pic.getbands())).transpose(2, 0, 1))
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    t = ember.from_numpy(arr)
    if arr.dtype == np.uint8:
        return t.to(ember.get_default_dtype()).div(255)
    return t


def pil_to_tensor(pic) -> Tensor:
    """A PIL image as a CHW tensor of its own dtype, unscaled."""
    _check_pil(pic)
    arr = np.array(pic, copy=True)
    arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    return ember.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


_MODES = {1: {np.uint8: 'L', np.int16: 'I;16', np.uint16: 'I;16', np.int32: 'I', np.float32: 'F'},
          2: ['LA'], 3: ['RGB', 'YCbCr', 'HSV'], 4: ['RGBA', 'CMYK', 'RGBX']}


def to_pil_image(pic, mode: str | None = None):
    """A CHW tensor or HWC ndarray as a PIL image; float tensors are scaled by 255 (truncating) unless mode 'F'."""
    Image = _pil()
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic.unsqueeze(0)
        if pic.shape[-3] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-3]} channels.")
        if pic.dtype.is_floating_point and mode != 'F':
            pic = pic.mul(255).to(ember.uint8)
        npimg = np.transpose(pic.detach().numpy(), (1, 2, 0))
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        npimg = pic[:, :, None] if pic.ndim == 2 else pic
        if npimg.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {npimg.shape[-1]} channels.")
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    c = npimg.shape[-1]
    if c == 1:
        npimg = npimg[:, :, 0]
        expected = _MODES[1].get(npimg.dtype.type)
        if mode is not None and expected is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {npimg.dtype}. Should be {expected}")
        mode = expected
    else:
        if mode is not None and mode not in _MODES[c]:
            raise ValueError(f"Only modes {_MODES[c]} are supported for {c}D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = _MODES[c][0]
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    h, w = npimg.shape[:2]
    if mode in ('I', 'F'):
        return Image.fromarray(np.ascontiguousarray(npimg.astype(np.int32 if mode == 'I' else np.float32)))
    if mode == 'I;16':
        return Image.frombytes(mode, (w, h), np.ascontiguousarray(npimg.astype('<u2')).tobytes())
    return Image.frombytes(mode, (w, h), np.ascontiguousarray(npimg.astype(np.uint8)).tobytes())


def convert_image_dtype(image: Tensor, dtype=ember.float32) -> Tensor:
    """Convert an image tensor to ``dtype``, rescaling between integer ranges and [0, 1] floats."""
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype == dtype:
        return image
    if image.dtype.is_floating_point:
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == ember.float32 and dtype in (ember.int32, ember.int64)) or (
                image.dtype == ember.float64 and dtype == ember.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        # 1 - eps keeps 1.0 inside the top bucket: 1.0 maps to max, not to max + 1.
        return image.mul(_max_value(dtype) + 1.0 - 1e-3).to(dtype)
    in_max = int(_max_value(image.dtype))
    if dtype.is_floating_point:
        return image.to(dtype) / in_max
    out_max = int(_max_value(dtype))
    if in_max > out_max:
        return ember.div(image, (in_max + 1) // (out_max + 1), rounding_mode='floor').to(dtype)
    return image.to(dtype) * ((out_max + 1) // (in_max + 1))


def normalize(tensor: Tensor, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> Tensor:
    """(tensor - mean) / std per channel of a float image tensor (..., C, H, W)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.dtype.is_floating_point:
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tensor.size()}")
    mean = ember.as_tensor(mean, dtype=tensor.dtype)
    std = ember.as_tensor(std, dtype=tensor.dtype)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    if inplace:
        return tensor.sub_(mean).div_(std)
    return tensor.sub(mean).div(std)


# ------------------------------------------------------------------------------------------------------ geometry

def _output_size(h: int, w: int, size, max_size) -> list[int]:
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return [int(size[0]), int(size[1])]
    short, long = (w, h) if w <= h else (h, w)
    if size is None:
        if max_size is None:
            raise ValueError("max_size must be an integer when size is None, but got None instead.")
        new_long = max_size
        new_short = int(max_size * short / long)
    else:
        req = size if isinstance(size, int) else size[0]
        new_short, new_long = req, int(req * long / short)
        if max_size is not None:
            if max_size <= req:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                                 f"smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if w <= h else [new_short, new_long]


def _aa_matrix(n_in: int, n_out: int, cubic: bool) -> np.ndarray:
    """(n_out, n_in) weights of PIL's / PyTorch's antialiased resampling (filter widened by the scale when
    shrinking, weights renormalised where the window leaves the image)."""
    scale = n_in / n_out
    support = (2.0 if cubic else 1.0) * max(scale, 1.0)
    inv = 1.0 / scale if scale >= 1.0 else 1.0
    center = scale * (np.arange(n_out) + 0.5)
    lo = np.maximum((center - support + 0.5).astype(np.int64), 0)
    hi = np.minimum((center + support + 0.5).astype(np.int64), n_in)
    j = np.arange(n_in)
    x = np.abs((j[None, :] - center[:, None] + 0.5) * inv)
    if cubic:
        a = -0.5
        w = np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1, np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0.0))
    else:
        w = np.maximum(1.0 - x, 0.0)
    w = np.where((j[None, :] >= lo[:, None]) & (j[None, :] < hi[:, None]), w, 0.0)
    total = w.sum(1, keepdims=True)
    return w / np.where(total == 0, 1.0, total)


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size: int | None = None,
           antialias: bool | None = True):
    """Resize to ``size`` (h, w), or make the shorter side ``size`` keeping the aspect ratio."""
    interpolation = _interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element "
                             f"tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, i.e. "
                             "size should be an int or a sequence of length 1 in torchscript mode.")
    elif size is not None and not isinstance(size, int):
        raise TypeError(f"Size should be int or sequence. Got {type(size)}")
    _, h, w = get_dimensions(img)
    oh, ow = _output_size(h, w, size, max_size)
    if not isinstance(img, Tensor):
        if antialias is False:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
        return img.resize((ow, oh), _PIL_RESAMPLE[interpolation])
    if interpolation not in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT, InterpolationMode.BILINEAR,
                             InterpolationMode.BICUBIC):
        raise ValueError("This interpolation mode is unsupported with Tensor input")
    x, undo = _as_batch(img)
    mode = interpolation.value
    if antialias and mode in ('bilinear', 'bicubic'):
        cubic = mode == 'bicubic'
        wh = ember.from_numpy(_aa_matrix(h, oh, cubic)).to(x.dtype)
        ww = ember.from_numpy(_aa_matrix(w, ow, cubic).T.copy()).to(x.dtype)
        x = wh @ x @ ww
    else:
        corners = False if mode in ('bilinear', 'bicubic') else None
        x = NF.interpolate(x, size=[oh, ow], mode=mode, align_corners=corners)
    if mode == 'bicubic' and undo[1] == ember.uint8:
        x = x.clamp(0, 255)
    return _from_batch(x, undo)


def _pad_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    return np.pad(np.arange(n), (before, after), mode=mode)  # NumPy's edge/reflect/symmetric are torchvision's


def _parse_padding(padding) -> list[int]:
    if isinstance(padding, int):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return list(padding)


def pad(img, padding, fill=0, padding_mode: str = 'constant'):
    """Pad the borders by ``padding`` (int, (lr, tb) or (l, t, r, b)) with a constant or edge/reflect/symmetric."""
    if not isinstance(padding, (numbers.Number, tuple, list)) or isinstance(padding, float):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ('constant', 'edge', 'reflect', 'symmetric'):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _parse_padding(padding)
    if isinstance(img, Tensor):
        _check_tensor(img)
        h, w = img.shape[-2:]
        # Negative padding crops.
        img = img[..., max(-top, 0):h - max(-bottom, 0), max(-left, 0):w - max(-right, 0)]
        left, top, right, bottom = max(left, 0), max(top, 0), max(right, 0), max(bottom, 0)
        if padding_mode != 'constant':
            h, w = img.shape[-2:]
            img = img.index_select(-2, ember.from_numpy(_pad_index(h, top, bottom, padding_mode)))
            return img.index_select(-1, ember.from_numpy(_pad_index(w, left, right, padding_mode)))
        if isinstance(fill, (tuple, list)):
            c = img.shape[-3]
            planes = [pad(img[..., i:i + 1, :, :], [left, top, right, bottom], fill[i if len(fill) > 1 else 0])
                      for i in range(c)]
            return ember.cat(planes, dim=-3)
        squeeze = img.ndim == 2
        x = img.unsqueeze(0) if squeeze else img
        y = NF.pad(x, [left, right, top, bottom], mode='constant', value=fill)
        return y.squeeze(0) if squeeze else y
    _check_pil(img)
    Image = _pil()
    if padding_mode == 'constant' and min(left, top, right, bottom) >= 0:
        from PIL import ImageOps
        if img.mode == 'P':
            palette = img.getpalette()
            out = ImageOps.expand(img, border=(left, top, right, bottom), **_parse_fill(fill, img, 'fill'))
            out.putpalette(palette)
            return out
        return ImageOps.expand(img, border=(left, top, right, bottom), **_parse_fill(fill, img, 'fill'))
    w, h = img.size
    if min(left, top, right, bottom) < 0:
        img = img.crop((max(-left, 0), max(-top, 0), w - max(-right, 0), h - max(-bottom, 0)))
        left, top, right, bottom = max(left, 0), max(top, 0), max(right, 0), max(bottom, 0)
        if padding_mode == 'constant':
            return pad(img, [left, top, right, bottom], fill, padding_mode)
    palette = img.getpalette() if img.mode == 'P' else None
    arr = np.asarray(img)
    widths = ((top, bottom), (left, right)) + (((0, 0),) if arr.ndim == 3 else ())
    out = Image.fromarray(np.pad(arr, widths, mode=padding_mode))
    if palette is not None:
        out.putpalette(palette)
    return out


def crop(img, top: int, left: int, height: int, width: int):
    """The region [top, top + height) x [left, left + width), zero-padded where it leaves the image."""
    if not isinstance(img, Tensor):
        _check_pil(img)
        return img.crop((left, top, left + width, top + height))
    _check_tensor(img)
    h, w = img.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0), max(right - w, 0), max(bottom - h, 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _setup_size(size, error_msg: str) -> tuple[int, int]:
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if not isinstance(size, Sequence) or len(size) != 2:
        raise ValueError(error_msg)
    return size[0], size[1]


def center_crop(img, output_size):
    """The central ``output_size`` region, zero-padded first when the image is smaller."""
    ch, cw = _setup_size(output_size, "Please provide only two dimensions (h, w) for size.")
    _, h, w = get_dimensions(img)
    if cw > w or ch > h:
        ltrb = [(cw - w) // 2 if cw > w else 0, (ch - h) // 2 if ch > h else 0,
                (cw - w + 1) // 2 if cw > w else 0, (ch - h + 1) // 2 if ch > h else 0]
        img = pad(img, ltrb, fill=0)
        _, h, w = get_dimensions(img)
        if cw == w and ch == h:
            return img
    return crop(img, int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0)), ch, cw)


def resized_crop(img, top: int, left: int, height: int, width: int, size, interpolation=InterpolationMode.BILINEAR,
                 antialias: bool | None = True):
    """crop followed by resize."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    """Mirror left-right."""
    if _is_tensor(img):
        return img.flip(-1)
    return img.transpose(_pil().Transpose.FLIP_LEFT_RIGHT)


def vflip(img):
    """Mirror top-bottom."""
    if _is_tensor(img):
        return img.flip(-2)
    return img.transpose(_pil().Transpose.FLIP_TOP_BOTTOM)


def five_crop(img, size):
    """The four corner crops and the central crop of ``size``."""
    ch, cw = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
    _, h, w = get_dimensions(img)
    if ch > h or cw > w:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(h, w)}")
    return (crop(img, 0, 0, ch, cw), crop(img, 0, w - cw, ch, cw), crop(img, h - ch, 0, ch, cw),
            crop(img, h - ch, w - cw, ch, cw), center_crop(img, [ch, cw]))


def ten_crop(img, size, vertical_flip: bool = False):
    """five_crop of the image and of its (horizontally or vertically) flipped copy."""
    first = five_crop(img, size)
    return first + five_crop(vflip(img) if vertical_flip else hflip(img), size)


def _inverse_affine_matrix(center, angle: float, translate, scale: float, shear) -> list[float]:
    """The 2x3 matrix taking output pixel coordinates back to input ones, for
    output = T(translate) C R(angle) S(shear) Scale C^-1 input (C the centre)."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [v / scale for v in (d, -b, 0.0, -c, a, 0.0)]
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy
    return m


def _affine_grid(theta: np.ndarray, w: int, h: int, ow: int, oh: int) -> np.ndarray:
    """Sampling grid (1, oh, ow, 2) in grid_sample's [-1, 1] coordinates for a matrix on centred pixel coords."""
    xs = np.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, ow)
    ys = np.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, oh)
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], 1.0), -1)
    return (base @ (theta.T / np.array([0.5 * w, 0.5 * h])))[None]


def _apply_grid(img: Tensor, grid: np.ndarray, mode: str, fill) -> Tensor:
    x, undo = _as_batch(img)
    g = ember.from_numpy(grid).to(x.dtype).expand(x.shape[0], *grid.shape[1:])
    if fill is not None:
        x = ember.cat([x, ember.ones_like(x[:, :1])], dim=1)
    y = NF.grid_sample(x, g, mode=mode, padding_mode='zeros', align_corners=False)
    if fill is not None:
        y, mask = y[:, :-1], y[:, -1:].expand(y.shape[0], y.shape[1] - 1, *y.shape[2:])
        vals = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        f = ember.tensor(vals, dtype=y.dtype).view(1, len(vals), 1, 1).expand_as(y)
        y = ember.where(mask < 0.5, f, y) if mode == 'nearest' else y * mask + (1.0 - mask) * f
    return _from_batch(y, undo)


def _tensor_mode(interpolation: InterpolationMode) -> str:
    if interpolation not in (InterpolationMode.NEAREST, InterpolationMode.BILINEAR):
        raise ValueError(f"Interpolation mode '{interpolation.value}' is unsupported with Tensor input")
    return interpolation.value


def rotate(img, angle: float, interpolation=InterpolationMode.NEAREST, expand: bool = False, center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (the image centre by default)."""
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    interpolation = _interpolation(interpolation)
    if not _is_tensor(img):
        return img.rotate(angle, _PIL_RESAMPLE[interpolation], expand, center, **_parse_fill(fill, img))
    _, h, w = get_dimensions(img)
    center_f = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, [w, h])]
    m = _inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    ow, oh = w, h
    if expand:
        pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0],
                        [0.5 * w, -0.5 * h, 1.0]])
        new = pts @ np.array(m).reshape(2, 3).T
        tol = 1e-4  # absorbs rounding so 90-degree rotations give exact sizes
        hi = np.ceil(np.trunc(new.max(0) / tol) * tol)
        lo = np.floor(np.trunc(new.min(0) / tol) * tol)
        ow, oh = (int(v) for v in hi - lo)
    grid = _affine_grid(np.array(m).reshape(2, 3), w, h, ow, oh)
    return _apply_grid(img, grid, _tensor_mode(interpolation), fill)


def affine(img, angle: float, translate, scale: float, shear, interpolation=InterpolationMode.NEAREST, fill=None,
           center=None):
    """Rotate, translate, scale and shear about ``center``, keeping the image size."""
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    interpolation = _interpolation(interpolation)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    if isinstance(shear, tuple):
        shear = list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    _, h, w = get_dimensions(img)
    if not isinstance(img, Tensor):
        c = [w * 0.5, h * 0.5] if center is None else center
        m = _inverse_affine_matrix(c, angle, translate, scale, shear)
        return img.transform((w, h), _pil().Transform.AFFINE, m, _PIL_RESAMPLE[interpolation],
                             **_parse_fill(fill, img))
    center_f = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, [w, h])]
    m = _inverse_affine_matrix(center_f, angle, [float(t) for t in translate], scale, shear)
    return _apply_grid(img, _affine_grid(np.array(m).reshape(2, 3), w, h, w, h), _tensor_mode(interpolation), fill)


def _perspective_coeffs(startpoints, endpoints) -> list[float]:
    a = np.zeros((8, 8))
    for i, ((sx, sy), (ex, ey)) in enumerate(zip(startpoints, endpoints)):
        a[2 * i] = [ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey]
        a[2 * i + 1] = [0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey]
    b = np.asarray(startpoints, dtype=np.float64).reshape(8)
    return np.linalg.lstsq(a, b, rcond=None)[0].astype(np.float32).tolist()


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """The perspective warp that moves the four ``startpoints`` to ``endpoints`` ([x, y] each)."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide only four corners for startpoints and endpoints, got {len(startpoints)} "
                         f"and {len(endpoints)}")
    interpolation = _interpolation(interpolation)
    co = _perspective_coeffs(startpoints, endpoints)
    if not _is_tensor(img):
        return img.transform(img.size, _pil().Transform.PERSPECTIVE, co, _PIL_RESAMPLE[interpolation],
                             **_parse_fill(fill, img))
    _, h, w = get_dimensions(img)
    xs = np.linspace(0.5, w - 0.5, w)
    ys = np.linspace(0.5, h - 0.5, h)
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], 1.0), -1).astype(np.float32)
    t1 = np.array([[co[0], co[1], co[2]], [co[3], co[4], co[5]]], dtype=np.float32)
    t2 = np.array([[co[6], co[7], 1.0], [co[6], co[7], 1.0]], dtype=np.float32)
    grid = (base @ (t1.T / np.array([0.5 * w, 0.5 * h], dtype=np.float32))) / (base @ t2.T) - 1.0
    return _apply_grid(img, grid[None], _tensor_mode(interpolation), fill)


# ------------------------------------------------------------------------------------------------ blur, erase

def _gaussian_kernel1d(k: int, sigma: float) -> np.ndarray:
    half = (k - 1) * 0.5
    pdf = np.exp(-0.5 * (np.linspace(-half, half, k, dtype=np.float32) / np.float32(sigma)) ** 2)
    return pdf / pdf.sum()


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel of odd ``kernel_size`` and ``sigma`` (reflect-padded borders)."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for k in kernel_size:
        if k % 2 == 0 or k < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if sigma is not None and not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    if not _is_tensor(img):
        return to_pil_image(gaussian_blur(pil_to_tensor(img), kernel_size, sigma), mode=img.mode)
    x, undo = _as_batch(img)
    kx, ky = _gaussian_kernel1d(kernel_size[0], sigma[0]), _gaussian_kernel1d(kernel_size[1], sigma[1])
    c = x.shape[1]
    kernel = ember.from_numpy(np.broadcast_to(np.outer(ky, kx), (c, 1, *np.outer(ky, kx).shape)).copy()).to(x.dtype)
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    x = NF.pad(x, [px, px, py, py], mode='reflect')
    return _from_batch(NF.conv2d(x, kernel, groups=c), undo)


def erase(img: Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False) -> Tensor:
    """Overwrite the region [i, i + h) x [j, j + w) with ``v``."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img


# The colour adjustments live in ``_color`` (which imports this module's helpers, hence the import down here).
from ._color import (adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue, adjust_saturation,  # noqa: E402
                     adjust_sharpness, autocontrast, equalize, invert, posterize, rgb_to_grayscale, solarize,
                     to_grayscale)
