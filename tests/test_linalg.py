"""ember.linalg and the top-level linear-algebra functions against real PyTorch: values, gradients, errors."""
import math

import numpy as np
import pytest

import ember
from support import check_op, check_grads, needs_torch, torch
from test_blas import check_error

R = np.random.default_rng(2)
F64 = np.float64
L, TL = ember.linalg, (torch.linalg if torch is not None else None)


def rand(*shape, dtype=np.float32):
    a = R.standard_normal(shape)
    if np.dtype(dtype).kind == 'c':
        a = a + 1j * R.standard_normal(shape)
    return a.astype(dtype)


def well(*shape, dtype=np.float32):
    """Well-conditioned square matrices (a batch of them): random plus n on the diagonal."""
    n = shape[-1]
    return (rand(*shape, dtype=dtype) + n * np.eye(n)).astype(dtype)


def spd(*shape, dtype=np.float32):
    """Hermitian positive-definite matrices B B^H + n I."""
    b = rand(*shape, dtype=dtype)
    n = shape[-1]
    return (b @ np.conj(np.swapaxes(b, -1, -2)) + n * np.eye(n)).astype(dtype)


def sym(a):
    """Hermitian part of an ember tensor (for ops that read one triangle only)."""
    return (a + a.mH) / 2


def tsym(a):
    return (a + a.mH) / 2


DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def tol(dtype):
    return dict(rtol=1e-4, atol=1e-4) if np.dtype(dtype) in (np.float32, np.complex64) else dict(rtol=1e-8, atol=1e-9)


# ---- inverse, determinant, solve --------------------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape', [(3, 3), (2, 4, 4), (1, 1), (0, 0), (2, 0, 0)])
def test_inv_det_slogdet(dtype, shape):
    a = well(*shape, dtype=dtype)
    check_op(L.inv, TL.inv, a, **tol(dtype))
    check_op(ember.inverse, torch.inverse, a, **tol(dtype))
    check_op(L.det, TL.det, a, **tol(dtype))
    check_op(ember.det, torch.det, a, **tol(dtype))
    check_op(lambda x: tuple(L.slogdet(x)), lambda x: tuple(TL.slogdet(x)), a, **tol(dtype))
    if np.dtype(dtype).kind == 'f':
        check_op(ember.logdet, torch.logdet, a, **tol(dtype))


@needs_torch
def test_logdet_signs_and_slogdet_types():
    for a in [-np.eye(3), np.diag([-1.0, -1.0, 1.0]), np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[-2.0]])]:
        check_op(ember.logdet, torch.logdet, a)
    check_op(ember.logdet, torch.logdet, np.array([[1.0, 2.0], [3.0, 4.0]], np.complex128))
    for a in [np.array([[1.0, 2.0], [2.0, 4.0]])]:
        check_op(ember.logdet, torch.logdet, a, grad=False)
        check_op(lambda x: tuple(ember.slogdet(x)), lambda x: tuple(torch.slogdet(x)), a, grad=False)
    r = L.slogdet(ember.tensor(well(3, 3)))
    assert type(r).__name__ == 'linalg_slogdet' and r.sign.shape == () and r.logabsdet.shape == ()
    assert type(ember.slogdet(ember.tensor(well(3, 3)))).__name__ == 'slogdet'


@needs_torch
def test_inv_ex():
    a = np.stack([np.eye(2), [[1.0, 2.0], [2.0, 4.0]]]).astype(np.float32)
    e, t = L.inv_ex(ember.tensor(a)), TL.inv_ex(torch.tensor(a))
    assert e.info.dtype is ember.int32
    np.testing.assert_array_equal(e.info.numpy(), t.info.numpy())
    np.testing.assert_allclose(e.inverse.numpy()[0], t.inverse.numpy()[0])
    ok = L.inv_ex(ember.tensor(well(3, 3, dtype=F64)))
    assert int(ok.info) == 0
    with pytest.raises(L.LinAlgError, match=r"linalg.inv_ex: \(Batch element 1\): The diagonal element 2 is zero"):
        L.inv_ex(ember.tensor(a), check_errors=True)


SOLVE_CASES = [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3)), ((2, 3, 3), (4, 1, 3, 2)),
               ((3, 3), (2, 3, 1)), ((3, 3, 3), (3, 3))]


@needs_torch
@pytest.mark.parametrize('sa,sb', SOLVE_CASES)
@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.complex128])
def test_solve(sa, sb, dtype):
    check_op(L.solve, TL.solve, well(*sa, dtype=dtype), rand(*sb, dtype=dtype), **tol(dtype))


@needs_torch
def test_solve_right():
    check_op(lambda a, b: L.solve(a, b, left=False), lambda a, b: TL.solve(a, b, left=False), well(3, 3),
             rand(2, 3), rtol=1e-4, atol=1e-5)


# ---- decompositions --------------------------------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape', [(3, 3), (2, 4, 4), (1, 1)])
def test_cholesky(dtype, shape):
    a = spd(*shape, dtype=dtype)
    check_op(lambda x: L.cholesky(sym(x)), lambda x: TL.cholesky(tsym(x)), a, **tol(dtype))
    check_op(lambda x: L.cholesky(sym(x), upper=True), lambda x: TL.cholesky(tsym(x), upper=True), a, **tol(dtype))
    check_op(lambda x: ember.cholesky(sym(x)), lambda x: torch.cholesky(tsym(x)), a, **tol(dtype))
    e, t = L.cholesky_ex(ember.tensor(a)), TL.cholesky_ex(torch.tensor(a))
    np.testing.assert_allclose(e.L.numpy(), t.L.numpy(), **tol(dtype))
    np.testing.assert_array_equal(e.info.numpy(), t.info.numpy())


