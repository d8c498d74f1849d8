"""Matrix products: matmul (1-D, 2-D, batched with broadcasting), mm, bmm, mv, dot, addmm, einsum, tensordot, ..."""
from __future__ import annotations

import functools
import string
import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import primitive
from .arithmetic import conj_if_complex

# The C++ type names PyTorch prints in "expected m1 and m2 to have the same dtype" messages.
_CPP_NAMES = {'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16', 'float32': 'float', 'float64': 'double',
              'complex64': 'c10::complex<float>', 'complex128': 'c10::complex<double>', 'int64': 'long int',
              'int32': 'int', 'int16': 'short int', 'int8': 'signed char', 'uint8': 'unsigned char', 'bool': 'bool'}


def with_out(fn):
    """Give ``fn`` PyTorch's ``out=`` keyword: the result (or each result of a tuple) is written into ``out``."""
    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        res = fn(*args, **kwargs)
        if out is None:
            return res
        from ._primitive import _write_out
        multi = isinstance(res, tuple)
        _write_out(fn.__name__, out, list(res) if multi else [res],
                   [t for t in (res if multi else (res,)) if t.requires_grad])
        return type(res)(*out) if multi and hasattr(res, '_fields') else out
    return wrapper


def _dims(shape) -> str:
    return 'x'.join(map(str, shape))


def _legacy(a) -> str:
    return D.from_numpy_dtype(a.dtype)._legacy


def _cpp(a) -> str:
    name = D.from_numpy_dtype(a.dtype).name
    return _CPP_NAMES.get(name, name)


def _same_dtype_mm(a, b) -> None:
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cpp(a)} != {_cpp(b)}")
    if a.dtype == np.bool_:
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


def _mm_error(x, y) -> None:
    if x.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if y.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if x.shape[1] != y.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_dims(x.shape)} and {_dims(y.shape)})")
    _same_dtype_mm(x, y)


@primitive
def mm(x, y):
    """Matrix product of two 2-D tensors."""
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[0] or x.dtype != y.dtype or x.dtype == np.bool_:
        _mm_error(x, y)
    return x @ y


@mm.vjp
def _(grad, x, y, needs_input_grad):
    gx = grad.mm(conj_if_complex(y).t()) if needs_input_grad[0] else None
    gy = conj_if_complex(x).t().mm(grad) if needs_input_grad[1] else None
    return gx, gy


def _vec_error(x, y) -> None:
    """dot's checks (also matmul of two vectors)."""
    if x.ndim != 1 or y.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {x.ndim}D and {y.ndim}D tensors")
    if x.shape[0] != y.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src [{y.shape[0]}] to have "
                           f"the same number of elements, but got {x.shape[0]} and {y.shape[0]} elements respectively")
    if x.dtype != y.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_legacy(x)} and {_legacy(y)}")


def _mv_error(x, y) -> None:
    if x.ndim != 2 or y.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {x.ndim}, {y.ndim}")
    if x.shape[1] != y.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({x.shape[0]}), mat ({_dims(x.shape)}), vec ({y.shape[0]})")
    if x.dtype != y.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_legacy(y)}, {_legacy(x)}, and "
                           f"{_legacy(y)}")


def _batch_shape(sa, sb) -> tuple:
    """Broadcast two batch shapes with PyTorch's message."""
    n = max(len(sa), len(sb))
    out = []
    for i in range(1, n + 1):
        a = sa[-i] if i <= len(sa) else 1
        b = sb[-i] if i <= len(sb) else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                               f"dimension {n - i}")
        out.append(a if b == 1 else b)
    return tuple(reversed(out))


def _matmul_error(x, y) -> None:
    xd, yd = x.ndim, y.ndim
    if xd == 0 or yd == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {xd}D and {yd}D")
    if xd == 1 and yd == 1:
        _vec_error(x, y)
        _no_bool('dot', x)
        return
    if yd == 1:
        # PyTorch folds the batch of x into the rows of one matrix.
        _mv_error(x.reshape(-1, x.shape[-1]), y)
        _no_bool('addmv_impl_cpu', x)
        return
    if yd == 2:
        x2 = x.reshape(1, -1) if xd == 1 else x.reshape(-1, x.shape[-1])
        _mm_error(x2, y)
        return
    batch = _batch_shape(x.shape[:-2], y.shape[:-2])
    nb = int(np.prod(batch))
    kx = x.shape[-1]
    if kx != y.shape[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{nb}, {kx}] but got: "
                           f"[{nb}, {y.shape[-2]}].")
    if x.dtype != y.dtype:
        raise RuntimeError(f"expected scalar type {_legacy(x)} but found {_legacy(y)}")
    _no_bool('bmm', x)


