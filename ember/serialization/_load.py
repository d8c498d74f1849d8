"""Reading checkpoints: the zip format (with optional mmap) and the legacy format, and ``load``."""
from __future__ import annotations

import contextlib
import mmap as _mmap
import os
import pickle
import pickletools
import re
import struct
import sys
import warnings
import zipfile

import numpy as np

from .. import _dtype as D
from .._device import device as Device
from .._tensor import Tensor
from ._common import UnpicklingError, _LEGACY_MAGIC, _LEGACY_PROTOCOL, _describe
from ._rebuild import _Block, _StorageRef
from ._unpickler import (_USER_SAFE_GLOBALS, _FullUnpickler, _SafeUnpickler, _StorageType, _globals_in, _safe_table,
                         _scan)


def get_unsafe_globals_in_checkpoint(f) -> list:
    """The globals a checkpoint names that ``weights_only=True`` loading would refuse."""
    with _open_source(f, mmap=False) as (fh, name):
        if fh.read(4) != b'PK\x03\x04':
            raise RuntimeError(f"{name}: get_unsafe_globals_in_checkpoint reads only the zip checkpoint format")
        fh.seek(0)
        with _open_zip(fh, name) as zf:
            data = _read_member(zf, _archive_prefix(zf, name) + 'data.pkl', name)
    table = _safe_table()
    return sorted({g for g in _globals_in(data, name, False) if g not in table and g not in _USER_SAFE_GLOBALS})


# ------------------------------------------------------------------------------------------------------ loading

def _target_location(map_location, location: str):
    if map_location is None or callable(map_location) and not isinstance(map_location, (str, dict, Device)):
        return location
    if isinstance(map_location, dict):
        return str(map_location.get(location, location))
    return str(map_location)


def _place(raw, location: str, map_location):
    """Put a storage's bytes where ``map_location`` says (PyTorch's rules: device, string, dict or callable)."""
    if callable(map_location) and not isinstance(map_location, (str, dict, Device)):
        moved = map_location(Tensor._wrap(raw), location)
        if moved is not None:
            if not isinstance(moved, Tensor) or moved.dtype is not D.uint8 or moved.shape != (raw.size,):
                raise RuntimeError("map_location must return the storage it was given (a uint8 tensor of its "
                                   f"bytes), moved to a device, or None; got {_describe(moved)}")
            return moved._data
    target = _target_location(map_location, location)
    if target == 'cpu':
        return raw
    if target.startswith('cuda'):
        from ..cuda import is_available
        if not is_available():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                               "False. If you are running on a CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the CPU.")
        from ..backend import cupy
        dev = Device(target)
        with cupy().cuda.Device(dev.index or 0):
            return cupy().asarray(raw)
    raise RuntimeError(f"don't know how to restore data location of a storage (tagged with {target})")


def _parse_pid(pid, where: str) -> tuple:
    if type(pid) is not tuple or len(pid) not in (5, 6) or pid[0] != 'storage':
        raise UnpicklingError(f"{where}: unsupported persistent id {pid!r}")
    stype, key, location, numel = pid[1:5]
    if type(stype) is not _StorageType:
        raise UnpicklingError(f"{where}: a storage's type is {_describe(stype)}, not a storage type")
    key = str(key) if type(key) is int else key
    if type(key) is not str or not re.fullmatch(r'\w{1,64}', key):
        raise UnpicklingError(f"{where}: invalid storage key {key!r}")
    if type(location) is not str:
        raise UnpicklingError(f"{where}: invalid storage location {location!r}")
    if type(numel) is not int or numel < 0:
        raise UnpicklingError(f"{where}: storage {key} declares an invalid size {numel!r}")
    return stype, key, location, numel, (pid[5] if len(pid) == 6 else None)


def _read_into(fh, buf: np.ndarray) -> int:
    view = memoryview(buf).cast('B') if buf.size else memoryview(b'')
    got = 0
    while got < len(view):
        n = fh.readinto(view[got:])
        if not n:
            break
        got += n
    return got


