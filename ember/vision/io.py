"""Reading and writing images as uint8 CHW tensors (``torchvision.io``), through Pillow."""
from __future__ import annotations

import enum
import io as _io
import os

import numpy as np

import ember
from ._optional import pil_image, require

__all__ = ['ImageReadMode', 'read_file', 'write_file', 'decode_image', 'decode_png', 'decode_jpeg', 'read_image',
           'encode_png', 'write_png', 'encode_jpeg', 'write_jpeg']


class ImageReadMode(enum.Enum):
    """How to convert a decoded image: keep its channels, or make it gray, gray+alpha, RGB or RGB+alpha."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4


_PIL_MODE = {ImageReadMode.GRAY: 'L', ImageReadMode.GRAY_ALPHA: 'LA', ImageReadMode.RGB: 'RGB',
             ImageReadMode.RGB_ALPHA: 'RGBA'}
_MODE_ALIASES = {'RGBA': ImageReadMode.RGB_ALPHA, 'L': ImageReadMode.GRAY, 'LA': ImageReadMode.GRAY_ALPHA}


def _mode(mode) -> ImageReadMode:
    if isinstance(mode, ImageReadMode):
        return mode
    if isinstance(mode, str):
        key = mode.upper()
        if key in _MODE_ALIASES:
            return _MODE_ALIASES[key]
        if key in ImageReadMode.__members__:
            return ImageReadMode[key]
    raise ValueError(f"Invalid mode {mode!r}: expected an ImageReadMode or one of 'UNCHANGED', 'GRAY', 'GRAY_ALPHA', "
                     f"'RGB', 'RGB_ALPHA'")


def read_file(path: str | os.PathLike) -> ember.Tensor:
    """The bytes of a file as a 1-D uint8 tensor."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as err:
        raise RuntimeError(f"read_file: cannot read {os.fspath(path)}: {err.strerror}") from err
    return ember.from_numpy(np.frombuffer(bytearray(data), np.uint8))


def write_file(filename: str | os.PathLike, data: ember.Tensor) -> None:
    """Write a 1-D uint8 tensor's bytes to a file."""
    _check_bytes(data, 'write_file')
    with open(filename, 'wb') as f:
        f.write(data.numpy().tobytes())


def _check_bytes(data, fn: str) -> None:
    if not isinstance(data, ember.Tensor):
        raise TypeError(f"{fn}: expected a Tensor, got {type(data).__name__}")
    if data.dtype != ember.uint8:
        raise RuntimeError("Expected a torch.uint8 tensor")
    if data.ndim != 1:
        raise RuntimeError("Expected a one dimensional tensor")


def _to_tensor(img) -> ember.Tensor:
    if img.mode in ('I;16', 'I;16B', 'I;16L'):
        arr = np.asarray(img, dtype=np.uint16)
    else:
        arr = np.asarray(img)
    if arr.ndim == 2:
        arr = arr[None]
    else:
        arr = arr.transpose(2, 0, 1)
    return ember.from_numpy(np.ascontiguousarray(arr))


def _decode(data, mode, apply_exif_orientation: bool, fn: str) -> ember.Tensor:
    Image = pil_image(fn)
    if isinstance(data, (str, os.PathLike)):
        data = read_file(data)
    _check_bytes(data, fn)
    mode = _mode(mode)
    try:
        img = Image.open(_io.BytesIO(data.numpy().tobytes()))
        img.load()
    except Exception as err:  # Pillow raises several kinds for undecodable data
        raise RuntimeError(f"{fn}: the data is not an image Pillow can decode ({err})") from err
    if apply_exif_orientation:
        img = require('PIL.ImageOps', 'vision', 'Pillow', fn).exif_transpose(img)
    if mode is ImageReadMode.UNCHANGED:
        if img.mode == 'P':
            img = img.convert('RGBA' if 'transparency' in img.info else 'RGB')
        elif img.mode == '1':
            img = img.convert('L')
        elif img.mode in ('CMYK', 'YCbCr'):
            img = img.convert('RGB')
        elif img.mode == 'PA':
            img = img.convert('RGBA')
    elif img.mode != _PIL_MODE[mode]:
        img = img.convert(_PIL_MODE[mode])
    return _to_tensor(img)