@needs_torch
def test_cholesky_ex_reports_failure():
    a = np.stack([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])
    e, t = L.cholesky_ex(ember.tensor(a)), TL.cholesky_ex(torch.tensor(a))
    np.testing.assert_array_equal(e.info.numpy(), t.info.numpy())


def _check_qr(a, mode):
    e, t = L.qr(ember.tensor(a), mode=mode), TL.qr(torch.tensor(a), mode=mode)
    assert type(e).__name__ == 'linalg_qr'
    assert tuple(e.Q.shape) == tuple(t.Q.shape) and tuple(e.R.shape) == tuple(t.R.shape)
    assert e.R.dtype.name == str(t.R.dtype).removeprefix('torch.')
    np.testing.assert_allclose(np.abs(e.R.numpy()), np.abs(t.R.numpy()), **tol(a.dtype))
    if mode != 'r':
        np.testing.assert_allclose((e.Q @ e.R).numpy(), a, **tol(a.dtype))
        np.testing.assert_allclose(np.abs(e.Q.numpy()), np.abs(t.Q.numpy()), **tol(a.dtype))


@needs_torch
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape', [(4, 3), (3, 4), (3, 3), (2, 4, 3)])
@pytest.mark.parametrize('mode', ['reduced', 'complete', 'r'])
def test_qr(dtype, shape, mode):
    _check_qr(rand(*shape, dtype=dtype), mode)


@needs_torch
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape', [(4, 3), (3, 4), (3, 3), (2, 4, 3)])
@pytest.mark.parametrize('full', [True, False])
def test_svd(dtype, shape, full):
    a = rand(*shape, dtype=dtype)
    e, t = L.svd(ember.tensor(a), full_matrices=full), TL.svd(torch.tensor(a), full_matrices=full)
    assert type(e).__name__ == 'linalg_svd'
    for x, y in zip(e, t):
        assert tuple(x.shape) == tuple(y.shape) and x.dtype.name == str(y.dtype).removeprefix('torch.')
    np.testing.assert_allclose(e.S.numpy(), t.S.numpy(), **tol(dtype))
    k = min(shape[-2:])
    U, Vh = e.U.numpy()[..., :k], e.Vh.numpy()[..., :k, :]
    np.testing.assert_allclose((U * e.S.numpy()[..., None, :]) @ Vh, a, **tol(dtype))
    np.testing.assert_allclose(np.abs(U), np.abs(t.U.numpy()[..., :k]), **tol(dtype))
    check_op(L.svdvals, TL.svdvals, a, **tol(dtype))


@needs_torch
def test_legacy_svd_and_qr():
    a = rand(4, 3, dtype=F64)
    e, t = ember.svd(ember.tensor(a)), torch.svd(torch.tensor(a))
    assert type(e).__name__ == 'svd' and tuple(e.V.shape) == tuple(t.V.shape) == (3, 3)
    np.testing.assert_allclose((e.U * e.S) @ e.V.mT.numpy(), a, rtol=1e-10, atol=1e-10)
    e = ember.svd(ember.tensor(a), some=False)
    assert tuple(e.U.shape) == (4, 4)
    e = ember.svd(ember.tensor(a), compute_uv=False)
    np.testing.assert_array_equal(e.U.numpy(), np.zeros((4, 4)))
    q = ember.qr(ember.tensor(a), some=False)
    assert type(q).__name__ == 'qr' and tuple(q.Q.shape) == (4, 4)


@needs_torch
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape', [(3, 3), (2, 4, 4)])
@pytest.mark.parametrize('uplo', ['L', 'U'])
def test_eigh(dtype, shape, uplo):
    a = rand(*shape, dtype=dtype)       # not Hermitian: eigh reads only the UPLO triangle
    e, t = L.eigh(ember.tensor(a), UPLO=uplo), TL.eigh(torch.tensor(a), UPLO=uplo)
    assert type(e).__name__ == 'linalg_eigh'
    np.testing.assert_allclose(e.eigenvalues.numpy(), t.eigenvalues.numpy(), **tol(dtype))
    np.testing.assert_allclose(np.abs(e.eigenvectors.numpy()), np.abs(t.eigenvectors.numpy()), **tol(dtype))
    check_op(lambda x: L.eigvalsh(x, UPLO=uplo), lambda x: TL.eigvalsh(x, UPLO=uplo), a, **tol(dtype))
    # Gradients of sign/phase-invariant functions of the eigenvectors match torch's.
    check_op(lambda x: L.eigh(sym(x))[0], lambda x: TL.eigh(tsym(x))[0], a, **tol(dtype))
    check_op(lambda x: L.eigh(sym(x))[1].abs(), lambda x: TL.eigh(tsym(x))[1].abs(), a, **tol(dtype))


@needs_torch
@pytest.mark.parametrize('dtype', DTYPES)
def test_eig(dtype):
    a = rand(2, 4, 4, dtype=dtype)
    e, t = L.eig(ember.tensor(a)), TL.eig(torch.tensor(a))
    assert type(e).__name__ == 'linalg_eig'
    assert e.eigenvalues.dtype.name == str(t.eigenvalues.dtype).removeprefix('torch.')
    assert e.eigenvectors.dtype.name == str(t.eigenvectors.dtype).removeprefix('torch.')
    w, v = e.eigenvalues.numpy(), e.eigenvectors.numpy()
    np.testing.assert_allclose(a @ v, v * w[..., None, :], rtol=1e-3, atol=1e-4)
    key = lambda z: np.sort_complex(np.round(z, 3))
    np.testing.assert_allclose(key(w), key(t.eigenvalues.numpy()), atol=2e-3)
    np.testing.assert_allclose(key(L.eigvals(ember.tensor(a)).numpy()), key(TL.eigvals(torch.tensor(a)).numpy()),
                               atol=2e-3)


