"""Sorting and selection ops against real PyTorch: values, indices, dtypes, shapes, gradients and bad inputs."""
import numpy as np
import pytest

import ember
from support import check_op, check_grads, needs_torch, torch, assert_same

pytestmark = needs_torch

NAN = float('nan')


def _data(rng, shape, dtype, distinct=False):
    """Test data of ``dtype``: small integers with ties, or (``distinct``) a permutation, so indices are unique."""
    n = int(np.prod(shape))
    if distinct:
        a = rng.permutation(n).reshape(shape)
        return np.asarray((a - n // 2) if np.dtype(dtype).kind in 'fi' else a, dtype=dtype)
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    a = rng.integers(0, 5, shape)
    return np.asarray((a - 2) if np.dtype(dtype).kind in 'fi' else a, dtype=dtype)


# ----------------------------------------------------------------------------------------- sort family
SORT_CASES = [((6,), -1), ((4, 5), 0), ((4, 5), 1), ((2, 3, 4), -2), ((), 0), ((), -1), ((0,), 0), ((3, 0), 1),
              ((0, 3), 0)]
DTYPES = [np.float32, np.float64, np.int64, np.int32, np.int8, np.uint8, np.float16, np.bool_]


@pytest.mark.parametrize('shape,dim', SORT_CASES)
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('descending', [False, True])
def test_sort_with_ties_is_stable(rng, shape, dim, dtype, descending):
    a = _data(rng, shape, dtype)
    check_op(lambda x: ember.sort(x, dim, descending), lambda x: torch.sort(x, dim=dim, descending=descending, stable=True), a)
    check_op(lambda x: ember.argsort(x, dim, descending, stable=True),
             lambda x: torch.argsort(x, dim=dim, descending=descending, stable=True), a)
    check_op(lambda x: x.sort(dim=dim, descending=descending, stable=True),
             lambda x: x.sort(dim=dim, descending=descending, stable=True), a)


@pytest.mark.parametrize('descending', [False, True])
def test_sort_nan_is_largest(descending):
    a = np.array([[3., NAN, 1., -np.inf, NAN, 2., np.inf, 1.]], dtype=np.float32)
    check_op(lambda x: ember.sort(x, descending=descending), lambda x: torch.sort(x, descending=descending,
                                                                                    stable=True), a)
    check_op(lambda x: ember.topk(x, 3, largest=not descending), lambda x: torch.topk(x, 3, largest=not descending),
             np.array([3., NAN, 1., -np.inf, 2.], dtype=np.float32))


def test_sort_returns_named_tuple():
    r = ember.sort(ember.tensor([3., 1., 2.]))
    assert type(r).__name__ == 'sort' and r._fields == ('values', 'indices')
    assert r.indices.dtype is ember.int64 and r.values is r[0]
    assert type(ember.topk(ember.tensor([3., 1.]), 1)).__name__ == 'topk'
    assert type(ember.kthvalue(ember.tensor([3., 1.]), 1)).__name__ == 'kthvalue'
    assert repr(r).startswith('torch.return_types.sort(')


@pytest.mark.parametrize('shape', [(5,), (3, 4), (), (0, 2)])
def test_msort(rng, shape):
    a = rng.standard_normal(shape).astype(np.float32)
    check_op(ember.msort, torch.msort, a)
    check_op(lambda x: x.msort(), lambda x: x.msort(), a)


TOPK_CASES = [((7,), 3, -1), ((7,), 7, 0), ((7,), 0, 0), ((4, 6), 2, 1), ((4, 6), 4, 0), ((2, 3, 5), 1, -1),
              ((), 1, 0), ((), 0, -1), ((3, 0), 0, 1), ((0, 3), 2, 1)]


@pytest.mark.parametrize('shape,k,dim', TOPK_CASES)
@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.int64, np.uint8, np.float16])
@pytest.mark.parametrize('largest', [True, False])
def test_topk(rng, shape, k, dim, dtype, largest):
    a = _data(rng, shape, dtype, distinct=True)
    check_op(lambda x: ember.topk(x, k, dim, largest), lambda x: torch.topk(x, k, dim, largest), a)
    check_op(lambda x: x.topk(k, dim=dim, largest=largest), lambda x: x.topk(k, dim=dim, largest=largest), a)


def test_topk_unsorted_returns_the_same_set(rng):
    a = _data(rng, (5, 9), np.float32, distinct=True)
    e = ember.topk(ember.tensor(a), 4, sorted=False)
    t = torch.topk(torch.tensor(a), 4, sorted=False)
    assert_same(e.values.sort().values, t.values.sort().values)
    assert_same(e.indices.sort().values, t.indices.sort().values)


def test_topk_large_input_uses_partition_correctly(rng):
    a = rng.standard_normal((3, 1000)).astype(np.float32)
    for largest in (True, False):
        check_op(lambda x: ember.topk(x, 17, largest=largest), lambda x: torch.topk(x, 17, largest=largest), a)


