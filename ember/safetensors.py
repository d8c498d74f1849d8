"""``ember.safetensors``: the safetensors format, written and read in pure Python (no ``safetensors`` package).

A file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON padded with spaces to a multiple of 8 --
``{"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}`` -- then
the tensors' little-endian bytes packed back to back (offsets count from the end of the header). Like the reference
implementation, tensors are laid out by dtype (widest first) then name, and a header is refused unless its offsets
tile the data exactly. Nothing in a file is ever executed: it is JSON and raw numbers.

F8_E4M3 / F8_E5M2 tensors need ml_dtypes; ember has no float8 dtype, so they load as NumPy arrays.
"""
from __future__ import annotations

import json
import mmap
import os
import struct

import numpy as np

from . import _dtype as D
from ._tensor import Tensor

MAX_HEADER_SIZE = 100_000_000

# The reference orders dtypes like this (ascending); files put the last ones first.
_ORDER = ('BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64',
          'I64', 'U64')
_RANK = {code: i for i, code in enumerate(_ORDER)}
_EMBER = {'BOOL': D.bool_, 'U8': D.uint8, 'I8': D.int8, 'I16': D.int16, 'U16': D.uint16, 'F16': D.float16,
          'BF16': D.bfloat16, 'I32': D.int32, 'U32': D.uint32, 'F32': D.float32, 'C64': D.complex64, 'F64': D.float64,
          'I64': D.int64, 'U64': D.uint64}
_CODE = {dt: code for code, dt in _EMBER.items()}
_FLOAT8 = {'F8_E4M3': 'float8_e4m3fn', 'F8_E5M2': 'float8_e5m2'}
_ITEMSIZE = {code: (1 if code in _FLOAT8 else _EMBER[code].itemsize) for code in _ORDER}


class SafetensorError(Exception):
    """A safetensors file or buffer is malformed (the reference package's exception of the same name)."""


def _np_dtype(code: str) -> np.dtype:
    if code in _FLOAT8:
        try:
            import ml_dtypes
        except ImportError:
            raise SafetensorError(f"{code} tensors need the ml_dtypes package: pip install ml_dtypes") from None
        return np.dtype(getattr(ml_dtypes, _FLOAT8[code]))
    dt = _EMBER[code].np
    return dt.newbyteorder('<') if dt.itemsize > 1 and dt.byteorder in '=|' and dt.kind in 'iufc' else dt


def _code_of(name: str, value) -> str:
    if isinstance(value, Tensor):
        code = _CODE.get(value.dtype)
        if code is None:
            raise ValueError(f"Key `{name}`: dtype {value.dtype} cannot be stored in safetensors")
        return code
    for code, np_name in _FLOAT8.items():
        if value.dtype.name == np_name:
            return code
    try:
        code = _CODE.get(D.from_numpy_dtype(value.dtype))
    except TypeError:
        code = None
    if code is None:
        raise ValueError(f"Key `{name}`: NumPy dtype {value.dtype} cannot be stored in safetensors")
    return code


def _root(arr: np.ndarray) -> np.ndarray:
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def _span(arr: np.ndarray) -> tuple:
    start = arr.__array_interface__['data'][0]
    return start, start + arr.nbytes


def _shared_groups(tensors: dict) -> list:
    """Sets of names whose tensors overlap in memory (the same storage, overlapping bytes)."""
    by_root: dict = {}
    for name, t in tensors.items():
        if isinstance(t, Tensor) and t.device.type == 'cpu' and t.numel():
            by_root.setdefault(id(_root(t._data)), []).append((_span(t._data), name))
    groups = []
    for spans in by_root.values():
        spans.sort()
        group, end = None, -1
        for (lo, hi), name in spans:
            if group is not None and lo < end:
                group.add(name)
                end = max(end, hi)
            else:
                if group is not None and len(group) > 1:
                    groups.append(group)
                group, end = {name}, hi
        if group is not None and len(group) > 1:
            groups.append(group)
    return groups


