"""``ember.save`` / ``ember.load``: PyTorch's checkpoint formats, written and read without torch.

The zip format (PyTorch >= 1.6): an uncompressed zip whose records live under ``<name>/``: ``data.pkl`` (a
protocol-2 pickle where each tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`` and
each storage a persistent id ``('storage', torch.<Type>Storage, key, location, numel)``), the raw little-endian
storages at ``data/<key>`` aligned to 64 bytes, and ``version``, ``byteorder``, ``.format_version``,
``.storage_alignment``, ``.data/serialization_id``. The legacy format (before 1.6) is a sequence of pickles
followed by the storages' bytes; ember reads it.

Loading is safe by default (``weights_only=True``): the pickle is scanned before anything is built, and only an
allowlist of globals and opcodes is accepted.
"""
from __future__ import annotations

import contextlib
import io
import os
import pickle
import pickletools
import struct
import sys
import tempfile
import uuid
import warnings
import zipfile
from collections import OrderedDict

import numpy as np

from . import _dtype as D
from ._tensor import Tensor

_STORAGE_NAMES = {D.float32: 'FloatStorage', D.float64: 'DoubleStorage', D.float16: 'HalfStorage',
                  D.bfloat16: 'BFloat16Storage', D.int64: 'LongStorage', D.int32: 'IntStorage',
                  D.int16: 'ShortStorage', D.int8: 'CharStorage', D.uint8: 'ByteStorage', D.bool_: 'BoolStorage',
                  D.complex64: 'ComplexFloatStorage', D.complex128: 'ComplexDoubleStorage'}
_STORAGE_DTYPES = {v: k for k, v in _STORAGE_NAMES.items()}
_DTYPE_NAMES = {d.name: d for d in D.ALL}
_ALIGN = 64


class _Global:
    """A reference to a global of PyTorch, pickled as ``GLOBAL module name`` without importing torch."""

    __slots__ = ('module', 'name')

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle requires reduce callables to be callable; this one only names torch's
        raise TypeError(f"{self.module}.{self.name} is a reference to PyTorch, not callable in ember")


_REBUILD_TENSOR = _Global('torch._utils', '_rebuild_tensor_v2')
_REBUILD_PARAMETER = _Global('torch._utils', '_rebuild_parameter')
_ORDERED_DICT = _Global('collections', 'OrderedDict')
_SIZE = _Global('torch', 'Size')


class _Storage:
    __slots__ = ('key', 'dtype', 'numel')

    def __init__(self, key, dtype, numel):
        self.key, self.dtype, self.numel = key, dtype, numel


