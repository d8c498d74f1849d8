"""Shared pieces of the checkpoint formats: storage type names, alignment, legacy magic, the refusal error."""
from __future__ import annotations

import pickle

from .. import _dtype as D


_STORAGE_NAMES = {D.float32: 'FloatStorage', D.float64: 'DoubleStorage', D.float16: 'HalfStorage',
                  D.bfloat16: 'BFloat16Storage', D.int64: 'LongStorage', D.int32: 'IntStorage',
                  D.int16: 'ShortStorage', D.int8: 'CharStorage', D.uint8: 'ByteStorage', D.bool_: 'BoolStorage',
                  D.complex64: 'ComplexFloatStorage', D.complex128: 'ComplexDoubleStorage'}
_STORAGE_DTYPES = {v: k for k, v in _STORAGE_NAMES.items()}
_ALIGN = 64
_LEGACY_MAGIC = 0x1950a86a20f9469cfc6c
_LEGACY_PROTOCOL = 1001


def _parameter_type():
    from ..nn.parameter import Parameter
    return Parameter


class UnpicklingError(pickle.UnpicklingError):
    """A checkpoint was refused by the safe loader: a global, opcode or structure outside the allowlist."""


def _describe(obj) -> str:
    if isinstance(obj, type):
        return f"class {obj.__module__}.{obj.__qualname__}"
    return f"a {type(obj).__name__}"
