"""Indexing against PyTorch: t[key] get/set (views, copies, gradients), gather/scatter, index_*, masked_*, take/put,
where; gradcheck + gradgradcheck in float64; bad inputs raise PyTorch's exception classes and messages."""
import warnings

import numpy as np
import pytest

import ember
from support import assert_same, check_grads, check_op, needs_torch, torch

pytestmark = needs_torch

R = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return R.standard_normal(shape).astype(dtype)


def L(m, *a, dtype=None):
    """An int64 (or ``dtype``) tensor of framework ``m``."""
    return m.tensor(np.array(a if len(a) != 1 else a[0]), dtype=dtype if dtype is not None else m.int64)


def B(m, *a):
    return m.tensor(np.array(a if len(a) != 1 else a[0], dtype=bool))


def both(f, *args, **kw):
    """``check_op`` of ``f(module, *tensors)`` in ember and torch."""
    return check_op(lambda *a: f(ember, *a), lambda *a: f(torch, *a), *args, **kw)


# --------------------------------------------------------------------------------------------------- getitem
BASIC_KEYS = [
    lambda m: 0, lambda m: -1, lambda m: (slice(None), 0), lambda m: (0, slice(1, 3)), lambda m: None,
    lambda m: Ellipsis, lambda m: slice(None), lambda m: (slice(None), slice(None)), lambda m: (1, None),
    lambda m: (Ellipsis, None), lambda m: slice(None, None, 2), lambda m: (0, 0), lambda m: (slice(1, 2), 0),
    lambda m: slice(5, 10), lambda m: slice(-10, 2), lambda m: (0, Ellipsis, 0), lambda m: (None, Ellipsis, None),
    lambda m: (slice(1, None), slice(None, None, 3)), lambda m: m.tensor(1), lambda m: (m.tensor(1), m.tensor(2)),
    lambda m: slice(1, 1),
]

ADV_KEYS = [
    lambda m: [0, 2], lambda m: (slice(None), [0, 3]), lambda m: [[0, 1], [1, 2]], lambda m: ([0, 1], [1, 2]),
    lambda m: L(m, [2, 0, 2]), lambda m: L(m, [0, 1], dtype=m.int32), lambda m: B(m, [True, False, True]),
    lambda m: (slice(None), B(m, [True, False, True, False])), lambda m: True, lambda m: False,
    lambda m: ([0, 1], None, [1, 2]), lambda m: (slice(1, 3), [0, 1]), lambda m: (0, [0, 3, 3]),
    lambda m: (B(m, [True, True, False]), 1), lambda m: ([], ), lambda m: ([0, 1], Ellipsis, [0, 1]),
    lambda m: (slice(0, 2), Ellipsis, [0, 1]), lambda m: (slice(None), None, [0, 1]), lambda m: [-3, -1],
    lambda m: (B(m, [True, False, True]), [0, 1]), lambda m: [True, False, True],
]

ADV3_KEYS = [
    lambda m: (slice(None), [0, 1], [0, 1]), lambda m: ([0, 1], slice(None), [0, 1]),
    lambda m: (0, slice(None), [0, 1]), lambda m: ([0], slice(None), 0), lambda m: (slice(None), 0, [1, 2]),
    lambda m: (True, [0]), lambda m: ([0, 1], True),
    lambda m: B(m, np.arange(24).reshape(2, 3, 4) % 3 == 0), lambda m: (slice(None), B(m, [[True, False] * 2] * 3)),
    lambda m: (None, [1, 0], slice(1, 3), [[0], [3]]),
]


def _grad_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


@pytest.mark.parametrize('k', range(len(BASIC_KEYS)))
def test_getitem_basic_is_view(k):
    key = BASIC_KEYS[k]
    a = randn(3, 4)
    e, t = both(lambda m, x: x[key(m)], a)
    assert _grad_name(e) == _grad_name(t)
    # a view: shares memory and the version counter with its base
    base = ember.tensor(a)
    v = base[key(ember)]
    tv = torch.tensor(a)[key(torch)]
    assert (v._base is not None) == (tv._base is not None)
    if v.numel():
        base.add_(1)
        np.testing.assert_allclose(v.numpy(), to_np(tv) + 1)
        assert v._version == base._version == 1


def to_np(t):
    return t.detach().numpy()


@pytest.mark.parametrize('k', range(len(ADV_KEYS)))
def test_getitem_advanced(k):
    key = ADV_KEYS[k]
    e, t = both(lambda m, x: x[key(m)], randn(3, 4))
    assert _grad_name(e) == _grad_name(t) == 'IndexBackward0'
    assert e._base is None


@pytest.mark.parametrize('k', range(len(ADV3_KEYS)))
def test_getitem_advanced_3d(k):
    key = ADV3_KEYS[k]
    both(lambda m, x: x[key(m)], randn(2, 3, 4))


@pytest.mark.parametrize('dtype', [np.int64, np.bool_, np.float64, np.int32, np.uint8])
def test_getitem_dtypes(dtype):
    a = (R.standard_normal((3, 4)) * 5).astype(dtype)
    for key in (lambda m: 1, lambda m: (slice(None), [0, 2]), lambda m: B(m, [True, False, True])):
        both(lambda m, x: x[key(m)], a)


