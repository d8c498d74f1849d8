"""Indexing: ``where``, ``tensor[...]`` get and set, take/put and the index_* / masked_* families.

gather/scatter live in ``scatter`` and are re-exported from here.

``t[key]`` is split once into a basic part (ints, slices, None: a view of ``t``) and an advanced part (index arrays
over the basic result's dims: a copy), so PyTorch's placement rules hold: ints select first, then the index tensors
follow NumPy's rule (their broadcast dims go where they stand when adjacent, else in front). The backward of every
gather-like op is a scatter-like ember op and vice versa, so all of them differentiate to any order.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods, wrap_dim
from ..autograd import grad_mode
from ._primitive import inplace, primitive, result_type

_FULL = slice(None)
_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32))
_SCALARS = (bool, int, float, complex, np.generic)
_C_NAMES = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
            'uint8': 'unsigned char', 'int8': 'signed char', 'int16': 'short int', 'int32': 'int', 'int64': 'long int',
            'complex64': 'c10::complex<float>', 'complex128': 'c10::complex<double>'}


def _sh(shape) -> str:
    return f"[{', '.join(map(str, shape))}]"


def _legacy(arr) -> str:
    return D.from_numpy_dtype(arr.dtype)._legacy


def _first_bad(a, lo, hi):
    """The first element of ``a`` outside ``[lo, hi)``, or None."""
    if a.size == 0:
        return None
    if a.min() >= lo and a.max() < hi:
        return None
    return int(a[(a < lo) | (a >= hi)].reshape(-1)[0])


# ----------------------------------------------------------------------------------------------- parsing t[key]
def _seq_as_tuple(seq: list) -> bool:
    # PyTorch (like old NumPy) reads a list holding slices, None, Ellipsis, tensors or sequences as a tuple of indices.
    return len(seq) < 32 and any(k is None or k is Ellipsis or isinstance(k, (slice, Tensor, list, tuple, np.ndarray))
                                 for k in seq)


def _item(k):
    """One index entry as (kind, value): 'i' int, 's' slice, 'n' None, 'e' Ellipsis, 'b' bool, 'a' array, 'm' mask."""
    t = type(k)
    if t is int:
        return 'i', k
    if t is slice:
        if k.step is not None:
            step = k.step.__index__()
            if step == 0:
                raise ValueError("slice step cannot be zero")
            if step < 0:
                raise ValueError("step must be greater than zero")
        return 's', k
    if k is None:
        return 'n', None
    if k is Ellipsis:
        return 'e', None
    if t is bool or t is np.bool_:
        return 'b', bool(k)
    if isinstance(k, Tensor):
        a = k._data
        dt = k.dtype
        if dt is D.bool_ or dt is D.uint8:
            if dt is D.uint8:
                warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool "
                              "instead.", UserWarning, stacklevel=4)
                a = a.astype(bool)
            return ('b', bool(a)) if a.ndim == 0 else ('m', a)
        if dt.category != D.INT:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if a.ndim == 0:
            return 'i', int(a)
        if a.dtype not in _INDEX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return 'a', a
    if isinstance(k, (np.integer,)):
        return 'i', int(k)
    if isinstance(k, (list, tuple, np.ndarray)):
        a = np.asarray(k)
        if a.dtype == np.bool_:
            return ('b', bool(a)) if a.ndim == 0 else ('m', a)
        if a.dtype.kind in 'iu' or a.size == 0:
            return 'a', a.astype(np.int64, copy=False)
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if hasattr(k, "__index__"):
        return 'i', k.__index__()
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     f"indices (got {type(k).__name__})")


def _parse(shape: tuple, key):
    """Split ``key`` into (basic, adv, name): a NumPy basic index (or None when it changes nothing), a NumPy
    advanced index over the basic result (or None) and the name of the view op the basic part amounts to."""
    if type(key) is int and shape and -shape[0] <= key < shape[0]:
        return (key, Ellipsis), None, 'select'
    if type(key) is not tuple:
        key = tuple(key) if type(key) is list and _seq_as_tuple(key) else (key,)
    items = [_item(k) for k in key]
    ndim = len(shape)
    used = 0
    for kind, v in items:
        if kind in 'isa':
            used += 1
        elif kind == 'm':
            used += v.ndim
    if used > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                             "C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, rshape, adv = [], [], []
    d = 0
    name = 'alias'
    trivial = True
    ellipsis = False
    for pos, (kind, v) in enumerate(items):
        if kind == 'i':
            n = shape[d]
            if not -n <= v < n:
                raise IndexError(f"index {v} is out of bounds for dimension {pos} with size {n}")
            basic.append(v)
            d += 1
            name, trivial = 'select', False
        elif kind == 's':
            basic.append(v)
            rshape.append(len(range(*v.indices(shape[d]))))
            d += 1
            if v.start is not None or v.stop is not None or (v.step is not None and v.step != 1) or len(items) == 1:
                name, trivial = 'slice', False
        elif kind == 'n' or kind == 'b':
            if kind == 'b':
                adv.append((len(rshape), np.zeros(int(v), np.int64), False))
            basic.append(None)
            rshape.append(1)
            name, trivial = 'unsqueeze', False
        elif kind == 'e':
            if not ellipsis:
                k = ndim - used
                basic.extend([_FULL] * k)
                rshape.extend(shape[d:d + k])
                d += k
                ellipsis = True
        elif kind == 'a':
            basic.append(_FULL)
            adv.append((len(rshape), v, True))
            rshape.append(shape[d])
            d += 1
        else:
            for j in range(v.ndim):
                if v.shape[j] != shape[d + j]:
                    raise IndexError(f"The shape of the mask {_sh(v.shape)} at index {j} does not match the shape of "
                                     f"the indexed tensor {_sh(shape)} at index {d + j}")
            for a in np.nonzero(v):
                basic.append(_FULL)
                adv.append((len(rshape), a, False))
                rshape.append(shape[d])
                d += 1
    if adv:
        arrays = [a for _, a, _ in adv]
        try:
            np.broadcast_shapes(*[a.shape for a in arrays])
        except ValueError:
            raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                             + ', '.join(_sh(a.shape) for a in arrays)) from None
        akey = [_FULL] * (adv[-1][0] + 1)
        for ordinal, (r, a, check) in enumerate(adv):
            if check:
                n = rshape[r]
                bad = _first_bad(a, -n, n)
                if bad is not None:
                    raise IndexError(f"index {bad} is out of bounds for dimension {ordinal} with size {n}")
            akey[r] = a
        return (None if trivial else tuple(basic) + (Ellipsis,)), tuple(akey), name
    return tuple(basic) + (Ellipsis,), None, name


# ----------------------------------------------------------------------------------------------- index primitives
def _basic_fn(x, key):
    return x[key]


def _basic_vjp(grad, x_shape, key):
    return _basic_backward(grad, x_shape, key)


# One primitive per view kind, so grad_fn names match PyTorch's (SelectBackward0, SliceBackward0, ...).
_BASIC = {}
for _n in ('select', 'slice', 'unsqueeze', 'alias'):
    _BASIC[_n] = primitive(_basic_fn, name=_n, view=True)
    _BASIC[_n].vjp(_basic_vjp)


@primitive
def _basic_backward(grad, shape, key):
    out = np.zeros_like(grad, shape=shape)
    out[key] = grad
    return out


@_basic_backward.vjp
def _(grad, key):
    return _BASIC['slice'](grad, key)


@primitive
def _index(x, key):
    return x[key]


@_index.vjp
def _(grad, x_shape, key):
    return _index_backward(grad, x_shape, key)


@primitive
def _index_backward(grad, shape, key):
    # Duplicated indices sum their gradients (np.add.at is unbuffered).
    out = np.zeros_like(grad, shape=shape)
    np.add.at(out, key, grad)
    return out


@_index_backward.vjp
def _(grad, key):
    return _index(grad, key)


def _get(t: Tensor, key) -> Tensor:
    basic, adv = key
    if basic is not None:
        t = _BASIC['slice'](t, basic)
    return _index(t, adv) if adv is not None else t


def _shape_error(target_shape, v_shape, advanced: bool) -> RuntimeError:
    if advanced:
        return RuntimeError(f"shape mismatch: value tensor of shape {_sh(v_shape)} cannot be broadcast to indexing "
                            f"result of shape {_sh(target_shape)}")
    if len(v_shape) > len(target_shape):
        return RuntimeError(f"expand(torch.FloatTensor{{{_sh(v_shape)}}}, size={_sh(target_shape)}): the number of "
                            f"sizes provided ({len(target_shape)}) must be greater or equal to the number of "
                            f"dimensions in the tensor ({len(v_shape)})")
    nd = len(target_shape)
    for i in range(1, len(v_shape) + 1):
        if v_shape[-i] != 1 and v_shape[-i] != target_shape[-i]:
            return RuntimeError(f"The expanded size of the tensor ({target_shape[-i]}) must match the existing size "
                                f"({v_shape[-i]}) at non-singleton dimension {nd - i}.  Target sizes: "
                                f"{_sh(target_shape)}.  Tensor sizes: {_sh(v_shape)}")
    return RuntimeError(f"shape mismatch: value tensor of shape {_sh(v_shape)} cannot be broadcast to indexing result "
                        f"of shape {_sh(target_shape)}")


def _assign(arr, basic, adv, v, accumulate: bool) -> None:
    """``arr[basic][adv] = v`` (or ``+=`` with duplicates summed), with PyTorch's errors."""
    tgt = arr[basic] if basic is not None else arr
    try:
        if adv is None:
            if accumulate:
                tgt += v
            else:
                tgt[...] = v
        elif accumulate:
            np.add.at(tgt, adv, v)
        else:
            tgt[adv] = v
    except ValueError as e:
        if 'read-only' in str(e):
            raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                               "refer to a single memory location. Please clone() the tensor before performing the "
                               "operation.") from None
        target = tgt[adv].shape if adv is not None else tgt.shape
        raise _shape_error(target, np.shape(v), adv is not None) from None