class _Pickler(pickle._Pickler):
    """Writes tensors as PyTorch does: rebuild calls over persistent storage ids (one per shared memory block)."""

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages: dict = {}  # id of the base array -> (key, base array, dtype)
        self.records: list = []

    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            return ('storage', _Global('torch', _STORAGE_NAMES[obj.dtype]), obj.key, 'cpu', obj.numel)
        return None

    def save(self, obj, save_persistent_id=True):
        if type(obj) is _Global:
            memo_key = ('global', obj.module, obj.name)
            if memo_key in self._globals_memo:
                self.write(self.get(self._globals_memo[memo_key]))
                return
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode('utf-8'))
            idx = len(self.memo)
            self.memo[id(obj)] = idx, obj
            self._globals_memo[memo_key] = idx
            self.write(self.put(idx))
            return
        super().save(obj, save_persistent_id)

    def reducer_override(self, obj):
        from .nn.parameter import Parameter
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj, isinstance(obj, Parameter))
        if isinstance(obj, D.dtype):
            return NotImplemented
        return NotImplemented

    def _storage_of(self, t: Tensor):
        """The storage record of t's memory block, and t's element offset and strides within it."""
        arr = t._host()
        base = arr
        while isinstance(base.base, np.ndarray):
            base = base.base
        if t.dtype is D.bfloat16 or base.dtype != arr.dtype or not base.flags.c_contiguous or base.ndim == 0 and \
                arr.ndim and False:
            base = None
        if base is not None and isinstance(base, np.ndarray) and base.dtype == arr.dtype and base.flags.c_contiguous:
            item = arr.itemsize
            offset_bytes = arr.__array_interface__['data'][0] - base.__array_interface__['data'][0]
            if offset_bytes % item == 0 and all(s % item == 0 and s >= 0 for s in arr.strides):
                key = self.storages.get(id(base))
                if key is None:
                    key = self.storages[id(base)] = (str(len(self.storages)), base)
                return key[0], base.size, offset_bytes // item, tuple(s // item for s in arr.strides)
        own = np.ascontiguousarray(arr)
        key = str(len(self.storages))
        self.storages[id(own)] = (key, own)
        return key, own.size, 0, tuple(s // own.itemsize for s in own.strides) if own.ndim else ()

    def _reduce_tensor(self, t: Tensor, is_param: bool):
        if t.grad_fn is not None and not t.requires_grad:
            pass
        key, numel, offset, strides = self._storage_of(t)
        storage = _Storage(key, t.dtype, numel)
        rebuild = (_REBUILD_TENSOR, (storage, offset, tuple(t.shape), tuple(strides), False if is_param else
                                     t.requires_grad, _EmptyOrderedDict()))
        if is_param:
            inner = _Reduced(*rebuild)
            return (_REBUILD_PARAMETER, (inner, t.requires_grad, _EmptyOrderedDict()))
        return rebuild


class _EmptyOrderedDict:
    def __reduce__(self):
        return (_ORDERED_DICT, ())


class _Reduced:
    __slots__ = ('fn', 'args')

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def _prepare(obj):
    """Turn ember-specific values into what PyTorch pickles (Size into torch.Size, dtypes into torch.<dtype>)."""
    from ._tensor import Size
    if isinstance(obj, Size):
        return _Reduced(_SIZE, (tuple(obj),))
    if isinstance(obj, D.dtype):
        return _Reduced(_Global('builtins', 'getattr'), (_Global('torch', 'float32'), 'x')) if False else \
            _GlobalValue('torch', obj.name)
    if isinstance(obj, OrderedDict):
        new = OrderedDict((k, _prepare(v)) for k, v in obj.items())
        return new
    if type(obj) is dict:
        return {k: _prepare(v) for k, v in obj.items()}
    if type(obj) is list:
        return [_prepare(v) for v in obj]
    if type(obj) is tuple:
        return tuple(_prepare(v) for v in obj)
    return obj


class _GlobalValue:
    """A value that PyTorch pickles as a bare global, like ``torch.float32``."""

    def __init__(self, module, name):
        self.g = _Global(module, name)


def _write_global_value(pickler, obj):
    pickler.save(obj.g)


class _SavePickler(_Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, _GlobalValue):
            return NotImplemented
        return super().reducer_override(obj)

    def save(self, obj, save_persistent_id=True):
        if type(obj) is _GlobalValue:
            _Pickler.save(self, obj.g)
            return
        super().save(obj, save_persistent_id)


def _open_target(f):
    if isinstance(f, (str, os.PathLike)):
        return os.fspath(f)
    if not hasattr(f, 'write'):
        raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a 'write' attribute, "
                             f"got {type(f).__name__}")
    return None


def _aligned_extra(zf: zipfile.ZipFile, name: str) -> bytes:
    """A padding extra field that puts the record's data at a multiple of 64 bytes in the file."""
    offset = zf.fp.tell()
    start = offset + 30 + len(name.encode('utf-8')) + 4
    pad = (-start) % _ALIGN
    return b'FB' + struct.pack('<H', pad) + b'Z' * pad


