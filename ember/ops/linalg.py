"""Linear algebra: inverses, determinants, solvers, pseudo-inverse, products (the ops behind ``ember.linalg``).

Decompositions live in ``linalg_decomp`` and norms in ``linalg_norms``; both are re-exported from here.

Backward formulas are the standard matrix-calculus ones written in ember ops (so they differentiate again):
helpers below build diagonals, triangles and identities from einsum and products with constant masks.
"""
from __future__ import annotations

import collections
import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import primitive
from .arithmetic import conj_if_complex
from .blas import einsum, matmul, with_out, _cross


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (a singular matrix, a matrix that is not positive-definite)."""


def _return_type(name: str, fields: str):
    t = collections.namedtuple(name, fields)
    t.__module__ = 'torch.return_types'
    return t


_R_slogdet = _return_type('slogdet', 'sign logabsdet')
_R_linalg_slogdet = _return_type('linalg_slogdet', 'sign logabsdet')
_R_linalg_inv_ex = _return_type('linalg_inv_ex', 'inverse info')
_R_linalg_cholesky_ex = _return_type('linalg_cholesky_ex', 'L info')
_R_linalg_qr = _return_type('linalg_qr', 'Q R')
_R_qr = _return_type('qr', 'Q R')
_R_linalg_svd = _return_type('linalg_svd', 'U S Vh')
_R_svd = _return_type('svd', 'U S V')
_R_linalg_eigh = _return_type('linalg_eigh', 'eigenvalues eigenvectors')
_R_linalg_eig = _return_type('linalg_eig', 'eigenvalues eigenvectors')
_R_linalg_lstsq = _return_type('linalg_lstsq', 'solution residuals rank singular_values')


# ---- checks -----------------------------------------------------------------------------------------------------

def _name(a) -> str:
    return D.from_numpy_dtype(a.dtype)._legacy


def _check_matrix(fn: str, a, square: bool = True, arg: str = 'A') -> None:
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor {arg} must have at least 2 dimensions.")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{fn}: {arg} must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")


def _check_float(fn: str, a) -> None:
    kind = a.dtype.kind
    if kind not in 'fc':
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got {_name(a)}")
    if a.dtype.itemsize == 2:
        raise RuntimeError(f"{fn}: Low precision dtypes not supported. Got {_name(a)}")


def _check(fn: str, a, square: bool = True) -> None:
    _check_matrix(fn, a, square)
    _check_float(fn, a)


def _batch_prefix(idx: int, batched: bool) -> str:
    return f"(Batch element {idx}): " if batched else ""


def _lu_info(a) -> np.ndarray:
    """LAPACK getrf's ``info`` for every matrix of the batch: the 1-based index of the first zero pivot of LU with
    partial pivoting, 0 when there is none."""
    n = a.shape[-1]
    m = np.array(a.reshape(-1, n, n), dtype=np.result_type(a.dtype, np.float32))
    rows = np.arange(m.shape[0])
    info = np.zeros(m.shape[0], np.int64)
    for k in range(n):
        p = np.argmax(np.abs(m[:, k:, k]), axis=1) + k
        top = m[rows, k].copy()
        m[rows, k] = m[rows, p]
        m[rows, p] = top
        piv = m[:, k, k]
        zero = piv == 0
        info[zero & (info == 0)] = k + 1
        factor = m[:, k + 1:, k] / np.where(zero, 1, piv)[:, None]
        m[:, k + 1:, k + 1:] -= factor[:, :, None] * m[:, k, None, k + 1:]
    return info.reshape(a.shape[:-2])


def _cholesky_info(a) -> np.ndarray:
    """LAPACK potrf's ``info`` per matrix: the order of the first leading minor that is not positive-definite."""
    n = a.shape[-1]
    flat = a.reshape(-1, n, n)
    info = np.zeros(flat.shape[0], np.int64)
    for b in range(flat.shape[0]):
        for k in range(1, n + 1):
            try:
                np.linalg.cholesky(flat[b, :k, :k])
            except np.linalg.LinAlgError:
                info[b] = k
                break
    return info.reshape(a.shape[:-2])