# ---- pseudo-inverse, rank, least squares, powers, products -------------------------------------------------------

@needs_torch
@pytest.mark.parametrize('shape', [(4, 3), (3, 4), (2, 3, 3)])
@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.complex128])
def test_pinv(shape, dtype):
    check_op(L.pinv, TL.pinv, rand(*shape, dtype=dtype), **tol(dtype))
    check_op(ember.pinverse, torch.pinverse, rand(*shape, dtype=dtype), **tol(dtype))


@needs_torch
def test_pinv_tolerances_and_hermitian():
    a = rand(4, 4, dtype=F64)
    check_op(lambda x: L.pinv(x, atol=1.0), lambda x: TL.pinv(x, atol=1.0), a, grad=False)
    check_op(lambda x: L.pinv(x, rtol=0.5), lambda x: TL.pinv(x, rtol=0.5), a, grad=False)
    check_op(lambda x: L.pinv(sym(x), hermitian=True), lambda x: TL.pinv(tsym(x), hermitian=True), a)
    low = (rand(4, 2, dtype=F64) @ rand(2, 4, dtype=F64))        # rank 2
    check_op(L.pinv, TL.pinv, low, grad=False, rtol=1e-8, atol=1e-9)


@needs_torch
def test_matrix_rank():
    low = rand(3, 5, 2) @ rand(3, 2, 4)
    for kw in [{}, dict(atol=1.0), dict(rtol=0.5), dict(hermitian=True)]:
        x = low if 'hermitian' not in kw else low[..., :4, :] @ np.swapaxes(low[..., :4, :], -1, -2)
        check_op(lambda a: L.matrix_rank(a, **kw), lambda a: TL.matrix_rank(a, **kw), x, grad=False)


@needs_torch
@pytest.mark.parametrize('sa,sb', [((5, 3), (5, 2)), ((5, 3), (5,)), ((3, 5), (3, 2)), ((2, 5, 3), (2, 5, 2)),
                                   ((2, 5, 3), (2, 5))])
def test_lstsq(sa, sb):
    a, b = rand(*sa, dtype=F64), rand(*sb, dtype=F64)
    for driver in [None, 'gelsd', 'gels']:
        if driver == 'gels' and sa[-2] < sa[-1]:
            continue
        check_op(lambda x, y: tuple(L.lstsq(x, y, driver=driver)), lambda x, y: tuple(TL.lstsq(x, y, driver=driver)),
                 a, b, rtol=1e-7, atol=1e-8)
    assert type(L.lstsq(ember.tensor(a), ember.tensor(b))).__name__ == 'linalg_lstsq'


@needs_torch
@pytest.mark.parametrize('n', [0, 1, 2, 3, 5, -1, -2])
def test_matrix_power(n):
    check_op(lambda a: L.matrix_power(a, n), lambda a: TL.matrix_power(a, n), well(2, 3, 3), rtol=1e-4, atol=1e-4)
    check_op(lambda a: ember.matrix_power(a, n), lambda a: torch.matrix_power(a, n), well(3, 3, dtype=F64),
             rtol=1e-8, atol=1e-9)
    if n >= 0:
        ints = R.integers(-2, 3, (3, 3))
        check_op(lambda a: L.matrix_power(a, n), lambda a: TL.matrix_power(a, n), ints)


@needs_torch
@pytest.mark.parametrize('shapes', [[(2, 3), (3, 4)], [(3,), (3, 4), (4,)], [(5, 2), (2, 6), (6, 3), (3, 1)],
                                    [(3,), (3, 2)], [(2, 3), (3,)], [(10, 2), (2, 10), (10, 2), (2, 3)]])
def test_multi_dot(shapes):
    check_op(lambda *a: L.multi_dot(a), lambda *a: TL.multi_dot(a), *[rand(*s) for s in shapes], rtol=1e-4,
             atol=1e-5)


@needs_torch
def test_vecdot_matmul_cross():
    check_op(L.vecdot, TL.vecdot, rand(2, 3), rand(3))
    # torch hands back conjugate-bit gradients here, which support.to_numpy cannot read: values only.
    check_op(L.vecdot, TL.vecdot, rand(2, 3, dtype=np.complex128), rand(2, 3, dtype=np.complex128), grad=False)
    check_op(lambda a, b: L.vecdot(a, b, dim=0), lambda a, b: TL.vecdot(a, b, dim=0), rand(2, 3), rand(2, 1))
    check_op(L.matmul, TL.matmul, rand(2, 3), rand(3, 4))


# ---- norms -----------------------------------------------------------------------------------------------------

VECTOR_ORDS = [2, 1, 0, 3, 0.5, -1, -2, math.inf, -math.inf]


@needs_torch
@pytest.mark.parametrize('ord', VECTOR_ORDS)
@pytest.mark.parametrize('dim,keepdim', [(None, False), (1, False), ((0, 2), True), (-1, True), ((), False)])
def test_vector_norm(ord, dim, keepdim):
    x = rand(2, 3, 4)
    check_op(lambda a: L.vector_norm(a, ord, dim, keepdim), lambda a: TL.vector_norm(a, ord, dim, keepdim), x,
             rtol=1e-4, atol=1e-5)