KTH_CASES = [((7,), 1, -1), ((7,), 7, 0), ((7,), 4, 0), ((4, 6), 2, 1), ((4, 6), 4, 0), ((2, 3, 5), 3, -1),
             ((), 1, 0), ((2, 0), 1, 0), ((2, 3, 5), 2, 1)]


@pytest.mark.parametrize('shape,k,dim', KTH_CASES)
@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.int32, np.uint8, np.float16])
@pytest.mark.parametrize('keepdim', [False, True])
def test_kthvalue(rng, shape, k, dim, dtype, keepdim):
    a = _data(rng, shape, dtype, distinct=True)
    check_op(lambda x: ember.kthvalue(x, k, dim, keepdim), lambda x: torch.kthvalue(x, k, dim, keepdim), a)
    check_op(lambda x: x.kthvalue(k, dim=dim, keepdim=keepdim), lambda x: x.kthvalue(k, dim=dim, keepdim=keepdim), a)


def test_kthvalue_nan_is_largest():
    a = np.array([3., NAN, 1., 2.], dtype=np.float32)
    for k in range(1, 5):
        check_op(lambda x: ember.kthvalue(x, k), lambda x: torch.kthvalue(x, k), a)


# ----------------------------------------------------------------------------------------- gradients
def _distinct64(rng, shape):
    return np.asarray(rng.permutation(int(np.prod(shape))).reshape(shape) / 3 + rng.uniform(0, 0.01, shape))


@pytest.mark.parametrize('shape,dim', [((5,), 0), ((3, 4), 0), ((2, 3, 4), -1), ((), 0)])
def test_sort_grads(rng, shape, dim):
    a = _distinct64(rng, shape)
    check_grads(lambda x: ember.sort(x, dim)[0], a)
    check_grads(lambda x: ember.sort(x, dim, descending=True)[0] ** 2, a)
    check_grads(lambda x: ember.msort(x), a)


@pytest.mark.parametrize('shape,k,dim', [((6,), 3, 0), ((3, 5), 2, 1), ((3, 5), 3, 0), ((), 1, 0)])
def test_topk_grads(rng, shape, k, dim):
    a = _distinct64(rng, shape)
    check_grads(lambda x: ember.topk(x, k, dim)[0], a)
    check_grads(lambda x: ember.topk(x, k, dim, largest=False)[0].exp(), a)


@pytest.mark.parametrize('shape,k,dim,keepdim', [((6,), 3, 0, False), ((3, 5), 2, 1, True), ((3, 5), 3, 0, False),
                                                 ((), 1, 0, False)])
def test_kthvalue_grads(rng, shape, k, dim, keepdim):
    check_grads(lambda x: ember.kthvalue(x, k, dim, keepdim)[0] * 3, _distinct64(rng, shape))


@pytest.mark.parametrize('xshape,mshape', [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((), ()), ((2, 1), (3,))])
def test_masked_select_grads(rng, xshape, mshape):
    m = rng.integers(0, 2, mshape).astype(bool)
    check_grads(lambda x: ember.masked_select(x, ember.tensor(m)) ** 2, rng.standard_normal(xshape))


def test_sort_double_backward_matches_torch(rng):
    a = _distinct64(rng, (3, 4))
    e = ember.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    ge, = ember.autograd.grad((ember.sort(e, 0)[0] ** 3).sum(), e, create_graph=True)
    gt, = torch.autograd.grad((torch.sort(t, 0)[0] ** 3).sum(), t, create_graph=True)
    assert_same(ember.autograd.grad(ge.sum(), e)[0], torch.autograd.grad(gt.sum(), t)[0])


def test_grad_fn_names():
    x = ember.tensor([3., 1., 2.], requires_grad=True)
    assert ember.sort(x).values.grad_fn.name() == 'SortBackward0'
    assert ember.topk(x, 2).values.grad_fn.name() == 'TopkBackward0'
    assert ember.kthvalue(x, 2).values.grad_fn.name() == 'KthvalueBackward0'
    assert ember.masked_select(x, x > 1).grad_fn.name() == 'MaskedSelectBackward0'
    assert not ember.sort(x).indices.requires_grad


# ----------------------------------------------------------------------------------------- unique
UNIQUE_INPUTS = [
    np.array([3, 1, 3, 2, 5, 0, 5, 1]),
    np.array([[3, 1], [3, 2], [3, 1]], dtype=np.int32),
    np.array([2.5, NAN, -1., 2.5, NAN, 0.], dtype=np.float32),
    np.array([True, False, True]),
    np.array(7, dtype=np.int64),
    np.zeros(0, dtype=np.float64),
    np.array([[1, 2, 1], [1, 2, 1], [0, 5, 0], [1, 2, 1]], dtype=np.uint8),
]


