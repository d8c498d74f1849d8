"""Matrix products against real PyTorch: values, shapes, dtypes, gradients (gradcheck/gradgradcheck) and errors."""
import warnings

import numpy as np
import pytest

import ember
from support import check_op, check_grads, needs_torch, torch

R = np.random.default_rng(1)


def rand(*shape, dtype=np.float32):
    a = R.standard_normal(shape)
    if np.dtype(dtype).kind == 'c':
        a = a + 1j * R.standard_normal(shape)
    return a.astype(dtype)


def ints(*shape):
    return R.integers(-4, 5, shape).astype(np.int64)


def check_error(efn, tfn, *args, **kwargs):
    """ember raises the exception class and first message line that torch raises on the same inputs."""
    t_args = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    e_args = [ember.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    t_args = [[torch.tensor(x) for x in a] if isinstance(a, list) and a and isinstance(a[0], np.ndarray) else a
              for a in t_args]
    e_args = [[ember.tensor(x) for x in a] if isinstance(a, list) and a and isinstance(a[0], np.ndarray) else a
              for a in e_args]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(Exception) as ti:
            tfn(*t_args, **kwargs)
        with pytest.raises(Exception) as ei:
            efn(*e_args, **kwargs)
    tt, et = ti.type, ei.type
    if issubclass(tt, torch.linalg.LinAlgError):
        assert issubclass(et, ember.linalg.LinAlgError)
    else:
        assert et is tt, f"{et.__name__} != torch's {tt.__name__}: {ei.value}"
    assert str(ei.value).split('\n')[0] == str(ti.value).split('\n')[0]


# ---- values and gradients against torch ----------------------------------------------------------------------------

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                 ((5, 2, 3), (3,)), ((3,), (5, 3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)),
                 ((2, 1, 2, 3), (5, 3, 4)), ((1, 2, 3), (4, 1, 3, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]


@needs_torch
@pytest.mark.parametrize('sa,sb', MATMUL_SHAPES)
def test_matmul_shapes(sa, sb):
    check_op(ember.matmul, torch.matmul, rand(*sa), rand(*sb))
    check_op(lambda a, b: a @ b, lambda a, b: a @ b, rand(*sa, dtype=np.float64), rand(*sb, dtype=np.float64),
             rtol=1e-10, atol=1e-12)


@needs_torch
@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize('sa,sb', [((2, 3), (3, 4)), ((4, 2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (2, 3, 4))])
def test_matmul_dtypes(dtype, sa, sb):
    check_op(ember.matmul, torch.matmul, rand(*sa, dtype=dtype), rand(*sb, dtype=dtype), rtol=1e-4, atol=1e-5)


@needs_torch
def test_integer_products_stay_integer():
    for ef, tf, sa, sb in [(ember.mm, torch.mm, (2, 3), (3, 4)), (ember.matmul, torch.matmul, (2, 2, 3), (3,)),
                           (ember.dot, torch.dot, (3,), (3,)), (ember.bmm, torch.bmm, (2, 2, 3), (2, 3, 2))]:
        check_op(ef, tf, ints(*sa), ints(*sb))


@needs_torch
def test_mm_bmm_mv_dot_vdot():
    check_op(ember.mm, torch.mm, rand(2, 3), rand(3, 4))
    check_op(ember.Tensor.mm, torch.Tensor.mm, rand(2, 3, dtype=np.complex128), rand(3, 4, dtype=np.complex128))
    check_op(ember.bmm, torch.bmm, rand(4, 2, 3), rand(4, 3, 5))
    check_op(ember.mv, torch.mv, rand(2, 3), rand(3))
    check_op(ember.dot, torch.dot, rand(5), rand(5))
    check_op(ember.vdot, torch.vdot, rand(5, dtype=np.complex128), rand(5, dtype=np.complex128))
    check_op(ember.Tensor.dot, torch.Tensor.dot, rand(0), rand(0))


@needs_torch
@pytest.mark.parametrize('sa,sb', [((3,), (3,)), ((2, 3), (4, 3)), ((2, 2, 3), (3,)), ((), (2, 3)), ((2,), ())])
def test_inner(sa, sb):
    check_op(ember.inner, torch.inner, rand(*sa), rand(*sb))


@needs_torch
def test_outer_ger_kron():
    check_op(ember.outer, torch.outer, rand(3), rand(4))
    check_op(ember.ger, torch.ger, rand(3, dtype=np.float64), rand(4, dtype=np.float64))
    check_op(ember.outer, torch.outer, ints(3), rand(2))          # promotes like torch
    for sa, sb in [((2, 3), (3, 2)), ((2,), (3, 2)), ((2, 1, 3), (2, 2)), ((), (3,))]:
        check_op(ember.kron, torch.kron, rand(*sa), rand(*sb))
    check_op(ember.kron, torch.kron, rand(2, 3), rand(2, 2, dtype=np.float64))


@needs_torch
@pytest.mark.parametrize('beta,alpha', [(1, 1), (0.5, 2.0), (0, 1), (2, 0)])
def test_add_products(beta, alpha):
    kw = dict(beta=beta, alpha=alpha)
    check_op(lambda *a: ember.addmm(*a, **kw), lambda *a: torch.addmm(*a, **kw), rand(2, 4), rand(2, 3), rand(3, 4))
    check_op(lambda *a: ember.addmm(*a, **kw), lambda *a: torch.addmm(*a, **kw), rand(4), rand(2, 3), rand(3, 4))
    check_op(lambda *a: ember.addmv(*a, **kw), lambda *a: torch.addmv(*a, **kw), rand(2), rand(2, 3), rand(3))
    check_op(lambda *a: ember.addr(*a, **kw), lambda *a: torch.addr(*a, **kw), rand(2, 3), rand(2), rand(3))
    check_op(lambda *a: ember.addbmm(*a, **kw), lambda *a: torch.addbmm(*a, **kw), rand(2, 4), rand(5, 2, 3),
             rand(5, 3, 4), rtol=1e-4)
    check_op(lambda *a: ember.baddbmm(*a, **kw), lambda *a: torch.baddbmm(*a, **kw), rand(5, 2, 4), rand(5, 2, 3),
             rand(5, 3, 4))
    check_op(lambda *a: a[0].addmm(a[1], a[2], **kw), lambda *a: a[0].addmm(a[1], a[2], **kw), rand(1, 4),
             rand(2, 3), rand(3, 4))


def test_addmm_beta_zero_ignores_nan():
    m = ember.full((2, 2), float('nan'))
    r = ember.addmm(m, ember.ones(2, 3), ember.ones(3, 2), beta=0)
    np.testing.assert_array_equal(r.numpy(), np.full((2, 2), 3.0, np.float32))


EINSUM_CASES = [
    ('ij,jk->ik', [(2, 3), (3, 4)]), ('ij,jk', [(2, 3), (3, 4)]), ('bij,bjk->bik', [(5, 2, 3), (5, 3, 4)]),
    ('ii->i', [(3, 3)]), ('ii', [(3, 3)]), ('ij->', [(2, 3)]), ('ij->ji', [(2, 3)]), ('i,j->ij', [(2,), (3,)]),
    ('...ij,...jk->...ik', [(5, 2, 3), (3, 4)]), ('...ij->...ji', [(2, 5, 2, 3)]), ('i,i->', [(4,), (4,)]),
    ('ij,ij->ij', [(2, 3), (2, 3)]), ('ijk,k->ij', [(2, 3, 4), (4,)]), ('iij,jk->ik', [(2, 2, 3), (3, 4)]),
    ('ij,kl,jl->ik', [(2, 3), (4, 5), (3, 5)]), ('bn,anm,bm->ba', [(2, 3), (4, 3, 5), (2, 5)]),
    ('ij,jk->ik', [(2, 1), (3, 4)]), ('ba', [(2, 3)]), ('iji->j', [(2, 3, 2)]), ('ij,i', [(2, 3), (2,)]),
    ('Ab,bC->AC', [(2, 3), (3, 4)]),
]


@needs_torch
@pytest.mark.parametrize('eq,shapes', EINSUM_CASES)
def test_einsum(eq, shapes):
    arrs = [rand(*s) for s in shapes]
    check_op(lambda *a: ember.einsum(eq, *a), lambda *a: torch.einsum(eq, *a), *arrs, rtol=1e-4, atol=1e-5)
    check_op(lambda *a: ember.einsum(eq, list(a)), lambda *a: torch.einsum(eq, list(a)), *arrs, rtol=1e-4,
             atol=1e-5)


@needs_torch
def test_einsum_sublist_and_dtypes():
    a, b = rand(2, 3), rand(3, 4)
    check_op(lambda x, y: ember.einsum(x, [0, 1], y, [1, 2], [0, 2]),
             lambda x, y: torch.einsum(x, [0, 1], y, [1, 2], [0, 2]), a, b)
    check_op(lambda x, y: ember.einsum('ij,jk->ik', x, y), lambda x, y: torch.einsum('ij,jk->ik', x, y),
             ints(2, 3), ints(3, 4))
    check_op(lambda x, y: ember.einsum('ij,jk->ik', x, y), lambda x, y: torch.einsum('ij,jk->ik', x, y),
             rand(2, 3, dtype=np.complex128), rand(3, 4, dtype=np.complex128))


@needs_torch
@pytest.mark.parametrize('sa,sb,dims', [((2, 3, 4), (3, 4, 5), 2), ((2, 3), (3, 4), 1), ((2, 3), (4, 5), 0),
                                        ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])), ((2, 3), (3, 2), ([0], [1])),
                                        ((2, 3), (2, 3), ((0, 1), (0, 1)))])