def _raise_first(info: np.ndarray, fn: str, message) -> None:
    """Raise ``fn: [(Batch element i): ]message(info)`` for the first failed matrix, if any."""
    flat = info.reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        i = int(bad[0])
        raise LinAlgError(f"{fn}: " + _batch_prefix(i, info.ndim > 0) + message(int(flat[i])))


# ---- helpers for backward formulas (ember ops only) ---------------------------------------------------------------

def _eye(n: int, like: Tensor) -> Tensor:
    from .creation import eye
    return eye(n, dtype=like.dtype, device=like.device)


def _diag(x: Tensor) -> Tensor:
    """The main diagonals of a batch of square matrices."""
    return einsum('...ii->...i', x)


def _diag_embed(v: Tensor) -> Tensor:
    return v.unsqueeze(-1) * _eye(v.shape[-1], v)


def _tril(x: Tensor, k: int = 0) -> Tensor:
    from .creation import tensor
    m, n = x.shape[-2], x.shape[-1]
    return x * tensor(np.tri(m, n, k, dtype=np.bool_), device=x.device)


def _triu(x: Tensor, k: int = 0) -> Tensor:
    from .creation import tensor
    m, n = x.shape[-2], x.shape[-1]
    return x * tensor(~np.tri(m, n, k - 1, dtype=np.bool_), device=x.device)


def _columns(x: Tensor, start: int, stop: int) -> Tensor:
    """``x[..., start:stop]`` as a product with a selection matrix (differentiable twice)."""
    from .creation import tensor
    sel = np.eye(x.shape[-1], dtype=x._data.dtype)[:, start:stop]
    return x @ tensor(sel, device=x.device)


def _real(x: Tensor) -> Tensor:
    from .pointwise import real
    return real(x) if x.is_complex() else x


def _inv_sq_gaps(s: Tensor, square: bool = True) -> Tensor:
    """F[i, j] = 1 / (s_j - s_i) (of the squares when ``square``), 0 on the diagonal."""
    v = s * s if square else s
    d = v.unsqueeze(-2) - v.unsqueeze(-1)
    eye = _eye(s.shape[-1], d)
    return (1 - eye) / (d + eye)


# ---- inverse, determinant, solve ---------------------------------------------------------------------------------

@primitive
def _inv(a):
    _check('linalg.inv', a)
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        _raise_first(_lu_info(a), 'linalg.inv', lambda k: f"The diagonal element {k} is zero, the inversion could not "
                                            f"be completed because the input matrix is singular.")
        raise


_inv.name, _inv.backward_name = 'inv', 'LinalgInvExBackward0'


@_inv.vjp
def _(grad, out):
    oh = out.mH
    return -(oh @ grad @ oh)


@with_out
def inv(A: Tensor) -> Tensor:
    """The inverse of a square matrix (or of each matrix of a batch)."""
    return _inv(A)


@with_out
def inv_ex(A: Tensor, *, check_errors: bool = False):
    """Inverse and LAPACK's ``info`` (0 on success, else the 1-based index of the zero pivot) without raising."""
    a = A._data
    _check('linalg.inv_ex', a)
    info = _lu_info(a) if a.size else np.zeros(a.shape[:-2], np.int64)
    if check_errors:
        _raise_first(info, 'linalg.inv_ex', lambda k: f"The diagonal element {k} is zero, the inversion could not be "
                                     f"completed because the input matrix is singular.")
    from .creation import tensor
    if not info.any():
        res = _inv(A)
    else:
        # Singular matrices get inf/nan like LAPACK's partial result; the others their inverse.
        ok = (info == 0)[..., None, None]
        with np.errstate(all='ignore'):
            safe = np.where(ok, a, np.eye(a.shape[-1], dtype=a.dtype))
            res = tensor(np.where(ok, np.linalg.inv(safe), np.nan), dtype=A.dtype, device=A.device)
    return _R_linalg_inv_ex(res, tensor(info.astype(np.int32), device=A.device))


@primitive
def _det(a):
    _check('linalg.det', a)
    return np.linalg.det(a)


_det.name, _det.backward_name = 'det', 'LinalgDetBackward0'