def _no_bool(name: str, x) -> None:
    if x.dtype == np.bool_:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")


@primitive
def matmul(x, y):
    """Matrix product with NumPy-style broadcasting of batch dimensions; 1-D operands act as vectors."""
    xd, yd = x.ndim, y.ndim
    if xd == 0 or yd == 0 or x.dtype != y.dtype or x.dtype == np.bool_ or \
            x.shape[-1] != (y.shape[-2] if yd > 1 else y.shape[0]):
        _matmul_error(x, y)
    if xd > 2 and yd == 2:
        # One BLAS call on the folded batch instead of one per matrix.
        return (x.reshape(-1, x.shape[-1]) @ y).reshape(x.shape[:-1] + y.shape[1:])
    try:
        return np.matmul(x, y)
    except ValueError:
        _matmul_error(x, y)
        raise


@matmul.vjp
def _(grad, x, y, needs_input_grad):
    xd, yd = x.ndim, y.ndim
    x, y = conj_if_complex(x), conj_if_complex(y)
    gx = gy = None
    if xd == 1 and yd == 1:
        return (grad * y if needs_input_grad[0] else None), (grad * x if needs_input_grad[1] else None)
    if yd == 1:                                   # (..., m, k) @ (k,) -> (..., m)
        if needs_input_grad[0]:
            gx = grad.unsqueeze(-1) * y
        if needs_input_grad[1]:
            gy = grad.reshape(1, -1).mm(x.reshape(-1, x.shape[-1])).reshape(y.shape)
        return gx, gy
    if xd == 1:                                   # (k,) @ (..., k, n) -> (..., n)
        if needs_input_grad[0]:
            gx = y.matmul(grad.unsqueeze(-1)).squeeze(-1)
        if needs_input_grad[1]:
            gy = x.unsqueeze(-1) * grad.unsqueeze(-2)
        return gx, gy
    if needs_input_grad[0]:
        gx = grad.matmul(y.mT)
    if needs_input_grad[1]:
        if yd == 2 and xd > 2:
            # Sum over the batch inside one matrix product: (k, B*m) @ (B*m, n).
            gy = x.reshape(-1, x.shape[-1]).t().mm(grad.reshape(-1, grad.shape[-1]))
        else:
            gy = x.mT.matmul(grad)
    return gx, gy


@with_out
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors with the same batch size (no broadcasting)."""
    x, y = input._data, mat2._data
    if x.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if y.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if x.shape[0] != y.shape[0] or x.shape[2] != y.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{x.shape[0]}, "
                           f"{x.shape[2]}] but got: [{y.shape[0]}, {y.shape[1]}].")
    return matmul(input, mat2)


@with_out
def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Product of a matrix and a vector."""
    if input.ndim != 2 or vec.ndim != 1 or input.shape[1] != vec.shape[0] or input.dtype is not vec.dtype:
        _mv_error(input._data, vec._data)
    return matmul(input, vec)


@with_out
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """Dot product of two 1-D tensors of the same size and dtype."""
    if input.ndim != 1 or tensor.ndim != 1 or input.shape[0] != tensor.shape[0] or input.dtype is not tensor.dtype:
        _vec_error(input._data, tensor._data)
    return matmul(input, tensor)


@with_out
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Dot product of two 1-D tensors, conjugating the first."""
    if input.ndim != 1 or other.ndim != 1 or input.shape[0] != other.shape[0] or input.dtype is not other.dtype:
        _vec_error(input._data, other._data)
    return matmul(conj_if_complex(input), other)


@with_out
def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum of products over the last dimension of both operands (a scalar operand multiplies)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    if input.dtype is not other.dtype:
        raise RuntimeError("both inputs should have same dtype")
    return tensordot(input, other, ([-1], [-1]))


@with_out
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors."""
    if input.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.ndim}-D")
    if vec2.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return input.unsqueeze(1) * vec2


ger = outer


@primitive
def _scaled_sum(m, prod, beta, alpha):
    """``beta * m + alpha * prod``, m broadcast to prod's shape; beta == 0 ignores m's values (nan included)."""
    if m.shape != prod.shape:
        _check_expand(m.shape, prod.shape)
    out = prod * alpha if alpha != 1 else prod.copy()
    if beta != 0:
        out += m if beta == 1 else m * beta
    return out


