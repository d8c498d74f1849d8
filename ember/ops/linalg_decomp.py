"""Matrix decompositions: Cholesky, QR, SVD, symmetric/Hermitian and general eigendecompositions, with backward.

Backward formulas are the standard matrix-calculus ones written in ember ops (so they differentiate again)."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, bind_methods
from ._primitive import primitive
from .blas import with_out
# linalg imports this module at its end, after these helpers exist.
from .linalg import (LinAlgError, _R_linalg_cholesky_ex, _R_linalg_eig, _R_linalg_eigh, _R_linalg_qr, _R_linalg_svd,
                     _R_qr, _R_svd, _check, _check_matrix, _cholesky_info, _columns, _diag, _diag_embed, _inv,
                     _inv_sq_gaps, _name, _raise_first, _real, _tril)


@primitive
def _cholesky(a, fn='linalg.cholesky'):
    _check(fn, a)
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        _raise_first(_cholesky_info(a), fn, lambda k: f"The factorization could not be completed because the input "
                                                  f"is not positive-definite (the leading minor of order {k} is not "
                                                  f"positive-definite).")
        raise


_cholesky.name, _cholesky.backward_name = 'cholesky', 'LinalgCholeskyExBackward0'


@_cholesky.vjp
def _(grad, out):
    # A = L L^H:  gA = L^-H phi(L^H gL) L^-1, phi = lower triangle with half the (real) diagonal; symmetrised.
    lh = out.mH
    p = lh @ _tril(grad)
    phi = _tril(p, -1) + 0.5 * _diag_embed(_real(_diag(p)))
    li = _inv(out)
    s = li.mH @ phi @ li
    return 0.5 * (s + s.mH)


@with_out
def linalg_cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor L (lower triangular, ``A = L L^H``) of a Hermitian positive-definite matrix."""
    L = _cholesky(A)
    return L.mH if upper else L


@with_out
def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False):
    """Cholesky factor and LAPACK's ``info`` (0, or the order of the failing leading minor) without raising."""
    a = A._data
    _check('linalg.cholesky_ex', a)
    from .creation import tensor
    try:
        L = _cholesky(A)
        info = np.zeros(a.shape[:-2], np.int32)
    except LinAlgError:
        info = _cholesky_info(a).astype(np.int32)
        if check_errors:
            _raise_first(info, 'linalg.cholesky_ex', lambda k: f"The factorization could not be completed because the "
                                         f"input is not positive-definite (the leading minor of order {k} is not "
                                         f"positive-definite).")
        eye = np.eye(a.shape[-1], dtype=a.dtype)
        ok = (info == 0)[..., None, None]
        L = tensor(np.where(ok, np.linalg.cholesky(np.where(ok, a, eye)), np.nan), dtype=A.dtype, device=A.device)
    return _R_linalg_cholesky_ex(L.mH if upper else L, tensor(info, device=A.device))


@with_out
def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """``torch.cholesky`` (deprecated): the Cholesky factor, upper triangular when ``upper``."""
    L = _cholesky(input, 'cholesky')
    return L.mH if upper else L


@primitive(n_out=2)
def _qr(a, mode='reduced'):
    if mode not in ('reduced', 'complete', 'r'):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           f"'complete'")
    _check('linalg.qr', a, square=False)
    if mode == 'r':
        return np.empty((0,), a.dtype), np.linalg.qr(a, mode='r')
    q, r = np.linalg.qr(a, mode=mode)
    return q, r


_qr.name, _qr.backward_name = 'qr', 'LinalgQrBackward0'


def _qr_grad_tall(q: Tensor, r: Tensor, gq: Tensor, gr: Tensor) -> Tensor:
    """gA for A = QR with m >= n (reduced): (gQ + Q copyltu(M)) R^-H, M = R gR^H - gQ^H Q."""
    m = r @ gr.mH - gq.mH @ q
    low = _tril(m, -1)
    sym = low + low.mH + _diag_embed(_real(_diag(m)))
    return (gq + q @ sym) @ _inv(r).mH


@_qr.vjp
def _(grad, a_shape, mode, out):
    gq, gr = grad
    q, r = out
    m, n = a_shape[-2], a_shape[-1]
    if mode == 'r':
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                           "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
    if mode == 'complete' and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
    if m >= n:
        return _qr_grad_tall(q, r, gq, gr)
    # Wide A = Q [R1 R2]: A[:, :m] = Q R1 is square; A[:, m:] = Q R2 feeds back into Q's gradient.
    r1, r2 = _columns(r, 0, m), _columns(r, m, n)
    gr1, gr2 = _columns(gr, 0, m), _columns(gr, m, n)
    y = q @ r2
    gx = _qr_grad_tall(q, r1, gq + y @ gr2.mH, gr1)
    gy = q @ gr2
    from .creation import tensor
    e = np.eye(n, dtype=gx._data.dtype)
    return gx @ tensor(e[:m], device=gx.device) + gy @ tensor(e[m:], device=gx.device)


@with_out
def linalg_qr(A: Tensor, mode: str = 'reduced'):
    """QR decomposition: Q with orthonormal columns and upper-triangular R with ``A = Q R``."""
    return _R_linalg_qr(*_qr(A, mode))


@with_out
def qr(input: Tensor, some: bool = True):
    """``torch.qr`` (deprecated): reduced QR when ``some``, complete otherwise."""
    return _R_qr(*_qr(input, 'reduced' if some else 'complete'))


@primitive(n_out=3)
def _svd(a, full_matrices=True):
    _check('linalg.svd', a, square=False)
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return u, s, vh