@_det.vjp
def _(grad, a, out):
    if not (out._data == 0).any():
        g = grad * conj_if_complex(out)
        return g.unsqueeze(-1).unsqueeze(-1) * _inv(a).mH
    # Singular matrices: d det = tr(adj(A) dA), with adj(A)^H = conj(det(U) det(Vh)) U diag(prod_{j!=i} s_j) Vh.
    u, s, vh = _svd(a, False)
    eye = _eye(s.shape[-1], s)
    others = (s.unsqueeze(-2) * (1 - eye) + eye).prod(-1)
    phase = conj_if_complex(_det(u) * _det(vh))
    g = grad * phase
    return g.unsqueeze(-1).unsqueeze(-1) * ((u * others.to(u.dtype).unsqueeze(-2)) @ vh)


@with_out
def det(A: Tensor) -> Tensor:
    """The determinant of a square matrix (or of each matrix of a batch)."""
    return _det(A)


@primitive(n_out=2)
def _slogdet(a):
    _check('linalg.slogdet', a)
    sign, logabs = np.linalg.slogdet(a)
    return sign, logabs


_slogdet.name, _slogdet.backward_name = 'slogdet', 'LinalgSlogdetBackward0'


@_slogdet.vjp
def _(grad, a, out):
    g_sign, g = grad
    if a.is_complex():
        # The phase moves with Im(tr(A^-1 dA)): fold its gradient into the imaginary part of the coefficient.
        from .pointwise import imag
        g = g - 1j * imag(g_sign.conj() * out[0])
    return g.unsqueeze(-1).unsqueeze(-1) * _inv(a).mH


@with_out
def linalg_slogdet(A: Tensor):
    """Sign (or phase) and natural log of the absolute value of the determinant."""
    return _R_linalg_slogdet(*_slogdet(A))


def slogdet(input: Tensor):
    """``torch.slogdet``: like ``linalg.slogdet`` under the legacy return-type name."""
    return _R_slogdet(*_slogdet(input))


def logdet(input: Tensor) -> Tensor:
    """Natural log of the determinant (nan for a negative determinant, -inf for a singular matrix)."""
    sign, logabs = _slogdet(input)
    if input.is_complex():
        from .pointwise import log
        return log(sign) + logabs
    from .indexing import where
    return where(sign < 0, math.nan, logabs)      # no gradient where the determinant is negative, like PyTorch


def _is_vector_rhs(a, b) -> bool:
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


@primitive
def _solve(a, b):
    _check('linalg.solve', a)
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type {_name(a)} "
                           f"and B of type {_name(b)} instead")
    vec = _is_vector_rhs(a, b)
    bm = b[..., None] if vec else b
    if bm.shape[-2] != a.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({a.shape[-2]}x{a.shape[-1]} and {bm.shape[-2]}x{bm.shape[-1]})")
    try:
        x = np.linalg.solve(a, bm)
    except np.linalg.LinAlgError:
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
    return x[..., 0] if vec else x


_solve.name, _solve.backward_name = 'solve', 'LinalgSolveExBackward0'


@_solve.vjp
def _(grad, a, out, needs_input_grad):
    gb = _solve(a.mH, grad)
    ga = None
    if needs_input_grad[0]:
        x = conj_if_complex(out)
        ga = -(gb.unsqueeze(-1) * x.unsqueeze(-2)) if out.ndim < a.ndim else -(gb @ x.mT)
    return ga, gb


@with_out
def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """The solution X of ``A X = B`` (``X A = B`` when ``left`` is False)."""
    if left:
        return _solve(A, B)
    return _solve(A.mT, B.mT).mT


def _triangular_solve_array(t, b, upper: bool):
    """Solve with a triangular ``t``; a zero on its diagonal gives inf/nan like LAPACK's trsm instead of raising."""
    try:
        return np.linalg.solve(t, b)
    except np.linalg.LinAlgError:
        # Substitution row by row (vectorised over the batch and the right-hand sides), as trsm does.
        n = t.shape[-1]
        x = np.zeros(np.broadcast_shapes(t.shape[:-2], b.shape[:-2]) + b.shape[-2:], np.result_type(t, b))
        with np.errstate(all='ignore'):
            for i in (range(n - 1, -1, -1) if upper else range(n)):
                rest = slice(i + 1, n) if upper else slice(0, i)
                acc = b[..., i, :] - np.einsum('...j,...jk->...k', t[..., i, rest], x[..., rest, :])
                x[..., i, :] = acc / t[..., i, i, None]
        return x