@needs_torch
def test_vector_norm_dtypes_and_edges():
    check_op(lambda a: L.vector_norm(a), lambda a: TL.vector_norm(a), rand(3, 4, dtype=np.complex64))
    check_op(lambda a: L.vector_norm(a, 1), lambda a: TL.vector_norm(a, 1), rand(3, 4, dtype=np.complex128))
    check_op(lambda a: L.vector_norm(a, dtype=ember.float64), lambda a: TL.vector_norm(a, dtype=torch.float64),
             rand(3, 4))
    check_op(lambda a: L.vector_norm(a), lambda a: TL.vector_norm(a), rand(0, 3))
    check_op(lambda a: L.vector_norm(a), lambda a: TL.vector_norm(a), np.zeros((2, 3), np.float32))
    check_op(lambda a: L.vector_norm(a, math.inf), lambda a: TL.vector_norm(a, math.inf),
             np.array([1.0, -3.0, 3.0, 2.0]))       # gradient shared between ties
    check_op(lambda a: L.vector_norm(a), lambda a: TL.vector_norm(a), rand())


MATRIX_ORDS = ['fro', 'nuc', 1, -1, 2, -2, math.inf, -math.inf]


@needs_torch
@pytest.mark.parametrize('ord', MATRIX_ORDS)
@pytest.mark.parametrize('dim,keepdim', [((-2, -1), False), ((0, 2), True), ((2, 0), False)])
def test_matrix_norm(ord, dim, keepdim):
    x = rand(3, 2, 4, dtype=F64)
    check_op(lambda a: L.matrix_norm(a, ord, dim, keepdim), lambda a: TL.matrix_norm(a, ord, dim, keepdim), x,
             rtol=1e-7, atol=1e-8)


@needs_torch
@pytest.mark.parametrize('ord,dim,shape', [(None, None, (2, 3, 4)), (None, 1, (2, 3)), (2, None, (5,)),
                                           (2, None, (3, 4)), ('fro', None, (3, 4)), ('nuc', None, (3, 4)),
                                           (1, (0, 1), (3, 4)), (math.inf, (1,), (3, 4)), (None, (0, 2), (2, 3, 4))])
def test_norm(ord, dim, shape):
    check_op(lambda a: L.norm(a, ord, dim), lambda a: TL.norm(a, ord, dim), rand(*shape, dtype=F64), rtol=1e-7,
             atol=1e-8)


@needs_torch
@pytest.mark.parametrize('p,dim', [('fro', None), (2, 1), (1, None), ('nuc', None), (3, (0, 1)), (math.inf, 0)])
def test_torch_norm(p, dim):
    check_op(lambda a: ember.norm(a, p, dim), lambda a: torch.norm(a, p, dim), rand(3, 4, dtype=F64), rtol=1e-7,
             atol=1e-8)
    check_op(lambda a: a.norm(p, dim), lambda a: a.norm(p, dim), rand(3, 4, dtype=F64), rtol=1e-7, atol=1e-8)


# ---- gradcheck and gradgradcheck (float64) ---------------------------------------------------------------------

GRAD_CASES = [
    ('inv', L.inv, [well(3, 3)]),
    ('inv batched', L.inv, [well(2, 3, 3)]),
    ('det', L.det, [well(3, 3)]),
    ('det batched', L.det, [well(2, 2, 2)]),
    ('slogdet', lambda a: L.slogdet(a).logabsdet, [well(3, 3)]),
    ('logdet', ember.logdet, [spd(3, 3)]),
    ('solve', L.solve, [well(3, 3), rand(3, 2)]),
    ('solve vector', L.solve, [well(3, 3), rand(3)]),
    ('solve batched broadcast', L.solve, [well(2, 3, 3), rand(3, 1)]),
    ('solve right', lambda a, b: L.solve(a, b, left=False), [well(3, 3), rand(2, 3)]),
    ('cholesky', lambda a: L.cholesky(sym(a)), [spd(3, 3)]),
    ('cholesky upper', lambda a: L.cholesky(sym(a), upper=True), [spd(2, 3, 3)]),
    ('qr tall', lambda a: tuple(L.qr(a)), [rand(4, 3)]),
    ('qr square', lambda a: tuple(L.qr(a)), [rand(3, 3)]),
    ('qr wide', lambda a: tuple(L.qr(a)), [rand(2, 4)]),
    ('qr complete square', lambda a: tuple(L.qr(a, mode='complete')), [rand(3, 3)]),
    ('svd', lambda a: tuple(L.svd(a, full_matrices=False)), [rand(4, 3)]),
    ('svd wide', lambda a: tuple(L.svd(a, full_matrices=False)), [rand(2, 4)]),
    ('svd square', lambda a: tuple(L.svd(a)), [rand(3, 3)]),
    ('svd full tall', lambda a: L.svd(a, full_matrices=True).S, [rand(4, 2)]),
    ('svdvals', L.svdvals, [rand(3, 4)]),
    ('eigh', lambda a: tuple(L.eigh(sym(a))), [rand(3, 3)]),
    ('eigh batched U', lambda a: tuple(L.eigh(sym(a), UPLO='U')), [rand(2, 3, 3)]),
    ('eigvalsh', lambda a: L.eigvalsh(sym(a)), [rand(3, 3)]),
    ('pinv tall', L.pinv, [rand(4, 3)]),
    ('pinv wide', L.pinv, [rand(2, 3)]),
    ('pinv hermitian', lambda a: L.pinv(sym(a), hermitian=True), [rand(3, 3)]),
    ('matrix_power 3', lambda a: L.matrix_power(a, 3), [rand(3, 3)]),
    ('matrix_power -2', lambda a: L.matrix_power(a, -2), [well(3, 3)]),
    ('multi_dot', lambda a, b, c: L.multi_dot([a, b, c]), [rand(2, 3), rand(3, 4), rand(4)]),
    ('vector_norm 2', L.vector_norm, [rand(3, 4)]),
    ('vector_norm 1', lambda a: L.vector_norm(a, 1, dim=1), [rand(3, 4)]),
    ('vector_norm 3', lambda a: L.vector_norm(a, 3, dim=0, keepdim=True), [rand(3, 4)]),
    ('vector_norm inf', lambda a: L.vector_norm(a, math.inf, dim=1), [rand(3, 4)]),
    ('matrix_norm fro', L.matrix_norm, [rand(2, 3, 4)]),
    ('matrix_norm nuc', lambda a: L.matrix_norm(a, 'nuc'), [rand(3, 4)]),
    ('matrix_norm 2', lambda a: L.matrix_norm(a, 2), [rand(3, 4)]),
    ('matrix_norm -2', lambda a: L.matrix_norm(a, -2), [rand(3, 4)]),
    ('matrix_norm 1', lambda a: L.matrix_norm(a, 1), [rand(3, 4)]),
    ('matrix_norm -inf', lambda a: L.matrix_norm(a, -math.inf), [rand(3, 4)]),
    ('vecdot', L.vecdot, [rand(2, 3), rand(3)]),
    ('lstsq', lambda a, b: L.lstsq(a, b).solution, [rand(4, 2), rand(4, 2)]),
]