def test_getitem_zero_dim_and_empty():
    both(lambda m, x: x[None], randn())
    both(lambda m, x: x[...], randn())
    both(lambda m, x: x[True], randn())
    both(lambda m, x: x[[0, 0]], randn(2, 0))
    both(lambda m, x: x[:, [1]], randn(0, 3))


def test_advanced_backward_sums_duplicates():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0])
    both(lambda m, x: x[L(m, [[0, 2], [2, 2]]), 1:], randn(3, 4))


@pytest.mark.parametrize('key', [lambda m: (slice(None), [0, 0, 3]), lambda m: (1, slice(0, 3)),
                                 lambda m: B(m, [True, False, True]), lambda m: ([0, 2, 0], None, [1, 1, 3]),
                                 lambda m: (None, 0, slice(None, None, 2))])
def test_getitem_gradcheck(key):
    check_grads(lambda x: x[key(ember)], randn(3, 4))


# --------------------------------------------------------------------------------------------------- setitem
SET_CASES = [
    (lambda m: 0, lambda m: 5.0), (lambda m: (slice(None), 1), lambda m: m.tensor([1.0, 2.0, 3.0])),
    (lambda m: slice(0, 2), lambda m: m.tensor([[1.0, 2.0, 3.0, 4.0]])), (lambda m: [0, 2], lambda m: m.tensor(7.0)),
    (lambda m: B(m, [True, False, True]), lambda m: m.tensor([1.0, 2.0, 3.0, 4.0])),
    (lambda m: (slice(None), [1, 3]), lambda m: m.tensor([[1.0], [2.0], [3.0]])), (lambda m: 0, lambda m: m.ones(1, 4)),
    (lambda m: (Ellipsis, 2), lambda m: m.tensor([1, 2, 3])), (lambda m: 1, lambda m: m.tensor([1., 2, 3, 4],
                                                                                               dtype=m.float64)),
    (lambda m: ([0, 1], [1, 2]), lambda m: 9), (lambda m: None, lambda m: 1.5),
]


@pytest.mark.parametrize('k', range(len(SET_CASES)))
@pytest.mark.parametrize('dtype', [np.float32, np.int64])
def test_setitem_values(k, dtype):
    key, val = SET_CASES[k]
    a = (randn(3, 4) * 4).astype(dtype)
    e, t = ember.tensor(a), torch.tensor(a)
    v0 = e._version
    ve, vt = val(ember), val(torch)
    if k not in (7, 8) and isinstance(vt, torch.Tensor):  # advanced keys need matching dtypes (7, 8 cast)
        ve, vt = ve.to(e.dtype), vt.to(t.dtype)
    e[key(ember)] = ve
    t[key(torch)] = vt
    assert_same(e, t)
    assert e._version == v0 + 1


def test_setitem_through_view_writes_base():
    e, t = ember.zeros(3, 4), torch.zeros(3, 4)
    ve, vt = e[1], t[1]
    ve[1:3] = 2.0
    vt[1:3] = 2.0
    assert_same(e, t)
    assert e._version == ve._version == 1


@pytest.mark.parametrize('k', [1, 2, 3, 4, 5, 6, 8])
def test_setitem_grads_flow_to_base_and_value(k):
    key, val = SET_CASES[k]
    a = randn(3, 4, dtype=np.float64)
    grads = []
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        v = val(m).to(m.float64).detach().requires_grad_(True)
        y = x * 2
        y[key(m)] = v
        assert y.requires_grad
        w = m.tensor(np.arange(12.0).reshape(3, 4))
        gx, gv = m.autograd.grad((y * w).sum(), (x, v))
        grads.append((gx, gv))
    assert_same(grads[0][0], grads[1][0])
    assert_same(grads[0][1], grads[1][1])


def test_setitem_gradcheck_and_dtype_cast():
    def f(x, v):
        y = x * 1
        y[:, [0, 2]] = v
        return y
    check_grads(f, randn(3, 4), randn(3, 1))

    def g(x, v):
        y = x.clone()
        y[1:, None] = v
        return y
    check_grads(g, randn(3, 4), randn(1, 4))
    grads = []
    for m in (ember, torch):
        x = m.ones(2, 3, requires_grad=True)
        v = m.tensor([1.0, 2.0, 3.0], dtype=m.float64, requires_grad=True)
        y = x * 1
        y[0] = v
        assert y.dtype == m.float32
        grads.append(m.autograd.grad((y * m.tensor([[1.0, 2.0, 3.0]])).sum(), (x, v)))
    assert_same(list(grads[0]), list(grads[1]))


def test_augmented_assignment_through_index():
    res = []
    for m in (ember, torch):
        x = m.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        y = x * 2
        y[0] += x[1]
        y[:, 1] *= 3
        y[1, [0, 0]] -= 1.0
        g, = m.autograd.grad((y * m.tensor(np.arange(6.0).reshape(2, 3))).sum(), x)
        res.append((y.detach(), g))
    assert_same(list(res[0]), list(res[1]))