@primitive
def _index_put(x, key, v, accumulate=False):
    out = x.copy()
    _assign(out, key[0], key[1], v, accumulate)
    return out


_index_put.name = 'index_put'


@_index_put.vjp
def _(grad, key, v_shape, accumulate, needs_input_grad):
    gx = gv = None
    if needs_input_grad[0]:
        gx = grad if accumulate else _index_put(grad, key, 0, False)
    if len(needs_input_grad) > 1 and needs_input_grad[1]:
        gv = _get(grad, key)
        if gv.ndim < len(v_shape):  # a value with extra leading 1-dims
            gv = gv.reshape((1,) * (len(v_shape) - gv.ndim) + tuple(gv.shape))
    return gx, None, gv


def _getitem(self: Tensor, key) -> Tensor:
    basic, adv, name = _parse(self._data.shape, key)
    out = self if basic is None else _BASIC[name](self, basic)
    return out if adv is None else _index(out, adv)


def _setitem(self: Tensor, key, value) -> None:
    if not isinstance(value, (Tensor,) + _SCALARS):
        raise TypeError(f"can't assign a {type(value).__name__} to a torch.{self.dtype._legacy}Tensor")
    basic, adv, _ = _parse(self._data.shape, key)
    is_t = isinstance(value, Tensor)
    if is_t and adv is None and np.may_share_memory(value._data, self._data):
        tgt, src = self._data[basic], value._data
        if not (tgt.shape == src.shape and tgt.strides == src.strides and
                tgt.__array_interface__['data'][0] == src.__array_interface__['data'][0]):
            raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                               "refer to a single memory location. Please clone() the tensor before performing the "
                               "operation.")
    if is_t and adv is not None and value.dtype is not self.dtype and not (
            value._data.ndim == 0 and isinstance(key, Tensor) and key.dtype is D.bool_):
        # like PyTorch: only a copy into a view (or a masked fill) casts the value
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {self.dtype._legacy} "
                           f"for the destination and {value.dtype._legacy} for the source.")
    if not (grad_mode.state.enabled and (self._requires_grad or (is_t and value._requires_grad))):
        _assign(self._data, basic, adv, value._data if is_t else value, False)
        self._version_ctr.value += 1
        return
    if self.grad_fn is None and self._requires_grad:
        raise RuntimeError(("a view of a " if adv is None else "a ") +
                           "leaf Variable that requires grad is being used in an in-place operation.")
    if is_t and value.dtype is not self.dtype:
        value = value.to(self.dtype)
    inplace(_index_put, self, (basic, adv), value)