def _write_record(zf: zipfile.ZipFile, name: str, data, align: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    if align:
        info.extra = _aligned_extra(zf, name)
    with zf.open(info, 'w', force_zip64=len(data) > 0x7FFFFFFF if hasattr(data, '__len__') else True) as w:
        w.write(data)


def _write_zip(obj, fileobj, protocol: int, archive: str) -> None:
    buf = io.BytesIO()
    pickler = _SavePickler(buf, protocol)
    pickler._globals_memo = {}
    pickler.dump(_prepare(obj))
    with zipfile.ZipFile(fileobj, 'w', compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        _write_record(zf, f'{archive}/data.pkl', buf.getvalue())
        _write_record(zf, f'{archive}/.format_version', b'1')
        _write_record(zf, f'{archive}/.storage_alignment', b'64')
        _write_record(zf, f'{archive}/byteorder', b'little')
        for key, arr in sorted(pickler.storages.values(), key=lambda kv: int(kv[0])):
            data = np.ascontiguousarray(arr)
            if data.dtype.byteorder == '>':
                data = data.astype(data.dtype.newbyteorder('<'))
            _write_record(zf, f'{archive}/data/{key}', memoryview(data.reshape(-1).view(np.uint8)), align=True)
        _write_record(zf, f'{archive}/version', b'3\n')
        _write_record(zf, f'{archive}/.data/serialization_id', uuid.uuid4().hex.encode() + b'0' * 8)


def save(obj, f, pickle_module=None, pickle_protocol: int = 2, _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:
    """Save ``obj`` (tensors, modules' and optimizers' state dicts, containers of them, Python scalars) in
    PyTorch's zip checkpoint format, readable by ``torch.load(weights_only=True)``.

    Saving to a path writes a temporary file next to it, flushes and fsyncs it, then renames it over the target:
    an interrupted save leaves the previous file intact.
    """
    path = _open_target(f)
    if path is None:
        _write_zip(obj, f, pickle_protocol, 'archive')
        return
    directory = os.path.dirname(os.path.abspath(path))
    archive = os.path.splitext(os.path.basename(path))[0] or 'archive'
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as fh:
            _write_zip(obj, fh, pickle_protocol, archive)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        with contextlib.suppress(OSError):
            dfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------------- loading

_SAFE_GLOBALS: dict = {}
_USER_SAFE_GLOBALS: dict = {}

_SAFE_OPCODES = {
    'PROTO', 'FRAME', 'STOP', 'MARK', 'POP', 'POP_MARK', 'DUP', 'NONE', 'NEWTRUE', 'NEWFALSE', 'INT', 'BININT',
    'BININT1', 'BININT2', 'LONG', 'LONG1', 'LONG4', 'FLOAT', 'BINFLOAT', 'STRING', 'BINSTRING', 'SHORT_BINSTRING',
    'UNICODE', 'SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'BINBYTES', 'SHORT_BINBYTES', 'BINBYTES8',
    'BYTEARRAY8', 'EMPTY_LIST', 'APPEND', 'APPENDS', 'LIST', 'EMPTY_TUPLE', 'TUPLE', 'TUPLE1', 'TUPLE2', 'TUPLE3',
    'EMPTY_DICT', 'DICT', 'SETITEM', 'SETITEMS', 'EMPTY_SET', 'ADDITEMS', 'FROZENSET', 'GET', 'BINGET',
    'LONG_BINGET', 'PUT', 'BINPUT', 'LONG_BINPUT', 'MEMOIZE', 'GLOBAL', 'STACK_GLOBAL', 'REDUCE', 'BUILD',
    'NEWOBJ', 'PERSID', 'BINPERSID'}


def _torch_safe_names() -> set:
    names = {'collections.OrderedDict', 'collections.Counter', 'torch._utils._rebuild_tensor_v2',
             'torch._utils._rebuild_tensor', 'torch._utils._rebuild_parameter',
             'torch._utils._rebuild_parameter_with_state', 'torch.Size', 'builtins.set', 'builtins.frozenset',
             'builtins.complex', 'builtins.bytearray', 'builtins.slice', '_codecs.encode', 'torch.device',
             'torch._tensor._rebuild_from_type_v2', 'torch.Tensor', 'torch.nn.parameter.Parameter'}
    names |= {f'torch.{n}' for n in _STORAGE_DTYPES} | {f'torch.cuda.{n}' for n in _STORAGE_DTYPES}
    names |= {f'torch.{d.name}' for d in D.ALL} | {'torch.float', 'torch.double', 'torch.half', 'torch.long',
                                                   'torch.int', 'torch.short', 'torch.cfloat', 'torch.cdouble'}
    names |= {f'torch.{n.replace("Storage", "Tensor")}' for n in _STORAGE_DTYPES}
    return names


_SAFE_NAMES = _torch_safe_names()


def add_safe_globals(safe_globals: list) -> None:
    """Allow these globals (objects, or ``(object, "module.name")`` pairs) in ``weights_only`` loading."""
    for g in safe_globals:
        if isinstance(g, tuple):
            obj, name = g
        else:
            obj, name = g, f"{g.__module__}.{g.__qualname__}"
        _USER_SAFE_GLOBALS[name] = obj


def get_safe_globals() -> list:
    return list(_USER_SAFE_GLOBALS.values())


def clear_safe_globals() -> None:
    _USER_SAFE_GLOBALS.clear()


@contextlib.contextmanager
def safe_globals(globals_list: list):
    """Context manager: ``add_safe_globals`` for the duration of the block."""
    saved = dict(_USER_SAFE_GLOBALS)
    add_safe_globals(globals_list)
    try:
        yield
    finally:
        _USER_SAFE_GLOBALS.clear()
        _USER_SAFE_GLOBALS.update(saved)


class UnpicklingError(pickle.UnpicklingError):
    """A checkpoint was refused by the safe loader (or could not be read)."""


def _scan(data: bytes, where: str) -> None:
    """Refuse, before anything is built, a pickle with an opcode or a global outside the allowlist."""
    strings = []
    try:
        for op, arg, pos in pickletools.genops(data):
            name = op.name
            if name not in _SAFE_OPCODES:
                raise UnpicklingError(f"Weights only load failed: unsupported pickle opcode {name} at byte {pos} of "
                                      f"{where}. Only tensors, primitive types, dicts, lists and tuples can be loaded "
                                      "with weights_only=True.")
            if name in ('SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'UNICODE', 'STRING', 'BINSTRING',
                        'SHORT_BINSTRING'):
                strings.append(arg)
            if name == 'GLOBAL' or name == 'STACK_GLOBAL':
                full = arg.replace(' ', '.') if name == 'GLOBAL' else (
                    f"{strings[-2]}.{strings[-1]}" if len(strings) >= 2 else '?')
                if full not in _SAFE_NAMES and full not in _USER_SAFE_GLOBALS:
                    raise UnpicklingError(f"Weights only load failed: unsupported global: GLOBAL {full} was not an "
                                          "allowed global by default. Please use `ember.serialization.add_safe_globals"
                                          f"([{full.rsplit('.', 1)[-1]}])` or `ember.serialization.safe_globals` to "
                                          "allowlist this global if you trust this class/function.")
    except UnpicklingError:
        raise
    except Exception as e:
        raise UnpicklingError(f"{where}: the pickle is malformed ({e})") from None


def _resolve_global(module: str, name: str, weights_only: bool):
    """ember's stand-in for a PyTorch global found in a checkpoint."""
    full = f"{module}.{name}"
    if full in _USER_SAFE_GLOBALS:
        return _USER_SAFE_GLOBALS[full]
    if module == 'collections' and name in ('OrderedDict', 'Counter'):
        import collections
        return getattr(collections, name)
    if module == 'torch._utils' and name in ('_rebuild_tensor_v2', '_rebuild_tensor'):
        return _rebuild_tensor_v2 if name.endswith('v2') else _rebuild_tensor
    if module == 'torch._utils' and name == '_rebuild_parameter':
        return _rebuild_parameter
    if module == 'torch._utils' and name == '_rebuild_parameter_with_state':
        return _rebuild_parameter_with_state
    if module == 'torch._tensor' and name == '_rebuild_from_type_v2':
        return _rebuild_from_type_v2
    if module in ('torch', 'torch.cuda') and name in _STORAGE_DTYPES:
        return _StorageType(_STORAGE_DTYPES[name])
    if module == 'torch' and name == 'Size':
        from ._tensor import Size
        return Size
    if module == 'torch' and name == 'device':
        from ._device import device
        return device
    if module == 'torch' and name in ('Tensor',):
        return Tensor
    if module == 'torch.nn.parameter' and name == 'Parameter':
        from .nn.parameter import Parameter
        return Parameter
    if module == 'torch' and (name in _DTYPE_NAMES or name in D.ALIASES):
        return _DTYPE_NAMES.get(name) or D.ALIASES[name]
    if module == 'builtins' and name in ('set', 'frozenset', 'complex', 'bytearray', 'slice'):
        import builtins
        return getattr(builtins, name)
    if module == '_codecs' and name == 'encode':
        import codecs
        return codecs.encode
    if weights_only:
        raise UnpicklingError(f"Weights only load failed: unsupported global {full}")
    __import__(module)
    obj = sys.modules[module]
    for part in name.split('.'):
        obj = getattr(obj, part)
    return obj


class _StorageType:
    __slots__ = ('dtype',)

    def __init__(self, dtype):
        self.dtype = dtype


class _LoadedStorage:
    """A storage read from a checkpoint: its array and the version counter its tensors share."""

    __slots__ = ('arr', 'version')

    def __init__(self, arr):
        from ._tensor import Version
        self.arr, self.version = arr, Version()


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    if not isinstance(storage, _LoadedStorage):
        raise UnpicklingError(f"a tensor's storage is {type(storage).__name__}, not a storage")
    arr = storage.arr
    item = arr.itemsize
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride) or not all(isinstance(v, int) for v in size + stride + (storage_offset,)):
        raise UnpicklingError(f"invalid tensor geometry: size {list(size)}, stride {list(stride)}")
    if any(s < 0 for s in size) or any(s < 0 for s in stride) or storage_offset < 0:
        raise UnpicklingError(f"tensor with negative size, stride or offset: size {list(size)}, stride "
                              f"{list(stride)}, offset {storage_offset}")
    if all(n > 0 for n in size):
        last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= arr.size:
            raise UnpicklingError(f"tensor of size {list(size)}, stride {list(stride)} and offset {storage_offset} "
                                  f"reaches past its storage of {arr.size} elements")
    view = np.lib.stride_tricks.as_strided(arr[storage_offset:], size, tuple(s * item for s in stride))
    t = Tensor._wrap(view)
    t._version_ctr = storage.version
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad)
    if state:
        p.__dict__.update(state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    return func(*args)


def _map_location(map_location, location: str) -> str:
    if map_location is None:
        return location
    if callable(map_location) and not isinstance(map_location, (str, dict)):
        return location  # applied to the finished tensor in _apply_map_location
    if isinstance(map_location, dict):
        return str(map_location.get(location, location))
    return str(map_location)


def _check_location(location: str, map_location) -> None:
    loc = _map_location(map_location, location)
    if loc.startswith('cuda'):
        from .cuda import is_available
        if not is_available():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                               "False. If you are running on a CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the CPU.")


class _Loader:
    """Reads one zip checkpoint: storages on demand (or memory-mapped), the pickle through a safe unpickler."""

    def __init__(self, zf: zipfile.ZipFile, name: str, prefix: str, map_location, weights_only: bool, mmap_file):
        self.zf, self.name, self.prefix = zf, name, prefix
        self.map_location, self.weights_only, self.mmap_file = map_location, weights_only, mmap_file
        self.storages: dict = {}
        self.infos = {i.filename: i for i in zf.infolist()}

    def storage(self, storage_type, key, location, numel):
        if not isinstance(storage_type, _StorageType):
            raise UnpicklingError(f"{self.name}: a storage's type is {storage_type!r}, not a storage type")
        key = str(key)
        if key in self.storages:
            return self.storages[key]
        _check_location(str(location), self.map_location)
        dt = storage_type.dtype
        record = f'{self.prefix}data/{key}'
        info = self.infos.get(record)
        if info is None:
            raise UnpicklingError(f"{self.name}: the archive has no record {record} for a storage it uses")
        if not isinstance(numel, int) or numel < 0:
            raise UnpicklingError(f"{self.name}: storage {key} declares an invalid size {numel!r}")
        nbytes = numel * dt.itemsize
        if info.file_size < nbytes:
            raise UnpicklingError(f"{self.name}: storage {key} is shorter than declared ({info.file_size} bytes, "
                                  f"{numel} elements of {dt.name} need {nbytes})")
        if info.compress_type != zipfile.ZIP_STORED and self.mmap_file is not None:
            raise UnpicklingError(f"{self.name}: record {record} is compressed and cannot be memory-mapped")
        npd = dt.np.newbyteorder('<') if dt.itemsize > 1 else dt.np
        if self.mmap_file is not None:
            offset = _data_offset(self.mmap_file, info)
            arr = np.memmap(self.mmap_file, dtype=npd, mode='c', offset=offset, shape=(numel,)) if numel else \
                np.zeros(0, npd)
            arr = np.asarray(arr)
        else:
            with self.zf.open(info) as fh:
                raw = fh.read(nbytes)
            if len(raw) != nbytes:
                raise UnpicklingError(f"{self.name}: storage {key} is truncated")
            arr = np.frombuffer(bytearray(raw), dtype=npd)
        if arr.dtype.byteorder == '>' or (arr.dtype.byteorder == '<' and sys.byteorder == 'big'):
            arr = arr.astype(dt.np)
        st = self.storages[key] = _LoadedStorage(arr)
        return st


def _data_offset(path: str, info: zipfile.ZipInfo) -> int:
    with open(path, 'rb') as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        if header[:4] != b'PK\x03\x04':
            raise UnpicklingError(f"{path}: bad local header for {info.filename}")
        n, m = struct.unpack('<HH', header[26:30])
        return info.header_offset + 30 + n + m


def _make_unpickler(data: bytes, loader, weights_only: bool):
    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            return _resolve_global(module, name, weights_only)

        def persistent_load(self, pid):
            if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != 'storage':
                raise UnpicklingError(f"unsupported persistent id {pid!r}")
            return loader.storage(pid[1], pid[2], pid[3], pid[4])
    return Unpickler(io.BytesIO(data), encoding='utf-8')


def _apply_map_location(obj, map_location):
    if map_location is None or not (callable(map_location) and not isinstance(map_location, (str, dict))):
        return obj
    return obj


def _find_prefix(zf: zipfile.ZipFile, name: str) -> str:
    names = zf.namelist()
    pkl = [n for n in names if n.endswith('data.pkl') and n.count('/') == 1]
    if not pkl:
        raise RuntimeError(f"{name}: not a PyTorch checkpoint (the zip archive has no <name>/data.pkl record)")
    for n in names:
        if n.startswith('/') or '..' in n.split('/') or '\\' in n:
            raise UnpicklingError(f"{name}: refusing suspicious record name {n!r}")
    return pkl[0][:-len('data.pkl')]


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None, mmap: bool | None = None,
         **pickle_load_args):
    """Load an object saved by ``ember.save`` or ``torch.save`` (zip or legacy format), without torch.

    ``weights_only=True`` (the default) accepts only tensors, primitive types, dicts, lists, tuples and the
    allowlisted globals, and refuses anything else before it is built. ``map_location`` may be a device, a string,
    a dict of locations or a callable. ``mmap=True`` maps the storages from the file instead of reading them.
    """
    if weights_only is None:
        weights_only = True
    if not weights_only:
        warnings.warn("ember.load with weights_only=False unpickles arbitrary objects: only load files from a source "
                      "you trust, since unpickling can execute code.", UserWarning, stacklevel=2)
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else getattr(f, 'name', '<file object>')
    if isinstance(f, (str, os.PathLike)):
        if not os.path.exists(f):
            raise FileNotFoundError(f"[Errno 2] No such file or directory: '{name}'")
        fh = open(f, 'rb')
        close = True
    else:
        if mmap:
            raise ValueError("f must be a file path in order to use the mmap argument")
        fh = f
        close = False
    try:
        head = fh.read(4)
        fh.seek(0)
        if head[:2] == b'PK':
            try:
                zf = zipfile.ZipFile(fh)
            except zipfile.BadZipFile as e:
                raise RuntimeError(f"{name}: not a valid checkpoint: bad zip archive ({e})") from None
            with zf:
                _check_zip_sizes(zf, name)
                prefix = _find_prefix(zf, name)
                try:
                    data = zf.read(prefix + 'data.pkl')
                except (zipfile.BadZipFile, OSError, EOFError) as e:
                    raise RuntimeError(f"{name}: the data.pkl record is damaged ({e})") from None
                if weights_only:
                    _scan(data, f"{name}:{prefix}data.pkl")
                loader = _Loader(zf, name, prefix, map_location, weights_only,
                                 os.fspath(f) if mmap and isinstance(f, (str, os.PathLike)) else None)
                try:
                    obj = _make_unpickler(data, loader, weights_only).load()
                except (UnpicklingError, RuntimeError, FileNotFoundError):
                    raise
                except (zipfile.BadZipFile, EOFError, OSError) as e:
                    raise RuntimeError(f"{name}: a storage record is damaged ({e})") from None
                except Exception as e:
                    if weights_only:
                        raise UnpicklingError(f"Weights only load failed: {name}: {type(e).__name__}: {e}") from None
                    raise
        else:
            obj = _load_legacy(fh, name, map_location, weights_only)
    finally:
        if close:
            fh.close()
    return _finish_map_location(obj, map_location)