def _entries(tensors) -> list:
    """(name, code, shape, contiguous little-endian array) for each tensor, checked like the reference."""
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
    out = []
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise ValueError(f"Key `{name}` is invalid, expected a str name but received {type(name)}")
        if isinstance(value, Tensor):
            if not value.is_contiguous():
                raise ValueError(f"You are trying to save a non contiguous tensor: `{name}` which is not allowed. It "
                                 "either means you are trying to save tensors which are reference of each other in "
                                 "which case it's recommended to save only the full tensors, and reslice at load "
                                 "time, or simply call `.contiguous()` on your tensor to pack it before saving.")
            arr = value.detach()._host()
        elif isinstance(value, np.ndarray):
            arr = np.ascontiguousarray(value)
        else:
            raise ValueError(f"Key `{name}` is invalid, expected torch.Tensor but received {type(value)}")
        out.append((name, _code_of(name, value), tuple(int(s) for s in arr.shape), arr))
    shared = _shared_groups(tensors)
    if shared:
        raise RuntimeError(f"Some tensors share memory, this will lead to duplicate memory on disk and potential "
                           f"differences when loading them again: {shared}. A potential way to correctly save your "
                           "model is to use `save_model`. More information at "
                           "https://huggingface.co/docs/safetensors/torch_shared_tensors")
    out.sort(key=lambda e: (-_RANK[e[1]], e[0]))
    return out