@pytest.mark.parametrize('name,fn,arrays', GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradcheck(name, fn, arrays):
    check_grads(fn, *[a.astype(F64) for a in arrays])


@pytest.mark.parametrize('name,fn,arrays', [c for c in GRAD_CASES if c[0] in (
    'inv', 'det', 'slogdet', 'solve', 'cholesky', 'eigvalsh', 'svdvals', 'pinv tall', 'vector_norm 2')],
    ids=['inv', 'det', 'slogdet', 'solve', 'cholesky', 'svdvals', 'eigvalsh', 'pinv', 'vector_norm'])
def test_gradcheck_complex(name, fn, arrays):
    cplx = [(a + 1j * R.standard_normal(a.shape)).astype(np.complex128) for a in arrays]
    if name == 'cholesky':
        cplx = [spd(3, 3, dtype=np.complex128)]
    check_grads(fn, *cplx, gradgrad=False)


@needs_torch
def test_gradients_match_torch():
    """First derivatives of the decompositions against torch on gauge-invariant losses."""
    a = rand(4, 3, dtype=F64)
    check_op(lambda x: L.qr(x).R.abs(), lambda x: TL.qr(x).R.abs(), a, rtol=1e-8, atol=1e-9)
    check_op(lambda x: L.qr(x).Q.abs(), lambda x: TL.qr(x).Q.abs(), a, rtol=1e-8, atol=1e-9)
    check_op(lambda x: L.svd(x, full_matrices=False).U.abs(), lambda x: TL.svd(x, full_matrices=False).U.abs(), a,
             rtol=1e-8, atol=1e-9)
    check_op(lambda x: L.svd(x, full_matrices=False).Vh.abs(), lambda x: TL.svd(x, full_matrices=False).Vh.abs(),
             a.T.copy(), rtol=1e-8, atol=1e-9)
    check_op(lambda x: L.cholesky(x), lambda x: TL.cholesky(x), spd(3, 3, dtype=F64), rtol=1e-8, atol=1e-9)
    check_op(lambda x: L.eigh(x)[1].abs(), lambda x: TL.eigh(x)[1].abs(), rand(3, 3, dtype=F64), rtol=1e-8,
             atol=1e-9)


# ---- bad inputs: torch's exception class and message ----------------------------------------------------------------

SING = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]], np.float32)
SING2 = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)
NOT_PD = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
LONG = np.ones((2, 2), np.int64)