class _ZipLoader:
    """Reads the storages of one zip checkpoint on demand: from the file, or memory-mapped."""

    def __init__(self, zf: zipfile.ZipFile, fh, name: str, prefix: str, map_location, mm, file_len: int):
        self.zf, self.fh, self.name, self.prefix = zf, fh, name, prefix
        self.map_location, self.mm, self.file_len = map_location, mm, file_len
        self.blocks: dict = {}
        self.infos = {i.filename: i for i in zf.infolist()}
        self.swap = False
        order = self.infos.get(prefix + 'byteorder')
        if order is not None:
            value = _read_member(zf, order.filename, name).strip()
            if value not in (b'little', b'big'):
                raise RuntimeError(f"{name}: the byteorder record says {value[:20]!r}, not 'little' or 'big'")
            self.swap = value.decode() != sys.byteorder

    def __call__(self, pid):
        stype, key, location, numel, _ = _parse_pid(pid, self.name)
        nbytes = numel * stype.itemsize
        block = self.blocks.get(key)
        if block is None:
            block = self.blocks[key] = _Block(_place(self._read(key, nbytes), location, self.map_location),
                                              self.swap)
        elif block.raw.size < nbytes:
            raise RuntimeError(f"{self.name}: storage {key} is used with {nbytes} bytes but holds {block.raw.size}")
        return _StorageRef(block, stype.dtype, 0, numel)

    def _read(self, key: str, nbytes: int) -> np.ndarray:
        record = f'{self.prefix}data/{key}'
        info = self.infos.get(record)
        if info is None:
            raise RuntimeError(f"{self.name}: the archive has no record {record} for storage {key}")
        if info.file_size != nbytes:
            raise RuntimeError(f"{self.name}: storage {key} holds {info.file_size} bytes in the archive but the "
                               f"pickle declares {nbytes}")
        if info.compress_type != zipfile.ZIP_STORED:
            if self.mm is not None:
                raise RuntimeError(f"{self.name}: record {record} is compressed and cannot be memory-mapped")
            raw = np.empty(nbytes, np.uint8)
            try:
                with self.zf.open(info) as r:
                    got = _read_into(r, raw)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
                raise RuntimeError(f"{self.name}: record {record} is damaged ({e})") from None
            if got != nbytes:
                raise RuntimeError(f"{self.name}: record {record} is truncated ({got} of {nbytes} bytes)")
            return raw
        start = self._data_offset(info)
        if start + nbytes > self.file_len:
            raise RuntimeError(f"{self.name}: storage {key} is truncated: record {record} needs bytes {start} to "
                               f"{start + nbytes} of a {self.file_len}-byte file")
        if self.mm is not None:
            return np.frombuffer(self.mm, np.uint8, nbytes, start)
        raw = np.empty(nbytes, np.uint8)
        self.fh.seek(start)
        if _read_into(self.fh, raw) != nbytes:
            raise RuntimeError(f"{self.name}: storage {key} is truncated")
        return raw

    def _data_offset(self, info: zipfile.ZipInfo) -> int:
        self.fh.seek(info.header_offset)
        header = self.fh.read(30)
        if len(header) != 30 or header[:4] != b'PK\x03\x04':
            raise RuntimeError(f"{self.name}: bad local header for record {info.filename}")
        n, m = struct.unpack('<HH', header[26:30])
        if self.fh.read(n) != info.filename.encode('utf-8'):
            raise RuntimeError(f"{self.name}: the local header of record {info.filename} names another record")
        return info.header_offset + 30 + n + m


@contextlib.contextmanager
def _open_source(f, mmap: bool):
    if isinstance(f, (str, os.PathLike)):
        name = os.fspath(f)
        name = os.fsdecode(name) if isinstance(name, bytes) else name
        with open(name, 'rb') as fh:
            yield fh, name
        return
    if not hasattr(f, 'read') or not hasattr(f, 'seek'):
        raise AttributeError(f"expected 'f' to be string, path, or a file-like object with 'read' and 'seek' "
                             f"attributes, got {type(f).__name__}")
    if mmap:
        raise ValueError("f must be a file path in order to use the mmap argument")
    yield f, str(getattr(f, 'name', '<file object>'))


@contextlib.contextmanager
def _open_zip(fh, name: str):
    try:
        zf = zipfile.ZipFile(fh)
    except Exception as e:
        raise RuntimeError(f"{name}: not a valid checkpoint: the zip archive is damaged "
                           f"({type(e).__name__}: {e})") from None
    with zf:
        yield zf


def _read_member(zf: zipfile.ZipFile, member: str, name: str) -> bytes:
    try:
        return zf.read(member)
    except KeyError:
        raise RuntimeError(f"{name}: the archive has no record {member}") from None
    except Exception as e:
        raise RuntimeError(f"{name}: record {member} is damaged ({type(e).__name__}: {e})") from None


def _archive_prefix(zf: zipfile.ZipFile, name: str) -> str:
    """The ``<name>/`` directory the records live under, after refusing archives no PyTorch writer makes."""
    infos = zf.infolist()
    if not infos:
        raise RuntimeError(f"{name}: not a PyTorch checkpoint (the zip archive is empty)")
    seen = set()
    for info in infos:
        n = info.filename
        if n.startswith('/') or '\\' in n or '\0' in n or '..' in n.split('/') or re.match(r'[A-Za-z]:', n):
            raise RuntimeError(f"{name}: refusing suspicious record name {n!r}")
        if n in seen:
            raise RuntimeError(f"{name}: the archive holds record {n!r} twice")
        seen.add(n)
    prefix = infos[0].filename.split('/')[0] + '/'
    if prefix + 'data.pkl' not in seen:
        raise RuntimeError(f"{name}: not a PyTorch checkpoint (the zip archive has no {prefix}data.pkl record)")
    return prefix