def test_setitem_into_view_of_graph_tensor():
    res = []
    for m in (ember, torch):
        x = m.ones(2, 3, requires_grad=True)
        w = m.tensor(5.0, requires_grad=True)
        y = x * 2
        v = y[0]
        v[1] = w
        res.append((y.detach(), list(m.autograd.grad((y * m.tensor([[1.0, 2.0, 3.0]])).sum(), (x, w)))))
    assert_same(res[0][0], res[1][0])
    assert_same(res[0][1], res[1][1])


def test_setitem_no_grad_on_leaf_is_allowed():
    x = ember.zeros(3, requires_grad=True)
    with ember.no_grad():
        x[0] = 1.0
    assert x.numpy(force=True)[0] == 1.0


# --------------------------------------------------------------------------------------------------- op tables
IDX = np.array([[0, 1, 2, 0], [1, 1, 1, 1]])
IDX_UNIQUE = np.array([[0, 1, 2, 0], [1, 2, 0, 2]])  # no duplicate target positions along dim 0
IDX_SMALL = np.array([[2, 0], [1, 2]])               # smaller than self and src apart from dim 0


def E(a):
    return ember.tensor(np.asarray(a, dtype=np.int64))


OPS = [
    # name, f(m, *tensors), inputs (float arrays get grads)
    ('gather', lambda m, x: m.gather(x, 0, m.tensor(IDX)), [randn(3, 4)]),
    ('gather_dim1', lambda m, x: x.gather(1, m.tensor([[0, 0], [3, 1], [2, 2]])), [randn(3, 4)]),
    ('gather_neg_dim_small', lambda m, x: x.gather(-1, m.tensor([[1], [0]])), [randn(3, 4)]),
    ('gather_0d', lambda m, x: x.gather(0, m.tensor(0)), [randn()]),
    ('gather_empty', lambda m, x: x.gather(1, m.zeros(2, 0, dtype=m.int64)), [randn(3, 4)]),
    ('gather_3d', lambda m, x: x.gather(1, m.tensor(np.array([[[0, 2], [1, 1]], [[2, 2], [0, 1]]]))),
     [randn(2, 3, 4)]),
    ('scatter_src', lambda m, x, s: m.scatter(x, 0, m.tensor(IDX_UNIQUE), s), [randn(3, 4), randn(2, 4)]),
    ('scatter_src_larger', lambda m, x, s: x.scatter(0, m.tensor(IDX_SMALL), s), [randn(3, 4), randn(3, 5)], False),
    ('scatter_value', lambda m, x: x.scatter(1, m.tensor([[0], [3], [2]]), 2.5), [randn(3, 4)]),
    ('scatter_reduce_add', lambda m, x, s: x.scatter(0, m.tensor(IDX), s, reduce='add'),
     [randn(3, 4), randn(2, 4)], False),
    ('scatter_reduce_mul_value', lambda m, x: x.scatter(0, m.tensor(IDX), 3.0, reduce='multiply'),
     [randn(3, 4)], False),
    ('scatter_add', lambda m, x, s: m.scatter_add(x, 0, m.tensor(IDX), s), [randn(3, 4), randn(2, 4)]),
    ('scatter_add_larger', lambda m, x, s: x.scatter_add(1, m.tensor([[0, 0], [1, 3]]), s), [randn(3, 4), randn(2, 5)],
     False),
    ('scatter_add_int', lambda m, x: x.scatter_add(0, m.tensor(IDX), m.ones(2, 4, dtype=m.int64)),
     [np.arange(12).reshape(3, 4)]),
    ('index_select', lambda m, x: m.index_select(x, 1, m.tensor([3, 0, 0])), [randn(3, 4)]),
    ('index_select_0d_index', lambda m, x: x.index_select(0, m.tensor(2)), [randn(3, 4)]),
    ('index_select_int32', lambda m, x: x.index_select(0, m.tensor([2, 2], dtype=m.int32)), [randn(3, 4)]),
    ('index_select_0d', lambda m, x: x.index_select(0, m.tensor([0])), [randn()]),
    ('index_add', lambda m, x, s: m.index_add(x, 0, m.tensor([2, 0, 2]), s), [randn(3, 4), randn(3, 4)]),
    ('index_add_alpha', lambda m, x, s: x.index_add(1, m.tensor([1, 1]), s, alpha=2.5), [randn(3, 4), randn(3, 2)]),
    ('index_add_int_alpha', lambda m, x: x.index_add(0, m.tensor([0, 0]), m.ones(2, dtype=m.int32), alpha=3),
     [np.zeros(3, np.int32)]),
    ('index_copy', lambda m, x, s: m.index_copy(x, 0, m.tensor([2, 0]), s), [randn(3, 4), randn(2, 4)]),
    ('index_copy_0d', lambda m, x, s: x.index_copy(0, m.tensor([0]), s), [randn(), randn()]),
    ('index_fill', lambda m, x: m.index_fill(x, 1, m.tensor([0, -1]), -2.0), [randn(3, 4)]),
    # (PyTorch's backward for a tensor value fails on negative indices; ember's gradcheck below covers them)
    ('index_fill_tensor', lambda m, x, v: x.index_fill(0, m.tensor([1, 2, 1]), v), [randn(3, 4), randn()]),
    ('index_fill_int', lambda m, x: x.index_fill(0, m.tensor([0]), 2.7), [np.arange(3)]),
    ('index_put', lambda m, x, v: m.index_put(x, (m.tensor([0, 2]), m.tensor([1, 3])), v),
     [randn(3, 4), randn(2)]),
    ('index_put_acc', lambda m, x, v: x.index_put((m.tensor([0, 0, 2]),), v, accumulate=True),
     [randn(3, 4), randn(4)]),
    ('index_put_mask', lambda m, x, v: x.index_put([m.tensor([True, False, True])], v), [randn(3, 4), randn()]),
    ('masked_fill', lambda m, x: m.masked_fill(x, m.tensor([True, False, True, True]), -1.0), [randn(3, 4)]),
    ('masked_fill_tensor', lambda m, x, v: x.masked_fill(m.tensor([[True], [False], [True]]), v),
     [randn(3, 4), randn()]),
    ('masked_fill_broadcast_out', lambda m, x: x.masked_fill(m.tensor(np.eye(4, dtype=bool)[:, None]), 3.0),
     [randn(3, 4)]),
    ('masked_fill_int_value_cast', lambda m, x: x.masked_fill(m.tensor([True, False]), 2.7), [np.arange(2)]),
    ('masked_fill_bool', lambda m, x: x.masked_fill(m.tensor([True, False]), True), [np.array([False, False])]),
    ('masked_scatter', lambda m, x, s: m.masked_scatter(x, m.tensor([[True, False, True, False]]), s),
     [randn(3, 4), randn(2, 5)]),
    ('masked_scatter_broadcast', lambda m, x, s: x.masked_scatter(m.tensor([[[True], [False], [True]]] * 2), s),
     [randn(3, 4), randn(20)]),
    ('take', lambda m, x: m.take(x, m.tensor([[0, 11], [-1, 5]])), [randn(3, 4)]),
    ('take_dup', lambda m, x: x.take(m.tensor([3, 3, 3])), [randn(3, 4)]),
    ('take_0d', lambda m, x: x.take(m.tensor([0, 0])), [randn()]),
    ('put', lambda m, x, s: m.put(x, m.tensor([0, 11, -2]), s), [randn(3, 4), randn(3)]),
    ('put_acc', lambda m, x, s: x.put(m.tensor([[0, 0], [5, 0]]), s, accumulate=True), [randn(3, 4), randn(2, 2)]),
    ('take_along_dim', lambda m, x: m.take_along_dim(x, m.tensor([[0, 2, 1, -1]]), 0), [randn(3, 4)]),
    ('take_along_dim_bcast', lambda m, x: m.take_along_dim(x, m.tensor([[[1], [0]]]), 2), [randn(2, 1, 4)]),
    ('take_along_dim_flat', lambda m, x: x.take_along_dim(m.tensor([5, 0, 11])), [randn(3, 4)]),
    ('where', lambda m, x, y: m.where(x > 0, x, y), [randn(3, 4), randn(4)]),
    ('where_scalar', lambda m, x: m.where(x > 0, x, 0.0), [randn(3, 4)]),
    ('where_method', lambda m, x, y: x.where(y > 0, y), [randn(3, 1), randn(1, 4)]),
    ('where_scalars', lambda m: m.where(m.tensor([True, False]), 1, 2.0), []),
    ('where_ints', lambda m: m.where(m.tensor([True, False]), 1, 2), []),
    ('where_int_tensor_float_scalar', lambda m: m.where(m.tensor([True, False]), m.tensor([1, 2], dtype=m.int32), 2.0),
     []),
    ('where_int_tensor_0d_float', lambda m: m.where(m.tensor([True, False]), m.tensor([1, 2], dtype=m.int32),
                                                    m.tensor(2.0)), []),
    ('where_bools', lambda m: m.where(m.tensor([True, False]), True, False), []),
    ('where_half', lambda m: m.where(m.tensor([True, False]), m.ones(2, dtype=m.float16), 2.0), []),
    ('where_uint8_cond', lambda m: m.where(m.tensor([1, 0], dtype=m.uint8), 1.0, 2.0), []),
    ('where_f64_f32', lambda m, x, y: m.where(x > 0, x, y), [randn(3, dtype=np.float64), randn(3)]),
]