_scaled_sum.name, _scaled_sum.backward_name = 'add_scaled', 'AddBackward0'


@_scaled_sum.vjp
def _(grad, beta, alpha):
    return grad * conj_if_complex(beta), grad * conj_if_complex(alpha)


@primitive
def _addmm(m, x, y, beta=1, alpha=1):
    if m.dtype != y.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_legacy(m)} and {_legacy(y)}")
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[0] or x.dtype != y.dtype or x.dtype == np.bool_:
        _mm_error(x, y)
    out = x @ y
    if m.shape != out.shape:
        _check_expand(m.shape, out.shape)
    if alpha != 1:
        out *= alpha
    if beta != 0:
        out += m if beta == 1 else m * beta
    return out


_addmm.name, _addmm.backward_name = 'addmm', 'AddmmBackward0'


def _check_expand(shape, target) -> None:
    lead = len(target) - len(shape)
    for i, s in enumerate(shape):
        t = target[lead + i]
        if s != t and s != 1:
            raise RuntimeError(f"The expanded size of the tensor ({t}) must match the existing size ({s}) at "
                               f"non-singleton dimension {lead + i}.  Target sizes: [{', '.join(map(str, target))}]."
                               f"  Tensor sizes: [{', '.join(map(str, shape))}]")


@_addmm.vjp
def _(grad, x, y, beta, alpha, needs_input_grad):
    gm = gx = gy = None
    if needs_input_grad[0]:
        gm = grad if beta == 1 else grad * conj_if_complex(beta)
    g = grad if alpha == 1 else grad * conj_if_complex(alpha)
    if needs_input_grad[1]:
        gx = g.mm(conj_if_complex(y).t())
    if needs_input_grad[2]:
        gy = conj_if_complex(x).t().mm(g)
    return gm, gx, gy


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``."""
    if out is not None:
        return _addmm(input, mat1, mat2, beta, alpha, out=out)
    return _addmm(input, mat1, mat2, beta, alpha)


@with_out
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``."""
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0] or (input.numel() != 1 and input.shape[0] != mat.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.ndim else 1}), mat "
                           f"({_dims(mat.shape)}), vec ({vec.shape[0]})")
    if not (input.dtype is mat.dtype is vec.dtype):
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {input.dtype._legacy}, "
                           f"{mat.dtype._legacy}, and {vec.dtype._legacy}")
    return _scaled_sum(input, mv(mat, vec), beta, alpha)


@with_out
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``."""
    if vec1.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D")
    if vec2.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return _scaled_sum(input, outer(vec1, vec2), beta, alpha)


def _check_batches(b1: Tensor, b2: Tensor) -> None:
    if b1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")


@with_out
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * sum_i(batch1[i] @ batch2[i])``."""
    _check_batches(batch1, batch2)
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                           f"{batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                           f"{batch2.shape[1]}x{batch2.shape[2]})")
    return _scaled_sum(input, einsum('bij,bjk->ik', batch1, batch2), beta, alpha)


