"""Writing checkpoints: the pickler that turns tensors into persistent storage records, the zip and legacy
writers, and save (atomic replace of the target file)."""
from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
import secrets
import stat
import struct
import sys
import uuid
import zipfile
from collections import OrderedDict

import numpy as np

from .. import _dtype as D
from .._device import device as Device
from .._tensor import Size, Tensor
from ._common import _ALIGN, _LEGACY_MAGIC, _LEGACY_PROTOCOL, _STORAGE_NAMES, _parameter_type


# ------------------------------------------------------------------------------------------------------ saving

class _Global:
    """A global of PyTorch (``torch.FloatStorage``, ``torch.float32``...), pickled as ``GLOBAL module name``
    without importing torch."""

    __slots__ = ('module', 'name')

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle wants reduce functions callable; this one only names PyTorch's
        raise TypeError(f"{self.module}.{self.name} names a PyTorch global; ember does not call it")


_REBUILD_V2 = _Global('torch._utils', '_rebuild_tensor_v2')
_REBUILD_V3 = _Global('torch._utils', '_rebuild_tensor_v3')
_REBUILD_PARAMETER = _Global('torch._utils', '_rebuild_parameter')
_UNTYPED_STORAGE = _Global('torch.storage', 'UntypedStorage')
_SIZE = _Global('torch', 'Size')
_DEVICE = _Global('torch', 'device')


class _SavedStorage:
    """One storage record being written: persistent id fields and the bytes."""

    __slots__ = ('key', 'type', 'location', 'numel', 'data')

    def __init__(self, key, type_, location, numel, data):
        self.key, self.type, self.location, self.numel, self.data = key, type_, location, numel, data


class _Reduced:
    """An object that pickles as ``fn(*args)`` (the inner tensor of a Parameter)."""

    __slots__ = ('fn', 'args')

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def _ptr(a: np.ndarray) -> int:
    return a.__array_interface__['data'][0]


class _Pickler(pickle._Pickler):
    """Pickles tensors as PyTorch does: rebuild calls over persistent storage ids, one storage per memory block
    (views of one array are written once and share it again on load), dtypes and sizes as PyTorch's globals."""

    def __init__(self, file, protocol: int, legacy: bool):
        super().__init__(file, protocol)
        self.legacy = legacy
        self.storages: dict = {}   # (id of the root array, dtype) -> _SavedStorage
        self.records: list = []    # _SavedStorage in key order
        self.global_memo: dict = {}
        self.roots: list = []

    def persistent_id(self, obj):
        if type(obj) is _SavedStorage:
            pid = ('storage', obj.type, obj.key, obj.location, obj.numel)
            return pid + (None,) if self.legacy else pid
        return None

    def save(self, obj, save_persistent_id=True):
        t = type(obj)
        if t is _Global or t is D.dtype:
            self._save_global(obj if t is _Global else _Global('torch', obj.name))
        else:
            super().save(obj, save_persistent_id)

    def _save_global(self, g: _Global) -> None:
        idx = self.global_memo.get((g.module, g.name))
        if idx is not None:
            self.write(self.get(idx))
            return
        self.write(pickle.GLOBAL + f"{g.module}\n{g.name}\n".encode('utf-8'))
        self.global_memo[(g.module, g.name)] = len(self.memo)
        self.memoize(g)

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        t = type(obj)
        if t is Size:
            return (_SIZE, (tuple(obj),))
        if t is Device:
            return (_DEVICE, (obj.type,) if obj.index is None else (obj.type, obj.index))
        return NotImplemented

    def _reduce_tensor(self, t: Tensor):
        storage, offset, strides = self._storage_of(t)
        is_param = isinstance(t, _parameter_type())
        rg = False if is_param else t.requires_grad
        if storage.type is _UNTYPED_STORAGE:
            rebuild = (_REBUILD_V3, (storage, offset, tuple(t.shape), strides, rg, OrderedDict(), t.dtype))
        else:
            rebuild = (_REBUILD_V2, (storage, offset, tuple(t.shape), strides, rg, OrderedDict()))
        if is_param:
            return (_REBUILD_PARAMETER, (_Reduced(*rebuild), t.requires_grad, OrderedDict()))
        return rebuild

    def _storage_of(self, t: Tensor):
        """The storage holding t's memory block, and t's element offset and strides within it."""
        arr = t._host()
        item = arr.itemsize
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        location = 'cpu' if t.device.type == 'cpu' else f"{t.device.type}:{t.device.index or 0}"
        if (root.flags.c_contiguous or root.flags.f_contiguous) and root.nbytes % item == 0:
            offset = _ptr(arr) - _ptr(root)
            if 0 <= offset and offset % item == 0 and all(s >= 0 and s % item == 0 for s in arr.strides):
                key = (id(root), t.dtype, location)
                st = self.storages.get(key)
                if st is None:
                    st = self.storages[key] = self._new_storage(root.ravel(order='K'), t.dtype, location)
                    self.roots.append(root)  # keeps the root alive, so its id stays unique while pickling
                return st, offset // item, _strides(arr)
        own = np.ascontiguousarray(arr)
        st = self._new_storage(own.reshape(-1), t.dtype, location)
        return st, 0, _strides(own)

    def _new_storage(self, flat: np.ndarray, dtype: D.dtype, location: str) -> _SavedStorage:
        data = flat.view(np.uint8)
        if dtype in _STORAGE_NAMES:
            st = _SavedStorage(None, _Global('torch', _STORAGE_NAMES[dtype]), location, data.size // dtype.itemsize,
                               data)
        else:
            st = _SavedStorage(None, _UNTYPED_STORAGE, location, data.size, data)
        st.key = str(len(self.records)) if not self.legacy else str(id(st))
        self.records.append(st)
        return st