SCATTER_REDUCE = [(r, inc) for r in ('sum', 'prod', 'mean', 'amax', 'amin') for inc in (True, False)]


@pytest.mark.parametrize('case', OPS, ids=[c[0] for c in OPS])
def test_op_vs_torch(case):
    f, args = case[1], case[2]
    both(f, *args, grad=case[3] if len(case) > 3 else True)


@pytest.mark.parametrize('case', OPS, ids=[c[0] for c in OPS])
def test_op_float64(case):
    f, args = case[1], case[2]
    if not any(isinstance(a, np.ndarray) and a.dtype.kind == 'f' for a in args):
        return
    both(f, *[a.astype(np.float64) if a.dtype.kind == 'f' else a for a in args],
         grad=case[3] if len(case) > 3 else True)


@pytest.mark.parametrize('reduce,include_self', SCATTER_REDUCE)
def test_scatter_reduce_vs_torch(reduce, include_self):
    f = lambda m, x, s: m.scatter_reduce(x, 0, m.tensor(IDX), s, reduce, include_self=include_self)  # noqa: E731
    both(f, randn(3, 4), randn(2, 4))
    # src larger than index: PyTorch's backward fails there (shape error), so compare values only
    both(lambda m, x, s: x.scatter_reduce(1, m.tensor([[0, 0], [3, 3]]), s, reduce, include_self=include_self),
         randn(3, 4), randn(2, 3), grad=False)
    ints = np.arange(-6, 6).reshape(3, 4)
    both(lambda m, x: x.scatter_reduce(0, m.tensor(IDX), m.ones(2, 4, dtype=m.int64) * 7, reduce,
                                       include_self=include_self), ints)


