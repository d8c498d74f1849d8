"""Reductions against real PyTorch: a table of calls run in both frameworks (values, shapes, dtypes, gradients),
gradcheck + gradgradcheck in float64, special values (NaN, ties, zeros, empty tensors) and bad inputs.

Each table entry is ``fn(m, x)`` with ``m`` the framework module (ember or torch), so one lambda serves both.
"""
import pickle
import warnings
from functools import partial

import numpy as np
import pytest

import ember
from ember.ops import reduction as R
from support import check_op, check_grads, needs_torch, torch, assert_same

pytestmark = needs_torch

F32, F64, I64, I32, U8, BOOL, F16 = np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_, np.float16
FLOATS = (F32, F64)
NUMERIC = (F32, F64, I64, I32, U8, BOOL)
INTS = (I64, I32, U8, BOOL)


def make(shape, dt, seed=0, ties=False, zeros=0, nans=0):
    r = np.random.default_rng(seed)
    if dt is BOOL:
        return np.asarray(r.random(shape) < 0.5)
    if np.dtype(dt).kind in 'iu':
        return np.asarray(r.integers(0 if dt is U8 else -4, 5, size=shape), dtype=dt)
    a = np.asarray(r.standard_normal(shape))
    if ties:
        a = np.asarray(np.round(a * 2))
    flat = a.reshape(-1)
    if flat.size:
        flat[r.choice(flat.size, min(zeros, flat.size), replace=False)] = 0
        flat[r.choice(flat.size, min(nans, flat.size), replace=False)] = np.nan
    return a.astype(dt)


def both(fn):
    return partial(fn, ember), partial(fn, torch)


S0, S1, S2, S3 = [()], [(5,)], [(3, 4), (1, 4)], [(2, 3, 4)]
ND = [(5,), (3, 4), (2, 3, 4)]