def _check_zip_sizes(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse zip bombs: records must be stored uncompressed, as PyTorch writes them (or modestly compressed)."""
    for info in zf.infolist():
        if info.compress_type != zipfile.ZIP_STORED and info.compress_size and \
                info.file_size > 1000 * info.compress_size and info.file_size > (1 << 24):
            raise UnpicklingError(f"{name}: record {info.filename} expands {info.file_size // info.compress_size}x; "
                                  "refusing a likely zip bomb")


def _finish_map_location(obj, map_location):
    if map_location is None:
        return obj
    if callable(map_location) and not isinstance(map_location, (str, dict)):
        def walk(o):
            if isinstance(o, Tensor):
                r = map_location(o, 'cpu')
                return o if r is None else r
            if isinstance(o, dict):
                for k in list(o):
                    o[k] = walk(o[k])
                return o
            if isinstance(o, list):
                return [walk(v) for v in o]
            if isinstance(o, tuple) and not hasattr(o, '_fields'):
                return tuple(walk(v) for v in o)
            return o
        return walk(obj)
    target = _map_location(map_location, 'cpu')
    if target.startswith('cuda'):
        def move(o):
            if isinstance(o, Tensor):
                return o.to(target)
            if isinstance(o, dict):
                for k in list(o):
                    o[k] = move(o[k])
                return o
            if isinstance(o, list):
                return [move(v) for v in o]
            if isinstance(o, tuple):
                return tuple(move(v) for v in o)
            return o
        return move(obj)
    return obj


# ---------------------------------------------------------------------------------------------- legacy format

_LEGACY_MAGIC = 0x1950a86a20f9469cfc6c


def _read_one_pickle(fh, name: str) -> bytes:
    """The bytes of the next pickle in ``fh`` (up to its STOP), leaving ``fh`` just after it."""
    start = fh.tell()
    try:
        for op, _, _ in pickletools.genops(fh):
            if op.name == 'STOP':
                break
    except Exception as e:
        raise RuntimeError(f"{name}: truncated or corrupt pickle ({e})") from None
    end = fh.tell()
    fh.seek(start)
    return fh.read(end - start)


def _load_legacy(fh, name: str, map_location, weights_only: bool):
    """PyTorch's pre-1.6 format: magic, protocol, sys info, the object pickle, the storage keys, then each
    storage's bytes (an 8-byte element count, then the data). Tensors are built once their bytes are read."""
    pending: dict = {}

    def deferred(fn):
        return lambda *args: _PendingTensor(fn, args)

    def load_one(persistent=None):
        data = _read_one_pickle(fh, name)
        if weights_only:
            _scan(data, name)

        class U(pickle.Unpickler):
            def find_class(self, module, nm):
                obj = _resolve_global(module, nm, weights_only)
                if obj in (_rebuild_tensor_v2, _rebuild_tensor, _rebuild_parameter, _rebuild_parameter_with_state):
                    return deferred(obj)
                return obj

            def persistent_load(self, pid):
                if persistent is None:
                    raise UnpicklingError(f"{name}: unexpected persistent id")
                return persistent(pid)
        return U(io.BytesIO(data), encoding='utf-8').load()

    try:
        magic = load_one()
    except UnpicklingError:
        raise
    except Exception:
        raise RuntimeError(f"{name}: not a PyTorch checkpoint (neither a zip archive nor the legacy format)") \
            from None
    if magic != _LEGACY_MAGIC:
        raise RuntimeError(f"{name}: Invalid magic number; corrupt file?")
    protocol = load_one()
    if protocol != 1001:
        raise RuntimeError(f"{name}: Invalid protocol version: {protocol}")
    load_one()  # sys info

    def persistent(pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != 'storage':
            raise UnpicklingError(f"{name}: unsupported persistent id {pid!r}")
        storage_type, key, location, numel = pid[1], str(pid[2]), pid[3], pid[4]
        _check_location(str(location), map_location)
        if not isinstance(storage_type, _StorageType):
            raise UnpicklingError(f"{name}: a storage's type is not a storage type")
        entry = pending.setdefault(key, [storage_type.dtype, numel, None])
        view = pid[5] if len(pid) > 5 else None
        return (key, view)

    result = load_one(persistent)
    keys = load_one()
    for key in keys:
        key = str(key)
        if key not in pending:
            raise UnpicklingError(f"{name}: storage {key} is listed but never used")
        dt, numel, _ = pending[key]
        raw_n = fh.read(8)
        if len(raw_n) != 8:
            raise RuntimeError(f"{name}: truncated storage data")
        n = struct.unpack('<q', raw_n)[0]
        if n != numel:
            raise UnpicklingError(f"{name}: storage {key} holds {n} elements, the pickle declared {numel}")
        raw = fh.read(n * dt.itemsize)
        if len(raw) != n * dt.itemsize:
            raise RuntimeError(f"{name}: storage {key} is shorter than declared")
        pending[key][2] = _LoadedStorage(np.frombuffer(bytearray(raw), dtype=dt.np))

    def storage_of(ref):
        key, view = ref
        st = pending[key][2]
        if st is None:
            raise UnpicklingError(f"{name}: storage {key} has no data")
        if view is None:
            return st
        _, offset, size = view
        sub = _LoadedStorage(st.arr[offset:offset + size])
        sub.version = st.version
        return sub

    def resolve(o):
        if isinstance(o, _PendingTensor):
            args = [resolve(a) for a in o.args]
            if isinstance(args[0], tuple) and len(args[0]) == 2 and isinstance(args[0][0], str):
                args[0] = storage_of(args[0])
            return o.fn(*args)
        if isinstance(o, dict):
            for k in list(o):
                o[k] = resolve(o[k])
            return o
        if isinstance(o, list):
            return [resolve(v) for v in o]
        if isinstance(o, tuple) and not hasattr(o, '_fields'):
            return tuple(resolve(v) for v in o)
        return o
    return resolve(result)


class _PendingTensor:
    """A tensor (or parameter) to rebuild once the legacy file's storage bytes have been read."""

    __slots__ = ('fn', 'args')

    def __init__(self, fn, args):
        self.fn, self.args = fn, args
