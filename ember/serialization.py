"""``ember.save`` / ``ember.load``: PyTorch's checkpoint formats, written and read without torch.

The zip format (PyTorch >= 1.6): an uncompressed zip whose records live under ``<name>/``: ``data.pkl`` (a
protocol-2 pickle where each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`` and
each storage a persistent id ``('storage', torch.<Type>Storage, key, location, numel)``), the raw little-endian
storages at ``data/<key>`` aligned to 64 bytes, and ``version``, ``byteorder``, ``.format_version``,
``.storage_alignment``, ``.data/serialization_id``. Dtypes without a legacy storage class (uint16/32/64) go through
``_rebuild_tensor_v3`` over a ``torch.storage.UntypedStorage`` counted in bytes, as PyTorch writes them. The legacy
format (before 1.6) is a sequence of pickles followed by the storages' bytes; ember reads and writes it.

Loading is safe by default (``weights_only=True``): the pickle is scanned before anything is built, only an
allowlist of globals and opcodes is accepted, and the unpickler itself refuses calls, ``BUILD`` and item
assignment on anything but the containers and tensors a checkpoint holds.
"""
from __future__ import annotations

import contextlib
import io
import mmap as _mmap
import os
import pickle
import pickletools
import re
import secrets
import stat
import struct
import sys
import uuid
import warnings
import zipfile
from collections import Counter, OrderedDict

import numpy as np

from . import _dtype as D
from ._device import device as Device
from ._tensor import Size, Tensor, Version

_STORAGE_NAMES = {D.float32: 'FloatStorage', D.float64: 'DoubleStorage', D.float16: 'HalfStorage',
                  D.bfloat16: 'BFloat16Storage', D.int64: 'LongStorage', D.int32: 'IntStorage',
                  D.int16: 'ShortStorage', D.int8: 'CharStorage', D.uint8: 'ByteStorage', D.bool_: 'BoolStorage',
                  D.complex64: 'ComplexFloatStorage', D.complex128: 'ComplexDoubleStorage'}
_STORAGE_DTYPES = {v: k for k, v in _STORAGE_NAMES.items()}
_ALIGN = 64
_LEGACY_MAGIC = 0x1950a86a20f9469cfc6c
_LEGACY_PROTOCOL = 1001


def _parameter_type():
    from .nn.parameter import Parameter
    return Parameter


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
    from ._tensor import _canonical_strides
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


# ---------------------------------------------------------------------------------------- safe loading: allowlist

_USER_SAFE_GLOBALS: dict = {}


def add_safe_globals(safe_globals: list) -> None:
    """Allow these globals (objects, or ``(object, "module.name")`` pairs) when loading with ``weights_only``."""
    for g in safe_globals:
        if isinstance(g, tuple):
            obj, name = g
        else:
            obj, name = g, f"{g.__module__}.{g.__qualname__}"
        _USER_SAFE_GLOBALS[name] = obj


def get_safe_globals() -> list:
    """The globals that ``add_safe_globals`` allowed."""
    return list(_USER_SAFE_GLOBALS.values())


def clear_safe_globals() -> None:
    """Forget the globals that ``add_safe_globals`` allowed."""
    _USER_SAFE_GLOBALS.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list):
    """Context manager: ``add_safe_globals`` for the duration of the block."""
    saved = dict(_USER_SAFE_GLOBALS)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _USER_SAFE_GLOBALS.clear()
        _USER_SAFE_GLOBALS.update(saved)


class UnpicklingError(pickle.UnpicklingError):
    """A checkpoint was refused by the safe loader: a global, opcode or structure outside the allowlist."""