def _header(entries: list, metadata) -> bytes:
    header: dict = {}
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                     for k, v in metadata.items()):
            raise TypeError(f"argument 'metadata': expected a dict of str to str, got {metadata!r}")
        header['__metadata__'] = metadata
    offset = 0
    for name, code, shape, arr in entries:
        header[name] = {'dtype': code, 'shape': list(shape), 'data_offsets': [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    text = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text


def _raw(arr: np.ndarray) -> memoryview:
    if arr.dtype.byteorder == '>':
        arr = arr.astype(arr.dtype.newbyteorder('<'))
    return memoryview(arr.reshape(-1).view(np.uint8))


def save(tensors: dict, metadata: dict | None = None) -> bytes:
    """The safetensors bytes of a dict of name -> tensor (and optional str -> str metadata)."""
    entries = _entries(tensors)
    parts = [_header(entries, metadata)] + [_raw(e[3]) for e in entries]
    return b''.join(parts)


def save_file(tensors: dict, filename, metadata: dict | None = None) -> None:
    """Write a dict of name -> tensor to a safetensors file."""
    entries = _entries(tensors)
    with open(filename, 'wb') as fh:
        fh.write(_header(entries, metadata))
        for e in entries:
            fh.write(_raw(e[3]))


# ------------------------------------------------------------------------------------------------------ reading

def _parse(size: int, read, where: str) -> tuple:
    """Validate a header; return (metadata, {name: (code, shape, begin, end)} in offset order, data start)."""
    def bad(what):
        return SafetensorError(f"Error while deserializing header of {where}: {what}")
    if size < 8:
        raise bad(f"header too small: {size} bytes, the header length alone takes 8")
    n = struct.unpack('<Q', read(0, 8))[0]
    if n > MAX_HEADER_SIZE:
        raise bad(f"header too large: {n} bytes (the limit is {MAX_HEADER_SIZE})")
    if 8 + n > size:
        raise bad(f"invalid header length {n}: the file holds only {size - 8} bytes after it")
    try:
        header = json.loads(read(8, n).decode('utf-8'))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise bad(f"invalid JSON in header: {e}") from None
    if not isinstance(header, dict):
        raise bad(f"the header is a JSON {type(header).__name__}, not an object")
    metadata = header.pop('__metadata__', None)
    if metadata is not None and (not isinstance(metadata, dict) or
                                 not all(isinstance(v, str) for v in metadata.values())):
        raise bad("__metadata__ must map strings to strings")
    infos = {}
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {'dtype', 'shape', 'data_offsets'}:
            raise bad(f"tensor {name!r} must have exactly 'dtype', 'shape' and 'data_offsets', got {info!r}")
        code, shape, offsets = info['dtype'], info['shape'], info['data_offsets']
        if code not in _RANK:
            raise bad(f"tensor {name!r} has unknown dtype {code!r}")
        if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape):
            raise bad(f"tensor {name!r} has invalid shape {shape!r}")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(type(o) is int for o in offsets) or \
                not 0 <= offsets[0] <= offsets[1]:
            raise bad(f"tensor {name!r} has invalid data_offsets {offsets!r}")
        nbytes = _ITEMSIZE[code] * int(np.prod(shape, dtype=object))
        if offsets[1] - offsets[0] != nbytes:
            raise bad(f"tensor {name!r} of dtype {code} and shape {shape} needs {nbytes} bytes but its "
                      f"data_offsets {offsets} span {offsets[1] - offsets[0]}")
        infos[name] = (code, tuple(shape), offsets[0], offsets[1])
    ordered = dict(sorted(infos.items(), key=lambda kv: (kv[1][2], kv[1][3])))
    end = 0
    for name, (_, _, begin, stop) in ordered.items():
        if begin != end:
            raise bad(f"invalid offset for tensor {name!r}: it starts at {begin}, but the previous tensor ends at "
                      f"{end} (tensors overlap or leave a gap)")
        end = stop
    if end != size - 8 - n:
        raise bad(f"the tensors cover {end} bytes of data but the buffer holds {size - 8 - n} (metadata "
                  "incomplete buffer)")
    return metadata, ordered, 8 + n


def _as_output(arr: np.ndarray, code: str, framework: str, device):
    if framework == 'np' or code in _FLOAT8:
        return arr
    t = Tensor._wrap(arr, dtype=_EMBER[code])
    dev = str(device)
    return t if dev == 'cpu' else t.to(dev)


def _framework(framework: str) -> str:
    if framework in ('pt', 'torch', 'ember'):
        return 'pt'
    if framework in ('np', 'numpy'):
        return 'np'
    raise ValueError(f"framework {framework!r} is not supported by ember.safetensors (use 'pt' or 'np')")


def load(data: bytes, device='cpu') -> dict:
    """The tensors stored in safetensors bytes, by name in file order."""
    data = bytes(data)
    _, infos, start = _parse(len(data), lambda at, n: data[at:at + n], '<bytes>')
    out = {}
    for name, (code, shape, begin, end) in infos.items():
        arr = np.frombuffer(data, _np_dtype(code), (end - begin) // _ITEMSIZE[code], start + begin).copy()
        out[name] = _as_output(arr.reshape(shape), code, 'pt', device)
    return out


def load_file(filename, device='cpu') -> dict:
    """The tensors stored in a safetensors file, by name in file order (each read into its own memory)."""
    with open(filename, 'rb') as fh:
        size = os.fstat(fh.fileno()).st_size

        def read(at, n):
            fh.seek(at)
            return fh.read(n)
        _, infos, start = _parse(size, read, os.fspath(filename))
        out = {}
        fh.seek(start)
        for name, (code, shape, begin, end) in infos.items():  # offset order: one sequential pass
            arr = np.empty(shape, _np_dtype(code))
            if arr.nbytes and fh.readinto(memoryview(arr.reshape(-1).view(np.uint8))) != arr.nbytes:
                raise SafetensorError(f"{filename}: tensor {name!r} is truncated")
            out[name] = _as_output(arr, code, 'pt', device)
    return out


class safe_open:
    """Open a safetensors file lazily: the header is read at once, each tensor (or slice of one) on demand from a
    memory map of the file. Use as a context manager."""

    def __init__(self, filename, framework: str = 'pt', device='cpu'):
        self._framework, self._device, self._name = _framework(framework), device, os.fspath(filename)
        with open(filename, 'rb') as fh:
            size = os.fstat(fh.fileno()).st_size
            self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b''
        try:
            self._metadata, self._infos, self._start = _parse(size, lambda at, n: bytes(self._mm[at:at + n]),
                                                              self._name)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> 'safe_open':
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if isinstance(self._mm, mmap.mmap):
            try:
                self._mm.close()
            except BufferError:  # a view of it is still alive: the map goes when that view does
                pass
        self._mm = None

    def keys(self) -> list:
        return sorted(self._infos)

    def offset_keys(self) -> list:
        return list(self._infos)

    def metadata(self) -> dict | None:
        return self._metadata

    def _view(self, name: str) -> tuple:
        if self._mm is None:
            raise SafetensorError(f"{self._name} is closed")
        info = self._infos.get(name)
        if info is None:
            raise SafetensorError(f"File does not contain tensor {name}")
        code, shape, begin, end = info
        arr = np.frombuffer(self._mm, _np_dtype(code), (end - begin) // _ITEMSIZE[code], self._start + begin) \
            if end > begin else np.empty(0, _np_dtype(code))
        return arr.reshape(shape), code

    def get_tensor(self, name: str):
        view, code = self._view(name)
        return _as_output(np.array(view), code, self._framework, self._device)

    def get_slice(self, name: str) -> '_Slice':
        self._view(name)
        return _Slice(self, name)


class _Slice:
    """One tensor of an open file, read only where it is indexed (basic indexing: ints, slices, ...)."""

    def __init__(self, owner: safe_open, name: str):
        self._owner, self._name = owner, name
        self._code, self._shape = owner._infos[name][0], list(owner._infos[name][1])

    def get_shape(self) -> list:
        return list(self._shape)

    def get_dtype(self) -> str:
        return self._code

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def __getitem__(self, index):
        items = index if isinstance(index, tuple) else (index,)
        if not all(isinstance(i, (int, slice)) or i is Ellipsis for i in items):
            raise TypeError(f"safetensors slices take ints, slices and ..., not {index!r}")
        view, code = self._owner._view(self._name)
        try:
            part = view[index]
        except IndexError as e:
            raise SafetensorError(f"cannot slice tensor {self._name!r} of shape {self._shape} with {index!r}: "
                                  f"{e}") from None
        return _as_output(np.array(part), code, self._owner._framework, self._owner._device)


# ------------------------------------------------------------------------------------------------------ modules

def _is_complete(t: Tensor) -> bool:
    root = _root(t._data)
    return _span(t._data)[0] == _span(root)[0] and t._data.nbytes == root.nbytes


def _duplicates(state_dict: dict, preferred=None) -> dict:
    """For each group of state-dict entries that share memory, the name to keep -> the names to drop. The kept
    name covers its whole storage; among those, a preferred name, else the first in sorted order."""
    out = {}
    for group in _shared_groups(state_dict):
        complete = {n for n in group if _is_complete(state_dict[n])}
        if not complete:
            raise RuntimeError(f"Error while trying to find names to remove to save state dict, but found no "
                               f"suitable name to keep for saving amongst: {group}. None is covering the entire "
                               "storage. Refusing to save/load the model since you could be storing much more "
                               "memory than needed.")
        keep = sorted(complete)[0]
        if preferred:
            chosen = sorted(complete & set(preferred))
            if chosen:
                keep = chosen[0]
        out[keep] = sorted(n for n in group if n != keep)
    return out


def save_model(model, filename, metadata: dict | None = None, force_contiguous: bool = False) -> None:
    """Save a module's state dict, writing shared (tied) tensors once; the dropped names are recorded in the
    metadata (dropped name -> kept name) and restored by ``load_model``."""
    state_dict = model.state_dict()
    for keep, dropped in _duplicates(state_dict).items():
        for name in dropped:
            metadata = {} if metadata is None else metadata
            metadata.setdefault(name, keep)
            del state_dict[name]
    if force_contiguous:
        state_dict = {k: v.contiguous() for k, v in state_dict.items()}
    try:
        save_file(state_dict, filename, metadata=metadata)
    except ValueError as e:
        raise ValueError(f"{e} Or use save_model(..., force_contiguous=True), read the docs for potential "
                         "caveats.") from None


def load_model(model, filename, strict: bool = True, device='cpu') -> tuple:
    """Load a safetensors file into a module; names the file dropped as duplicates of shared tensors are not
    reported missing. Returns (missing, unexpected) key lists; with ``strict``, raises if either is non-empty."""
    state_dict = load_file(filename, device=device)
    duplicates = _duplicates(model.state_dict(), preferred=state_dict.keys())
    missing, unexpected = model.load_state_dict(state_dict, strict=False)
    missing, unexpected = set(missing), list(unexpected)
    for dropped in duplicates.values():
        for name in dropped:
            if name in missing:
                missing.remove(name)
            else:
                unexpected.append(name)
    if strict and (missing or unexpected):
        error = f"Error(s) in loading state_dict for {type(model).__name__}:"
        if missing:
            error += f"\n    Missing key(s) in state_dict: {', '.join(repr(k) for k in sorted(missing))}"
        if unexpected:
            error += f"\n    Unexpected key(s) in state_dict: {', '.join(repr(k) for k in sorted(unexpected))}"
        raise RuntimeError(error)
    return sorted(missing), unexpected


__all__ = ['save', 'save_file', 'load', 'load_file', 'safe_open', 'save_model', 'load_model', 'SafetensorError']
