"""``nn.Parameter`` and ``nn.Buffer``: tensors that a Module registers as its state."""
from __future__ import annotations

from ..ops.creation import empty
from .._tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a module parameter: assigning it to a Module attribute registers it, and it requires
    grad by default. ``Parameter(t)`` shares memory with ``t``."""

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, got {type(data).__name__}")
        p = Tensor._wrap(data._data, dtype=data.dtype)
        p.__class__ = cls
        p._version_ctr = data._version_ctr
        p.requires_grad = requires_grad
        return p

    def __repr__(self) -> str:
        return 'Parameter containing:\n' + super().__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (Tensor._wrap(self._host().copy(), dtype=self.dtype), self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class Buffer(Tensor):
    """A tensor that, assigned to a Module attribute, is registered as a buffer (``persistent`` decides whether
    it goes into the state dict)."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        if data is None:
            data = empty(0)
        b = Tensor._wrap(data._data, dtype=data.dtype)
        b.__class__ = cls
        b._version_ctr = data._version_ctr
        b.persistent = persistent
        return b


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (lazy modules fill it on their first call)."""

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        p = Parameter.__new__(cls, empty(0, dtype=dtype), requires_grad)
        return p

    def materialize(self, shape, device=None, dtype=None) -> None:
        data = empty(shape, dtype=dtype if dtype is not None else self.dtype)
        self._data = data._data
        self.dtype = data.dtype
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return '<UninitializedParameter>'


class UninitializedBuffer(Tensor):
    """A buffer whose shape is not known yet (lazy modules fill it on their first call)."""

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None):
        b = Tensor._wrap(empty(0, dtype=dtype)._data)
        b.__class__ = cls
        return b

    def materialize(self, shape, device=None, dtype=None) -> None:
        data = empty(shape, dtype=dtype if dtype is not None else self.dtype)
        self._data = data._data
        self.dtype = data.dtype
        self.__class__ = Tensor

    def __repr__(self) -> str:
        return '<UninitializedBuffer>'


def is_lazy(param) -> bool:
    return isinstance(param, (UninitializedParameter, UninitializedBuffer))