@pytest.mark.parametrize('a', UNIQUE_INPUTS, ids=lambda a: f'{a.dtype}{a.shape}')
@pytest.mark.parametrize('inv,counts', [(False, False), (True, False), (False, True), (True, True)])
def test_unique_flat(a, inv, counts):
    check_op(lambda x: ember.unique(x, return_inverse=inv, return_counts=counts),
             lambda x: torch.unique(x, return_inverse=inv, return_counts=counts), a, grad=False)
    check_op(lambda x: x.unique(sorted=True, return_inverse=inv, return_counts=counts),
             lambda x: x.unique(sorted=True, return_inverse=inv, return_counts=counts), a, grad=False)
    check_op(lambda x: ember.unique_consecutive(x, return_inverse=inv, return_counts=counts),
             lambda x: torch.unique_consecutive(x, return_inverse=inv, return_counts=counts), a, grad=False)


@pytest.mark.parametrize('a,dim', [(UNIQUE_INPUTS[1], 0), (UNIQUE_INPUTS[1], 1), (UNIQUE_INPUTS[6], 0),
                                   (UNIQUE_INPUTS[6], -1), (np.zeros((0, 3)), 0), (np.array([[True, False]] * 3), 0),
                                   (np.arange(24).reshape(2, 3, 4) % 3, 1)])
def test_unique_dim(a, dim):
    check_op(lambda x: ember.unique(x, return_inverse=True, return_counts=True, dim=dim),
             lambda x: torch.unique(x, return_inverse=True, return_counts=True, dim=dim), a, grad=False)
    check_op(lambda x: ember.unique(x, dim=dim), lambda x: torch.unique(x, dim=dim), a, grad=False)
    check_op(lambda x: ember.unique_consecutive(x, return_inverse=True, return_counts=True, dim=dim),
             lambda x: torch.unique_consecutive(x, return_inverse=True, return_counts=True, dim=dim), a, grad=False)


def test_unique_float_data(rng):
    a = rng.integers(0, 20, (50,)).astype(np.float32) / 4
    check_op(lambda x: ember.unique(x, return_inverse=True, return_counts=True),
             lambda x: torch.unique(x, return_inverse=True, return_counts=True), a, grad=False)


# ----------------------------------------------------------------------------------------- searching
SEQ = np.array([1., 3., 3., 5., 7.], dtype=np.float32)


@pytest.mark.parametrize('seq,vals', [
    (SEQ, np.array([0., 3., 4., 7., 9., NAN], dtype=np.float32)),
    (SEQ, np.array([[3., 6.], [1., 8.]], dtype=np.float32)),
    (SEQ, np.array(3., dtype=np.float32)),
    (np.array([1, 3, 5]), np.array([3.5, 6., 1.])),
    (np.array([1., 3, 5]), np.array([3, 6, 1])),
    (np.array([[1., 3, 5], [2, 4, 6]]), np.array([[3., 4, 0], [3, 6, 7]])),
    (np.array([[[1, 3, 3], [2, 4, 6]]] * 2), np.array([[[3], [4]]] * 2)),
    (np.zeros(0), np.array([3.])),
    (SEQ, np.zeros(0, dtype=np.float32)),
    (np.array([[1., 2], [3, 4], [5, 6]]), np.zeros((3, 0))),
])
@pytest.mark.parametrize('right', [False, True])
@pytest.mark.parametrize('out_int32', [False, True])
def test_searchsorted(seq, vals, right, out_int32):
    check_op(lambda s, v: ember.searchsorted(s, v, right=right, out_int32=out_int32),
             lambda s, v: torch.searchsorted(s, v, right=right, out_int32=out_int32), seq, vals, grad=False)
    side = 'right' if right else 'left'
    check_op(lambda s, v: ember.searchsorted(s, v, side=side), lambda s, v: torch.searchsorted(s, v, side=side),
             seq, vals, grad=False)


def test_searchsorted_batched_random(rng):
    s = np.sort(rng.integers(0, 10, (4, 3, 20)), axis=-1).astype(np.float64)
    v = rng.integers(-1, 11, (4, 3, 7)).astype(np.float64)
    for right in (False, True):
        check_op(lambda a, b: ember.searchsorted(a, b, right=right),
                 lambda a, b: torch.searchsorted(a, b, right=right), s, v, grad=False)


@pytest.mark.parametrize('scalar', [3, 3.5, -1, 10])
def test_searchsorted_scalar_value(scalar):
    check_op(lambda s: ember.searchsorted(s, scalar), lambda s: torch.searchsorted(s, scalar), SEQ, grad=False)
    check_op(lambda s: ember.searchsorted(s, scalar, right=True), lambda s: torch.searchsorted(s, scalar, right=True),
             SEQ, grad=False)