def test_tensordot(sa, sb, dims):
    check_op(lambda a, b: ember.tensordot(a, b, dims), lambda a, b: torch.tensordot(a, b, dims), rand(*sa),
             rand(*sb), rtol=1e-4, atol=1e-5)


@needs_torch
def test_cross():
    check_op(lambda a, b: ember.linalg.cross(a, b), lambda a, b: torch.linalg.cross(a, b), rand(4, 3), rand(4, 3))
    check_op(lambda a, b: ember.cross(a, b, dim=0), lambda a, b: torch.cross(a, b, dim=0), rand(3, 2), rand(3, 2))
    check_op(lambda a, b: ember.linalg.cross(a, b, dim=1), lambda a, b: torch.linalg.cross(a, b, dim=1),
             rand(1, 3, 2), rand(4, 3, 2))
    check_op(lambda a, b: ember.cross(a, b), lambda a, b: torch.cross(a, b), ints(2, 3), ints(2, 3))
    with pytest.warns(UserWarning, match="without specifying the dim arg is deprecated"):
        r = ember.cross(ember.tensor(rand(4, 3)), ember.tensor(rand(4, 3)))
    assert r.shape == (4, 3)


@needs_torch
def test_chain_matmul():
    with pytest.warns(UserWarning):
        check_op(lambda *a: ember.chain_matmul(*a), lambda *a: torch.chain_matmul(*a), rand(2, 3), rand(3, 4),
                 rand(4, 2))