# (id, fn(m, x), shapes, dtypes, data options)
TABLE = [
    # sum / mean / nansum / nanmean
    ('sum', lambda m, x: m.sum(x), S0 + ND + [(0, 3)], NUMERIC, {}),
    ('sum_dim', lambda m, x: x.sum(1), S2 + S3 + [(0, 3)], NUMERIC, {}),
    ('sum_neg_keep', lambda m, x: m.sum(x, -1, keepdim=True), S0 + ND, NUMERIC, {}),
    ('sum_tuple', lambda m, x: x.sum((0, 2)), S3, NUMERIC, {}),
    ('sum_list_keep', lambda m, x: m.sum(x, [-1, 0], True), S3 + S2, FLOATS, {}),
    ('sum_empty_dims', lambda m, x: m.sum(x, ()), S2, (F32, I64), {}),
    ('sum_dtype', lambda m, x: m.sum(x, 1, dtype=m.float64), S2, (F32, I32, BOOL), {}),
    ('sum_dtype_int', lambda m, x: x.sum(dtype=m.int32), S2, (I64, BOOL), {}),
    ('mean', lambda m, x: x.mean(), S0 + ND + [(0, 3)], FLOATS, {}),
    ('mean_dim', lambda m, x: m.mean(x, (0, -1), keepdim=True), S3 + S2, FLOATS, {}),
    ('mean_dtype', lambda m, x: m.mean(x, 0, dtype=m.float64), S2, (F32, I64, BOOL), {}),
    ('mean_empty_dim', lambda m, x: m.mean(x, 0), [(0, 3)], FLOATS, {}),
    ('nansum', lambda m, x: m.nansum(x), ND, (F32, F64, I64), {'nans': 3}),
    ('nansum_dim', lambda m, x: x.nansum(1, keepdim=True), S2 + S3, (F64, I32, BOOL), {'nans': 3}),
    ('nanmean', lambda m, x: m.nanmean(x), ND, FLOATS, {'nans': 3}),
    ('nanmean_dim', lambda m, x: x.nanmean(-1), S2 + S3, FLOATS, {'nans': 4}),
    # products
    ('prod', lambda m, x: m.prod(x), S0 + ND + [(0,)], NUMERIC, {}),
    ('prod_dim', lambda m, x: x.prod(1), S2 + S3, NUMERIC, {}),
    ('prod_keep_dtype', lambda m, x: m.prod(x, -1, True, dtype=m.float64), S2 + S0, (F32, I32), {}),
    ('prod_zeros', lambda m, x: x.prod(1), S2 + S3, FLOATS, {'zeros': 3}),
    ('prod_zeros_all', lambda m, x: x.prod(), S1, FLOATS, {'zeros': 1}),
    ('prod_two_zeros_all', lambda m, x: x.prod(), S1, FLOATS, {'zeros': 2}),
    # cumulative
    ('cumsum', lambda m, x: m.cumsum(x, 0), S0 + ND, NUMERIC, {}),
    ('cumsum_neg', lambda m, x: x.cumsum(-1), S2 + S3 + [(0, 3)], NUMERIC, {}),
    ('cumsum_dtype', lambda m, x: m.cumsum(x, 1, dtype=m.float64), S2, (F32, I64), {}),
    ('cumprod', lambda m, x: m.cumprod(x, 1), S2 + S3, NUMERIC, {}),
    ('cumprod_zeros', lambda m, x: x.cumprod(-1), S2 + S3, FLOATS, {'zeros': 4}),
    ('cummax', lambda m, x: m.cummax(x, 1), S2 + S3, NUMERIC, {}),
    ('cummax_ties', lambda m, x: x.cummax(0), S2 + S1, FLOATS, {'ties': True}),
    ('cummin', lambda m, x: m.cummin(x, -1), S2 + S0, NUMERIC, {}),
    ('cummin_ties', lambda m, x: x.cummin(1), S2, FLOATS, {'ties': True}),
    # max / min / amax / amin / aminmax / argmax / argmin
    ('max', lambda m, x: m.max(x), S0 + ND, NUMERIC, {}),
    ('max_ties', lambda m, x: x.max(), ND, FLOATS, {'ties': True}),
    ('max_dim', lambda m, x: m.max(x, 1), S2 + S3, NUMERIC, {}),
    ('max_dim_ties', lambda m, x: x.max(-1, keepdim=True), S2 + S3, FLOATS, {'ties': True}),
    ('max_dim_scalar', lambda m, x: m.max(x, 0), S0, FLOATS, {}),
    ('min', lambda m, x: x.min(), ND, NUMERIC, {}),
    ('min_dim', lambda m, x: m.min(x, dim=0, keepdim=True), S2 + S3, NUMERIC, {'ties': True}),
    ('amax', lambda m, x: m.amax(x), S0 + ND, NUMERIC, {}),
    ('amax_dims_ties', lambda m, x: x.amax((0, 2)), S3, FLOATS + (I64, BOOL), {'ties': True}),
    ('amax_keep_ties', lambda m, x: m.amax(x, -1, True), S2, FLOATS, {'ties': True}),
    ('amin_ties', lambda m, x: m.amin(x, 1), S2 + S3, NUMERIC, {'ties': True}),
    ('amin_empty_other', lambda m, x: m.amin(x, 1), [(0, 3)], FLOATS, {}),
    ('aminmax', lambda m, x: m.aminmax(x), ND, NUMERIC, {}),
    ('aminmax_dim', lambda m, x: m.aminmax(x, dim=1, keepdim=True), S2 + S3, (F32, I64), {}),
    ('aminmax_keep_all', lambda m, x: m.aminmax(x, keepdim=True), S2, (F32,), {}),
    ('argmax', lambda m, x: m.argmax(x), S0 + ND, (F32, F64, I64, U8), {'ties': True}),
    ('argmax_dim', lambda m, x: x.argmax(1, keepdim=True), S2 + S3, (F32, I32), {'ties': True}),
    ('argmax_none_keep', lambda m, x: m.argmax(x, keepdim=True), S2 + S3, (F32,), {}),
    ('argmin', lambda m, x: x.argmin(), ND, (F32, I64), {'ties': True}),
    ('argmin_dim', lambda m, x: m.argmin(x, -1), S2 + S3 + S0, (F64, I64), {'ties': True}),
    # var / std
    ('var', lambda m, x: m.var(x), ND, FLOATS, {}),
    ('var_dim', lambda m, x: x.var(1), S2 + S3, FLOATS, {}),
    ('var_unbiased_false', lambda m, x: m.var(x, 1, False, True), S2 + S3, FLOATS, {}),
    ('var_correction', lambda m, x: m.var(x, (0, 2), correction=0), S3, FLOATS, {}),
    ('var_correction_frac', lambda m, x: x.var(-1, correction=2.5, keepdim=True), S2 + S3, FLOATS, {}),
    ('var_bool_unbiased', lambda m, x: m.var(x, False), ND, FLOATS, {}),
    ('std', lambda m, x: x.std(), ND, FLOATS, {}),
    ('std_dim', lambda m, x: m.std(x, [0, 1], keepdim=True), S3 + S2, FLOATS, {}),
    ('std_unbiased_kw', lambda m, x: m.std(x, 1, unbiased=False), S2, FLOATS, {}),
    ('std_correction', lambda m, x: x.std(0, correction=0), S2, FLOATS, {}),
    ('var_mean', lambda m, x: m.var_mean(x, 1), S2 + S3, FLOATS, {}),
    ('std_mean', lambda m, x: m.std_mean(x, correction=0), ND, FLOATS, {}),
    ('std_mean_dim', lambda m, x: m.std_mean(x, (0, 1), keepdim=True), S3, FLOATS, {}),
    # logsumexp, softmax
    ('logsumexp', lambda m, x: m.logsumexp(x, 1), S2 + S3, (F32, F64, I64), {}),
    ('logsumexp_tuple', lambda m, x: x.logsumexp((0, -1), keepdim=True), S3, FLOATS, {}),
    ('logsumexp_big', lambda m, x: m.logsumexp(x * 1000, -1), S2, FLOATS, {}),
    ('logsumexp_scalar', lambda m, x: m.logsumexp(x, 0), S0, FLOATS, {}),
    ('softmax', lambda m, x: m.softmax(x, 1), S2 + S3, FLOATS, {}),
    ('softmax_neg', lambda m, x: x.softmax(-1), S1 + S3 + S0, FLOATS, {}),
    ('softmax_big', lambda m, x: m.softmax(x * 1000, 0), S2, FLOATS, {}),
    ('softmax_dtype', lambda m, x: m.softmax(x, 0, dtype=m.float64), S2, (F32, I64), {}),
    ('log_softmax', lambda m, x: m.log_softmax(x, 1), S2 + S3, FLOATS, {}),
    ('log_softmax_neg', lambda m, x: x.log_softmax(-1), S1 + S0, FLOATS, {}),
    ('log_softmax_big', lambda m, x: m.log_softmax(x * 1000, -1), S2, FLOATS, {}),
    ('log_softmax_dtype', lambda m, x: x.log_softmax(1, dtype=m.float64), S2, (F32, I32), {}),
    # logical and counting
    ('all', lambda m, x: m.all(x), S0 + ND + [(0,)], NUMERIC, {}),
    ('all_dim', lambda m, x: x.all(1), S2 + S3, NUMERIC, {}),
    ('all_tuple', lambda m, x: m.all(x, (0, -1), keepdim=True), S3, (F32, U8, BOOL), {}),
    ('all_empty_tuple', lambda m, x: m.all(x, ()), S2, (F32, BOOL), {}),
    ('any', lambda m, x: x.any(), S0 + ND + [(0,)], NUMERIC, {}),
    ('any_dim', lambda m, x: m.any(x, -1, True), S2 + S3, (F64, I64, U8, BOOL), {}),
    ('any_tuple', lambda m, x: x.any((1, 2)), S3, (I32, BOOL), {}),
    ('count_nonzero', lambda m, x: m.count_nonzero(x), S0 + ND, NUMERIC, {'zeros': 3}),
    ('count_nonzero_dim', lambda m, x: m.count_nonzero(x, (0, 2)), S3, NUMERIC, {'zeros': 5}),
    ('count_nonzero_neg', lambda m, x: x.count_nonzero(-1), S2, (F32, I64), {'zeros': 3}),
    # median / nanmedian / mode
    ('median', lambda m, x: m.median(x), S0 + ND + [(4,)], FLOATS + (I64,), {}),
    ('median_dim', lambda m, x: x.median(1), S2 + S3, FLOATS, {}),
    ('median_dim_keep', lambda m, x: m.median(x, -1, True), S2 + [(3, 5)], FLOATS, {}),
    ('median_nan', lambda m, x: m.median(x, 1), S2, FLOATS, {'nans': 2}),
    ('median_all_nan', lambda m, x: x.median(), S2, FLOATS, {'nans': 2}),
    ('median_ties_all', lambda m, x: x.median(), S2 + S1, FLOATS, {'ties': True}),
    ('nanmedian', lambda m, x: m.nanmedian(x), ND, FLOATS, {'nans': 3}),
    ('nanmedian_dim', lambda m, x: x.nanmedian(0), S2 + S3, FLOATS, {'nans': 2}),
    ('mode', lambda m, x: m.mode(x), S1 + S2 + S3 + S0, (F32, F64, I64), {'ties': True}),
    ('mode_dim', lambda m, x: x.mode(0, keepdim=True), [(7, 3)], (F32, I32), {'ties': True}),
    # quantile
    ('quantile', lambda m, x: m.quantile(x, 0.3), S0 + ND, FLOATS, {}),
    ('quantile_dim', lambda m, x: x.quantile(0.75, 1), S2 + S3, FLOATS, {}),
    ('quantile_keep', lambda m, x: m.quantile(x, 0.5, -1, keepdim=True), S2 + S3, FLOATS, {}),
    ('quantile_keep_all', lambda m, x: m.quantile(x, 0.5, keepdim=True), S2, FLOATS, {}),
    ('quantile_lower', lambda m, x: m.quantile(x, 0.4, 1, interpolation='lower'), S2, FLOATS, {}),
    ('quantile_higher', lambda m, x: m.quantile(x, 0.4, 1, interpolation='higher'), S2, FLOATS, {}),
    ('quantile_midpoint', lambda m, x: m.quantile(x, 0.4, 0, interpolation='midpoint'), S2, FLOATS, {}),
    ('quantile_nearest', lambda m, x: m.quantile(x, 0.5, 1, interpolation='nearest'), [(3, 4), (3, 5)], FLOATS, {}),
    ('quantile_nan', lambda m, x: m.quantile(x, 0.5, 1), S2, FLOATS, {'nans': 2}),
    ('nanquantile', lambda m, x: m.nanquantile(x, 0.25), ND, FLOATS, {'nans': 2}),
    ('nanquantile_dim', lambda m, x: x.nanquantile(0.6, 1, keepdim=True), S2 + S3, FLOATS, {'nans': 3}),
]