BAD_CASES = [
    ('inv singular', L.inv, TL.inv, [SING]),
    ('inv singular 2', L.inv, TL.inv, [SING2]),
    ('inv zeros', L.inv, TL.inv, [np.zeros((3, 3), np.float32)]),
    ('inv singular batched', L.inv, TL.inv, [np.stack([np.eye(2, dtype=np.float32), SING2])]),
    ('inv non-square', L.inv, TL.inv, [rand(2, 3)]),
    ('inv 1-D', L.inv, TL.inv, [rand(3)]),
    ('inv long', L.inv, TL.inv, [LONG]),
    ('inv half', L.inv, TL.inv, [np.ones((2, 2), np.float16)]),
    ('inverse singular', ember.inverse, torch.inverse, [SING]),
    ('det non-square', L.det, TL.det, [rand(2, 3)]),
    ('det long', L.det, TL.det, [LONG]),
    ('det 1-D', L.det, TL.det, [rand(3)]),
    ('slogdet non-square', L.slogdet, TL.slogdet, [rand(2, 3)]),
    ('solve singular', L.solve, TL.solve, [SING, rand(3)]),
    ('solve shapes vector', L.solve, TL.solve, [rand(3, 3), rand(4)]),
    ('solve shapes matrix', L.solve, TL.solve, [rand(3, 3), rand(4, 2)]),
    ('solve dtype', L.solve, TL.solve, [rand(3, 3), rand(3, dtype=F64)]),
    ('solve non-square', L.solve, TL.solve, [rand(3, 2), rand(3)]),
    ('cholesky not pd', L.cholesky, TL.cholesky, [-np.eye(3, dtype=np.float32)]),
    ('cholesky not pd order 2', L.cholesky, TL.cholesky, [NOT_PD]),
    ('cholesky batched', L.cholesky, TL.cholesky, [np.stack([np.eye(2, dtype=np.float32), NOT_PD])]),
    ('cholesky non-square', L.cholesky, TL.cholesky, [rand(2, 3)]),
    ('cholesky long', L.cholesky, TL.cholesky, [LONG]),
    ('legacy cholesky', ember.cholesky, torch.cholesky, [-np.eye(3, dtype=np.float32)]),
    ('qr 1-D', L.qr, TL.qr, [rand(3)]),
    ('qr long', L.qr, TL.qr, [LONG]),
    ('svd 1-D', L.svd, TL.svd, [rand(3)]),
    ('svd long', L.svd, TL.svd, [LONG]),
    ('svdvals 1-D', L.svdvals, TL.svdvals, [rand(3)]),
    ('eigh non-square', L.eigh, TL.eigh, [rand(2, 3)]),
    ('eigh long', L.eigh, TL.eigh, [LONG]),
    ('eigvalsh non-square', L.eigvalsh, TL.eigvalsh, [rand(3, 4)]),
    ('eig long', L.eig, TL.eig, [LONG]),
    ('eig non-square', L.eig, TL.eig, [rand(2, 3)]),
    ('norm long', L.norm, TL.norm, [LONG]),
    ('vector_norm long', L.vector_norm, TL.vector_norm, [LONG]),
    ('matrix_norm 1-D', L.matrix_norm, TL.matrix_norm, [rand(3)]),
    ('matrix_norm long', L.matrix_norm, TL.matrix_norm, [LONG]),
    ('matrix_power non-square', lambda a: L.matrix_power(a, 2), lambda a: TL.matrix_power(a, 2), [rand(2, 3)]),
    ('matrix_power 1-D', lambda a: L.matrix_power(a, 2), lambda a: TL.matrix_power(a, 2), [rand(3)]),
    ('matrix_power long negative', lambda a: L.matrix_power(a, -1), lambda a: TL.matrix_power(a, -1), [LONG]),
    ('matrix_power singular', lambda a: L.matrix_power(a, -1), lambda a: TL.matrix_power(a, -1), [SING]),
    ('pinv long', L.pinv, TL.pinv, [LONG]),
    ('pinv 1-D', L.pinv, TL.pinv, [rand(3)]),
    ('matrix_rank 1-D', L.matrix_rank, TL.matrix_rank, [rand(3)]),
    ('matrix_rank long', L.matrix_rank, TL.matrix_rank, [LONG]),
    ('lstsq shapes vector', L.lstsq, TL.lstsq, [rand(3, 2), rand(4)]),
    ('lstsq shapes matrix', L.lstsq, TL.lstsq, [rand(3, 2), rand(4, 2)]),
    ('lstsq dtype', L.lstsq, TL.lstsq, [rand(3, 2), rand(3, 1, dtype=F64)]),
    ('lstsq long', L.lstsq, TL.lstsq, [np.ones((3, 2), np.int64), np.ones((3, 1), np.int64)]),
    ('multi_dot one', L.multi_dot, TL.multi_dot, [[rand(2, 3)]]),
    ('multi_dot 3-D', L.multi_dot, TL.multi_dot, [[rand(2, 3), rand(2, 3, 4)]]),
    ('multi_dot shapes', L.multi_dot, TL.multi_dot, [[rand(2, 3), rand(4, 4)]]),
    ('multi_dot dtype', L.multi_dot, TL.multi_dot, [[rand(2, 3), rand(3, 4, dtype=F64)]]),
    ('vecdot shapes', L.vecdot, TL.vecdot, [rand(2, 3), rand(4)]),
    ('vecdot dtype', L.vecdot, TL.vecdot, [rand(2, 3), rand(3, dtype=F64)]),
]