_svd.name, _svd.backward_name = 'svd', 'LinalgSvdBackward0'


@_svd.vjp
def _(grad, out, full_matrices):
    gu, gs, gvh = grad
    u, s, vh = out
    m, n, k = u.shape[-2], vh.shape[-1], s.shape[-1]
    if full_matrices and m != n:
        # Only the first k singular vectors are determined by A.
        u, gu = (_columns(u, 0, k), _columns(gu, 0, k)) if m > k else (u, gu)
        if n > k:
            vh, gvh = _columns(vh.mT, 0, k).mT, _columns(gvh.mT, 0, k).mT
    v, gv = vh.mH, gvh.mH
    f = _inv_sq_gaps(s)
    utgu, vtgv = u.mH @ gu, vh @ gv
    j = f * (utgu - utgu.mH)
    kk = f * (vtgv - vtgv.mH)
    inner = (j * s.unsqueeze(-2) + _diag_embed(gs) + s.unsqueeze(-1) * kk).to(u.dtype)
    if u.is_complex():
        # The phase of each singular pair is free; fixing V's, U's phase moves with Im(U^H dA V)_ii / s_i.
        from .pointwise import imag
        inner = inner + _diag_embed(1j * imag(_diag(utgu)) / s)
    ga = u @ inner @ vh
    if m > k:
        ga = ga + (gu - u @ utgu) @ (vh / s.unsqueeze(-1))
    if n > k:
        ga = ga + (u / s.unsqueeze(-2)) @ (gv.mH - vtgv.mH @ vh)
    return ga


@with_out
def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver=None):
    """Singular value decomposition ``A = U diag(S) Vh`` (singular values in descending order)."""
    return _R_linalg_svd(*_svd(A, full_matrices))


@with_out
def svdvals(A: Tensor, *, driver=None) -> Tensor:
    """The singular values of A, in descending order."""
    if A._requires_grad:
        return _svd(A, False)[1]
    a = A._data
    _check('linalg.svd', a, square=False)
    return Tensor._wrap(np.linalg.svd(a, compute_uv=False))


@with_out
def svd(input: Tensor, some: bool = True, compute_uv: bool = True):
    """``torch.svd`` (deprecated): returns U, S and V (not V^H); reduced when ``some``."""
    U, S, Vh = _svd(input, not some)
    if not compute_uv:
        from .creation import zeros
        m, n = input.shape[-2], input.shape[-1]
        b = tuple(input.shape[:-2])
        return _R_svd(zeros(b + (m, m), dtype=input.dtype), S.detach() if not input._requires_grad else S,
                     zeros(b + (n, n), dtype=input.dtype))
    return _R_svd(U, S, Vh.mH)


@primitive(n_out=2)
def _eigh(a, UPLO='L'):
    if UPLO not in ('L', 'U'):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    _check_matrix('linalg.eigh', a)
    if a.dtype.kind not in 'fc' or a.dtype.itemsize == 2:
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{_name(a)}'")
    w, v = np.linalg.eigh(a, UPLO=UPLO)
    return w, v


_eigh.name, _eigh.backward_name = 'eigh', 'LinalgEighBackward0'


@_eigh.vjp
def _(grad, out):
    gl, gv = grad
    w, v = out
    vhgv = v.mH @ gv
    inner = _inv_sq_gaps(w, square=False) * vhgv + _diag_embed(gl)
    ga = v @ inner.to(v.dtype) @ v.mH
    return 0.5 * (ga + ga.mH)          # PyTorch returns the Hermitian part (eigh reads a Hermitian matrix)


@with_out
def eigh(A: Tensor, UPLO: str = 'L'):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a Hermitian matrix (reading one triangle)."""
    return _R_linalg_eigh(*_eigh(A, UPLO))


@with_out
def eigvalsh(A: Tensor, UPLO: str = 'L') -> Tensor:
    """The eigenvalues of a Hermitian matrix, in ascending order."""
    if A._requires_grad:
        return _eigh(A, UPLO)[0]
    a = A._data
    _eigh.fn(a[..., :0, :0], UPLO)      # PyTorch's argument checks, on an empty slice
    _check_matrix('linalg.eigh', a)
    return Tensor._wrap(np.linalg.eigvalsh(a, UPLO=UPLO))


def _eig_checks(a):
    if a.dtype.kind not in 'fc':
        raise RuntimeError(f"Unknown Complex ScalarType for {_name(a)}")
    _check('linalg.eig', a)


@with_out
def eig(A: Tensor):
    """Eigenvalues and eigenvectors of a general square matrix, as complex tensors (no gradient)."""
    a = A._data
    _eig_checks(a)
    ct = np.complex128 if a.dtype in (np.float64, np.complex128) else np.complex64
    w, v = np.linalg.eig(a)
    return _R_linalg_eig(Tensor._wrap(w.astype(ct, copy=False)), Tensor._wrap(v.astype(ct, copy=False)))


@with_out
def eigvals(A: Tensor) -> Tensor:
    """The eigenvalues of a general square matrix, as a complex tensor (no gradient)."""
    a = A._data
    _eig_checks(a)
    ct = np.complex128 if a.dtype in (np.float64, np.complex128) else np.complex64
    return Tensor._wrap(np.linalg.eigvals(a).astype(ct, copy=False))


bind_methods({'cholesky': cholesky, 'qr': qr, 'svd': svd})

__all__ = ['linalg_cholesky', 'cholesky_ex', 'cholesky', 'linalg_qr', 'qr', 'linalg_svd', 'svdvals', 'svd', 'eigh',
           'eigvalsh', 'eig', 'eigvals']