def test_searchsorted_sorter(rng):
    seq = np.array([5., 1, 7, 3, 3])
    sorter = np.argsort(seq, kind='stable')
    v = np.array([[3., 6., 0.], [8., 1., 5.]])
    for right in (False, True):
        check_op(lambda s, v, o: ember.searchsorted(s, v, right=right, sorter=o),
                 lambda s, v, o: torch.searchsorted(s, v, right=right, sorter=o), seq, v, sorter, grad=False)
    s2 = rng.standard_normal((2, 6))
    o2 = np.argsort(s2, axis=-1)
    check_op(lambda s, v, o: ember.searchsorted(s, v, sorter=o), lambda s, v, o: torch.searchsorted(s, v, sorter=o),
             s2, rng.standard_normal((2, 4)), o2, grad=False)


@pytest.mark.parametrize('vals', [np.array([0., 3., 4., 7., 9.]), np.array([[3, 6], [1, 8]]), np.array(3.),
                                  np.array([True, False])])
@pytest.mark.parametrize('right', [False, True])
def test_bucketize(vals, right):
    b = np.array([1., 3., 5., 7.])
    check_op(lambda v, b: ember.bucketize(v, b, right=right), lambda v, b: torch.bucketize(v, b, right=right),
             vals, b, grad=False)
    check_op(lambda v, b: ember.bucketize(v, b, out_int32=True), lambda v, b: torch.bucketize(v, b, out_int32=True),
             vals, b, grad=False)


def test_bucketize_scalar():
    b = np.array([1., 3., 5., 7.])
    check_op(lambda b: ember.bucketize(4, b), lambda b: torch.bucketize(4, b), b, grad=False)


# ----------------------------------------------------------------------------------------- counting
@pytest.mark.parametrize('dtype', [np.int64, np.int32, np.int16, np.int8, np.uint8])
def test_bincount(rng, dtype):
    a = rng.integers(0, 6, 20).astype(dtype)
    check_op(ember.bincount, torch.bincount, a)
    check_op(lambda x: ember.bincount(x, minlength=10), lambda x: torch.bincount(x, minlength=10), a)
    check_op(lambda x: x.bincount(minlength=2), lambda x: x.bincount(minlength=2), a)


@pytest.mark.parametrize('wdtype', [np.float32, np.float64, np.float16, np.int64, np.int32, np.bool_])
def test_bincount_weight_dtypes(rng, wdtype):
    a = rng.integers(0, 6, 20)
    w = (rng.standard_normal(20) * 4).astype(wdtype)
    check_op(lambda x, w: ember.bincount(x, w), lambda x, w: torch.bincount(x, w), a, w, grad=False, rtol=1e-3)
    check_op(lambda x, w: ember.bincount(x, weights=w, minlength=9),
             lambda x, w: torch.bincount(x, weights=w, minlength=9), a, w, grad=False, rtol=1e-3)


def test_bincount_empty():
    e = np.zeros(0, dtype=np.int64)
    check_op(ember.bincount, torch.bincount, e)
    check_op(lambda x: ember.bincount(x, minlength=3), lambda x: torch.bincount(x, minlength=3), e)
    check_op(lambda x, w: ember.bincount(x, w, minlength=3), lambda x, w: torch.bincount(x, w, minlength=3),
             e, np.zeros(0, dtype=np.float32), grad=False)


@pytest.mark.parametrize('a', [np.array([1., 2, 1, 4, 2.5, 0], dtype=np.float32), np.array([[1., 2], [3, 4]]),
                               np.array([2., 2, 2], dtype=np.float32), np.zeros(0, dtype=np.float32),
                               np.array([0.5, 1.0, 1.5, 2.0], dtype=np.float16)])
@pytest.mark.parametrize('bins,lo,hi', [(4, 0, 0), (4, 0, 3), (10, -1, 5), (1, 0, 0), (3, 2, 2)])
def test_histc(a, bins, lo, hi):
    check_op(lambda x: ember.histc(x, bins, lo, hi), lambda x: torch.histc(x, bins, lo, hi), a, grad=False)
    check_op(lambda x: x.histc(bins=bins, min=lo, max=hi), lambda x: x.histc(bins=bins, min=lo, max=hi), a,
             grad=False)


def test_histc_random_matches(rng):
    a = rng.standard_normal(1000).astype(np.float32)
    check_op(lambda x: ember.histc(x, 37), lambda x: torch.histc(x, 37), a, grad=False)
    check_op(lambda x: ember.histc(x, 13, -1, 1), lambda x: torch.histc(x, 13, -1, 1), a.astype(np.float64),
             grad=False)


@pytest.mark.parametrize('a', [np.array([1., 2, 1, 4, 2.5, 0], dtype=np.float32), np.array([[1., 2], [3, 4]]),
                               np.array([2., 2], dtype=np.float32), np.zeros(0, dtype=np.float32)])
@pytest.mark.parametrize('kw', [dict(bins=4), dict(bins=3, range=(0., 3.)), dict(bins=4, density=True),
                                dict(bins=2, range=(1., 1.))])
def test_histogram(a, kw):
    check_op(lambda x: ember.histogram(x, **kw), lambda x: torch.histogram(x, **kw), a, grad=False)