@with_out
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)`` for 3-D batches."""
    return _scaled_sum(input, bmm(batch1, batch2), beta, alpha)


# ---- einsum -----------------------------------------------------------------------------------------------------

_LETTERS = string.ascii_uppercase + string.ascii_lowercase


@functools.lru_cache(maxsize=1024)
def _parse_einsum(eq: str, shapes: tuple) -> tuple:
    """Check ``eq`` against the operand shapes; return (input subscripts, output subscripts) with ellipses spelled
    out in unused letters, and the size of every letter."""
    eq = eq.replace(' ', '')
    lhs, arrow, rhs = eq.partition('->')
    terms = lhs.split(',')
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for ch in eq:
        if ch not in _LETTERS and ch not in '.,->':
            raise RuntimeError(f"einsum(): invalid subscript given at index {eq.index(ch)} in the equation string, "
                               f"subscripts must be in [a-zA-Z]")
    used = set(eq)
    free = [c for c in _LETTERS if c not in used]
    n_ell = max((len(s) - len(t.replace('...', '')) for t, s in zip(terms, shapes) if '...' in t), default=0)
    ell = ''.join(free[:n_ell])
    subs, sizes = [], {}
    for k, (t, shape) in enumerate(zip(terms, shapes)):
        if '...' in t:
            n = len(shape) - len(t.replace('...', ''))
            if n < 0:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t) - 3}) is more than "
                                   f"the number of dimensions ({len(shape)}) for operand {k}")
            t = t.replace('...', ell[n_ell - n:])
        elif len(t) != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t)}) does not match the "
                               f"number of dimensions ({len(shape)}) for operand {k} and no ellipsis was given")
        for c, s in zip(t, shape):
            seen = sizes.get(c)
            if seen is None or seen == 1:
                sizes[c] = s
            elif s != seen and s != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} which does not broadcast "
                                   f"with previously seen size {seen}")
        subs.append(t)
    if arrow:
        out = rhs.replace('...', ell)
        for c in out:
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   f"operand")
            if out.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
    else:
        joined = ''.join(subs)
        out = ell + ''.join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in ell))
    # NumPy's path search costs ~100 us: worth it only when the naive loop nest is large (then BLAS wins).
    work = 1
    for v in sizes.values():
        work *= v
    optimize = len(shapes) > 1 and work > 32768
    return tuple(subs), out, sizes, optimize


@primitive(operands=('operands',))
def _einsum(eq, operands):
    subs, out, _, optimize = _parse_einsum(eq, tuple(a.shape for a in operands))
    first = operands[0].dtype
    for a in operands[1:]:
        if a.dtype != first:
            raise RuntimeError(f"expected scalar type {_legacy(operands[0])} but found {_legacy(a)}")
    return np.einsum(','.join(subs) + '->' + out, *operands, optimize=optimize)


_einsum.name, _einsum.backward_name = 'einsum', 'EinsumBackward0'


@_einsum.vjp
def _(grad, eq, operands, needs_input_grad):
    from .creation import eye, ones
    subs, out, sizes, _ = _parse_einsum(eq, tuple(tuple(o.shape) for o in operands))
    grads = []
    for k, sub in enumerate(subs):
        if not needs_input_grad[k]:
            grads.append(None)
            continue
        others = [conj_if_complex(o) for j, o in enumerate(operands) if j != k]
        terms = [out] + [s for j, s in enumerate(subs) if j != k]
        present = set(''.join(terms))
        spare = iter(c for c in _LETTERS if c not in sizes)
        target, consts = [], []
        for i, c in enumerate(sub):
            if c in sub[:i]:
                # A repeated subscript (a diagonal): its gradient lives on the diagonal, written through an eye.
                d = next(spare)
                consts.append((c + d, eye(sizes[c], dtype=grad.dtype, device=grad.device)))
                target.append(d)
            else:
                if c not in present:
                    # A subscript summed within this operand alone: its gradient broadcasts along it.
                    consts.append((c, ones(sizes[c], dtype=grad.dtype, device=grad.device)))
                    present.add(c)
                target.append(c)
        terms += [s for s, _ in consts]
        g = einsum(','.join(terms) + '->' + ''.join(target), grad, *others, *[t for _, t in consts])
        shape = tuple(operands[k].shape)
        if tuple(g.shape) != shape:
            # This operand's size was broadcast against a size-1 dimension elsewhere.
            g = g.expand(np.broadcast_shapes(tuple(g.shape), shape))
        grads.append(g)
    return None, grads


def _sublist_to_eq(args) -> tuple:
    """einsum(op1, [0, 1], op2, [1, 2], [0, 2]) -> ('ab,bc->ac', [op1, op2])."""
    ops, terms = [], []
    letter = lambda i: '...' if i is Ellipsis else _LETTERS[i] if 0 <= i < 52 else _bad_sublist(i)
    items = list(args)
    out = None
    if len(items) % 2 == 1:
        out = items.pop()
    for op, sub in zip(items[0::2], items[1::2]):
        ops.append(op)
        terms.append(''.join(letter(i) for i in sub))
    eq = ','.join(terms) + ('' if out is None else '->' + ''.join(letter(i) for i in out))
    return eq, ops


def _bad_sublist(i):
    raise RuntimeError(f"einsum(): expected subscript to be within the range [0, 52) but got {i}")


def einsum(*args) -> Tensor:
    """Sum of products of the operands' elements over the dimensions named in the Einstein-notation equation."""
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, or at least one "
                        "operand and its subscripts list")
    if isinstance(args[0], str):
        eq, ops = args[0], list(args[1:])
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = list(ops[0])
    else:
        eq, ops = _sublist_to_eq(args)
    if not ops:
        raise RuntimeError("einsum(): must provide at least one operand")
    return _einsum(eq, ops)