def index_put(input: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``values`` put at the positions ``indices`` pick (summed in with ``accumulate``)."""
    return _index_put(input, _put_key(input, indices, values), values, accumulate)


def _index_put_(self: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    return inplace(_index_put, self, _put_key(self, indices, values), values, accumulate)


def _put_key(x: Tensor, indices, values) -> tuple:
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}")
    for j, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {j} in argument 0, but got {type(t).__name__}")
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' must be Tensor, not {type(values).__name__}")
    if values.dtype is not x.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {x.dtype._legacy} for "
                           f"the destination and {values.dtype._legacy} for the source.")
    basic, adv, _ = _parse(x._data.shape, tuple(indices))
    return basic, adv


# ----------------------------------------------------------------------------------------------- where
@primitive(operands=('x', 'y'))
def _where(cond, x, y):
    try:
        return np.where(cond, x, y)
    except ValueError:
        from .arithmetic import broadcast_check
        broadcast_check('where', cond, x)
        broadcast_check('where', cond, y)
        broadcast_check('where', x, y)
        raise


_where.name, _where.backward_name = 'where', 'WhereBackward0'


@_where.vjp
def _(grad, cond, needs_input_grad):
    return (None, where(cond, grad, 0) if needs_input_grad[1] else None,
            where(cond, 0, grad) if needs_input_grad[2] else None)


def where(condition: Tensor, input=None, other=None, *, out=None):
    """Elements of ``input`` where ``condition`` holds, else of ``other``; with one argument, ``nonzero``."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if condition.dtype is not D.bool_:
        if condition.dtype is D.uint8:
            condition = condition.bool()
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{condition.dtype._legacy}")
    rt = result_type([input, other])
    a = input.to(rt) if isinstance(input, Tensor) else Tensor._wrap(np.asarray(input, dtype=rt.np))
    b = other.to(rt) if isinstance(other, Tensor) else Tensor._wrap(np.asarray(other, dtype=rt.np))
    return _where(condition, a, b, out=out)


# ----------------------------------------------------------------------------------------------- index_* family
def _dim_key(d: int, index) -> tuple:
    return (_FULL,) * d + (index,)


@primitive
def index_select(x, dim, index):
    """The entries of ``input`` at the positions in the 1-D ``index`` along ``dim``."""
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = wrap_dim(dim, max(x.ndim, 1))
    n = x.shape[d] if x.ndim else 1
    if _first_bad(index, 0, n) is not None:
        raise IndexError("index out of range in self")
    if x.ndim == 0:
        return x.reshape(1)[index.reshape(-1)].reshape(())
    return np.take(x, index.reshape(-1), axis=d)


@index_select.vjp
def _(grad, x_shape, dim, index):
    return index_add(grad.new_zeros(x_shape), dim, index, grad)


def _check_index_source(name: str, x, dim, index, source):
    """index_add / index_copy: the checks on index and source PyTorch makes; return (d, index as 1-D)."""
    d = wrap_dim(dim, max(x.ndim, 1))
    n_idx = index.size
    ns = source.shape[d] if source.ndim else 1
    if n_idx != ns:
        msg = f"{name}(): Number of indices ({n_idx}) should be equal to source.size(dim)"
        if name == 'index_add_':
            raise RuntimeError(f"{msg}: ({ns}), for dim: {d}")
        raise IndexError(f"{msg} ({ns})")
    xs, ss = x.shape, source.shape
    if x.ndim != source.ndim and (x.ndim > 0 or source.ndim > 0) or any(
            a != b for k, (a, b) in enumerate(zip(xs, ss)) if k != d):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. Got "
                           f"self.shape = {_sh(xs)} source.shape = {_sh(ss)}")
    return d, index.reshape(-1)