def test_histogram_edges_and_weights(rng):
    a = rng.standard_normal(200).astype(np.float32)
    edges = np.array([-2., -0.5, 0., 0.3, 2.], dtype=np.float32)
    w = rng.uniform(0, 2, 200).astype(np.float32)
    check_op(lambda x, b: ember.histogram(x, b), lambda x, b: torch.histogram(x, b), a, edges, grad=False)
    check_op(lambda x, b: ember.histogram(x, b, density=True), lambda x, b: torch.histogram(x, b, density=True),
             a, edges, grad=False)
    check_op(lambda x, w: ember.histogram(x, 7, weight=w), lambda x, w: torch.histogram(x, 7, weight=w), a, w,
             grad=False, rtol=1e-4)
    check_op(lambda x, w: x.histogram(5, weight=w, density=True), lambda x, w: x.histogram(5, weight=w, density=True),
             a, w, grad=False, rtol=1e-4)
    r = ember.histogram(ember.tensor(a), 3)
    assert r._fields == ('hist', 'bin_edges')


# ----------------------------------------------------------------------------------------- nonzero and masks
@pytest.mark.parametrize('a', [np.array([[1, 0], [0, 3]]), np.array([0., NAN, -0., 2.]), np.array(3), np.array(0.),
                               np.zeros((2, 0, 3)), np.array([[[True, False], [True, True]]]),
                               np.array([1 + 0j, 0j, 1j])])
def test_nonzero(a):
    check_op(ember.nonzero, torch.nonzero, a, grad=False)
    check_op(lambda x: ember.nonzero(x, as_tuple=True), lambda x: torch.nonzero(x, as_tuple=True), a, grad=False)
    check_op(ember.argwhere, torch.argwhere, a, grad=False)
    check_op(lambda x: x.nonzero(), lambda x: x.nonzero(), a, grad=False)
    check_op(lambda x: x.argwhere(), lambda x: x.argwhere(), a, grad=False)


@pytest.mark.parametrize('size', [0, 1, 2, 5])
def test_nonzero_static(size):
    a = np.array([[1, 0], [0, 3]])
    check_op(lambda x: ember.nonzero_static(x, size=size), lambda x: torch.nonzero_static(x, size=size), a)
    check_op(lambda x: x.nonzero_static(size=size, fill_value=7), lambda x: x.nonzero_static(size=size, fill_value=7),
             a)


@pytest.mark.parametrize('xshape,mshape', [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((), ()), ((2, 1), (3,)),
                                           ((0, 2), (2,))])
@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.int64, np.bool_])
def test_masked_select(rng, xshape, mshape, dtype):
    a = _data(rng, xshape, dtype)
    m = rng.integers(0, 2, mshape).astype(bool)
    check_op(ember.masked_select, torch.masked_select, a, m)
    check_op(lambda x, m: x.masked_select(m), lambda x, m: x.masked_select(m), a, m)


@pytest.mark.parametrize('e,t', [
    (np.array([1, 2, 3, 2]), np.array([2, 5])),
    (np.array([[1., 2.], [NAN, 3.]]), np.array([NAN, 3.])),
    (np.array([1, 2], dtype=np.uint8), np.array([-255, 2])),
    (np.array([1, 2]), np.array([2.5, 1.])),
    (np.zeros(0, dtype=np.int64), np.array([1])),
    (np.array([1, 2]), np.zeros(0)),
    (np.array([[1, 2], [3, 2]]), np.array([[2], [5]])),
])
@pytest.mark.parametrize('invert', [False, True])
def test_isin(e, t, invert):
    check_op(lambda a, b: ember.isin(a, b, invert=invert), lambda a, b: torch.isin(a, b, invert=invert), e, t,
             grad=False)


def test_isin_scalars_and_assume_unique():
    t = np.array([2, 5, 7])
    check_op(lambda b: ember.isin(2, b), lambda b: torch.isin(2, b), t)
    check_op(lambda b: ember.isin(2.0, b), lambda b: torch.isin(2.0, b), t)
    check_op(lambda a: ember.isin(a, 5), lambda a: torch.isin(a, 5), t)
    check_op(lambda a: ember.isin(a, 5.5, invert=True), lambda a: torch.isin(a, 5.5, invert=True), t)
    check_op(lambda a, b: ember.isin(a, b, assume_unique=True), lambda a, b: torch.isin(a, b, assume_unique=True),
             np.array([4, 2, 9]), t)