def _table_params():
    for name, fn, shapes, dtypes, opts in TABLE:
        for shape in shapes:
            for dt in dtypes:
                yield pytest.param(fn, shape, dt, opts, id=f"{name}-{shape}-{np.dtype(dt).name}")


@pytest.mark.parametrize('fn,shape,dt,opts', list(_table_params()))
def test_table_vs_torch(fn, shape, dt, opts):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_op(*both(fn), make(shape, dt, **opts))


# --- gradients: gradcheck + gradgradcheck in float64 --------------------------------------------------------------

GRADS = [
    ('sum', lambda x: x.sum((0, 2)), (2, 3, 4), {}),
    ('sum_keep', lambda x: ember.sum(x, -1, keepdim=True), (3, 4), {}),
    ('mean', lambda x: x.mean(1), (3, 4), {}),
    ('nansum', lambda x: ember.nansum(x, 1), (3, 4), {'nans': 2}),
    ('nanmean', lambda x: ember.nanmean(x, 0, keepdim=True), (3, 4), {'nans': 2}),
    ('prod', lambda x: x.prod(1), (3, 4), {}),
    ('prod_all', lambda x: x.prod(), (2, 3), {}),
    ('prod_zeros', lambda x: x.prod(1), (4, 4), {'zeros': 5}),
    ('prod_zeros_all', lambda x: ember.prod(x), (5,), {'zeros': 2}),
    ('prod_one_zero_all', lambda x: ember.prod(x), (5,), {'zeros': 1}),
    ('cumsum', lambda x: x.cumsum(0), (3, 4), {}),
    ('cumprod', lambda x: x.cumprod(1), (3, 4), {}),
    ('cumprod_zeros', lambda x: ember.cumprod(x, 1), (3, 5), {'zeros': 4}),
    ('cummax', lambda x: x.cummax(1)[0], (3, 4), {}),
    ('cummin', lambda x: ember.cummin(x, 0).values, (3, 4), {}),
    ('max_all', lambda x: x.max(), (3, 4), {}),
    ('max_dim', lambda x: ember.max(x, 1).values, (3, 4), {}),
    ('min_dim_keep', lambda x: x.min(0, keepdim=True)[0], (3, 4), {}),
    ('amax', lambda x: ember.amax(x, (0, 1)), (3, 4), {}),
    ('amin', lambda x: x.amin(-1, True), (3, 4), {}),
    ('aminmax', lambda x: ember.aminmax(x, dim=0), (3, 4), {}),
    ('median', lambda x: x.median(), (3, 4), {}),
    ('median_dim', lambda x: ember.median(x, 1)[0], (3, 5), {}),
    ('nanmedian_dim', lambda x: x.nanmedian(1).values, (3, 5), {'nans': 2}),
    ('mode', lambda x: ember.mode(x, 1).values, (3, 4), {}),
    ('var', lambda x: x.var(1), (3, 4), {}),
    ('var_correction', lambda x: ember.var(x, correction=0), (3, 4), {}),
    ('std', lambda x: ember.std(x, 0, keepdim=True), (3, 4), {}),
    ('std_mean', lambda x: ember.std_mean(x, 1), (3, 4), {}),
    ('var_mean', lambda x: ember.var_mean(x, (0, 1), correction=2), (3, 4), {}),
    ('norm_fro', lambda x: R.norm(x), (3, 4), {}),
    ('norm_1', lambda x: R.norm(x, 1, 1), (3, 4), {}),
    ('norm_3', lambda x: R.norm(x, 3, 0, keepdim=True), (3, 4), {}),
    ('norm_half', lambda x: R.norm(x, 0.5), (3, 4), {}),
    ('norm_inf', lambda x: R.norm(x, float('inf'), 1), (3, 4), {}),
    ('norm_ninf', lambda x: R.norm(x, -float('inf')), (3, 4), {}),
    ('logsumexp', lambda x: x.logsumexp(1), (3, 4), {}),
    ('logsumexp_tuple', lambda x: ember.logsumexp(x, (0, 1), keepdim=True), (3, 4), {}),
    ('softmax', lambda x: ember.softmax(x, 1), (3, 4), {}),
    ('log_softmax', lambda x: x.log_softmax(0), (3, 4), {}),
    ('quantile', lambda x: ember.quantile(x, 0.3, 1), (3, 5), {}),
    ('nanquantile', lambda x: ember.nanquantile(x, 0.7, 0), (5, 3), {'nans': 2}),
]