@primitive
def index_add(x, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source`` added at the positions ``index`` along ``dim``."""
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {_legacy(index)}")
    if index.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                         f"{_legacy(index)} and size: {_sh(index.shape)}")
    if source.dtype != x.dtype:
        raise RuntimeError(f"index_add_(): self ({_legacy(x)}) and source ({_legacy(source)}) must have the same "
                           f"scalar type")
    d, idx = _check_index_source('index_add_', x, dim, index, source)
    _bounds(idx, x.shape[d] if x.ndim else 1, d)
    out = x.copy() if x.ndim else x.reshape(1).copy()
    src = source if source.ndim else source.reshape(1)
    np.add.at(out, _dim_key(d, idx), src * alpha if alpha != 1 else src)
    return out.reshape(x.shape)


@index_add.vjp
def _(grad, dim, index, source_shape, alpha, needs_input_grad):
    gs = None
    if needs_input_grad[-1]:
        gs = grad.index_select(dim, index).reshape(source_shape)
        if alpha != 1:
            gs = gs * alpha
    return grad, None, None, gs


@primitive
def index_copy(x, dim, index, source):
    """A copy of ``input`` with the slices of ``source`` written at the positions ``index`` along ``dim``."""
    if index.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {_legacy(index)}")
    if index.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    d, idx = _check_index_source('index_copy_', x, dim, index, source)
    if source.dtype != x.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_legacy(x)} and (source) {_legacy(source)}")
    n = x.shape[d] if x.ndim else 1
    bad = _first_bad(idx, 0, n)
    if bad is not None:
        raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {d} with size {n}")
    out = x.copy() if x.ndim else x.reshape(1).copy()
    out[_dim_key(d, idx)] = source if source.ndim else source.reshape(1)
    return out.reshape(x.shape)


@index_copy.vjp
def _(grad, dim, index, source_shape, needs_input_grad):
    gx = grad.index_fill(dim, index, 0) if needs_input_grad[0] else None
    gs = grad.index_select(dim, index).reshape(source_shape) if needs_input_grad[-1] else None
    return gx, None, None, gs


def _index_fill_fn(x, dim, index, value):
    if index.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if getattr(value, 'ndim', 0):
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    d = wrap_dim(dim, max(x.ndim, 1))
    n = x.shape[d] if x.ndim else 1
    idx = index.reshape(-1)
    bad = _first_bad(idx, -n, n)
    if bad is not None:
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    out = x.copy() if x.ndim else x.reshape(1).copy()
    out[_dim_key(d, idx)] = value
    return out.reshape(x.shape)


_index_fill = primitive(_index_fill_fn, name='index_fill')
_index_fill_t = primitive(_index_fill_fn, name='index_fill', backward_name='IndexFillBackward1')


@_index_fill.vjp
def _(grad, dim, index):
    return _index_fill(grad, dim, index, 0)


@_index_fill_t.vjp
def _(grad, dim, index, needs_input_grad):
    rest = _index_fill(grad, dim, index, 0)
    # the value's gradient sums grad over the filled positions, each once however often the index names it
    return (rest if needs_input_grad[0] else None), None, None, ((grad - rest).sum() if needs_input_grad[-1] else None)


def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """A copy of ``input`` with the entries at ``index`` along ``dim`` set to ``value``."""
    return (_index_fill_t if isinstance(value, Tensor) else _index_fill)(input, dim, index, value)


def _index_fill_(self: Tensor, dim: int, index: Tensor, value) -> Tensor:
    return inplace(_index_fill_t if isinstance(value, Tensor) else _index_fill, self, dim, index, value)


# ----------------------------------------------------------------------------------------------- masked_*
def _check_mask(name: str, mask, legacy: bool) -> None:
    if mask.dtype != np.bool_:
        dt = D.from_numpy_dtype(mask.dtype)
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                           f"{dt._legacy if legacy else _C_NAMES.get(dt.name, dt.name)}")


def _masked_fill_fn(x, mask, value):
    _check_mask('masked_fill_', mask, False)
    if getattr(value, 'ndim', 0):
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    from .arithmetic import broadcast_check
    broadcast_check('masked_fill', x, mask)
    v = np.asarray(value).astype(x.dtype) if x.dtype != np.bool_ or isinstance(value, bool) else np.asarray(value != 0)
    return np.where(mask, v, x)


_masked_fill = primitive(_masked_fill_fn, name='masked_fill')
_masked_fill_t = primitive(_masked_fill_fn, name='masked_fill', backward_name='MaskedFillBackward1')


@_masked_fill.vjp
def _(grad, mask):
    return _masked_fill(grad, mask, 0)


@_masked_fill_t.vjp
def _(grad, mask, needs_input_grad):
    gx = _masked_fill(grad, mask, 0) if needs_input_grad[0] else None
    gv = where(mask, grad, 0).sum() if needs_input_grad[-1] else None
    return gx, None, gv


def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    """A copy of ``input`` with ``value`` where ``mask`` (broadcast) is True."""
    return (_masked_fill_t if isinstance(value, Tensor) else _masked_fill)(input, mask, value)


def _masked_fill_(self: Tensor, mask: Tensor, value) -> Tensor:
    return inplace(_masked_fill_t if isinstance(value, Tensor) else _masked_fill, self, mask, value)


@primitive
def masked_scatter(x, mask, source):
    """A copy of ``input`` with the elements of ``source``, in order, written where ``mask`` is True."""
    _check_mask('masked_scatter_', mask, True)
    if source.dtype != x.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got{_legacy(x)} and "
                           f"{_legacy(source)}")
    from .arithmetic import broadcast_check
    broadcast_check('masked_scatter', x, mask)
    shape = np.broadcast_shapes(x.shape, mask.shape)
    m = np.broadcast_to(mask, shape)
    k = int(m.sum())
    if k > source.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    out = np.broadcast_to(x, shape).copy()
    out[m] = source.reshape(-1)[:k]
    return out


@masked_scatter.vjp
def _(grad, mask, source_shape, needs_input_grad):
    gx = _masked_fill(grad, mask, 0) if needs_input_grad[0] else None
    gs = None
    if needs_input_grad[-1]:
        sel = grad[mask.expand(grad.shape) if tuple(mask.shape) != tuple(grad.shape) else mask]
        n = 1
        for s in source_shape:
            n *= s
        gs = _pad_to(sel, (n,)).reshape(source_shape)
    return gx, None, gs


# ----------------------------------------------------------------------------------------------- take / put
def _check_long(name: str, index) -> None:
    if index.dtype != np.int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got {_legacy(index)}")


def _check_flat_bounds(index, n: int) -> None:
    bad = _first_bad(index, -n, n)
    if bad is not None:
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")


@primitive
def take(x, index):
    """The elements of ``input``, read as 1-D, at ``index`` (negative indices count from the end)."""
    _check_long('take', index)
    _check_flat_bounds(index, x.size)
    return x.reshape(-1)[index]


@take.vjp
def _(grad, x_shape, index):
    return put(grad.new_zeros(x_shape), index, grad, accumulate=True)


@primitive
def put(x, index, source, accumulate=False):
    """A copy of ``input``, read as 1-D, with ``source`` written (or added) at ``index``."""
    _check_long('put_', index)
    if source.size != index.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.size}, index.numel() = {index.size}")
    if source.dtype != x.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_legacy(x)} and source.dtype = {_legacy(source)}")
    _check_flat_bounds(index, x.size)
    out = x.copy()
    flat = out.reshape(-1)
    if accumulate:
        np.add.at(flat, index.reshape(-1), source.reshape(-1))
    else:
        flat[index.reshape(-1)] = source.reshape(-1)
    return out


@put.vjp
def _(grad, index, source_shape, accumulate, needs_input_grad):
    gx = gs = None
    if needs_input_grad[0]:
        gx = grad if accumulate else put(grad, index, grad.new_zeros(source_shape))
    if needs_input_grad[-1]:
        gs = grad.take(index).reshape(source_shape)
    return gx, None, gs


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None, *, out=None) -> Tensor:
    """The values of ``input`` at ``indices`` along ``dim`` (input and indices broadcast, except along ``dim``)."""
    if indices.dtype is not D.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {indices.dtype._legacy}")
    if dim is None:
        input, indices, dim = input.reshape(-1), indices.reshape(-1), 0
    elif input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, but "
                           f"got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    nd = max(input.ndim, 1)
    d = wrap_dim(dim, nd)
    xs, js = list(input.shape), list(indices.shape)
    if input.ndim:
        a, b = xs.copy(), js.copy()
        a[d] = b[d] = 1
        from .arithmetic import broadcast_check
        broadcast_check('take_along_dim', np.empty(a, np.bool_), np.empty(b, np.bool_))
        shape = np.broadcast_shapes(tuple(a), tuple(b))
        xs = list(shape)
        xs[d] = input.shape[d]
        js = list(shape)
        js[d] = indices.shape[d]
        if tuple(xs) != tuple(input.shape):
            input = input.expand(xs)
        if tuple(js) != tuple(indices.shape):
            indices = indices.expand(js)
    n = input.shape[d] if input.ndim else 1
    if indices.numel() and indices._data.min() < 0:
        indices = Tensor._wrap(np.where(indices._data < 0, indices._data + n, indices._data))
    return gather(input, d, indices, out=out)


# gather/scatter use the helpers above, so they are imported after them.
from .scatter import *  # noqa: E402,F401,F403
from .scatter import (_REDUCE_INIT, _along, _bounds, _check_index_dtype, _pad_to, _prep_gather, _prep_scatter,
                      _reduce_at, _scatter, _scatter_, _scatter_into, _scatter_legacy_reduce, _scatter_reduce,
                      _scatter_reduce_, _scatter_value, _set)  # noqa: E402,F401

bind_methods({
    '__getitem__': _getitem, '__setitem__': _setitem,
    'where': lambda self, condition, other: where(condition, self, other),
    'index_select': index_select, 'index_add': index_add,
    'index_add_': lambda self, dim, index, source, *, alpha=1: inplace(index_add, self, dim, index, source,
                                                                       alpha=alpha),
    'index_copy': index_copy,
    'index_copy_': lambda self, dim, index, source: inplace(index_copy, self, dim, index, source),
    'index_fill': index_fill, 'index_fill_': _index_fill_, 'index_put': index_put, 'index_put_': _index_put_,
    'masked_fill': masked_fill, 'masked_fill_': _masked_fill_, 'masked_scatter': masked_scatter,
    'masked_scatter_': lambda self, mask, source: inplace(masked_scatter, self, mask, source),
    'take': take, 'take_along_dim': take_along_dim, 'put': put,
    'put_': lambda self, index, source, accumulate=False: inplace(put, self, index, source, accumulate),
})

index_put_ = _index_put_

__all__ = ['where', 'gather', 'scatter', 'scatter_add', 'scatter_reduce', 'index_select', 'index_add', 'index_copy',
           'index_fill', 'index_put', 'index_put_', 'masked_fill', 'masked_scatter', 'take',
           'take_along_dim', 'put']