# ----------------------------------------------------------------------------------------- out=
def test_out_arguments():
    x = np.array([[3., 1., 2.], [0., 5., 4.]], dtype=np.float32)
    for ef, tf in [(lambda o: ember.sort(ember.tensor(x), 1, out=o), lambda o: torch.sort(torch.tensor(x), 1, out=o)),
                   (lambda o: ember.topk(ember.tensor(x), 2, out=o), lambda o: torch.topk(torch.tensor(x), 2, out=o)),
                   (lambda o: ember.kthvalue(ember.tensor(x), 2, 0, out=o),
                    lambda o: torch.kthvalue(torch.tensor(x), 2, 0, out=o))]:
        ev, ei = ember.empty(0), ember.empty(0, dtype=ember.int64)
        tv, ti = torch.empty(0), torch.empty(0, dtype=torch.int64)
        er, tr = ef((ev, ei)), tf((tv, ti))
        assert er[0] is ev and er[1] is ei
        assert_same(er, tr)
        assert_same((ev, ei), (tv, ti))
    for ef, tf, dt in [
        (lambda o: ember.msort(ember.tensor(x), out=o), lambda o: torch.msort(torch.tensor(x), out=o), 'float32'),
        (lambda o: ember.searchsorted(ember.tensor(SEQ), ember.tensor(x), out=o),
         lambda o: torch.searchsorted(torch.tensor(SEQ), torch.tensor(x), out=o), 'int64'),
        (lambda o: ember.bucketize(ember.tensor(x), ember.tensor(SEQ), out=o),
         lambda o: torch.bucketize(torch.tensor(x), torch.tensor(SEQ), out=o), 'int64'),
        (lambda o: ember.histc(ember.tensor(x), 4, out=o), lambda o: torch.histc(torch.tensor(x), 4, out=o), 'float32'),
        (lambda o: ember.nonzero(ember.tensor(x), out=o), lambda o: torch.nonzero(torch.tensor(x), out=o), 'int64'),
        (lambda o: ember.masked_select(ember.tensor(x), ember.tensor(x > 1), out=o),
         lambda o: torch.masked_select(torch.tensor(x), torch.tensor(x > 1), out=o), 'float32'),
        (lambda o: ember.isin(ember.tensor(x), ember.tensor(SEQ), out=o),
         lambda o: torch.isin(torch.tensor(x), torch.tensor(SEQ), out=o), 'bool'),
    ]:
        eo, to = ember.empty(0, dtype=getattr(ember, dt)), torch.empty(0, dtype=getattr(torch, dt))
        assert ef(eo) is eo
        tf(to)
        assert_same(eo, to)
    eh, ee = ember.empty(0), ember.empty(0)
    th, te = torch.empty(0), torch.empty(0)
    ember.histogram(ember.tensor(x), 3, out=(eh, ee))
    torch.histogram(torch.tensor(x), 3, out=(th, te))
    assert_same((eh, ee), (th, te))


