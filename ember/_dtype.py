"""dtype objects and PyTorch's type-promotion rules."""
from __future__ import annotations

import numpy as np

# Categories order the kinds for promotion: bool < integer < floating < complex.
BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type (``ember.float32``, ``ember.int64``, ...)."""

    __slots__ = ('name', '_np', 'category', 'itemsize', 'is_signed', '_legacy', '__weakref__')

    def __init__(self, name: str, np_dtype, category: int, itemsize: int, signed: bool, legacy: str):
        self.name = name
        self._np = np.dtype(np_dtype) if np_dtype is not None else None
        self.category = category
        self.itemsize = itemsize
        self.is_signed = signed
        self._legacy = legacy

    @property
    def np(self) -> np.dtype:
        """The NumPy dtype that stores this dtype (bfloat16 loads ml_dtypes on first use)."""
        if self._np is None:
            self._np = _load_bfloat16()
        return self._np

    @property
    def is_floating_point(self) -> bool:
        return self.category == FLOAT

    @property
    def is_complex(self) -> bool:
        return self.category == COMPLEX

    def to_real(self) -> 'dtype':
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self) -> 'dtype':
        return {float64: complex128, complex128: complex128}.get(self, complex64)

    def __repr__(self) -> str:
        return 'torch.' + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


bool_ = dtype('bool', np.bool_, BOOL, 1, False, 'Bool')
uint8 = dtype('uint8', np.uint8, INT, 1, False, 'Byte')
int8 = dtype('int8', np.int8, INT, 1, True, 'Char')
int16 = dtype('int16', np.int16, INT, 2, True, 'Short')
int32 = dtype('int32', np.int32, INT, 4, True, 'Int')
int64 = dtype('int64', np.int64, INT, 8, True, 'Long')
uint16 = dtype('uint16', np.uint16, INT, 2, False, 'UInt16')
uint32 = dtype('uint32', np.uint32, INT, 4, False, 'UInt32')
uint64 = dtype('uint64', np.uint64, INT, 8, False, 'UInt64')
float16 = dtype('float16', np.float16, FLOAT, 2, True, 'Half')
bfloat16 = dtype('bfloat16', None, FLOAT, 2, True, 'BFloat16')
float32 = dtype('float32', np.float32, FLOAT, 4, True, 'Float')
float64 = dtype('float64', np.float64, FLOAT, 8, True, 'Double')
complex64 = dtype('complex64', np.complex64, COMPLEX, 8, True, 'ComplexFloat')
complex128 = dtype('complex128', np.complex128, COMPLEX, 16, True, 'ComplexDouble')

ALL = (bool_, uint8, int8, int16, int32, int64, uint16, uint32, uint64, float16, bfloat16, float32, float64,
       complex64, complex128)
_BY_NAME = {d.name: d for d in ALL}
_FROM_NP = {d._np: d for d in ALL if d._np is not None}

# PyTorch's aliases (torch.float is float32, torch.long is int64, ...).
ALIASES = {'float': float32, 'double': float64, 'half': float16, 'long': int64, 'int': int32, 'short': int16,
           'cfloat': complex64, 'cdouble': complex128, 'bool': bool_}


def _load_bfloat16() -> np.dtype:
    try:
        import ml_dtypes
    except ImportError:
        raise RuntimeError("bfloat16 needs the ml_dtypes package: pip install 'ember[bf16]'") from None
    npd = np.dtype(ml_dtypes.bfloat16)
    _FROM_NP[npd] = bfloat16
    return npd


def from_numpy_dtype(npd) -> dtype:
    """The ember dtype that stores as NumPy dtype ``npd``; TypeError for ones PyTorch lacks."""
    d = _FROM_NP.get(npd)
    if d is not None:
        return d
    npd = np.dtype(npd)
    d = _FROM_NP.get(npd)
    if d is not None:
        return d
    if npd.name == 'bfloat16':
        bfloat16.np  # registers it
        return bfloat16
    if npd.kind == 'f' and npd.itemsize == 16:
        raise TypeError("can't convert np.ndarray of type numpy.longdouble. The only supported types are: "
                        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.")
    raise TypeError(f"can't convert np.ndarray of type numpy.{npd.name}. The only supported types are: float64, "
                    "float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.")


def to_dtype(d) -> dtype:
    """Accept an ember dtype, a NumPy dtype, a Python type or a name and return the ember dtype."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return get_default_dtype()
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is complex:
        return get_default_dtype().to_complex()
    if isinstance(d, str):
        name = d.removeprefix('torch.')
        if name in _BY_NAME:
            return _BY_NAME[name]
        if name in ALIASES:
            return ALIASES[name]
    try:
        return from_numpy_dtype(np.dtype(d))
    except TypeError:
        pass
    raise TypeError(f"expected a dtype, but got {d!r}")