@primitive(promote='same', operands=('a', 'b'))
def _solve_triangular(a, b, upper, unitriangular=False):
    _check_matrix('linalg.solve_triangular', a)
    _check_matrix('linalg.solve_triangular', b, square=False, arg='B')
    if a.dtype.kind not in 'fc':
        raise NotImplementedError(f"\"triangular_solve_cpu\" not implemented for '{_name(a)}'")
    if b.shape[-2] != a.shape[-1]:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B "
                           f"({a.shape[-2]}x{a.shape[-1]} and {b.shape[-2]}x{b.shape[-1]})")
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        n = a.shape[-1]
        t = np.where(np.eye(n, dtype=np.bool_), np.ones((), a.dtype), t)
    return _triangular_solve_array(t, b, upper)


_solve_triangular.name, _solve_triangular.backward_name = 'solve_triangular', 'LinalgSolveTriangularBackward0'


@_solve_triangular.vjp
def _(grad, a, out, upper, unitriangular, needs_input_grad):
    gb = _solve_triangular(a.mH, grad, not upper, unitriangular)
    ga = None
    if needs_input_grad[0]:
        ga = -(gb @ conj_if_complex(out).mT)
        ga = _triu(ga, 1 if unitriangular else 0) if upper else _tril(ga, -1 if unitriangular else 0)
    return ga, gb


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool = None, left: bool = True, unitriangular: bool = False,
                     out=None) -> Tensor:
    """The solution X of ``A X = B`` (``X A = B`` when not ``left``) for triangular A (only its triangle is read)."""
    if upper is None:
        raise TypeError('linalg_solve_triangular() missing 1 required positional arguments: "upper"')
    if left:
        r = _solve_triangular(A, B, upper, unitriangular)
    else:
        r = _solve_triangular(A.mT, B.mT, not upper, unitriangular).mT
    return r if out is None else _write(out, r)


def _write(out, r):
    from ._primitive import _write_out
    _write_out('linalg', out, [r], [r] if r.requires_grad else [])
    return out


@primitive(promote='same', operands=('b', 'l'))
def _cholesky_solve(b, l, upper=False):
    if l.ndim >= 2 and b.ndim >= 2 and l.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is {l.shape[-2]} by "
                           f"{l.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    t = np.triu(l) if upper else np.tril(l)
    th = np.conj(np.swapaxes(t, -1, -2))
    first, second = (th, t) if upper else (t, th)
    return _triangular_solve_array(second, _triangular_solve_array(first, b, upper), not upper)


_cholesky_solve.name, _cholesky_solve.backward_name = 'cholesky_solve', 'CholeskySolveBackward0'


@_cholesky_solve.vjp
def _(grad, l, out, upper, needs_input_grad):
    # X = A^-1 B with A = L L^H (U^H U): gB = A^-1 gX; gA = -gB X^H, pulled back to the full factor like PyTorch.
    gb = _cholesky_solve(grad, l, upper)
    gl = None
    if needs_input_grad[1]:
        ga = gb @ out.mH
        ga = -(ga + ga.mH)
        gl = l @ ga if upper else ga @ l
    return gb, gl


@with_out
def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:
    """Solve ``A X = B`` given the Cholesky factor of A (lower, or upper when ``upper``)."""
    return _cholesky_solve(B, L, upper)


@with_out
def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    """The inverse of ``A`` from its Cholesky factor."""
    _check_matrix('cholesky_inverse', L._data)
    return cholesky_solve(_eye(L.shape[-1], L).expand(tuple(L.shape)), L, upper)