def test_matmul_operator_and_method():
    a = ember.tensor(rand(2, 3))
    b = ember.tensor(rand(3, 4))
    np.testing.assert_allclose((a @ b).numpy(), a.numpy() @ b.numpy(), rtol=1e-6)
    np.testing.assert_allclose(a.matmul(b).numpy(), a.numpy() @ b.numpy(), rtol=1e-6)


# ---- gradcheck and gradgradcheck (float64) ---------------------------------------------------------------------

GRAD_CASES = [
    ('mm', lambda a, b: ember.mm(a, b), [(2, 3), (3, 4)]),
    ('matmul 2d', ember.matmul, [(2, 3), (3, 4)]),
    ('matmul vv', ember.matmul, [(3,), (3,)]),
    ('matmul mv batched', ember.matmul, [(2, 2, 3), (3,)]),
    ('matmul vm batched', ember.matmul, [(3,), (2, 3, 2)]),
    ('matmul batched 2d', ember.matmul, [(2, 2, 3), (3, 2)]),
    ('matmul 2d batched', ember.matmul, [(2, 3), (2, 3, 2)]),
    ('matmul broadcast', ember.matmul, [(2, 1, 2, 3), (3, 3, 2)]),
    ('bmm', ember.bmm, [(2, 2, 3), (2, 3, 2)]),
    ('mv', ember.mv, [(2, 3), (3,)]),
    ('dot', ember.dot, [(3,), (3,)]),
    ('vdot', ember.vdot, [(3,), (3,)]),
    ('inner', ember.inner, [(2, 3), (2, 3)]),
    ('outer', ember.outer, [(2,), (3,)]),
    ('addmm', lambda m, a, b: ember.addmm(m, a, b, beta=0.5, alpha=2), [(2, 2), (2, 3), (3, 2)]),
    ('addmv', lambda m, a, b: ember.addmv(m, a, b, beta=0.5, alpha=2), [(2,), (2, 3), (3,)]),
    ('addr', lambda m, a, b: ember.addr(m, a, b, alpha=3), [(2, 3), (2,), (3,)]),
    ('addbmm', ember.addbmm, [(2, 2), (3, 2, 3), (3, 3, 2)]),
    ('baddbmm', lambda m, a, b: ember.baddbmm(m, a, b, beta=2), [(3, 2, 2), (3, 2, 3), (3, 3, 2)]),
    ('einsum contract', lambda a, b: ember.einsum('ij,jk->ik', a, b), [(2, 3), (3, 2)]),
    ('einsum diag', lambda a: ember.einsum('ii->i', a), [(3, 3)]),
    ('einsum trace', lambda a: ember.einsum('ii', a), [(3, 3)]),
    ('einsum lonely', lambda a, b: ember.einsum('ij,k->ik', a, b), [(2, 3), (2,)]),
    ('einsum three', lambda a, b, c: ember.einsum('ij,jk,kl->il', a, b, c), [(2, 3), (3, 2), (2, 2)]),
    ('einsum ellipsis', lambda a, b: ember.einsum('...ij,...jk', a, b), [(2, 2, 3), (3, 2)]),
    ('einsum broadcast label', lambda a, b: ember.einsum('ij,jk->ik', a, b), [(2, 1), (3, 2)]),
    ('einsum iij', lambda a, b: ember.einsum('iij,jk->ik', a, b), [(2, 2, 3), (3, 2)]),
    ('tensordot', lambda a, b: ember.tensordot(a, b, ([1, 2], [1, 0])), [(2, 3, 2), (2, 3, 2)]),
    ('kron', ember.kron, [(2, 2), (2, 3)]),
    ('cross', lambda a, b: ember.linalg.cross(a, b), [(2, 3), (2, 3)]),
]