_SAFE_OPCODES = frozenset({
    'PROTO', 'FRAME', 'STOP', 'MARK', 'POP', 'POP_MARK', 'DUP', 'NONE', 'NEWTRUE', 'NEWFALSE', 'INT', 'BININT',
    'BININT1', 'BININT2', 'LONG', 'LONG1', 'LONG4', 'FLOAT', 'BINFLOAT', 'STRING', 'BINSTRING', 'SHORT_BINSTRING',
    'UNICODE', 'SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'BINBYTES', 'SHORT_BINBYTES', 'BINBYTES8',
    'BYTEARRAY8', 'EMPTY_LIST', 'APPEND', 'APPENDS', 'LIST', 'EMPTY_TUPLE', 'TUPLE', 'TUPLE1', 'TUPLE2', 'TUPLE3',
    'EMPTY_DICT', 'DICT', 'SETITEM', 'SETITEMS', 'EMPTY_SET', 'ADDITEMS', 'FROZENSET', 'GET', 'BINGET',
    'LONG_BINGET', 'PUT', 'BINPUT', 'LONG_BINPUT', 'MEMOIZE', 'GLOBAL', 'STACK_GLOBAL', 'REDUCE', 'BUILD',
    'NEWOBJ', 'BINPERSID'})
_STRING_OPCODES = frozenset({'SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'UNICODE', 'STRING', 'BINSTRING',
                             'SHORT_BINSTRING'})
_MEMO_OPCODES = frozenset({'PUT', 'BINPUT', 'LONG_BINPUT', 'MEMOIZE', 'FRAME'})


class _StorageType:
    """What ``torch.<Type>Storage`` (or ``torch.storage.UntypedStorage``, dtype None) means in a checkpoint."""

    __slots__ = ('dtype',)

    def __init__(self, dtype):
        self.dtype = dtype

    @property
    def itemsize(self) -> int:
        return 1 if self.dtype is None else self.dtype.itemsize


def _safe_bytearray(*args):
    if len(args) > 2 or args and not isinstance(args[0], (bytes, str)):
        raise UnpicklingError("bytearray() in a checkpoint may only copy bytes or a string")
    return bytearray(*args)


def _safe_encode(obj, encoding='utf-8'):
    if not isinstance(obj, str) or encoding not in ('latin1', 'latin-1', 'utf-8', 'ascii'):
        raise UnpicklingError("_codecs.encode in a checkpoint may only encode a string as latin1")
    return obj.encode(encoding)


_SAFE_TABLE: dict = {}   # "module.name" -> the object it stands for, when weights_only=True
_CALLABLE_IDS: set = set()  # ids of the allowlisted objects that REDUCE may call
_NEWOBJ_IDS: set = set()  # ids of the allowlisted classes that NEWOBJ may instantiate


def _safe_table() -> dict:
    if _SAFE_TABLE:
        return _SAFE_TABLE
    Parameter = _parameter_type()
    t = {'collections.OrderedDict': OrderedDict, 'collections.Counter': Counter,
         'torch._utils._rebuild_tensor_v2': _rebuild_tensor_v2, 'torch._utils._rebuild_tensor_v3': _rebuild_tensor_v3,
         'torch._utils._rebuild_tensor': _rebuild_tensor, 'torch._utils._rebuild_parameter': _rebuild_parameter,
         'torch._utils._rebuild_parameter_with_state': _rebuild_parameter_with_state,
         'torch._tensor._rebuild_from_type_v2': _rebuild_from_type_v2, 'torch.Size': Size, 'torch.device': Device,
         'torch.Tensor': Tensor, 'torch.nn.parameter.Parameter': Parameter,
         'torch.storage.UntypedStorage': _StorageType(None),
         'builtins.set': set, 'builtins.frozenset': frozenset, 'builtins.complex': complex,
         'builtins.slice': slice, 'builtins.bytearray': _safe_bytearray, '_codecs.encode': _safe_encode}
    for name in ('set', 'frozenset', 'complex', 'slice', 'bytearray'):
        t[f'__builtin__.{name}'] = t[f'builtins.{name}']  # protocol 2 names builtins as Python 2 did
    for name, dt in _STORAGE_DTYPES.items():
        t[f'torch.{name}'] = t[f'torch.cuda.{name}'] = _StorageType(dt)
    for dt in D.ALL:
        t[f'torch.{dt.name}'] = dt
    for alias, dt in D.ALIASES.items():
        t[f'torch.{alias}'] = dt
    _CALLABLE_IDS.update(id(o) for o in (
        OrderedDict, Counter, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_tensor, _rebuild_parameter,
        _rebuild_parameter_with_state, _rebuild_from_type_v2, Size, Device, set, frozenset, complex, slice,
        _safe_bytearray, _safe_encode))
    _NEWOBJ_IDS.update(id(o) for o in (OrderedDict, Counter, Size, set, frozenset, complex))
    _SAFE_TABLE.update(t)
    return _SAFE_TABLE