@needs_torch
@pytest.mark.parametrize('name,efn,tfn,args', BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_inputs(name, efn, tfn, args):
    check_error(efn, tfn, *args)


KW_BAD = [
    ('qr mode', 'qr', dict(mode='foo'), [rand(3, 3)]),
    ('eigh UPLO', 'eigh', dict(UPLO='X'), [rand(3, 3)]),
    ('vector_norm str ord', 'vector_norm', dict(ord='fro'), [rand(2, 2)]),
    ('vector_norm long dtype', 'vector_norm', dict(dtype='long'), [rand(2, 2)]),
    ('vector_norm narrowing dtype', 'vector_norm', dict(dtype='float32'), [rand(2, 2, dtype=F64)]),
    ('vector_norm empty inf', 'vector_norm', dict(ord=math.inf), [np.empty(0, np.float32)]),
    ('vector_norm empty -1', 'vector_norm', dict(ord=-1), [np.empty(0, np.float32)]),
    ('matrix_norm ord 3', 'matrix_norm', dict(ord=3), [rand(3, 3)]),
    ('matrix_norm ord str', 'matrix_norm', dict(ord='foo'), [rand(3, 3)]),
    ('matrix_norm same dims', 'matrix_norm', dict(dim=(0, 0)), [rand(3, 3)]),
    ('norm 3-D with ord', 'norm', dict(ord=2), [rand(2, 3, 3)]),
    ('norm fro 1-D', 'norm', dict(ord='fro'), [rand(3)]),
    ('norm three dims', 'norm', dict(dim=(0, 1, 2)), [rand(2, 3, 3)]),
    ('lstsq driver', 'lstsq', dict(driver='foo'), [rand(3, 2), rand(3, 1)]),
]


@needs_torch
@pytest.mark.parametrize('name,op,kw,args', KW_BAD, ids=[c[0] for c in KW_BAD])
def test_bad_keyword_inputs(name, op, kw, args):
    ekw = {k: getattr(ember, v) if k == 'dtype' else v for k, v in kw.items()}
    tkw = {k: getattr(torch, v) if k == 'dtype' else v for k, v in kw.items()}
    check_error(lambda *a: getattr(L, op)(*a, **ekw), lambda *a: getattr(TL, op)(*a, **tkw), *args)


def test_linalg_error_is_runtime_error():
    assert issubclass(L.LinAlgError, RuntimeError)
    with pytest.raises(RuntimeError, match="The diagonal element 2 is zero"):
        L.inv(ember.tensor(SING2))


def test_backward_errors():
    a = ember.tensor(rand(4, 3, dtype=F64), requires_grad=True)
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete' and nrows > ncols"):
        L.qr(a, mode='complete').Q.sum().backward()
    with pytest.raises(RuntimeError, match="mode='r'"):
        L.qr(a, mode='r').R.sum().backward()


@needs_torch
def test_out_arguments():
    a = well(2, 3, 3, dtype=F64)
    out = ember.empty(0, dtype=ember.float64)
    r = L.inv(ember.tensor(a), out=out)
    assert r is out and tuple(out.shape) == (2, 3, 3)
    np.testing.assert_allclose(out.numpy(), np.linalg.inv(a))
    outs = (ember.empty(0, dtype=ember.float64), ember.empty(0, dtype=ember.float64))
    r = L.slogdet(ember.tensor(a), out=outs)
    assert type(r).__name__ == 'linalg_slogdet' and r.sign is outs[0]
    np.testing.assert_allclose(outs[1].numpy(), np.linalg.slogdet(a)[1])
    out = ember.empty(0, dtype=ember.float64)
    ember.bmm(ember.tensor(a), ember.tensor(a), out=out)
    np.testing.assert_allclose(out.numpy(), a @ a)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        L.det(ember.tensor(a, requires_grad=True), out=ember.empty(0, dtype=ember.float64))


@needs_torch
def test_linalg_diagonal():
    check_op(L.diagonal, TL.diagonal, rand(2, 3, 4))
    check_op(lambda a: L.diagonal(a, offset=1, dim1=0), lambda a: TL.diagonal(a, offset=1, dim1=0), rand(2, 3, 4))


@needs_torch
@pytest.mark.parametrize('dtype', [np.float64, np.complex128])
@pytest.mark.parametrize('shape', [(3, 3), (4, 3), (3, 4), (2, 4, 3)])
def test_decomposition_gradients_vs_torch(dtype, shape):
    """Gradients through QR and SVD (real and complex) on phase-invariant losses match torch's."""
    a = rand(*shape, dtype=dtype)
    kw = dict(rtol=1e-8, atol=1e-9)
    check_op(lambda x: L.qr(x).Q, lambda x: TL.qr(x).Q, a, **kw)
    check_op(lambda x: L.qr(x).R, lambda x: TL.qr(x).R, a, **kw)
    svd_e = lambda x: L.svd(x, full_matrices=False)
    svd_t = lambda x: TL.svd(x, full_matrices=False)
    check_op(lambda x: svd_e(x).U.abs(), lambda x: svd_t(x).U.abs(), a, **kw)
    check_op(lambda x: (lambda r: (r.U * r.S.to(r.U.dtype).unsqueeze(-2)) @ r.Vh)(svd_e(x)),
             lambda x: (lambda r: (r.U * r.S.to(r.U.dtype).unsqueeze(-2)) @ r.Vh)(svd_t(x)), a, **kw)
    check_op(lambda x: (lambda r: r.U @ r.Vh)(svd_e(x)), lambda x: (lambda r: r.U @ r.Vh)(svd_t(x)), a, **kw)


def test_det_gradient_at_singular_matrices():
    # The true derivative is the adjugate (torch 2.13 returns zeros here, failing its own gradcheck).
    for a in [np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]])]:
        check_grads(L.det, a, gradgrad=False)
    x = ember.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=ember.float64, requires_grad=True)
    L.det(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)


@needs_torch
@pytest.mark.parametrize('upper', [True, False])
@pytest.mark.parametrize('left', [True, False])
@pytest.mark.parametrize('unit', [True, False])
def test_solve_triangular(upper, left, unit):
    kw = dict(upper=upper, left=left, unitriangular=unit)
    b = rand(2, 3, 2) if left else rand(2, 2, 3)
    check_op(lambda a, x: L.solve_triangular(a, x, **kw), lambda a, x: TL.solve_triangular(a, x, **kw),
             well(3, 3, dtype=F64), b.astype(F64), rtol=1e-8, atol=1e-9)
    check_grads(lambda a, x: L.solve_triangular(a, x, **kw), well(3, 3), b)


@needs_torch
def test_solve_triangular_zero_diagonal_gives_inf():
    a, b = np.array([[1.0, 1.0], [0.0, 0.0]], np.float32), np.ones((2, 1), np.float32)
    check_op(lambda x, y: L.solve_triangular(x, y, upper=True), lambda x, y: TL.solve_triangular(x, y, upper=True),
             a, b, grad=False)


@needs_torch
@pytest.mark.parametrize('upper', [True, False])
def test_cholesky_solve_and_inverse(upper):
    a = spd(2, 3, 3, dtype=F64)
    fac = np.linalg.cholesky(a)
    fac = np.swapaxes(fac, -1, -2).copy() if upper else fac
    check_op(lambda b, f: ember.cholesky_solve(b, f, upper), lambda b, f: torch.cholesky_solve(b, f, upper),
             rand(2, 3, 2, dtype=F64), fac, rtol=1e-8, atol=1e-9)
    check_op(lambda f: ember.cholesky_inverse(f[0], upper), lambda f: torch.cholesky_inverse(f[0], upper), fac,
             rtol=1e-8, atol=1e-9)


@needs_torch
@pytest.mark.parametrize('scale', [0.1, 1.0, 5.0])
@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.complex128])
def test_matrix_exp(scale, dtype):
    a = (rand(2, 3, 3, dtype=dtype) * scale).astype(dtype)
    check_op(L.matrix_exp, TL.matrix_exp, a, **tol(dtype))
    check_op(ember.matrix_exp, torch.matrix_exp, a, **tol(dtype))