def decode_image(input, mode: ImageReadMode = ImageReadMode.UNCHANGED,
                 apply_exif_orientation: bool = False) -> ember.Tensor:
    """Decode image bytes (a 1-D uint8 tensor, or a path) into a uint8 (C, H, W) tensor (uint16 for 16-bit PNGs)."""
    return _decode(input, mode, apply_exif_orientation, 'decode_image')


def decode_png(input, mode: ImageReadMode = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> ember.Tensor:
    """Decode PNG bytes into a (C, H, W) tensor."""
    return _decode(input, mode, apply_exif_orientation, 'decode_png')


def decode_jpeg(input, mode: ImageReadMode = ImageReadMode.UNCHANGED, device='cpu',
                apply_exif_orientation: bool = False):
    """Decode JPEG bytes (or a list of them) into uint8 (C, H, W) tensors."""
    if isinstance(input, (list, tuple)):
        return [_decode(x, mode, apply_exif_orientation, 'decode_jpeg').to(device) for x in input]
    return _decode(input, mode, apply_exif_orientation, 'decode_jpeg').to(device)


def read_image(path: str | os.PathLike, mode: ImageReadMode = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> ember.Tensor:
    """Read a PNG/JPEG/... file into a uint8 (C, H, W) tensor."""
    return _decode(read_file(path), mode, apply_exif_orientation, 'read_image')


def _to_pil(input, fn: str, channels: tuple[int, ...]):
    Image = pil_image(fn)
    if not isinstance(input, ember.Tensor):
        raise TypeError(f"{fn}: expected a Tensor, got {type(input).__name__}")
    if input.dtype != ember.uint8:
        raise RuntimeError(f"Input tensor dtype should be uint8, got {input.dtype}")
    if input.ndim != 3:
        raise RuntimeError(f"Input data should be a 3-dimensional tensor, got {input.ndim} dims.")
    if input.shape[0] not in channels:
        raise RuntimeError(f"The number of channels should be {' or '.join(map(str, channels))}, "
                           f"got: {input.shape[0]}")
    arr = np.ascontiguousarray(input.numpy().transpose(1, 2, 0))
    return Image.fromarray(arr[:, :, 0] if arr.shape[2] == 1 else arr)


def _encode(img, **params) -> ember.Tensor:
    buf = _io.BytesIO()
    img.save(buf, **params)
    return ember.from_numpy(np.frombuffer(bytearray(buf.getvalue()), np.uint8))


def encode_png(input: ember.Tensor, compression_level: int = 6) -> ember.Tensor:
    """Encode a uint8 (C, H, W) tensor (C = 1, 3 or 4) as PNG bytes in a 1-D uint8 tensor."""
    if not 0 <= compression_level <= 9:
        raise RuntimeError("Compression level should be between 0 and 9")
    return _encode(_to_pil(input, 'encode_png', (1, 3, 4)), format='PNG', compress_level=compression_level)


def write_png(input: ember.Tensor, filename: str | os.PathLike, compression_level: int = 6) -> None:
    """Write a uint8 (C, H, W) tensor to a PNG file."""
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality: int = 75):
    """Encode a uint8 (C, H, W) tensor (C = 1 or 3), or a list of them, as JPEG bytes."""
    if not 1 <= quality <= 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, (list, tuple)):
        return [encode_jpeg(x, quality) for x in input]
    return _encode(_to_pil(input, 'encode_jpeg', (1, 3)), format='JPEG', quality=quality)


def write_jpeg(input: ember.Tensor, filename: str | os.PathLike, quality: int = 75) -> None:
    """Write a uint8 (C, H, W) tensor to a JPEG file."""
    write_file(filename, encode_jpeg(input, quality))