def _refuse_global(full: str, where: str) -> UnpicklingError:
    short = full.rsplit('.', 1)[-1]
    return UnpicklingError(
        f"Weights only load failed for {where}: unsupported global: GLOBAL {full} was not an allowed global by "
        f"default. Please use `ember.serialization.add_safe_globals([{short}])` or the "
        f"`ember.serialization.safe_globals([{short}])` context manager to allowlist this global if you trust this "
        "class/function. Re-running `ember.load` with `weights_only=False` will likely succeed, but it can result in "
        "arbitrary code execution. Do it only if you got the file from a trusted source.")


def _globals_in(data: bytes, where: str, check_opcodes: bool) -> list:
    """The globals a pickle names, read without building anything; refuses opcodes outside the allowlist and
    ``STACK_GLOBAL`` names that are not literal strings."""
    found, prev = [], []
    try:
        for op, arg, pos in pickletools.genops(data):
            name = op.name
            if check_opcodes and name not in _SAFE_OPCODES:
                raise UnpicklingError(f"Weights only load failed for {where}: unsupported pickle opcode {name} at "
                                      f"byte {pos}. Only tensors, primitive types, dicts, lists, tuples and "
                                      "allowlisted globals can be loaded with weights_only=True.")
            if name in _MEMO_OPCODES:
                continue
            if name == 'GLOBAL':
                found.append(arg.replace(' ', '.', 1))
            elif name == 'STACK_GLOBAL':
                if len(prev) < 2 or prev[0][0] not in _STRING_OPCODES or prev[1][0] not in _STRING_OPCODES:
                    raise UnpicklingError(f"Weights only load failed for {where}: STACK_GLOBAL at byte {pos} takes "
                                          "its names from something other than two literal strings")
                found.append(f"{prev[0][1]}.{prev[1][1]}")
            prev = (prev + [(name, arg)])[-2:]
    except UnpicklingError:
        raise
    except Exception as e:
        raise UnpicklingError(f"{where}: the pickle is malformed ({e})") from None
    return found


def _scan(data: bytes, where: str) -> None:
    """Refuse, before anything is built, a pickle with an opcode or a global outside the allowlist."""
    table = _safe_table()
    for full in _globals_in(data, where, check_opcodes=True):
        if full not in table and full not in _USER_SAFE_GLOBALS:
            raise _refuse_global(full, where)


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