def test_out_with_grad_raises():
    x = ember.tensor([3., 1.], requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        ember.sort(x, out=(ember.empty(0), ember.empty(0, dtype=ember.int64)))


# ----------------------------------------------------------------------------------------- bad inputs
F = np.array([3., 1., 2.], dtype=np.float32)
I = np.array([0, 1, 1, 3])
BAD = [
    # (name, ember fn, torch fn, args, exception, match)
    ('topk_k_too_big', lambda x: ember.topk(x, 4), lambda x: torch.topk(x, 4), (F,), RuntimeError,
     'selected index k out of range'),
    ('topk_k_negative', lambda x: ember.topk(x, -1), lambda x: torch.topk(x, -1), (F,), RuntimeError,
     'selected index k out of range'),
    ('topk_0d_k2', lambda x: ember.topk(x, 2), lambda x: torch.topk(x, 2), (np.array(1.),), RuntimeError,
     'selected index k out of range'),
    ('topk_dim', lambda x: ember.topk(x, 1, dim=1), lambda x: torch.topk(x, 1, dim=1), (F,), IndexError,
     r'Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)'),
    ('topk_bool', lambda x: ember.topk(x, 1), lambda x: torch.topk(x, 1), (np.array([True, False]),), RuntimeError,
     'topk does not support bool'),
    ('topk_complex', lambda x: ember.topk(x, 1), lambda x: torch.topk(x, 1), (np.array([1j]),), RuntimeError,
     'topk does not support complex'),
    ('sort_dim', lambda x: ember.sort(x, 2), lambda x: torch.sort(x, 2), (F,), IndexError, 'Dimension out of range'),
    ('sort_0d_dim', lambda x: ember.sort(x, 1), lambda x: torch.sort(x, 1), (np.array(1.),), IndexError,
     r'\[-1, 0\], but got 1'),
    ('sort_complex', lambda x: ember.sort(x), lambda x: torch.sort(x), (np.array([1j]),), RuntimeError,
     'Sort does not support complex'),
    ('argsort_dim', lambda x: ember.argsort(x, -2), lambda x: torch.argsort(x, -2), (F,), IndexError,
     'Dimension out of range'),
    ('sort_out_int32', lambda x: ember.sort(x, out=(ember.empty(0), ember.empty(0, dtype=ember.int32))),
     lambda x: torch.sort(x, out=(torch.empty(0), torch.empty(0, dtype=torch.int32))), (F,), RuntimeError,
     'Expected out tensor to have dtype long int, but got int instead'),
    ('kthvalue_k_too_big', lambda x: ember.kthvalue(x, 4), lambda x: torch.kthvalue(x, 4), (F,), RuntimeError,
     'kthvalue\\(\\): selected number k out of range for dimension 0'),
    ('kthvalue_k_zero', lambda x: ember.kthvalue(x, 0), lambda x: torch.kthvalue(x, 0), (F,), RuntimeError,
     'selected number k out of range'),
    ('kthvalue_empty_dim', lambda x: ember.kthvalue(x, 1, 1), lambda x: torch.kthvalue(x, 1, 1),
     (np.zeros((2, 0)),), IndexError, 'Expected reduction dim 1 to have non-zero size'),
    ('kthvalue_bool', lambda x: ember.kthvalue(x, 1), lambda x: torch.kthvalue(x, 1), (np.array([True]),),
     NotImplementedError, "\"kthvalue_cpu\" not implemented for 'Bool'"),
    ('kthvalue_dim', lambda x: ember.kthvalue(x, 1, 3), lambda x: torch.kthvalue(x, 1, 3), (F,), IndexError,
     'Dimension out of range'),
    ('unique_complex', ember.unique, torch.unique, (np.array([1j]),), NotImplementedError,
     "\"unique\" not implemented for 'ComplexDouble'"),
    ('unique_dim', lambda x: ember.unique(x, dim=2), lambda x: torch.unique(x, dim=2), (np.ones((2, 2)),),
     IndexError, 'Dimension out of range'),
    ('unique_0d_dim', lambda x: ember.unique(x, dim=0), lambda x: torch.unique(x, dim=0), (np.array(1),),
     IndexError, 'Dimension specified as 0 but tensor has no dimensions'),
    ('unique_zero_sized', lambda x: ember.unique(x, dim=0), lambda x: torch.unique(x, dim=0), (np.zeros((3, 0)),),
     RuntimeError, "There are 0 sized dimensions, and they aren't selected"),
    ('unique_consecutive_zero_sized', lambda x: ember.unique_consecutive(x, dim=0),
     lambda x: torch.unique_consecutive(x, dim=0), (np.zeros((3, 0)),), RuntimeError, '0 sized dimensions'),
    ('searchsorted_lead_dims', ember.searchsorted, torch.searchsorted,
     (np.array([[1., 3, 5], [2, 4, 6]]), np.array([[3.], [3.], [1.]])), RuntimeError,
     r'first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor '
     r'\[2, 3\] and input value tensor \[3, 1\]'),
    ('searchsorted_ndim_mismatch', ember.searchsorted, torch.searchsorted,
     (np.array([[1., 3, 5], [2, 4, 6]]), np.array([3., 4.])), RuntimeError, 'first N-1 dimensions'),
    ('searchsorted_scalar_nd', lambda s: ember.searchsorted(s, 3.), lambda s: torch.searchsorted(s, 3.),
     (np.ones((2, 2)),), RuntimeError, r'input value can be a scalar only when boundaries tensor dimension is 1'),
    ('searchsorted_0d', ember.searchsorted, torch.searchsorted, (np.array(1.), F), RuntimeError,
     'boundaries tensor should have positive dimension, but got 0 dimension'),
    ('searchsorted_side', lambda s, v: ember.searchsorted(s, v, side='middle'),
     lambda s, v: torch.searchsorted(s, v, side='middle'), (F, F), RuntimeError,
     "side can only be 'left' or 'right' but got middle"),
    ('searchsorted_side_right', lambda s, v: ember.searchsorted(s, v, side='left', right=True),
     lambda s, v: torch.searchsorted(s, v, side='left', right=True), (F, F), RuntimeError,
     "side and right can't be set to opposites"),
    ('searchsorted_sorter_dtype', lambda s, v, o: ember.searchsorted(s, v, sorter=o),
     lambda s, v, o: torch.searchsorted(s, v, sorter=o), (F, F, np.array([1, 2, 0], dtype=np.int32)), RuntimeError,
     'sorter must be a tensor of long dtype but got dtype Int'),
    ('searchsorted_sorter_size', lambda s, v, o: ember.searchsorted(s, v, sorter=o),
     lambda s, v, o: torch.searchsorted(s, v, sorter=o), (F, F, np.array([1, 0])), RuntimeError,
     'boundary and sorter must have the same size'),
    ('searchsorted_sorter_range', lambda s, v, o: ember.searchsorted(s, v, sorter=o),
     lambda s, v, o: torch.searchsorted(s, v, sorter=o), (F, F, np.array([1, 0, 3])), RuntimeError,
     'sorter index out of range'),
    ('searchsorted_bool', ember.searchsorted, torch.searchsorted, (np.array([True]), np.array([True])),
     NotImplementedError, "\"searchsorted_out_cpu\" not implemented for 'Bool'"),
    ('bucketize_2d', ember.bucketize, torch.bucketize, (F, np.ones((1, 2))), RuntimeError,
     r'boundaries tensor must be 1 dimension, but got dim\(2\)'),
    ('bincount_negative', ember.bincount, torch.bincount, (np.array([0, -1]),), RuntimeError,
     'bincount only supports 1-d non-negative integral inputs.'),
    ('bincount_2d', ember.bincount, torch.bincount, (np.array([[0, 1]]),), RuntimeError,
     'bincount only supports 1-d non-negative integral inputs.'),
    ('bincount_0d', ember.bincount, torch.bincount, (np.array(1),), RuntimeError, 'only supports 1-d'),
    ('bincount_float', ember.bincount, torch.bincount, (F,), NotImplementedError,
     "\"bincount_cpu\" not implemented for 'Float'"),
    ('bincount_bool', ember.bincount, torch.bincount, (np.array([True]),), NotImplementedError,
     "not implemented for 'Bool'"),
    ('bincount_minlength', lambda x: ember.bincount(x, minlength=-1), lambda x: torch.bincount(x, minlength=-1),
     (I,), RuntimeError, 'minlength should be >= 0'),
    ('bincount_weights_len', ember.bincount, torch.bincount, (I, F), RuntimeError,
     'weights should be 1-d and have the same length as input'),
    ('histc_int', ember.histc, torch.histc, (I,), NotImplementedError, "\"histogram_cpu\" not implemented for 'Long'"),
    ('histc_bins', lambda x: ember.histc(x, 0), lambda x: torch.histc(x, 0), (F,), RuntimeError,
     'bins must be > 0, but got 0 for dimension 0'),
    ('histc_min_max', lambda x: ember.histc(x, 4, 3, 0), lambda x: torch.histc(x, 4, 3, 0), (F,), RuntimeError,
     'torch.histc: max must be larger than min'),
    ('histc_inf', lambda x: ember.histc(x, 4), lambda x: torch.histc(x, 4), (np.array([1., np.inf]),), RuntimeError,
     r'torch.histc: range of \[1, inf\] is not finite'),
    ('histogram_int', lambda x: ember.histogram(x, 3), lambda x: torch.histogram(x, 3), (I,), NotImplementedError,
     "\"histogramdd\" not implemented for 'Long'"),
    ('histogram_range', lambda x: ember.histogram(x, 3, range=(3., 0.)),
     lambda x: torch.histogram(x, 3, range=(3., 0.)), (F,), RuntimeError,
     'min should not exceed max, but got min 3 max 0 for dimension 0'),
    ('histogram_inf_range', lambda x: ember.histogram(x, 3, range=(0., np.inf)),
     lambda x: torch.histogram(x, 3, range=(0., np.inf)), (F,), RuntimeError, r"range \[0, inf\] is not finite"),
    ('histogram_bins_dtype', ember.histogram, torch.histogram, (F, np.array([0., 1.])), RuntimeError,
     'input tensor and bins tensors should have the same dtype, but got input with dtype float and bins for '
     'dimension 0 with dtype double'),
    ('histogram_weight_dtype', lambda x, w: ember.histogram(x, 3, weight=w),
     lambda x, w: torch.histogram(x, 3, weight=w), (F, F.astype(np.float64)), RuntimeError,
     r'input\(float\), and weight\(double\)'),
    ('histogram_weight_shape', lambda x, w: ember.histogram(x, 3, weight=w),
     lambda x, w: torch.histogram(x, 3, weight=w), (F, F[:2]), RuntimeError,
     r'but got input with shape \[3, 1\] and weight with shape \[2\]'),
    ('masked_select_int_mask', ember.masked_select, torch.masked_select, (F, np.array([1, 0, 1])), RuntimeError,
     'masked_select: expected BoolTensor for mask'),
    ('masked_select_uint8_mask', ember.masked_select, torch.masked_select, (F, np.array([1, 0, 1], dtype=np.uint8)),
     RuntimeError, 'expected BoolTensor for mask'),
    ('masked_select_broadcast', ember.masked_select, torch.masked_select, (F, np.array([True, False])), RuntimeError,
     r'The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0'),
    ('isin_bool', ember.isin, torch.isin, (np.array([True]), np.array([True])), RuntimeError,
     'Unsupported input type encountered for isin\\(\\): Bool'),
    ('isin_complex', ember.isin, torch.isin, (np.array([1j]), np.array([1j])), RuntimeError,
     'Unsupported input type encountered for isin'),
]


@pytest.mark.parametrize('name,efn,tfn,args,exc,match', BAD, ids=[b[0] for b in BAD])
def test_bad_inputs(name, efn, tfn, args, exc, match):
    with pytest.raises(exc, match=match):
        efn(*[ember.tensor(a) for a in args])
    with pytest.raises(exc, match=match):
        tfn(*[torch.tensor(a) for a in args])


def test_isin_two_scalars_is_a_type_error():
    with pytest.raises(TypeError):
        ember.isin(2, 2)
    with pytest.raises(TypeError):
        torch.isin(2, 2)