@with_out
def tensordot(a: Tensor, b: Tensor, dims=2) -> Tensor:
    """Contract ``a`` and ``b`` over ``dims`` (the last/first ``dims`` dimensions, or two lists of dimensions)."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, (int, np.integer)) else list(da)
        db = [db] if isinstance(db, (int, np.integer)) else list(db)
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    la, lb = _LETTERS[:a.ndim], _LETTERS[a.ndim:a.ndim + b.ndim]
    lb = list(lb)
    for di, dj in zip(da, db):
        i, j = wrap_dim(di, a.ndim), wrap_dim(dj, b.ndim)
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {di} and "
                               f"second has size {b.shape[j]} in dim {dj}")
        lb[j] = la[i]
    lb = ''.join(lb)
    contracted = {la[wrap_dim(i, a.ndim)] for i in da}
    res = ''.join(c for c in la if c not in contracted) + ''.join(c for c in lb if c not in contracted)
    return einsum(f"{la},{lb}->{res}", a, b)


@with_out
def kron(input: Tensor, other: Tensor) -> Tensor:
    """Kronecker product: every element of ``input`` times a block of ``other``."""
    nd = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (nd - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (nd - other.ndim) + tuple(other.shape))
    # Interleave: a's dims at even positions, b's at odd positions, then merge each pair.
    ai = a.reshape(tuple(s for d in a.shape for s in (d, 1)))
    bi = b.reshape(tuple(s for d in b.shape for s in (1, d)))
    return (ai * bi).reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))


_LEVI_CIVITA = np.zeros((3, 3, 3), np.int8)
_LEVI_CIVITA[0, 1, 2] = _LEVI_CIVITA[1, 2, 0] = _LEVI_CIVITA[2, 0, 1] = 1
_LEVI_CIVITA[0, 2, 1] = _LEVI_CIVITA[2, 1, 0] = _LEVI_CIVITA[1, 0, 2] = -1


def _cross(input: Tensor, other: Tensor, dim: int) -> Tensor:
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    _batch_shape(tuple(input.shape), tuple(other.shape))
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {other.dtype._legacy}")
    from .creation import tensor
    eps = tensor(_LEVI_CIVITA, dtype=input.dtype, device=input.device)
    a, b = input.transpose(d, -1), other.transpose(d, -1)
    return einsum('...j,...k,ijk->...i', a, b, eps).transpose(d, -1)


@with_out
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (default: the first dimension of size 3, with a warning)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        shape = _batch_shape(tuple(input.shape), tuple(other.shape)) if input.ndim == other.ndim \
            else tuple(input.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _cross(input, other, dim)


@with_out
def chain_matmul(*matrices: Tensor) -> Tensor:
    """Product of the given 2-D matrices (deprecated alias of ``linalg.multi_dot``)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1:
        if matrices[0].ndim != 2:
            raise RuntimeError(f"chain_matmul(): Expected one or more 2D tensors but got {matrices[0].ndim}D")
        return matrices[0].clone()
    from .linalg import multi_dot
    return multi_dot(matrices)


def _matmul_method(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def _rmatmul_method(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _inplace_add(op):
    def method(self, *args, beta=1, alpha=1):
        return self.copy_(op(self, *args, beta=beta, alpha=alpha))
    method.__name__ = op.__name__ + '_'
    return method


bind_methods({'mm': mm, 'matmul': matmul, '__matmul__': _matmul_method, '__rmatmul__': _rmatmul_method,
              'bmm': bmm, 'mv': mv, 'dot': dot, 'vdot': vdot, 'inner': inner, 'outer': outer, 'ger': ger,
              'addmm': addmm, 'addmv': addmv, 'addr': addr, 'addbmm': addbmm, 'baddbmm': baddbmm,
              'addmm_': _inplace_add(addmm), 'addmv_': _inplace_add(addmv), 'addr_': _inplace_add(addr),
              'addbmm_': _inplace_add(addbmm), 'baddbmm_': _inplace_add(baddbmm),
              'kron': kron, 'cross': cross})

__all__ = ['mm', 'matmul', 'bmm', 'mv', 'dot', 'vdot', 'inner', 'outer', 'ger', 'addmm', 'addmv', 'addr', 'addbmm',
           'baddbmm', 'einsum', 'tensordot', 'kron', 'cross', 'chain_matmul']