def _check_records(zf: zipfile.ZipFile, name: str, file_len: int) -> None:
    """Refuse zip bombs: records must lie inside the file without overlapping, and be stored (as PyTorch writes
    them) or modestly deflated."""
    inflated = 0
    infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
    for i, info in enumerate(infos):
        end = info.header_offset + 30 + len(info.orig_filename.encode('utf-8')) + info.compress_size
        if end > file_len or i + 1 < len(infos) and end > infos[i + 1].header_offset:
            raise RuntimeError(f"{name}: record {info.filename} overlaps another or runs past the end of the file "
                               "(truncated archive or zip bomb)")
        if info.compress_type == zipfile.ZIP_STORED:
            if info.compress_size != info.file_size:
                raise RuntimeError(f"{name}: stored record {info.filename} declares {info.file_size} bytes but "
                                   f"holds {info.compress_size}")
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            # PyTorch stores records uncompressed; a deflated one may come from re-zipping, but not inflate
            # beyond deflate's maximal ratio, nor all of them together beyond 16x the file plus 64 MiB.
            inflated += info.file_size
            if info.file_size > 1032 * info.compress_size + 1024 or inflated > 16 * file_len + (1 << 26):
                raise RuntimeError(f"{name}: record {info.filename} would inflate {info.compress_size} bytes to "
                                   f"{info.file_size}: refusing a likely zip bomb")
        else:
            raise RuntimeError(f"{name}: record {info.filename} uses compression method {info.compress_type}, "
                               "which PyTorch checkpoints never use")


def _unpickle(data: bytes, where: str, persistent, weights_only: bool):
    try:
        if weights_only:
            _scan(data, where)
            return _SafeUnpickler(data, where, persistent).load()
        return _FullUnpickler(data, persistent).load()
    except (UnpicklingError, RuntimeError, MemoryError):
        raise
    except Exception as e:
        if weights_only or isinstance(e, pickle.UnpicklingError):
            raise UnpicklingError(f"Weights only load failed for {where}: {type(e).__name__}: {e}") from None
        raise


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None, mmap: bool | None = None,
         **pickle_load_args):
    """Load an object saved by ``ember.save`` or ``torch.save`` (zip or legacy format), without torch.

    ``weights_only=True`` (the default) accepts only tensors, primitive types, dicts, lists, tuples and the
    allowlisted globals, and refuses anything else before it is built. ``map_location`` may be a device, a string,
    a dict of locations or a callable. ``mmap=True`` maps the storages from the file instead of reading them.
    """
    if weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if not weights_only:
        warnings.warn("ember.load with weights_only=False uses the default pickle module implicitly. It is possible "
                      "to construct malicious pickle data which will execute arbitrary code during unpickling. Do it "
                      "only if you got the file from a trusted source.", UserWarning, stacklevel=2)
    with _open_source(f, bool(mmap)) as (fh, name):
        start = fh.tell()
        head = fh.read(4)
        file_len = fh.seek(0, os.SEEK_END)
        fh.seek(start)
        if not head:
            raise RuntimeError(f"{name}: the file is empty, not a checkpoint")
        if head != b'PK\x03\x04':
            if mmap:
                raise RuntimeError(f"{name}: mmap can only be used with files saved with "
                                   "`torch.save(_use_new_zipfile_serialization=True)`, please torch.save your "
                                   "checkpoint with this option in order to use mmap.")
            return _load_legacy(fh, name, map_location, weights_only)
        with _open_zip(fh, name) as zf:
            _check_records(zf, name, file_len)
            prefix = _archive_prefix(zf, name)
            data = _read_member(zf, prefix + 'data.pkl', name)
            mm = None
            if mmap:
                mm = _mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_COPY)
            loader = _ZipLoader(zf, fh, name, prefix, map_location, mm, file_len)
            return _unpickle(data, f"{name}:{prefix}data.pkl", loader, weights_only)


# ---------------------------------------------------------------------------------------------- legacy format

class _Bounded:
    """File reads that stop at ``end`` (pickletools reads as much as an opcode claims)."""

    def __init__(self, fh, end: int):
        self.fh, self.end = fh, end

    def read(self, n: int = -1) -> bytes:
        left = max(self.end - self.fh.tell(), 0)
        return self.fh.read(left if n is None or n < 0 else min(n, left))

    def readline(self) -> bytes:
        return self.fh.readline(min(max(self.end - self.fh.tell(), 0), 1 << 24))

    def tell(self) -> int:
        return self.fh.tell()


