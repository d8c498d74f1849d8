"""The safe unpickler of ``weights_only=True`` and its allowlist (user globals, opcodes, PyTorch's globals), and the
unpickler of ``weights_only=False``."""
from __future__ import annotations

import contextlib
import io
import pickle
import pickletools
from collections import Counter, OrderedDict

from .. import _dtype as D
from .._device import device as Device
from .._tensor import Size, Tensor
from ._common import UnpicklingError, _STORAGE_DTYPES, _describe, _parameter_type
from ._rebuild import (_rebuild_from_type_v2, _rebuild_parameter, _rebuild_parameter_with_state, _rebuild_tensor,
                       _rebuild_tensor_v2, _rebuild_tensor_v3)


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