@needs_torch
@pytest.mark.parametrize('p', [None, 2, -2, 'fro', 'nuc', 1, -1, math.inf, -math.inf])
def test_cond(p):
    # torch 2.13 cannot differentiate cond for the norms computed through inv (an in-place error): values only.
    check_op(lambda a: L.cond(a, p), lambda a: TL.cond(a, p), well(2, 3, 3, dtype=F64), rtol=1e-8, atol=1e-9,
             grad=p in (None, 2, -2))
    if p == 'fro':      # singular: inf
        check_op(lambda a: L.cond(a, p), lambda a: TL.cond(a, p), SING2, grad=False)


@needs_torch
def test_tensorinv_tensorsolve_vander():
    check_op(lambda a: L.tensorinv(a, ind=2), lambda a: TL.tensorinv(a, ind=2),
             (np.eye(6) * 4 + rand(6, 6, dtype=F64)).reshape(2, 3, 6), rtol=1e-8, atol=1e-9)
    a = (np.eye(6) * 4 + rand(6, 6, dtype=F64)).reshape(2, 3, 6)
    check_op(L.tensorsolve, TL.tensorsolve, a, rand(2, 3, dtype=F64), rtol=1e-8, atol=1e-9)
    a3 = (np.eye(6) * 4 + rand(6, 6, dtype=F64)).reshape(6, 2, 3)
    check_op(lambda x, y: L.tensorsolve(x, y, dims=(0,)), lambda x, y: TL.tensorsolve(x, y, dims=(0,)), a3,
             rand(2, 3, dtype=F64), rtol=1e-8, atol=1e-9)
    check_op(L.vander, TL.vander, rand(2, 3))
    check_op(lambda x: L.vander(x, N=5), lambda x: TL.vander(x, N=5), rand(3))
    check_op(L.vander, TL.vander, np.arange(4))


EXTRA_GRADS = [
    ('matrix_exp', L.matrix_exp, [rand(3, 3)]),
    ('matrix_exp large', L.matrix_exp, [rand(2, 2) * 4]),
    ('cond', L.cond, [well(3, 3)]),
    ('cond 1', lambda a: L.cond(a, 1), [well(3, 3)]),
    ('tensorinv', lambda a: L.tensorinv(a, ind=1), [well(4, 4).reshape(4, 2, 2)]),
    # The factor's gradient is PyTorch's full-matrix one; the forward reads one triangle, so check through tril.
    ('cholesky_solve', lambda b, f: ember.cholesky_solve(b, f.tril()), [rand(3, 2), np.linalg.cholesky(spd(3, 3))]),
    ('cholesky_inverse upper', lambda f: ember.cholesky_inverse(f.triu(), upper=True),
     [np.linalg.cholesky(spd(3, 3)).T.copy()]),
    ('vander', L.vander, [rand(3)]),
]


@pytest.mark.parametrize('name,fn,arrays', EXTRA_GRADS, ids=[c[0] for c in EXTRA_GRADS])
def test_gradcheck_extra(name, fn, arrays):
    check_grads(fn, *[a.astype(F64) for a in arrays])


EXTRA_BAD = [
    ('solve_triangular vector B', lambda a, b: L.solve_triangular(a, b, upper=True),
     lambda a, b: TL.solve_triangular(a, b, upper=True), [rand(3, 3), rand(3)]),
    ('solve_triangular shapes', lambda a, b: L.solve_triangular(a, b, upper=True),
     lambda a, b: TL.solve_triangular(a, b, upper=True), [rand(3, 3), rand(4, 2)]),
    ('solve_triangular non-square', lambda a, b: L.solve_triangular(a, b, upper=True),
     lambda a, b: TL.solve_triangular(a, b, upper=True), [rand(3, 2), rand(3, 2)]),
    ('solve_triangular long', lambda a, b: L.solve_triangular(a, b, upper=True),
     lambda a, b: TL.solve_triangular(a, b, upper=True), [LONG, LONG]),
    ('solve_triangular no upper', lambda a, b: L.solve_triangular(a, b), lambda a, b: TL.solve_triangular(a, b),
     [rand(3, 3), rand(3, 2)]),
    ('matrix_exp non-square', L.matrix_exp, TL.matrix_exp, [rand(3, 2)]),
    ('matrix_exp long', L.matrix_exp, TL.matrix_exp, [LONG]),
    ('matrix_exp 1-D', L.matrix_exp, TL.matrix_exp, [rand(2)]),
    ('cond fro non-square', lambda a: L.cond(a, 'fro'), lambda a: TL.cond(a, 'fro'), [rand(3, 2)]),
    ('cond bad p', lambda a: L.cond(a, 3), lambda a: TL.cond(a, 3), [rand(3, 3)]),
    ('cond long', L.cond, TL.cond, [LONG]),
    ('tensorinv shapes', lambda a: L.tensorinv(a, ind=2), lambda a: TL.tensorinv(a, ind=2), [rand(4, 6, 8, 4)]),
    ('tensorinv ind', lambda a: L.tensorinv(a, ind=0), lambda a: TL.tensorinv(a, ind=0), [rand(4, 4)]),
    ('tensorsolve shapes', L.tensorsolve, TL.tensorsolve, [rand(2, 3, 5), rand(2, 3)]),
    ('vander 0-D', L.vander, TL.vander, [rand()]),
    ('vander N', lambda x: L.vander(x, N=0), lambda x: TL.vander(x, N=0), [rand(3)]),
    ('cholesky_solve shapes', ember.cholesky_solve, torch.cholesky_solve, [rand(4, 2), rand(3, 3)]),
    ('cholesky_inverse 1-D', ember.cholesky_inverse, torch.cholesky_inverse, [rand(3)]),
]


@needs_torch
@pytest.mark.parametrize('name,efn,tfn,args', EXTRA_BAD, ids=[c[0] for c in EXTRA_BAD])
def test_bad_inputs_extra(name, efn, tfn, args):
    check_error(efn, tfn, *args)
