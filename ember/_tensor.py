"""The Tensor: an array, its dtype and device, and its place in the autograd graph.

Ops live in ``ember/ops`` and attach themselves to Tensor as methods (``bind_methods``); this module
holds only what a tensor is, not what can be computed from it.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import _dtype as D
from ._device import CPU, device as Device, to_device
from ._layout import strided
from .autograd import grad_mode

_new = object.__new__
_FROM_NP = D._FROM_NP


class Version:
    """The in-place version counter that a tensor shares with its views."""

    __slots__ = ('value',)

    def __init__(self):
        self.value = 0


def _device_of(arr) -> Device:
    if isinstance(arr, np.ndarray):
        return CPU
    return Device('cuda', int(arr.device.id))


class Tensor:
    """A multi-dimensional array with autograd (``torch.Tensor``).

    ``Tensor(data)`` and ``Tensor(*sizes)`` are PyTorch's legacy constructors: they make float tensors
    of the default dtype; prefer ``ember.tensor`` and ``ember.empty``.
    """

    __slots__ = ('_data', 'dtype', '_device', '_requires_grad', '_grad', 'grad_fn', '_out_nr', '_version_ctr',
                 '_base', '_accum', '_retains_grad', '_hooks', '_name', '__weakref__', '__dict__')
    __array_priority__ = 1000  # make NumPy defer to our reflected operators

    def __new__(cls, *args, device=None, dtype=None):
        from .ops.creation import legacy_new
        return legacy_new(cls, args, device, dtype)

    def __init__(self, *args, **kwargs):
        pass

    # ----------------------------------------------------------------------------------- construction
    @classmethod
    def _wrap(cls, arr, requires_grad: bool = False, dtype: D.dtype | None = None) -> 'Tensor':
        """A new tensor (a leaf) that holds ``arr`` without copying it."""
        t = _new(cls)
        if type(arr) is np.ndarray:
            t._device = CPU
        else:
            if isinstance(arr, np.generic):
                arr = np.asarray(arr)
            t._device = _device_of(arr)
        t._data = arr
        t.dtype = dtype if dtype is not None else (_FROM_NP.get(arr.dtype) or D.from_numpy_dtype(arr.dtype))
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = None
        t._out_nr = 0
        t._version_ctr = Version()
        t._base = None
        t._accum = None
        t._retains_grad = False
        t._hooks = None
        return t

    # ----------------------------------------------------------------------------------- metadata
    @property
    def shape(self) -> 'Size':
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape as ``ember.Size``, or the length of dimension ``dim``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[wrap_dim(dim, self._data.ndim, 'size')]

    @property
    def device(self) -> Device:
        return self._device

    @property
    def is_cuda(self) -> bool:
        return self._device.type == 'cuda'

    @property
    def is_cpu(self) -> bool:
        return self._device.type == 'cpu'

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_nested(self) -> bool:
        return False

    @property
    def is_mps(self) -> bool:
        return False

    @property
    def is_xpu(self) -> bool:
        return False

    @property
    def layout(self):
        return strided

    def to_dense(self, dtype=None, *, masked_grad=None) -> 'Tensor':
        """This tensor (already dense), cast to ``dtype`` when given."""
        return self if dtype is None else self.to(dtype)

    def is_pinned(self, device=None) -> bool:
        return False

    def pin_memory(self, device=None) -> 'Tensor':
        """A copy in page-locked host memory; ember has no such memory, so a plain copy (needs a GPU, as PyTorch's
        does)."""
        from .cuda import is_available
        if not is_available():
            raise RuntimeError("Cannot access accelerator device when none is available.")
        return self.clone()

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.dtype.itemsize * int(self._data.size)

    def is_floating_point(self) -> bool:
        return self.dtype.category == D.FLOAT

    def is_complex(self) -> bool:
        return self.dtype.category == D.COMPLEX

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def stride(self, dim: int | None = None):
        """Strides in elements, like PyTorch's (NumPy counts bytes)."""
        item = self._data.itemsize
        st = tuple(s // item for s in self._data.strides)
        # PyTorch gives size-1 and empty dims the stride a contiguous layout would have.
        st = _canonical_strides(self._data.shape, st)
        if dim is None:
            return st
        return st[wrap_dim(dim, self._data.ndim, 'stride')]

    def is_contiguous(self, memory_format=None) -> bool:
        return bool(self._data.flags.c_contiguous)

    def storage_offset(self) -> int:
        base = self._data
        while isinstance(base, np.ndarray) and base.base is not None and isinstance(base.base, np.ndarray):
            base = base.base
        if base is self._data:
            return 0
        return (self._data.__array_interface__['data'][0] - base.__array_interface__['data'][0]) // self._data.itemsize

    def data_ptr(self) -> int:
        if isinstance(self._data, np.ndarray):
            return self._data.__array_interface__['data'][0]
        return int(self._data.data.ptr)

    def untyped_storage(self) -> 'UntypedStorage':
        return UntypedStorage(self)

    def get_device(self) -> int:
        return -1 if self._device.type == 'cpu' else (self._device.index or 0)

    @property
    def _version(self) -> int:
        return self._version_ctr.value

    # ----------------------------------------------------------------------------------- autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if value and self.dtype.category < D.FLOAT:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> 'Tensor':
        """Set ``requires_grad`` in place and return self."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> 'Tensor | None':
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                          "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                          "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.",
                          UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: 'Tensor | None') -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value._device != self._device:
                raise RuntimeError("assigned grad has data located on a different device")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Populate ``.grad`` for this non-leaf tensor during backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None and not self._retains_grad:
            import weakref
            node = self.grad_fn
            if node._retain is None:
                node._retain = {}
            node._retain[self._out_nr] = weakref.ref(self)
            self._retains_grad = True

    def register_hook(self, hook):
        """Register ``hook(grad) -> Tensor | None`` to run when the gradient of this tensor is computed."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_hook(self._out_nr, hook)
        from .autograd.graph import RemovableHandle, _HookDict
        if self._hooks is None:
            self._hooks = _HookDict()
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = hook
        return handle

    def register_post_accumulate_grad_hook(self, hook):
        """Register ``hook(tensor)`` to run after the gradient was accumulated into this leaf's ``.grad``."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        from .autograd.graph import RemovableHandle, _HookDict
        hooks = self.__dict__.get('_post_acc_hooks')
        if hooks is None:
            hooks = self.__dict__['_post_acc_hooks'] = _HookDict()
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def backward(self, gradient: 'Tensor | None' = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs=None) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of the graph's leaves."""
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> 'Tensor':
        """A new tensor that shares storage and version counter with this one but is outside the graph."""
        t = Tensor._wrap(self._data, dtype=self.dtype)
        t._version_ctr = self._version_ctr
        return t

    def detach_(self) -> 'Tensor':
        """Detach this tensor from the graph that created it, in place."""
        self.grad_fn = None
        self._out_nr = 0
        self._requires_grad = False
        return self

    @property
    def data(self) -> 'Tensor':
        # Shares storage but not the version counter: changes through .data are invisible to autograd.
        return Tensor._wrap(self._data, dtype=self.dtype)

    @data.setter
    def data(self, value: 'Tensor') -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data
        self.dtype = value.dtype
        self._device = value._device

    @property
    def name(self):
        return None

    @property
    def names(self):
        return (None,) * self._data.ndim

    # ----------------------------------------------------------------------------------- Python protocol
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    def _scalar(self, op: str):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._host().reshape(()).item()

    def _host(self) -> np.ndarray:
        """The data as a NumPy array on the host (a copy for GPU tensors)."""
        if isinstance(self._data, np.ndarray):
            return self._data
        return self._data.get()

    def item(self):
        """The value of a one-element tensor as a Python number."""
        return self._scalar('item')

    def __bool__(self) -> bool:
        if self._data.size != 1:
            what = 'no values' if self._data.size == 0 else 'more than one value'
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
        return bool(self._scalar('bool'))

    def _py_scalar(self, ctype: str):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        v = self._host().reshape(()).item()
        if isinstance(v, complex):
            if v.imag != 0:
                raise RuntimeError(f"value cannot be converted to type {ctype} without overflow")
            v = v.real
        return v

    def __float__(self) -> float:
        return float(self._py_scalar('double'))

    def __int__(self) -> int:
        return int(self._py_scalar('int64_t'))

    def __complex__(self) -> complex:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return complex(self._scalar('complex'))

    def __index__(self) -> int:
        if self.dtype.category > D.INT or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._scalar('index'))

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec) if spec else repr(self)

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        arr = self._host()
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The data as a NumPy array that shares memory with this tensor (CPU tensors only)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        if self._device.type != 'cpu':
            if not force:
                raise TypeError(f"can't convert {self._device.type}:{self._device.index or 0} device type tensor "
                                "to numpy. Use Tensor.cpu() to copy the tensor to host memory first.")
            return self._data.get()
        return self._data

    def tolist(self):
        """The data as (nested) Python lists of Python numbers."""
        return self._host().tolist()

    def __dlpack__(self, stream=None, **kwargs):
        if self._requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        arr = self._data
        if self.dtype is D.bfloat16:
            # NumPy's DLPack export cannot express bfloat16: hand out the same bits as uint16 (zero-copy); the
            # consumer views them back, e.g. ``torch.from_dlpack(t).view(torch.bfloat16)``.
            arr = arr.view(np.uint16)
        return arr.__dlpack__(**({'stream': stream} if stream is not None else {}), **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._tensor_str import tensor_repr
        return tensor_repr(self, tensor_contents)

    def __str__(self) -> str:
        return self.__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._host().copy(), self.dtype.name, str(self._device), self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.")
        if id(self) in memo:
            return memo[id(self)]
        import copy
        new = Tensor._wrap(self._data.copy(), self._requires_grad, self.dtype)
        new.__class__ = type(self)
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        for k, v in self.__dict__.items():
            new.__dict__[k] = copy.deepcopy(v, memo)
        return new

    __module__ = 'ember'


def _rebuild(arr, dtype_name, device, requires_grad):
    t = Tensor._wrap(arr, dtype=D._BY_NAME[dtype_name])
    if device != 'cpu':
        t = t.to(device)
    t._requires_grad = requires_grad
    return t


def _canonical_strides(shape, strides):
    out = list(strides)
    expected = 1
    for i in range(len(shape) - 1, -1, -1):
        if shape[i] <= 1:
            out[i] = expected
        expected *= max(shape[i], 1)
    return tuple(out)


class Size(tuple):
    """The shape of a tensor: a tuple of ints (``torch.Size``)."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        t = tuple.__new__(cls, sizes)
        if all(type(s) is int for s in t):
            return t
        return tuple.__new__(cls, [_size_item(s, i) for i, s in enumerate(t)])

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __module__ = 'ember'


def _size_item(s, i: int) -> int:
    import operator
    try:
        return operator.index(s)
    except TypeError:
        raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is '{type(s).__name__}')") from None


class UntypedStorage:
    """A shape-level stand-in for ``torch.UntypedStorage``: its size, pointer and identity of memory."""

    def __init__(self, t: Tensor):
        base = t._data
        while isinstance(base, np.ndarray) and isinstance(base.base, np.ndarray):
            base = base.base
        self._base = base

    def nbytes(self) -> int:
        return int(self._base.nbytes)

    size = nbytes

    def data_ptr(self) -> int:
        if isinstance(self._base, np.ndarray):
            return self._base.__array_interface__['data'][0]
        return int(self._base.data.ptr)


def wrap_dim(dim: int, ndim: int, op: str = '') -> int:
    """Turn a possibly negative ``dim`` into an index, raising PyTorch's IndexError when out of range."""
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not (lo <= dim <= hi):
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return dim + ndim if dim < 0 else dim


def bind_methods(names: dict) -> None:
    """Attach functions to Tensor as methods (ops modules call this for the methods they define)."""
    for name, fn in names.items():
        setattr(Tensor, name, fn)