@with_out
def matrix_exp(A: Tensor) -> Tensor:
    """The matrix exponential, by scaling and squaring a Taylor polynomial (differentiable through its products)."""
    a = A._data
    _check('linalg.matrix_exp', a)
    if a.size == 0:
        return A * 1
    norm1 = float(np.abs(a).sum(-2).max())
    # Scale to a 1-norm of at most 1/2, where 16 Taylor terms are exact to double precision.
    s = max(0, math.ceil(math.log2(norm1 / 0.5))) if norm1 > 0.5 else 0
    X = A / (2 ** s) if s else A
    eye = _eye(a.shape[-1], A)
    E = eye
    for k in range(16, 0, -1):
        E = eye + matmul(X, E) / k
    for _ in range(s):
        E = matmul(E, E)
    return E


@with_out
def cond(A: Tensor, p=None) -> Tensor:
    """The condition number of A in the norm ``p`` (the ratio of extreme singular values by default)."""
    if p not in (None, 'fro', 'nuc', 1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if p in (None, 2, -2):
        s = svdvals(A)
        big, small = _vector_norm(s, math.inf, -1, False), _vector_norm(s, -math.inf, -1, False)
        with np.errstate(divide='ignore', invalid='ignore'):
            return big / small if p != -2 else small / big
    a = A._data
    _check_matrix(f'linalg.cond(ord={p})', a)
    _check_float('linalg.cond', a)
    info = _lu_info(a) if a.size else np.zeros(a.shape[:-2], np.int64)
    if info.any():
        from .creation import full
        return full(a.shape[:-2], math.inf, dtype=D.from_numpy_dtype(a.dtype).to_real(), device=A.device)
    return matrix_norm(A, p) * matrix_norm(_inv(A), p)


def _prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


@with_out
def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """The tensor inverse: ``tensordot(tensorinv(A), A, ind)`` is the identity."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    left, right = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    if _prod(left) != _prod(right):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {_prod(right)} != {_prod(left)}")
    return _inv(A.reshape(_prod(left), _prod(right))).reshape(right + left)


@with_out
def tensorsolve(A: Tensor, B: Tensor, dims=None) -> Tensor:
    """The X with ``tensordot(A, X, X.ndim) == B``."""
    if dims is not None:
        nd = A.ndim
        moved = [wrap_dim(d, nd) for d in dims]
        A = A.permute([i for i in range(nd) if i not in moved] + moved)
    lead, rest = tuple(A.shape[:B.ndim]), tuple(A.shape[B.ndim:])
    if _prod(lead) != _prod(rest):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {_prod(rest)} != {_prod(lead)}")
    return _solve(A.reshape(_prod(lead), _prod(rest)), B.reshape(-1)).reshape(rest)


def vander(x: Tensor, N: int | None = None) -> Tensor:
    """The Vandermonde matrix: columns are the powers 0 .. N-1 of ``x`` (along a new last dimension)."""
    if x.ndim == 0:
        raise RuntimeError("N must be greater than 1.")
    n = x.shape[-1] if N is None else N
    if n <= 1 and N is not None or n == 0:
        raise RuntimeError("N must be greater than 1.")
    from .creation import arange
    return x.unsqueeze(-1) ** arange(n, device=x.device)


# ---- pseudo-inverse, rank, least squares -------------------------------------------------------------------------

def _tolerances(a, atol, rtol, smax):
    """The singular-value cutoff ``max(atol, rtol * smax)`` with PyTorch's defaults."""
    atol = atol._data if isinstance(atol, Tensor) else atol
    rtol = rtol._data if isinstance(rtol, Tensor) else rtol
    real = np.finfo(a.dtype).eps
    if rtol is None:
        rtol = real * max(a.shape[-2], a.shape[-1]) if atol is None or np.all(np.asarray(atol) <= 0) else 0.0
    atol = 0.0 if atol is None else atol
    return np.maximum(np.asarray(atol)[..., None] if np.ndim(atol) else atol,
                      (np.asarray(rtol)[..., None] if np.ndim(rtol) else rtol) * smax)


@primitive
def _pinv(a, atol=None, rtol=None, hermitian=False):
    if a.ndim < 2 or a.dtype.kind not in 'fc' or a.dtype.itemsize == 2:
        raise RuntimeError(f"linalg.pinv({_name(a)}{{[{', '.join(map(str, a.shape))}]}}): expected a tensor with 2 "
                           f"or more dimensions of float, double, cfloat or cdouble types")
    if hermitian:
        w, v = np.linalg.eigh(a)
        aw = np.abs(w)
        smax = aw.max(-1, keepdims=True) if aw.shape[-1] else aw
        keep = aw > _tolerances(a, atol, rtol, smax)
        inv_w = np.where(keep, 1 / np.where(keep, w, 1), 0).astype(v.dtype)
        return (v * inv_w[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    smax = s[..., :1]
    keep = s > _tolerances(a, atol, rtol, smax)
    inv_s = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(u.dtype)
    return np.conj(np.swapaxes(vh, -1, -2)) @ (inv_s[..., :, None] * np.conj(np.swapaxes(u, -1, -2)))


_pinv.name, _pinv.backward_name = 'pinv', 'LinalgPinvBackward0'


@_pinv.vjp
def _(grad, a, out):
    # dX = -X dA X + X X^H dA^H (I - A X) + (I - X A) dA^H X^H X, transposed into gA.
    x, xh = out, out.mH
    m, n = a.shape[-2], a.shape[-1]
    ga = -(xh @ grad @ xh)
    gh = grad.mH
    ga = ga + (gh - a @ (x @ gh)) @ (x @ xh)
    ga = ga + (xh @ x) @ (gh - (gh @ x) @ a)
    return ga


@with_out
def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse, dropping singular values below ``max(atol, rtol * largest)``."""
    return _pinv(A, atol, rtol, hermitian)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """``torch.pinverse``: the pseudo-inverse with relative cutoff ``rcond``."""
    return _pinv(input, None, rcond, False)


@with_out
def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None) -> Tensor:
    """The number of singular values (|eigenvalues| when ``hermitian``) above the tolerance."""
    a = A._data
    if a.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if a.dtype.kind not in 'fc':
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    smax = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    return Tensor._wrap(np.sum(s > _tolerances(a, atol, rtol, smax), axis=-1).astype(np.int64))


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B``, with residuals, rank and singular values as the driver gives them."""
    a, b = A._data, B._data
    if driver is not None and driver not in ('gels', 'gelsy', 'gelsd', 'gelss'):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if a.dtype.kind not in 'fc' or b.dtype.kind not in 'fc':
        raise RuntimeError("This function doesn't handle types other than float and double")
    if a.dtype != b.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {_name(a)} and other's dtype {_name(b)}")
    _check_matrix('torch.linalg.lstsq', a, square=False, arg='input')
    vec = b.ndim == a.ndim - 1
    if vec and b.shape[-1] != a.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-1)")
    if not vec and b.shape[-2] != a.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    driver = driver or 'gelsy'
    m, n = a.shape[-2], a.shape[-1]
    rc = np.finfo(a.dtype).eps * max(m, n) if rcond is None or rcond < 0 else rcond
    Bm = B.unsqueeze(-1) if vec else B
    X = _pinv(A, None, rc, False) @ Bm
    from .creation import tensor
    real = np.finfo(a.dtype).dtype
    s = np.linalg.svd(a, compute_uv=False)
    smax = s[..., :1]
    rank = np.sum(s > rc * smax, axis=-1).astype(np.int64) if s.shape[-1] else np.zeros(s.shape[:-1], np.int64)
    empty = tensor(np.empty((0,), real), device=A.device)
    residuals = empty
    if X.requires_grad:
        # PyTorch's residuals stay attached to the graph even when empty.
        flat = X.reshape(1, -1)
        residuals = (flat @ tensor(np.zeros((flat.shape[1], 0), flat._data.dtype), device=A.device)).reshape(0)
    if driver != 'gelsy' and m > n and np.all(rank == n):
        r = Bm - A @ X
        residuals = (r.abs() ** 2 if r.is_complex() else r * r).sum(-2)
    if driver == 'gels':
        rank_t, sv = tensor(np.empty((0,), np.int64), device=A.device), empty
    else:
        rank_t = tensor(rank, device=A.device)
        sv = tensor(s, device=A.device) if driver in ('gelsd', 'gelss') else empty
    return _R_linalg_lstsq(X.squeeze(-1) if vec else X, residuals, rank_t, sv)


# ---- products of matrices ----------------------------------------------------------------------------------------

@with_out
def matrix_power(A: Tensor, n: int) -> Tensor:
    """A matrix raised to the integer power ``n`` (negative powers invert first)."""
    a = A._data
    _check_matrix('linalg.matrix_power', a)
    if n == 0:
        from .blas import _scaled_sum
        from .creation import eye
        e = eye(a.shape[-1], dtype=A.dtype, device=A.device).expand(tuple(A.shape))
        return _scaled_sum(A, e, 0, 1)       # identities, still attached to A's graph (zero gradient)
    if n < 0:
        A, n = _inv(A), -n
    result = None
    base = A
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def _chain_order(dims: list) -> list:
    """The cheapest parenthesisation of a chain of products (classic dynamic programme); split[i][j]."""
    k = len(dims) - 1
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            best = None
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if best is None or c < best:
                    best, split[i][j] = c, s
            cost[i][j] = best
    return split


@with_out
def multi_dot(tensors) -> Tensor:
    """Product of two or more matrices in the cheapest order; the first and last may be vectors."""
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first_vec, last_vec = ts[0].ndim == 1, ts[-1].ndim == 1
    if ts[0].ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {ts[0].ndim}D")
    if ts[-1].ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {ts[-1].ndim}D")
    for i, t in enumerate(ts[1:-1], 1):
        if t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    for i, t in enumerate(ts[1:], 1):
        if t.dtype is not ts[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{ts[0].dtype.name.replace('32', '').replace('float64', 'double')} and tensor {i} "
                               f"{t.dtype.name.replace('float64', 'double').replace('32', '')}")
    mats = [ts[0].unsqueeze(0) if first_vec else ts[0]] + ts[1:-1] + \
        [ts[-1].unsqueeze(1) if last_vec else ts[-1]]
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(mats[i].shape)} and "
                               f"{list(mats[i + 1].shape)} cannot be multiplied")
    split = _chain_order([mats[0].shape[0]] + [t.shape[1] for t in mats])

    def product(i, j):
        if i == j:
            return mats[i]
        s = split[i][j]
        return product(i, s).mm(product(s + 1, j))

    r = product(0, len(mats) - 1)
    if first_vec and last_vec:
        return r.reshape(())
    if first_vec:
        return r.squeeze(0)
    return r.squeeze(1) if last_vec else r