class _SafeUnpickler(pickle._Unpickler):
    """The unpickler of ``weights_only=True``: globals from the allowlist only, and calls, ``NEWOBJ``, ``BUILD``
    and item assignment only on the objects a checkpoint is made of."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, data: bytes, where: str, persistent):
        super().__init__(io.BytesIO(data), encoding='utf-8')
        self.where, self._persistent = where, persistent

    def find_class(self, module, name):
        full = f"{module}.{name}"
        if full in _USER_SAFE_GLOBALS:
            return _USER_SAFE_GLOBALS[full]
        obj = _safe_table().get(full)
        if obj is None:
            raise _refuse_global(full, self.where)
        return obj

    def persistent_load(self, pid):
        return self._persistent(pid)

    def _refuse(self, what: str):
        raise UnpicklingError(f"Weights only load failed for {self.where}: {what}")

    def _user_object(self, obj) -> bool:
        return any(type(obj) is g for g in _USER_SAFE_GLOBALS.values() if isinstance(g, type))

    def load_reduce(self):
        func = self.stack[-2]
        if id(func) not in _CALLABLE_IDS and not any(func is g for g in _USER_SAFE_GLOBALS.values()):
            self._refuse(f"REDUCE may not call {type(func).__name__} {_describe(func)}")
        pickle._Unpickler.load_reduce(self)

    def load_newobj(self):
        cls = self.stack[-2]
        if id(cls) not in _NEWOBJ_IDS and not any(cls is g for g in _USER_SAFE_GLOBALS.values()):
            self._refuse(f"NEWOBJ may not instantiate {_describe(cls)}")
        pickle._Unpickler.load_newobj(self)

    def load_build(self):
        state, inst = self.stack[-1], self.stack[-2]
        if not self._user_object(inst):
            if type(inst) not in (OrderedDict, Tensor, _parameter_type()):
                self._refuse(f"BUILD may not set the state of {_describe(inst)}")
            if not isinstance(state, dict) or not all(isinstance(k, str) and not k.startswith('__') for k in state):
                self._refuse(f"BUILD on {type(inst).__name__} takes a dict of attribute names, not {_describe(state)}")
        pickle._Unpickler.load_build(self)

    def load_setitem(self):
        if not isinstance(self.stack[-3], dict):
            self._refuse(f"SETITEM on {_describe(self.stack[-3])}")
        pickle._Unpickler.load_setitem(self)

    def load_setitems(self):
        items = self.pop_mark()
        target = self.stack[-1]
        if not isinstance(target, dict):
            self._refuse(f"SETITEMS on {_describe(target)}")
        for i in range(0, len(items) - 1, 2):
            target[items[i]] = items[i + 1]

    def load_append(self):
        if type(self.stack[-2]) is not list:
            self._refuse(f"APPEND on {_describe(self.stack[-2])}")
        pickle._Unpickler.load_append(self)

    def load_appends(self):
        items = self.pop_mark()
        if type(self.stack[-1]) is not list:
            self._refuse(f"APPENDS on {_describe(self.stack[-1])}")
        self.stack[-1].extend(items)

    def load_additems(self):
        items = self.pop_mark()
        if type(self.stack[-1]) is not set:
            self._refuse(f"ADDITEMS on {_describe(self.stack[-1])}")
        self.stack[-1].update(items)

    for _op, _fn in ((pickle.REDUCE, load_reduce), (pickle.NEWOBJ, load_newobj), (pickle.BUILD, load_build),
                     (pickle.SETITEM, load_setitem), (pickle.SETITEMS, load_setitems), (pickle.APPEND, load_append),
                     (pickle.APPENDS, load_appends), (pickle.ADDITEMS, load_additems)):
        dispatch[_op[0]] = _fn
    del _op, _fn


def _describe(obj) -> str:
    if isinstance(obj, type):
        return f"class {obj.__module__}.{obj.__qualname__}"
    return f"a {type(obj).__name__}"


class _FullUnpickler(pickle.Unpickler):
    """The unpickler of ``weights_only=False``: PyTorch's globals mapped to ember's, anything else imported."""

    def __init__(self, data: bytes, persistent):
        super().__init__(io.BytesIO(data), encoding='utf-8')
        self._persistent = persistent

    def find_class(self, module, name):
        obj = _safe_table().get(f"{module}.{name}")
        if obj is not None:
            return obj
        if module.split('.')[0] == 'torch':
            raise UnpicklingError(f"{module}.{name} is a PyTorch global that ember cannot stand in for")
        return super().find_class(module, name)

    def persistent_load(self, pid):
        return self._persistent(pid)


# ------------------------------------------------------------------------------------------- rebuilding tensors

class _Block:
    """The bytes of one storage record, the version counter its tensors share, and its typed views."""

    __slots__ = ('raw', 'version', 'typed', 'swap', 'filled')

    def __init__(self, raw, swap: bool = False):
        self.raw, self.version, self.typed, self.swap, self.filled = raw, Version(), {}, swap, True

    def view(self, dtype: D.dtype):
        arr = self.typed.get(dtype)
        if arr is None:
            item = dtype.itemsize
            arr = self.raw[:self.raw.size // item * item].view(dtype.np)
            if self.swap and item > 1:
                arr = arr.copy()
                arr.view(f'u{item // 2 if dtype.is_complex else item}').byteswap(inplace=True)
            self.typed[dtype] = arr
        return arr


class _StorageRef:
    """A storage as the pickle sees it: a block, the dtype its type names (None: untyped), where it starts in the
    block (bytes) and its length (elements of its type)."""

    __slots__ = ('block', 'dtype', 'offset', 'numel')

    def __init__(self, block: _Block, dtype, offset: int, numel: int):
        self.block, self.dtype, self.offset, self.numel = block, dtype, offset, numel


def _strided(typed, offset: int, size: tuple, stride: tuple, item: int):
    byte_strides = tuple(s * item for s in stride)
    if isinstance(typed, np.ndarray):
        return np.ndarray(size, typed.dtype, buffer=typed, offset=offset * item, strides=byte_strides)
    from .backend import cupy
    return cupy().lib.stride_tricks.as_strided(typed[offset:], size, byte_strides)


def _geometry(size, stride, offset) -> tuple:
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride) or not all(type(v) is int for v in size + stride + (offset,)):
        raise UnpicklingError(f"invalid tensor geometry: size {size!r}, stride {stride!r}, offset {offset!r}")
    if any(v < 0 for v in size + stride) or offset < 0:
        raise UnpicklingError(f"tensor with a negative size, stride or offset: size {list(size)}, stride "
                              f"{list(stride)}, offset {offset}")
    return size, stride


def _build_tensor(storage, dtype, storage_offset, size, stride, requires_grad) -> Tensor:
    if type(storage) is not _StorageRef:
        raise UnpicklingError(f"a tensor's storage is {_describe(storage)}, not a storage")
    if not isinstance(dtype, D.dtype):
        raise UnpicklingError(f"a tensor's dtype is {_describe(dtype)}, not a dtype")
    size, stride = _geometry(size, stride, storage_offset)
    item = dtype.itemsize
    numel = storage.numel * (storage.dtype.itemsize if storage.dtype is not None else 1) // item
    if all(size):
        last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= numel:
            raise UnpicklingError(f"tensor of size {list(size)}, stride {list(stride)} and offset {storage_offset} "
                                  f"reaches past the end of its storage of {numel} elements")
    elif storage_offset > numel:
        raise UnpicklingError(f"tensor offset {storage_offset} is past the end of its storage of {numel} elements")
    start = storage.offset // item + storage_offset  # a legacy storage view starts storage.offset bytes in
    t = Tensor._wrap(_strided(storage.block.view(dtype), start, size, stride, item), dtype=dtype)
    t._version_ctr = storage.block.version
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    if type(storage) is _StorageRef and storage.dtype is None:
        raise UnpicklingError("_rebuild_tensor_v2 needs a typed storage; untyped storages go with _rebuild_tensor_v3")
    return _build_tensor(storage, getattr(storage, 'dtype', None), storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    return _build_tensor(storage, dtype, storage_offset, size, stride, requires_grad)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    if not isinstance(data, Tensor):
        raise UnpicklingError(f"a parameter's data is {_describe(data)}, not a tensor")
    return _parameter_type()(data, bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad)
    _set_state(p, state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    if func not in (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_tensor, _rebuild_parameter):
        raise UnpicklingError(f"_rebuild_from_type_v2 may not call {_describe(func)}")
    t = func(*args)
    if new_type is _parameter_type() and not isinstance(t, new_type):
        t = new_type(t, t.requires_grad)
    elif new_type is not Tensor and new_type is not type(t):
        raise UnpicklingError(f"_rebuild_from_type_v2 may not make {_describe(new_type)}")
    _set_state(t, state)
    return t


def _set_state(t: Tensor, state) -> None:
    if not state:
        return
    if not isinstance(state, dict) or not all(isinstance(k, str) and not k.startswith('__') for k in state):
        raise UnpicklingError(f"a tensor's state is {_describe(state)}, not a dict of attribute names")
    t.__dict__.update(state)


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
        from .cuda import is_available
        if not is_available():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                               "False. If you are running on a CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the CPU.")
        from .backend import cupy
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