_default_float = float32


def get_default_dtype() -> dtype:
    """The default floating point dtype (``float32`` unless changed)."""
    return _default_float


def set_default_dtype(d) -> None:
    """Set the default floating point dtype; only float32 and float64 are accepted, like PyTorch."""
    global _default_float
    d = to_dtype(d)
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


# ---------------------------------------------------------------------------------------------- promotion

_INT_ORDER = {bool_: 0, uint8: 1, int8: 1, int16: 2, int32: 3, int64: 4}
_SIGNED_BY_RANK = {1: int8, 2: int16, 3: int32, 4: int64}
_FLOAT_RANK = {float16: 1, bfloat16: 1, float32: 2, float64: 3}
_BARE_UNSIGNED = (uint16, uint32, uint64)


def _promote_cached(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a is bool_:
        return b
    if b is bool_:
        return a
    if a in _BARE_UNSIGNED or b in _BARE_UNSIGNED:
        raise TypeError(f"Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
                        f"{a._legacy} and {b._legacy}")
    ca, cb = a.category, b.category
    if ca == INT and cb == INT:
        if uint8 in (a, b):
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if _INT_ORDER[a] >= _INT_ORDER[b] else b
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi.category == COMPLEX and lo.category == FLOAT:
            return complex128 if (hi is complex128 or lo is float64) else complex64
        return hi
    if ca == FLOAT:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if _FLOAT_RANK[a] >= _FLOAT_RANK[b] else b
    return complex128  # two different complex types


_PROMOTE: dict = {}


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype to which both ``a`` and ``b`` can be cast (``torch.promote_types``)."""
    try:
        return _PROMOTE[a, b]
    except KeyError:
        r = _PROMOTE[a, b] = _promote_cached(to_dtype(a), to_dtype(b))
        return r


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """Merge the result of a higher-priority operand group with a lower one (dimensioned tensors beat
    zero-dim tensors, which beat Python scalars) unless the lower group is of a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == COMPLEX:
        return higher
    if lower.category == COMPLEX:
        return higher.to_complex() if higher.category == FLOAT else lower
    if higher.category == FLOAT:
        return higher
    if higher is bool_ or lower.category == FLOAT:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(x) -> dtype:
    """The dtype a Python scalar takes when it stands alone (``ember.tensor(x)``)."""
    if isinstance(x, bool):
        return bool_
    if isinstance(x, int):
        return int64
    if isinstance(x, float):
        return get_default_dtype()
    if isinstance(x, complex):
        return get_default_dtype().to_complex()
    if isinstance(x, np.generic):
        return from_numpy_dtype(x.dtype)
    raise TypeError(f"expected a Tensor or a number, got {type(x).__name__}")


def result_type_of(dim: dtype | None, zero: dtype | None, scalars: dtype | None) -> dtype:
    return _combine(dim, _combine(zero, scalars))


def can_cast(from_: dtype, to: dtype) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` to be cast to ``to`` (no category demotion)."""
    if from_.category > to.category:
        return False
    return not (from_.category != BOOL and to is bool_)


class finfo:
    """Machine limits of a floating point dtype (``torch.finfo``)."""

    def __init__(self, type: dtype | None = None):
        d = to_dtype(type) if type is not None else get_default_dtype()
        if d.category not in (FLOAT, COMPLEX):
            raise TypeError(f"torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            f"'{d!r}'")
        d = d.to_real()
        if d is bfloat16:
            import ml_dtypes
            info = ml_dtypes.finfo(d.np)
        else:
            info = np.finfo(d.np)
        self.dtype = d.name
        self.bits = d.itemsize * 8
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = 10.0 ** -info.precision

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Machine limits of an integer dtype (``torch.iinfo``)."""

    def __init__(self, type: dtype):
        d = to_dtype(type)
        if d.category == BOOL:
            self.bits, self.min, self.max, self.dtype = 8, 0, 1, 'bool'
            return
        if d.category != INT:
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo to handle '{d!r}'")
        info = np.iinfo(d.np)
        self.bits, self.min, self.max, self.dtype = info.bits, int(info.min), int(info.max), d.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