@pytest.mark.parametrize('name,fn,shapes', GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradcheck(name, fn, shapes):
    check_grads(fn, *[rand(*s, dtype=np.float64) for s in shapes])


@pytest.mark.parametrize('name,fn,shapes', [c for c in GRAD_CASES if c[0] in ('mm', 'matmul mv batched', 'vdot',
                                                                               'einsum contract', 'addmm')],
                         ids=['mm', 'matmul mv', 'vdot', 'einsum', 'addmm'])
def test_gradcheck_complex(name, fn, shapes):
    check_grads(fn, *[rand(*s, dtype=np.complex128) for s in shapes], gradgrad=False)


# ---- bad inputs: torch's exception class and message ----------------------------------------------------------------

F64 = np.float64
BAD_CASES = [
    ('mm 1-D self', 'mm', [rand(3), rand(3, 3)]),
    ('mm 1-D mat2', 'mm', [rand(3, 3), rand(3)]),
    ('mm shapes', 'mm', [rand(2, 3), rand(4, 5)]),
    ('mm dtype', 'mm', [rand(2, 3), rand(3, 5, dtype=F64)]),
    ('mm long/float', 'mm', [ints(2, 3), rand(3, 5)]),
    ('mm bool', 'mm', [np.ones((2, 3), bool), np.ones((3, 2), bool)]),
    ('matmul bool vv', 'matmul', [np.ones(3, bool), np.ones(3, bool)]),
    ('matmul bool mv', 'matmul', [np.ones((2, 3), bool), np.ones(3, bool)]),
    ('matmul bool batched', 'matmul', [np.ones((2, 2, 3), bool), np.ones((2, 3, 2), bool)]),
    ('dot bool', 'dot', [np.ones(3, bool), np.ones(3, bool)]),
    ('mv bool', 'mv', [np.ones((2, 3), bool), np.ones(3, bool)]),
    ('matmul 0-D', 'matmul', [rand(), rand(3)]),
    ('matmul vv', 'matmul', [rand(3), rand(4)]),
    ('matmul mv', 'matmul', [rand(2, 3), rand(4)]),
    ('matmul vm', 'matmul', [rand(3), rand(4, 5)]),
    ('matmul mm', 'matmul', [rand(2, 3), rand(4, 5)]),
    ('matmul batched-m', 'matmul', [rand(2, 2, 3), rand(4, 5)]),
    ('matmul m-batched', 'matmul', [rand(2, 3), rand(2, 4, 5)]),
    ('matmul batched-batched', 'matmul', [rand(2, 2, 3), rand(2, 4, 5)]),
    ('matmul batch broadcast', 'matmul', [rand(2, 2, 3), rand(3, 3, 5)]),
    ('matmul batch broadcast 4d', 'matmul', [rand(2, 3, 2, 3), rand(4, 3, 5)]),
    ('matmul batched-v', 'matmul', [rand(2, 2, 3), rand(4)]),
    ('matmul v-batched', 'matmul', [rand(3), rand(2, 4, 5)]),
    ('matmul dtype mm', 'matmul', [rand(2, 3), rand(3, 5, dtype=F64)]),
    ('matmul dtype vv', 'matmul', [rand(3), rand(3, dtype=F64)]),
    ('matmul dtype mv', 'matmul', [rand(2, 3), rand(3, dtype=F64)]),
    ('matmul dtype batched', 'matmul', [rand(2, 2, 3), rand(2, 3, 5, dtype=F64)]),
    ('bmm 2-D', 'bmm', [rand(2, 3), rand(3, 5)]),
    ('bmm 2-D mat2', 'bmm', [rand(2, 2, 3), rand(3, 5)]),
    ('bmm batch', 'bmm', [rand(2, 2, 3), rand(3, 3, 5)]),
    ('bmm inner', 'bmm', [rand(2, 2, 3), rand(2, 4, 5)]),
    ('bmm dtype', 'bmm', [rand(2, 2, 3), rand(2, 3, 5, dtype=F64)]),
    ('mv size', 'mv', [rand(2, 3), rand(4)]),
    ('mv 1-D', 'mv', [rand(3), rand(3)]),
    ('mv 2-D vec', 'mv', [rand(3, 3), rand(3, 1)]),
    ('mv dtype', 'mv', [rand(3, 3), rand(3, dtype=F64)]),
    ('dot 2-D', 'dot', [rand(2, 2), rand(2, 2)]),
    ('dot size', 'dot', [rand(3), rand(4)]),
    ('dot dtype', 'dot', [rand(3), rand(3, dtype=F64)]),
    ('vdot 2-D', 'vdot', [rand(2, 2), rand(2, 2)]),
    ('vdot size', 'vdot', [rand(3), rand(4)]),
    ('inner size', 'inner', [rand(2, 3), rand(4)]),
    ('inner dtype', 'inner', [rand(2, 3), rand(3, dtype=F64)]),
    ('outer 2-D', 'outer', [rand(2, 3), rand(4)]),
    ('outer 2-D vec2', 'outer', [rand(2), rand(4, 1)]),
    ('addmm shapes', 'addmm', [rand(2, 4), rand(2, 3), rand(4, 5)]),
    ('addmm bias', 'addmm', [rand(3, 5), rand(2, 3), rand(3, 5)]),
    ('addmm dtype', 'addmm', [rand(2, 5), rand(2, 3), rand(3, 5, dtype=F64)]),
    ('addmm bias dtype', 'addmm', [rand(2, 5, dtype=F64), rand(2, 3), rand(3, 5)]),
    ('addmv size', 'addmv', [rand(2), rand(2, 3), rand(4)]),
    ('addmv bias', 'addmv', [rand(3), rand(2, 3), rand(3)]),
    ('addr bias', 'addr', [rand(2, 3), rand(2), rand(4)]),
    ('addr 2-D', 'addr', [rand(2, 3), rand(2, 1), rand(3)]),
    ('addbmm batches', 'addbmm', [rand(2, 5), rand(3, 2, 3), rand(2, 3, 5)]),
    ('addbmm sizes', 'addbmm', [rand(2, 5), rand(3, 2, 3), rand(3, 4, 5)]),
    ('addbmm bias', 'addbmm', [rand(2, 6), rand(3, 2, 3), rand(3, 3, 5)]),
    ('baddbmm bias', 'baddbmm', [rand(3, 2, 6), rand(3, 2, 3), rand(3, 3, 5)]),
    ('baddbmm sizes', 'baddbmm', [rand(3, 2, 5), rand(3, 2, 3), rand(3, 4, 5)]),
    ('kron none', 'kron', [rand(2), None]),
]


@needs_torch
@pytest.mark.parametrize('name,op,args', BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_inputs(name, op, args):
    if name == 'kron none':
        with pytest.raises((TypeError, AttributeError)):
            ember.kron(ember.tensor(args[0]), None)
        return
    check_error(getattr(ember, op), getattr(torch, op), *args)


EINSUM_BAD = [
    ('ij,jk->ik', [rand(2, 3), rand(4, 5)]),
    ('ij,jk->ik', [rand(2, 3)]),
    ('ij->ij', [rand(2, 3), rand(2, 3)]),
    ('ijk,jk->ik', [rand(2, 3), rand(3, 5)]),
    ('ij,jk->ik', [rand(2, 3), rand(3, 5, dtype=F64)]),
    ('ij->ix', [rand(2, 3)]),
    ('ij->ii', [rand(2, 3)]),
    ('i1->i', [rand(2, 3)]),
]


@needs_torch
@pytest.mark.parametrize('eq,args', EINSUM_BAD)
def test_einsum_bad(eq, args):
    check_error(lambda *a: ember.einsum(eq, *a), lambda *a: torch.einsum(eq, *a), *args)


@needs_torch
@pytest.mark.parametrize('sa,sb,dims', [((2, 3), (4, 5), 1), ((2, 3), (3, 5), ([1, 0], [0])), ((2, 3), (3,), 3),
                                        ((2, 3), (3,), -1)])
def test_tensordot_bad(sa, sb, dims):
    check_error(lambda a, b: ember.tensordot(a, b, dims), lambda a, b: torch.tensordot(a, b, dims), rand(*sa),
                rand(*sb))
    check_error(lambda a, b: ember.tensordot(a, b, 1), lambda a, b: torch.tensordot(a, b, 1), rand(2, 3),
                rand(3, 5, dtype=F64))


@needs_torch
@pytest.mark.parametrize('sa,sb,dim', [((2, 4), (2, 4), None), ((3, 4), (3, 4), -1), ((3, 4), (3, 4), 1),
                                       ((2, 3), (4, 3), -1), ((3,), (2, 3), -1)])
def test_cross_bad(sa, sb, dim):
    check_error(lambda a, b: ember.linalg.cross(a, b, dim=dim if dim is not None else -1),
                lambda a, b: torch.linalg.cross(a, b, dim=dim if dim is not None else -1), rand(*sa), rand(*sb))
    if dim is None:
        check_error(ember.cross, torch.cross, rand(*sa), rand(*sb))
    check_error(lambda a, b: ember.linalg.cross(a, b), lambda a, b: torch.linalg.cross(a, b), rand(2, 3),
                rand(2, 3, dtype=F64))