def test_scatter_reduce_ties_and_zeros():
    x = np.array([[1.0, 0.0, 2.0], [3.0, 1.0, 0.0]])
    s = np.array([[1.0, 5.0, 0.0], [1.0, 1.0, 0.0]])
    idx = np.array([[0, 1, 0], [0, 0, 0]])
    for reduce in ('amax', 'amin', 'prod'):
        for inc in (True, False):
            both(lambda m, a, b: a.scatter_reduce(0, m.tensor(idx), b, reduce, include_self=inc), x, s)


GRAD_OPS = [
    ('gather', lambda x: x.gather(0, E(IDX)), [randn(3, 4)]),
    ('scatter', lambda x, s: x.scatter(0, E(IDX_SMALL), s), [randn(3, 4), randn(3, 5)]),
    ('scatter_value', lambda x: x.scatter(0, E(IDX), 1.5), [randn(3, 4)]),
    ('scatter_add', lambda x, s: x.scatter_add(0, E(IDX), s), [randn(3, 4), randn(2, 4)]),
    ('index_select', lambda x: x.index_select(1, E([3, 0, 3])), [randn(3, 4)]),
    ('index_add', lambda x, s: x.index_add(0, E([2, 0, 2]), s, alpha=-1.5), [randn(3, 4), randn(3, 4)]),
    ('index_copy', lambda x, s: x.index_copy(1, E([2, 0]), s), [randn(3, 4), randn(3, 2)]),
    ('index_fill', lambda x, v: x.index_fill(0, E([-1]), v), [randn(3, 4), randn()]),
    ('index_put', lambda x, v: x.index_put((E([0, 2]), E([1, 1])), v), [randn(3, 4), randn(1)]),
    ('index_put_acc', lambda x, v: x.index_put((E([0, 0]),), v, accumulate=True), [randn(3, 4), randn(2, 4)]),
    ('masked_fill', lambda x, v: x.masked_fill(ember.tensor([True, False, False, True]), v), [randn(3, 4), randn()]),
    ('masked_scatter', lambda x, s: x.masked_scatter(ember.tensor([[True], [False], [True]]), s),
     [randn(3, 4), randn(9)]),
    ('take', lambda x: x.take(E([[0, 0], [-1, 4]])), [randn(3, 4)]),
    ('put', lambda x, s: x.put(E([1, 5, 1]), s, accumulate=True), [randn(3, 4), randn(3)]),
    ('put_noacc', lambda x, s: x.put(E([1, 5]), s), [randn(3, 4), randn(2)]),
    ('take_along_dim', lambda x: ember.take_along_dim(x, E([[[1], [0]]]), 2), [randn(2, 1, 4)]),
    ('where', lambda x, y: ember.where(x > 0, x, y), [randn(3, 4), randn(4)]),
]


@pytest.mark.parametrize('case', GRAD_OPS, ids=[c[0] for c in GRAD_OPS])
def test_gradcheck(case):
    check_grads(case[1], *case[2])


@pytest.mark.parametrize('reduce,include_self', SCATTER_REDUCE)
def test_scatter_reduce_gradcheck(reduce, include_self):
    # distinct values so amax/amin have no ties (their gradient is not smooth at ties)
    x = R.permutation(12).reshape(3, 4).astype(np.float64) / 3 + 0.5
    s = R.permutation(8).reshape(2, 4).astype(np.float64) / 5 + 0.31
    check_grads(lambda a, b: a.scatter_reduce(0, E(IDX), b, reduce, include_self=include_self), x, s)


def test_scatter_legacy_reduce_backward_not_implemented():
    x = ember.ones(3, requires_grad=True)
    y = x.scatter(0, E([0]), 2.0, reduce='multiply')
    with pytest.raises(RuntimeError, match="not implemented"):
        y.sum().backward()