def _strides(arr: np.ndarray) -> tuple:
    from .._tensor import _canonical_strides
    return _canonical_strides(arr.shape, tuple(s // arr.itemsize for s in arr.strides))


def _record_bytes(st: _SavedStorage) -> memoryview:
    data = st.data
    if sys.byteorder == 'big':
        raise RuntimeError("ember.save writes little-endian checkpoints and does not run on big-endian hosts")
    return memoryview(np.ascontiguousarray(data))


def _pickle(obj, protocol: int, legacy: bool) -> tuple:
    buf = io.BytesIO()
    pickler = _Pickler(buf, protocol, legacy)
    pickler.dump(obj)
    return buf.getvalue(), pickler.records


def _write_record(zf: zipfile.ZipFile, name: str, data, align: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    size = len(data) if not isinstance(data, memoryview) else data.nbytes
    zip64 = size > zipfile.ZIP64_LIMIT
    if align:
        # The local header is 30 bytes + name + extra fields (ours, then zip64's 20 bytes); pad ours so the data
        # starts at a multiple of 64 bytes, which PyTorch's readers (and mmap) expect.
        start = zf.fp.tell() + 30 + len(name.encode('utf-8')) + 4 + (20 if zip64 else 0)
        pad = (-start) % _ALIGN
        info.extra = b'FB' + struct.pack('<H', pad) + b'Z' * pad
    with zf.open(info, 'w', force_zip64=zip64) as w:
        w.write(data)


def _write_zip(obj, fileobj, protocol: int, archive: str, byteorder_record: bool) -> None:
    data, records = _pickle(obj, protocol, legacy=False)
    with zipfile.ZipFile(fileobj, 'w', compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        _write_record(zf, f'{archive}/data.pkl', data)
        _write_record(zf, f'{archive}/.format_version', b'1')
        _write_record(zf, f'{archive}/.storage_alignment', b'64')
        if byteorder_record:
            _write_record(zf, f'{archive}/byteorder', b'little')
        for st in records:
            _write_record(zf, f'{archive}/data/{st.key}', _record_bytes(st), align=True)
        _write_record(zf, f'{archive}/version', b'3\n')
        _write_record(zf, f'{archive}/.data/serialization_id', uuid.uuid4().hex.encode() + b'0' * 8)


def _write_legacy(obj, fileobj, protocol: int) -> None:
    data, records = _pickle(obj, protocol, legacy=True)
    head = io.BytesIO()
    for value in (_LEGACY_MAGIC, _LEGACY_PROTOCOL,
                  {'protocol_version': _LEGACY_PROTOCOL, 'little_endian': True,
                   'type_sizes': {'short': 2, 'int': 4, 'long': 4}}):
        pickle.dump(value, head, protocol=protocol)
    fileobj.write(head.getvalue())
    fileobj.write(data)
    fileobj.write(pickle.dumps(sorted(st.key for st in records), protocol=protocol))
    for st in sorted(records, key=lambda s: s.key):
        fileobj.write(struct.pack('<q', st.numel))
        fileobj.write(_record_bytes(st))


def save(obj, f, pickle_module=None, pickle_protocol: int = 2, _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:
    """Save ``obj`` (tensors, modules' and optimizers' state dicts, containers of them, Python scalars) in
    PyTorch's zip checkpoint format (or the legacy format), readable by ``torch.load(weights_only=True)``.

    Saving to a path writes a temporary file next to it, flushes and fsyncs it, then renames it over the target:
    an interrupted save leaves the previous file intact.
    """
    def write(fileobj, archive):
        if _use_new_zipfile_serialization:
            _write_zip(obj, fileobj, pickle_protocol, archive, not _disable_byteorder_record)
        else:
            _write_legacy(obj, fileobj, pickle_protocol)

    if not isinstance(f, (str, os.PathLike)):
        if not hasattr(f, 'write'):
            raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a 'write' "
                                 f"attribute, got {type(f).__name__}")
        write(f, 'archive')
        return
    path = os.fspath(f)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if os.path.islink(path):
        path = os.path.realpath(path)  # write through the link, as open(path, 'wb') would
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    if os.path.isdir(path):
        raise IsADirectoryError(f"[Errno 21] Is a directory: '{path}'")
    base = os.path.basename(path)
    _remove_stale_temps(directory, base)
    tmp = os.path.join(directory, f".{base}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0), 0o666)
    try:
        with contextlib.suppress(OSError):
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))  # keep an existing file's permissions
        with os.fdopen(fd, 'wb') as fh:
            write(fh, os.path.splitext(base)[0] or 'archive')
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _remove_stale_temps(directory: str, base: str) -> None:
    """Delete temporary files that earlier saves to the same path left behind when their process died."""
    pattern = re.compile(r'\.' + re.escape(base) + r'\.(\d+)\.[0-9a-f]{8}\.tmp')
    with contextlib.suppress(OSError), os.scandir(directory) as it:
        for entry in it:
            m = pattern.fullmatch(entry.name)
            if m is not None and not _process_alive(int(m.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True