@pytest.mark.parametrize('fn,shape,opts', [pytest.param(f, s, o, id=n) for n, f, s, o in GRADS])
def test_gradcheck_gradgradcheck(fn, shape, opts):
    check_grads(fn, make(shape, F64, seed=1, **opts))


def test_quantile_grad_wrt_q():
    x = make((3, 6), F64, seed=2)
    q = np.array([0.1, 0.45, 0.9])
    check_grads(lambda x, q: ember.quantile(x, q, 1), x, q)
    check_op(*both(lambda m, x, q: m.quantile(x, q, dim=0, keepdim=True)), x, q)
    check_op(*both(lambda m, x, q: m.nanquantile(x, q)), make((4, 5), F64, nans=3), q)


def test_third_derivative_of_prod_with_zeros():
    x = make((5,), F64, seed=3, zeros=2)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ge, gt = e.prod(), t.prod()
    for _ in range(3):
        ge = ember.autograd.grad(ge.sum() if ge.ndim else ge, e, create_graph=True)[0]
        gt = torch.autograd.grad(gt.sum() if gt.ndim else gt, t, create_graph=True)[0]
        ge, gt = (ge * ge).sum(), (gt * gt).sum()
        assert_same(ge, gt, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize('name,fn', [
    ('max', lambda m, x: m.max(x)), ('amax', lambda m, x: m.amax(x, 1)), ('amin', lambda m, x: m.amin(x, (0, 1))),
    ('max_dim', lambda m, x: m.max(x, 1).values), ('median', lambda m, x: m.median(x)),
    ('cummax', lambda m, x: m.cummax(x, 1).values), ('norm_inf', lambda m, x: m.norm(x, float('inf'))),
])
def test_tie_gradients(name, fn):
    x = np.array([[1., 3., 3., -3.], [2., 2., 2., 0.], [5., -1., 5., 5.]])
    ef = (lambda m, x: R.norm(x, float('inf'))) if name == 'norm_inf' else fn
    check_op(partial(ef, ember), partial(fn, torch), x)


def test_prod_and_cumprod_zero_gradients():
    x = np.array([[2., 0., 3., 4.], [0., 5., 0., 1.], [1., 2., 3., 0.]])
    check_op(*both(lambda m, x: m.prod(x, 1)), x)
    check_op(*both(lambda m, x: m.prod(x)), x[0])
    check_op(*both(lambda m, x: m.cumprod(x, 1)), x)
    check_op(*both(lambda m, x: m.cumprod(x, 0)), x)


# --- special values and dtype rules -------------------------------------------------------------------------------

@pytest.mark.parametrize('fn', [
    lambda m: m.sum(m.zeros(0)), lambda m: m.sum(m.zeros(0, 3, dtype=m.int32), 0), lambda m: m.prod(m.zeros(0)),
    lambda m: m.prod(m.zeros(0, dtype=m.int64)), lambda m: m.mean(m.zeros(0)), lambda m: m.nansum(m.zeros(0)),
    lambda m: m.all(m.zeros(0)), lambda m: m.any(m.zeros(0)), lambda m: m.count_nonzero(m.zeros(0, 2), 0),
    lambda m: m.logsumexp(m.zeros(0), 0), lambda m: m.max(m.zeros(0, 3), 1), lambda m: m.argmax(m.zeros(0, 3), 1),
    lambda m: m.median(m.zeros(0)), lambda m: m.cummax(m.zeros(0, 3), 0), lambda m: m.cumsum(m.zeros(0), 0),
    lambda m: m.var(m.zeros(0)), lambda m: m.std(m.zeros(2, 0), 1),
    lambda m: m.logsumexp(m.full((2,), -float('inf')), 0), lambda m: m.logsumexp(m.tensor([float('inf'), 1.]), 0),
    lambda m: m.softmax(m.full((3,), -float('inf')), 0), lambda m: m.softmax(m.tensor([float('inf'), 0.]), 0),
    lambda m: m.max(m.tensor([1., float('nan'), 2.])), lambda m: m.min(m.tensor([[1., float('nan'), 2.]]), 1),
    lambda m: m.argmax(m.tensor([1., float('nan'), 0.])), lambda m: m.amax(m.tensor([1., float('nan')])),
    lambda m: m.cummax(m.tensor([1., float('nan'), 3, float('nan'), 0]), 0),
    lambda m: m.cummin(m.tensor([1., float('nan'), 3, -1]), 0),
    lambda m: m.median(m.tensor([[3., float('nan'), 1, 2, 0]]), 1), lambda m: m.nanmedian(m.full((3,), float('nan'))),
    lambda m: m.nanmean(m.tensor([float('nan')])), lambda m: m.quantile(m.tensor([1., float('nan'), 2.]), 0.5),
    lambda m: m.nanquantile(m.full((2,), float('nan')), 0.5),
    lambda m: m.std(m.ones(3), correction=5), lambda m: m.var(m.ones(3, 2), 0, correction=3),
    lambda m: m.std(m.ones(1)),
    lambda m: m.mode(m.tensor([1, 2, 2, 3, 3])), lambda m: m.mode(m.tensor([[5., 2, 2, 1], [3, 3, 1, 1]]), 1),
    lambda m: m.sum(m.tensor(3.), 0), lambda m: m.sum(m.tensor(3.), -1, keepdim=True), lambda m: m.max(m.tensor(3.), 0),
    lambda m: m.prod(m.tensor(2.), 0), lambda m: m.cumsum(m.tensor(3.), 0), lambda m: m.argmin(m.tensor(3.), 0, True),
    lambda m: m.quantile(m.tensor(3.), 0.5, dim=0, keepdim=True), lambda m: m.amax(m.tensor(3.), 0),
    lambda m: m.max(m.tensor([True, False]), 0), lambda m: m.amax(m.tensor([True, False])),
    lambda m: m.all(m.tensor([1, 2], dtype=m.uint8)), lambda m: m.any(m.tensor([[0, 2]], dtype=m.uint8), 1),
])
def test_special_values(fn):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert_same(fn(ember), fn(torch))


@pytest.mark.parametrize('fn', [
    lambda m: m.sum(m.full((4096,), 0.1, dtype=m.float16)), lambda m: m.mean(m.full((4096,), 0.1, dtype=m.float16)),
    lambda m: m.full((3000,), 0.1, dtype=m.float16).sum(0, dtype=m.float16),
    lambda m: m.cumsum(m.full((3000,), 0.1, dtype=m.float16), 0),
    lambda m: m.softmax(m.arange(6, dtype=m.float16), 0), lambda m: m.std(m.arange(6, dtype=m.float16)),
    lambda m: m.sum(m.tensor([1, 2], dtype=m.int8)), lambda m: m.sum(m.tensor([True, True])),
    lambda m: m.prod(m.tensor([100, 100, 100], dtype=m.int16)), lambda m: m.cumprod(m.tensor([2, 3], dtype=m.int8), 0),
    lambda m: m.cumsum(m.tensor([True, True]), 0), lambda m: m.nansum(m.tensor([1, 2], dtype=m.uint8)),
    lambda m: m.sum(m.ones(3), dtype=m.int32), lambda m: m.mean(m.tensor([1, 2]), dtype=m.float64),
    lambda m: m.var(m.tensor([1., 2, 4])), lambda m: m.std(m.tensor([1., 2, 4]), 0, True),
    lambda m: m.var(m.tensor([1j, 2, 3 - 1j])), lambda m: m.logsumexp(m.tensor([1, 2]), 0),
])
def test_dtype_rules(fn):
    assert_same(fn(ember), fn(torch), rtol=0, atol=0)


# --- out=, named tuples ---------------------------------------------------------------------------------------------

def test_out_arguments():
    x = make((3, 4), F32)
    res = {}
    for m in (ember, torch):
        t = m.tensor(x)
        o, v, i, c = m.empty(0), m.empty(0), m.empty(0, dtype=m.int64), m.empty(3, 4)
        assert m.sum(t, 1, out=o) is o
        r = m.max(t, 1, out=(v, i))
        assert isinstance(r, tuple) and r.values is v and r.indices is i
        assert m.cumsum(t, 1, out=c) is c
        res[m] = (o, v, i, c)
    assert_same(res[ember], res[torch])


def test_out_with_grad_raises():
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            m.sum(m.ones(3, requires_grad=True), 0, out=m.empty(0))


def test_return_types():
    t = ember.tensor([[1., 5., 2.], [4., 0., 4.]])
    r = t.max(1)
    assert isinstance(r, tuple) and isinstance(r, ember.return_types.max) and len(r) == 2
    v, i = r
    assert v is r.values and i is r.indices and r[0] is v
    assert repr(r).startswith('torch.return_types.max(\nvalues=tensor(')
    assert repr(r) == repr(torch.tensor([[1., 5., 2.], [4., 0., 4.]]).max(1))
    assert ember.aminmax(t)._fields == ('min', 'max')
    for name in ('min', 'sort', 'topk', 'kthvalue', 'median', 'nanmedian', 'mode', 'cummax', 'cummin'):
        cls = getattr(ember.return_types, name)
        assert cls.__name__ == name and cls._fields == ('values', 'indices')
        assert cls.n_fields == getattr(torch.return_types, name).n_fields
    r2 = pickle.loads(pickle.dumps(ember.return_types.median((ember.tensor(1.), ember.tensor(0)))))
    assert type(r2) is ember.return_types.median and r2.values.item() == 1.0
    pair = ember.return_types.structseq('pair', ('a', 'b'))(1, 2)
    assert pair.a == 1 and pair.b == 2 and repr(pair) == 'torch.return_types.pair(\na=1,\nb=2)'


def test_binary_max_min_are_maximum_minimum():
    a, b = make((3, 4), F32, seed=1), make((4,), F32, seed=2)
    check_op(*both(lambda m, x, y: m.max(x, y)), a, b)
    check_op(*both(lambda m, x, y: x.min(y)), a, b)


@pytest.mark.parametrize('fn', [
    lambda m, x: x.sum(axis=1), lambda m, x: m.mean(x, axis=0, keepdim=True), lambda m, x: x.prod(axis=1),
    lambda m, x: x.max(axis=1), lambda m, x: m.amin(x, axis=(0, 1)), lambda m, x: x.argmax(axis=0),
    lambda m, x: m.std(x, axis=1), lambda m, x: m.var_mean(x, axis=0), lambda m, x: x.cumsum(axis=1),
    lambda m, x: m.cummin(x, axis=0), lambda m, x: x.median(axis=1), lambda m, x: m.logsumexp(x, axis=1),
    lambda m, x: x.softmax(axis=0), lambda m, x: m.quantile(x, 0.5, axis=1), lambda m, x: m.all(x, axis=1),
    lambda m, x: m.count_nonzero(x, axis=0), lambda m, x: m.aminmax(x, axis=1),
])
def test_axis_alias(fn):
    check_op(*both(fn), make((3, 4), F32))


def test_inplace_cumsum():
    for m in (ember, torch):
        t = m.tensor([1., 2., 3.])
        assert t.cumsum_(0) is t
        assert t.tolist() == [1., 3., 6.]
        t.cumprod_(0)
        assert t.tolist() == [1., 3., 18.]


def test_degrees_of_freedom_warning():
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        ember.var(ember.ones(2), correction=2)


# --- bad inputs: ember must raise the exception class torch raises ------------------------------------------------

BAD = [
    ('sum_dim_range', lambda m: m.sum(m.ones(2, 3), 2), IndexError, 'Dimension out of range'),
    ('sum_dim_repeat', lambda m: m.sum(m.ones(2, 3), (0, -2)), RuntimeError, 'appears multiple times'),
    ('mean_int', lambda m: m.mean(m.tensor([1, 2])), RuntimeError, 'could not infer output dtype'),
    ('mean_bool', lambda m: m.tensor([True]).mean(), RuntimeError, 'Got: Bool'),
    ('nanmean_int', lambda m: m.nanmean(m.tensor([1, 2])), RuntimeError, 'floating point or complex'),
    ('nansum_complex', lambda m: m.nansum(m.tensor([1j])), RuntimeError, 'complex'),
    ('max_empty', lambda m: m.max(m.zeros(0)), RuntimeError, r'max\(\): Expected reduction dim to be specified'),
    ('min_empty_dim', lambda m: m.min(m.zeros(0, 3), 0), IndexError, 'Expected reduction dim 0 to have non-zero'),
    ('max_dim_range', lambda m: m.max(m.ones(2, 3), 2), IndexError, 'Dimension out of range'),
    ('max_complex', lambda m: m.max(m.tensor([1j])), NotImplementedError, 'max_all'),
    ('max_keepdim_no_dim', lambda m: m.max(m.ones(2), keepdim=True), TypeError, 'max'),
    ('amax_empty', lambda m: m.amax(m.zeros(0)), RuntimeError, 'amax'),
    ('amax_empty_dim', lambda m: m.amax(m.zeros(0, 3), 0), IndexError, 'non-zero size'),
    ('argmax_empty', lambda m: m.argmax(m.zeros(0)), IndexError, r'argmax\(\): Expected reduction dim'),
    ('argmin_empty_dim', lambda m: m.argmin(m.zeros(0, 3), 0), IndexError, 'non-zero size'),
    ('argmax_bool', lambda m: m.argmax(m.tensor([True, False])), RuntimeError, 'bool'),
    ('argmax_tuple', lambda m: m.argmax(m.ones(2, 3), (0, 1)), TypeError, 'dim'),
    ('aminmax_empty', lambda m: m.aminmax(m.zeros(0)), RuntimeError, 'no identity'),
    ('aminmax_empty_dim', lambda m: m.aminmax(m.zeros(0, 3), dim=0), IndexError, 'non-zero size'),
    ('prod_tuple', lambda m: m.prod(m.ones(2, 3), (0, 1)), TypeError, 'prod'),
    ('prod_dim_range', lambda m: m.prod(m.ones(2, 3), -3), IndexError, 'Dimension out of range'),
    ('cumsum_dim_range', lambda m: m.cumsum(m.ones(2, 3), 5), IndexError, 'Dimension out of range'),
    ('cummax_complex', lambda m: m.cummax(m.tensor([1j]), 0), NotImplementedError, 'cummax'),
    ('std_int', lambda m: m.std(m.tensor([1, 2])), RuntimeError, 'floating point and complex'),
    ('var_both_args', lambda m: m.var(m.ones(3), unbiased=True, correction=1), TypeError, 'var'),
    ('median_tuple', lambda m: m.median(m.ones(2, 3), (0, 1)), TypeError, 'dim'),
    ('mode_empty', lambda m: m.mode(m.zeros(0)), IndexError, 'non-zero size'),
    ('median_empty_dim', lambda m: m.median(m.zeros(0, 3), 0), IndexError, 'non-zero size'),
    ('logsumexp_dim_range', lambda m: m.logsumexp(m.ones(2), 1), IndexError, 'Dimension out of range'),
    ('softmax_int', lambda m: m.softmax(m.tensor([1, 2]), 0), NotImplementedError, 'softmax'),
    ('log_softmax_dim_range', lambda m: m.log_softmax(m.ones(2, 2), 2), IndexError, 'Dimension out of range'),
    ('all_repeat', lambda m: m.all(m.ones(2), (0, 0)), RuntimeError, 'appears multiple times'),
    ('count_nonzero_repeat', lambda m: m.count_nonzero(m.ones(2, 3), (1, 1)), RuntimeError, 'multiple times'),
    ('quantile_q_range', lambda m: m.quantile(m.ones(3), 1.5), RuntimeError, r'q must be in the range \[0, 1\] but '
                                                                             r'got 1.5'),
    ('quantile_q_neg', lambda m: m.quantile(m.ones(3), -0.1), RuntimeError, 'got -0.1$'),
    ('quantile_q_tensor_range', lambda m: m.quantile(m.ones(3), m.tensor([0.5, 1.5])), RuntimeError, 'range'),
    ('quantile_q_2d', lambda m: m.quantile(m.ones(3), m.tensor([[0.5]])), RuntimeError, 'scalar or 1D tensor'),
    ('quantile_int', lambda m: m.quantile(m.tensor([1, 2]), 0.5), RuntimeError, 'float or double'),
    ('quantile_empty', lambda m: m.quantile(m.zeros(0), 0.5), RuntimeError, 'non-empty'),
    ('quantile_q_dtype', lambda m: m.quantile(m.ones(3), m.tensor([0.5], dtype=m.float64)), RuntimeError,
     'same dtype'),
    ('quantile_interp', lambda m: m.quantile(m.ones(3), 0.5, interpolation='bad'), RuntimeError,
     'interpolation must be one of'),
    ('quantile_dim_range', lambda m: m.nanquantile(m.ones(3), 0.5, dim=1), IndexError, 'Dimension out of range'),
]


@pytest.mark.parametrize('fn,exc,match', [pytest.param(f, e, r, id=n) for n, f, e, r in BAD])
def test_bad_inputs(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(torch)
    with pytest.raises(exc, match=match):
        fn(ember)


def test_norm_bad_inputs():
    x = make((3, 4), F64)
    for fn in (R.norm, torch.norm):
        with pytest.raises(RuntimeError, match='Order abc not supported'):
            fn(ember.tensor(x) if fn is R.norm else torch.tensor(x), 'abc')
    for t in (ember.tensor([1, 2]), torch.tensor([1, 2])):
        with pytest.raises(RuntimeError, match='Expected a floating point or complex tensor'):
            (R.norm if isinstance(t, ember.Tensor) else torch.norm)(t)


@pytest.mark.parametrize('call', [
    lambda m, x: (R.norm if m is ember else torch.norm)(x),
    lambda m, x: (R.norm if m is ember else torch.norm)(x, 1, 1),
    lambda m, x: (R.norm if m is ember else torch.norm)(x, 'fro', (0, 1), keepdim=True),
    lambda m, x: (R.norm if m is ember else torch.norm)(x, 3.5, -1),
    lambda m, x: (R.norm if m is ember else torch.norm)(x, 0, 0),
    lambda m, x: (R.norm if m is ember else torch.norm)(x, float('inf'), dim=1, keepdim=True),
    lambda m, x: (R.norm if m is ember else torch.norm)(x, -float('inf')),
    lambda m, x: (R.norm if m is ember else torch.norm)(x, 2, 1, dtype=m.float64),
])
@pytest.mark.parametrize('dt', FLOATS)
def test_norm_vs_torch(call, dt):
    check_op(*both(call), make((3, 4), dt, zeros=2))