# --------------------------------------------------------------------------------------------------- in-place forms
INPLACE = [
    ('scatter_', lambda m, x, s: x.scatter_(0, m.tensor(IDX_UNIQUE), s), (3, 4), (2, 4)),
    ('scatter_value_', lambda m, x: x.scatter_(0, m.tensor(IDX), 4.0), (3, 4)),
    ('scatter_add_', lambda m, x, s: x.scatter_add_(0, m.tensor(IDX), s), (3, 4), (2, 4)),
    ('scatter_reduce_', lambda m, x, s: x.scatter_reduce_(0, m.tensor(IDX), s, 'amax', include_self=False), (3, 4),
     (2, 4)),
    ('index_add_', lambda m, x, s: x.index_add_(0, m.tensor([1, 1]), s, alpha=2), (3, 4), (2, 4)),
    ('index_copy_', lambda m, x, s: x.index_copy_(0, m.tensor([1, 0]), s), (3, 4), (2, 4)),
    ('index_fill_', lambda m, x: x.index_fill_(1, m.tensor([1]), 0.5), (3, 4)),
    ('index_put_', lambda m, x, s: x.index_put_((m.tensor([1, 1]),), s, accumulate=True), (3, 4), (4,)),
    ('masked_fill_', lambda m, x: x.masked_fill_(m.tensor([True, False, True, False]), 0.5), (3, 4)),
    ('masked_scatter_', lambda m, x, s: x.masked_scatter_(m.tensor([True, False, True, False]), s), (3, 4), (6,)),
    ('put_', lambda m, x, s: x.put_(m.tensor([0, 5]), s), (3, 4), (2,)),
]