@with_out
def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Dot product of vectors along ``dim`` (conjugating ``x``), broadcasting the other dimensions."""
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{x.dtype._legacy} and y of type {y.dtype._legacy} instead")
    return (conj_if_complex(x) * y).sum(dim)


def linalg_diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonals of a batch of matrices (``torch.diagonal`` with matrix-friendly defaults)."""
    from .shape import diagonal
    return diagonal(A, offset, dim1, dim2)


@with_out
def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """Cross product of 3-vectors along ``dim``."""
    return _cross(input, other, dim)


# Decompositions and norms use the helpers above, so they are imported after them.
from .linalg_decomp import *  # noqa: E402,F401,F403
from .linalg_decomp import _cholesky, _eig_checks, _eigh, _qr, _svd  # noqa: E402,F401
from .linalg_norms import *  # noqa: E402,F401,F403
from .linalg_norms import _vector_norm, _vector_norm_checks  # noqa: E402,F401

bind_methods({
    'det': det, 'logdet': logdet, 'slogdet': slogdet, 'inverse': inv,
    'pinverse': pinverse, 'matrix_power': matrix_power, 'matrix_exp': matrix_exp, 'cholesky_solve': cholesky_solve,
    'cholesky_inverse': cholesky_inverse,
})

inverse = inv
__all__ = ['det', 'logdet', 'slogdet', 'inverse', 'pinverse', 'matrix_power', 'matrix_exp', 'cholesky', 'qr', 'svd',
           'cholesky_solve', 'cholesky_inverse']