def _read_one_pickle(fh, name: str, end: int) -> bytes:
    """The bytes of the next pickle in ``fh`` (up to its STOP), leaving ``fh`` just after it."""
    start = fh.tell()
    try:
        for op, _, _ in pickletools.genops(_Bounded(fh, end)):
            if op.name == 'STOP':
                break
    except Exception as e:
        raise RuntimeError(f"{name}: truncated or corrupt legacy checkpoint ({e})") from None
    stop = fh.tell()
    fh.seek(start)
    return fh.read(stop - start)


def _load_legacy(fh, name: str, map_location, weights_only: bool):
    """PyTorch's pre-1.6 format: magic number, protocol version, sys info, the object pickle, the storage keys, then
    each storage's element count (8 bytes) and bytes. Storages are allocated while the object is unpickled (the
    file's size bounds them) and filled afterwards, so tensors are views of them from the start."""
    end = fh.seek(0, os.SEEK_END)
    fh.seek(0)

    def plain(what: str):
        data = _read_one_pickle(fh, name, end)
        try:
            return _unpickle(data, name, _no_persistent(name), True)
        except UnpicklingError:
            raise RuntimeError(f"{name}: not a PyTorch checkpoint (neither a zip archive nor the legacy format: "
                               f"its {what} is not what PyTorch writes)") from None

    if plain('magic number') != _LEGACY_MAGIC:
        raise RuntimeError(f"{name}: Invalid magic number; corrupt file?")
    protocol = plain('protocol version')
    if protocol != _LEGACY_PROTOCOL:
        raise RuntimeError(f"{name}: Invalid protocol version: {protocol!r}")
    info = plain('sys info')
    if not isinstance(info, dict) or info.get('little_endian', True) is not (sys.byteorder == 'little'):
        raise RuntimeError(f"{name}: the legacy checkpoint was written on a host of the other byte order; ember "
                           "reads legacy checkpoints of this host's byte order only")
    data = _read_one_pickle(fh, name, end)
    budget = [end - fh.tell()]
    blocks: dict = {}

    def persistent(pid):
        stype, key, location, numel, view = _parse_pid(pid, name)
        entry = blocks.get(key)
        if entry is None:
            nbytes = numel * stype.itemsize
            budget[0] -= nbytes + 8
            if budget[0] < 0:
                raise RuntimeError(f"{name}: storage {key} declares {numel} elements, more than the file holds")
            block = _Block(np.empty(nbytes, np.uint8))
            block.filled = False
            entry = blocks[key] = (block, stype, numel, location)
        block, btype, bnumel, _ = entry
        if btype.dtype is not stype.dtype or bnumel != numel:
            raise UnpicklingError(f"{name}: storage {key} is used with two different types or sizes")
        if view is None:
            return _StorageRef(block, stype.dtype, 0, numel)
        if type(view) is not tuple or len(view) != 3 or not all(type(v) is int for v in view[1:]) or \
                view[1] < 0 or view[2] < 0 or view[1] + view[2] > numel:
            raise UnpicklingError(f"{name}: invalid storage view {view!r}")
        return _StorageRef(block, stype.dtype, view[1] * stype.itemsize, view[2])

    result = _unpickle(data, name, persistent, weights_only)
    keys = plain('storage key list')
    if not isinstance(keys, list):
        raise RuntimeError(f"{name}: the storage key list is {_describe(keys)}")
    for key in keys:
        key = str(key)
        if key not in blocks or blocks[key][0].filled:
            raise RuntimeError(f"{name}: storage {key} is listed but never used, or listed twice")
        block, stype, numel, _ = blocks[key]
        raw_n = fh.read(8)
        if len(raw_n) != 8:
            raise RuntimeError(f"{name}: truncated: storage {key} is missing")
        n = struct.unpack('<q', raw_n)[0]
        if n != numel:
            raise RuntimeError(f"{name}: storage {key} holds {n} elements, the pickle declared {numel}")
        if _read_into(fh, block.raw) != block.raw.size:
            raise RuntimeError(f"{name}: truncated: storage {key} is shorter than declared")
        block.filled = True
    missing = [k for k, e in blocks.items() if not e[0].filled]
    if missing:
        raise RuntimeError(f"{name}: storages {missing} are used but the file holds no data for them")
    for key, (block, _, _, location) in blocks.items():
        placed = _place(block.raw, location, map_location)
        if placed is not block.raw:
            if not isinstance(placed, np.ndarray):
                raise RuntimeError(f"{name}: map_location can move storages to another device for zip checkpoints "
                                   f"only; this legacy checkpoint's tensors stay on the CPU (storage {key})")
            block.raw[...] = placed  # the tensors are views of block.raw already
    return result


def _no_persistent(name: str):
    def refuse(pid):
        raise UnpicklingError(f"{name}: unexpected persistent id")
    return refuse