@pytest.mark.parametrize('case', INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_forms(case):
    f, shapes = case[1], case[2:]
    arrays = [randn(*s, dtype=np.float64) for s in shapes]
    res = []
    for m in (ember, torch):
        leaves = [m.tensor(a, requires_grad=True) for a in arrays]
        x = leaves[0] * 1
        out = f(m, x, *leaves[1:])
        assert out is x
        w = m.tensor(np.arange(12.0).reshape(3, 4))
        res.append((x.detach(), m.autograd.grad((x * w).sum(), leaves), x._version))
    assert_same(res[0][0], res[1][0])
    assert_same(list(res[0][1]), list(res[1][1]))
    assert res[0][2] == 1
    # without grad: written straight into memory
    x = ember.tensor(arrays[0])
    f(ember, x, *[ember.tensor(a) for a in arrays[1:]])
    assert_same(x, res[1][0])


def test_where_one_arg_and_grad_dtypes():
    c = ember.tensor([[True, False], [False, True]])
    out = ember.where(c)
    assert isinstance(out, tuple) and len(out) == 2
    assert_same(out, torch.where(torch.tensor([[True, False], [False, True]])))


# --------------------------------------------------------------------------------------------------- bad inputs
X = np.arange(12.0, dtype=np.float32).reshape(3, 4)

BAD = [
    # (f(m, x), exception class, message pattern)
    (lambda m, x: x[5], IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda m, x: x[0, 7], IndexError, "index 7 is out of bounds for dimension 1 with size 4"),
    (lambda m, x: x[[0, 5, 7]], IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda m, x: x[:, [0, -5]], IndexError, "index -5 is out of bounds for dimension 0 with size 4"),
    (lambda m, x: x[m.tensor([0.0])], IndexError, "tensors used as indices must be long, int, byte or bool tensors"),
    (lambda m, x: x[m.tensor([0], dtype=m.int16)], IndexError, "tensors used as indices must be long"),
    (lambda m, x: x[1.0], IndexError, "only integers, slices"),
    (lambda m, x: x[0, 0, 0], IndexError, "too many indices for tensor of dimension 2"),
    (lambda m, x: m.tensor(5.0)[0], IndexError, "invalid index of a 0-dim tensor"),
    (lambda m, x: x[::-1], ValueError, "step must be greater than zero"),
    (lambda m, x: x[::0], ValueError, "slice step cannot be zero"),
    (lambda m, x: m.zeros(4)[m.tensor([True, False, True])], IndexError,
     r"The shape of the mask \[3\] at index 0 does not match the shape of the indexed tensor \[4\] at index 0"),
    (lambda m, x: x[:, m.tensor([True, False, True])], IndexError,
     r"The shape of the mask \[3\] at index 0 does not match the shape of the indexed tensor \[3, 4\] at index 1"),
    (lambda m, x: x[m.tensor([True, True, False]), [0, 1, 2]], IndexError,
     "shape mismatch: indexing tensors could not"),
    (lambda m, x: x.__setitem__(5, 1.0), IndexError, "index 5 is out of bounds"),
    (lambda m, x: x.__setitem__(0, m.ones(3)), RuntimeError,
     r"The expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton dimension 0"),
    (lambda m, x: x.__setitem__([0, 1], m.ones(3)), RuntimeError,
     r"shape mismatch: value tensor of shape \[3\] cannot be broadcast to indexing result of shape \[2, 4\]"),
    (lambda m, x: x.__setitem__([0], m.ones(4, dtype=m.float64)), RuntimeError,
     "Index put requires the source and destination dtypes match, got Float for the destination and Double"),
    (lambda m, x: x.__setitem__(slice(1, None), x[:-1]), RuntimeError,
     "some elements of the input tensor and the written-to tensor refer to a single memory location"),
    (lambda m, x: x.__setitem__(0, [1, 2, 3, 4]), TypeError, "can't assign a list to a torch.FloatTensor"),
    (lambda m, x: m.ones(3, requires_grad=True).__setitem__([0], 2.0), RuntimeError,
     "a leaf Variable that requires grad is being used in an in-place operation."),
    (lambda m, x: m.ones(3, requires_grad=True).__setitem__(0, 2.0), RuntimeError,
     "a view of a leaf Variable that requires grad is being used in an in-place operation."),
    (lambda m, x: m.ones(3, requires_grad=True).masked_fill_(m.tensor([True, False, True]), 2.0), RuntimeError,
     "a leaf Variable that requires grad is being used in an in-place operation."),
    (lambda m, x: x.gather(0, m.tensor([[0.0]])), RuntimeError, r"gather\(\): Expected dtype int32/int64 for index"),
    (lambda m, x: x.gather(0, m.tensor([[0]], dtype=m.int16)), RuntimeError, "gather.*Expected dtype int32/int64"),
    (lambda m, x: x.gather(0, m.tensor([0])), RuntimeError,
     "Index tensor must have the same number of dimensions as input tensor"),
    (lambda m, x: x.gather(0, m.tensor([[0, 1, 2, 0, 1]])), RuntimeError,
     r"Size does not match at dimension 1 expected index \[1, 5\] to be no larger than self \[3, 4\] apart from "
     r"dimension 0"),
    (lambda m, x: x.gather(1, m.tensor([[-1]])), RuntimeError, "index -1 is out of bounds for dimension 1 with size 4"),
    (lambda m, x: x.gather(2, m.tensor([[0]])), IndexError, "Dimension out of range"),
    (lambda m, x: x.scatter(0, m.tensor([[5]]), 1.0), RuntimeError, "index 5 is out of bounds for dimension 0 with "
                                                                    "size 3"),
    (lambda m, x: x.scatter_add(0, m.tensor([[3]]), m.ones(1, 1)), RuntimeError, "index 3 is out of bounds"),
    (lambda m, x: x.scatter(0, m.tensor([[0.0]]), 1.0), RuntimeError, r"scatter\(\): Expected dtype int32/int64"),
    (lambda m, x: x.scatter(0, m.tensor([[0]]), m.ones(1, 1, dtype=m.float64)), RuntimeError,
     r"scatter\(\): Expected self.dtype to be equal to src.dtype"),
    (lambda m, x: x.scatter(0, m.tensor([[0, 1]]), m.ones(1, 1)), RuntimeError,
     r"Expected index \[1, 2\] to be no larger than self \[3, 4\] apart from dimension 0 and to be no larger size "
     r"than src \[1, 1\]"),
    (lambda m, x: x.scatter(0, m.tensor([[0]]), m.ones(1, 1), reduce='mean'), RuntimeError,
     "reduce argument must be either add or multiply."),
    (lambda m, x: x.scatter_reduce(0, m.tensor([[0]]), m.ones(1, 1), reduce='add'), RuntimeError,
     "reduce argument must be either sum, prod, mean, amax or amin, got add"),
    (lambda m, x: x.index_select(0, m.tensor([5])), IndexError, "index out of range in self"),
    (lambda m, x: x.index_select(0, m.tensor([0.0])), RuntimeError,
     r"index_select\(\): Expected dtype int32 or int64 for index"),
    (lambda m, x: x.index_select(0, m.tensor([[0]])), IndexError, "Index is supposed to be a vector"),
    (lambda m, x: x.index_add(0, m.tensor([5]), m.ones(1, 4)), RuntimeError, "index 5 is out of bounds"),
    (lambda m, x: x.index_add(0, m.tensor([0]), m.ones(2, 4)), RuntimeError,
     r"index_add_\(\): Number of indices \(1\) should be equal to source.size\(dim\): \(2\), for dim: 0"),
    (lambda m, x: x.index_add(0, m.tensor([0]), m.ones(1, 3)), RuntimeError,
     "source tensor shape must match self tensor shape, excluding the specified dimension"),
    (lambda m, x: x.index_add(0, m.tensor([0]), m.ones(1, 4, dtype=m.float64)), RuntimeError,
     r"index_add_\(\): self \(Float\) and source \(Double\) must have the same scalar type"),
    (lambda m, x: x.index_add(0, m.tensor([0.0]), m.ones(1, 4)), RuntimeError,
     r"index_add_\(\): Expected dtype int32/int64 for index but got: Float"),
    (lambda m, x: x.index_copy(0, m.tensor([5]), m.ones(1, 4)), IndexError,
     r"index_copy_\(\): index 5 is out of bounds for dimension 0 with size 3"),
    (lambda m, x: x.index_copy(0, m.tensor([0], dtype=m.int32), m.ones(1, 4)), RuntimeError,
     r"index_copy_\(\): Expected a long tensor for index, but got Int"),
    (lambda m, x: x.index_copy(0, m.tensor([0]), m.ones(2, 4)), IndexError,
     r"Number of indices \(1\) should be equal to source.size\(dim\) \(2\)"),
    (lambda m, x: x.index_fill(0, m.tensor([-4]), 1.0), IndexError, "index -4 is out of bounds for dimension 0"),
    (lambda m, x: x.index_fill(0, m.tensor([0]), m.tensor([1.0])), RuntimeError,
     "index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension"),
    (lambda m, x: x.index_fill(0, m.tensor([0], dtype=m.int32), 1.0), IndexError,
     r"index_fill_\(\): Expected dtype int64 for index."),
    (lambda m, x: x.index_put((m.tensor([5]),), m.ones(1)), IndexError, "index 5 is out of bounds"),
    (lambda m, x: x.index_put((m.tensor([0]),), m.ones(1, dtype=m.float64)), RuntimeError,
     "Index put requires the source and destination dtypes match, got Float for the destination and Double"),
    (lambda m, x: x.index_put((m.tensor([0]), None), m.tensor(1.0)), TypeError, "expected Tensor as element 1"),
    (lambda m, x: x.masked_fill(m.ones(3, 4), 1.0), RuntimeError,
     "masked_fill_ only supports boolean masks, but got mask with dtype float"),
    (lambda m, x: x.masked_fill(m.ones(3, 4, dtype=m.uint8), 1.0), RuntimeError,
     "but got mask with dtype unsigned char"),
    (lambda m, x: x.masked_fill(m.ones(3, dtype=m.bool), 1.0), RuntimeError,
     r"The size of tensor a \(4\) must match the size of tensor b \(3\) at non-singleton dimension 1"),
    (lambda m, x: x.masked_fill(m.ones(3, 4, dtype=m.bool), m.ones(1)), RuntimeError,
     "masked_fill_ only supports a 0-dimensional value tensor"),
    (lambda m, x: x.masked_fill_(m.ones(2, 3, 4, dtype=m.bool), 1.0), RuntimeError,
     r"output with shape \[3, 4\] doesn't match the broadcast shape \[2, 3, 4\]"),
    (lambda m, x: x.masked_scatter(m.ones(3, 4, dtype=m.bool), m.ones(5)), RuntimeError,
     "Number of elements of source < number of ones in mask"),
    (lambda m, x: x.masked_scatter(m.ones(3, 4), m.ones(12)), RuntimeError,
     "masked_scatter_ only supports boolean masks, but got mask with dtype Float"),
    (lambda m, x: x.masked_scatter(m.ones(3, 4, dtype=m.bool), m.ones(12, dtype=m.float64)), RuntimeError,
     "masked_scatter: expected self and source to have same dtypes but gotFloat and Double"),
    (lambda m, x: x.take(m.tensor([12])), IndexError, "out of range: tried to access index 12 on a tensor of 12 "
                                                      "elements."),
    (lambda m, x: x.take(m.tensor([0], dtype=m.int32)), RuntimeError,
     r"take\(\): Expected a long tensor for index, but got Int"),
    (lambda m, x: x.clone().put_(m.tensor([-13]), m.ones(1)), IndexError, "tried to access index -13"),
    (lambda m, x: x.clone().put_(m.tensor([0, 1]), m.ones(3)), IndexError,
     r"put_\(\): Expected source and index to have the same number of elements, but got source.numel\(\) = 3, "
     r"index.numel\(\) = 2"),
    (lambda m, x: x.clone().put_(m.tensor([0]), m.ones(1, dtype=m.float64)), RuntimeError,
     r"put_\(\): self and source expected to have the same dtype, but got self.dtype = Float and source.dtype = "
     r"Double"),
    (lambda m, x: m.take_along_dim(x, m.tensor([[0]], dtype=m.int32), 0), RuntimeError,
     r"torch.take_along_dim\(\): dtype of indices should be Long but got Int"),
    (lambda m, x: m.take_along_dim(x, m.tensor([0]), 0), RuntimeError,
     "input and indices should have the same number of dimensions, but got 2 dimensions for input, and 1"),
    (lambda m, x: m.take_along_dim(x, m.tensor([[0, 1]]), 0), RuntimeError,
     r"The size of tensor a \(4\) must match the size of tensor b \(2\) at non-singleton dimension 1"),
    (lambda m, x: m.where(m.ones(3), x, x), RuntimeError,
     "where expected condition to be a boolean tensor, but got a tensor with dtype Float"),
    (lambda m, x: m.where(m.ones(3, dtype=m.bool), x, x), RuntimeError,
     r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"),
]


@pytest.mark.parametrize('k', range(len(BAD)))
def test_bad_inputs(k):
    f, exc, pattern = BAD[k]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(exc) as tinfo:
            f(torch, torch.tensor(X))
        with pytest.raises(exc, match=pattern):
            f(ember, ember.tensor(X))
    assert tinfo.type is exc, f"torch raised {tinfo.type.__name__}"
