"""Pooling vs PyTorch: max / avg / adaptive / lp pools, max_unpool, their modules, gradients and errors."""
import re

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from support import check_grads, check_op, needs_torch, torch

if torch is not None:
    import torch.nn.functional as TF

pytestmark = needs_torch

# (dims, input shape, kwargs): odd sizes, strides, paddings, dilations, ceil_mode, unbatched inputs.
MAX_CASES = [
    (1, (2, 3, 9), dict(kernel_size=2)),
    (1, (2, 3, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (1, (3, 11), dict(kernel_size=3, stride=1, dilation=2)),
    (1, (2, 2, 8), dict(kernel_size=4, stride=3, padding=2, dilation=1, ceil_mode=True)),
    (2, (2, 3, 8, 8), dict(kernel_size=2)),
    (2, (2, 3, 7, 9), dict(kernel_size=(2, 3), stride=(2, 1))),
    (2, (2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    (2, (1, 2, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (2, (1, 2, 10, 9), dict(kernel_size=(3, 2), stride=(3, 2), padding=(1, 1), dilation=(2, 1), ceil_mode=True)),
    (2, (3, 6, 6), dict(kernel_size=2, stride=1)),
    (2, (1, 1, 5, 5), dict(kernel_size=5, stride=[])),
    (2, (0, 2, 4, 4), dict(kernel_size=2)),
    (3, (1, 2, 5, 6, 7), dict(kernel_size=2)),
    (3, (1, 2, 5, 6, 7), dict(kernel_size=(3, 2, 2), stride=2, padding=1, ceil_mode=True)),
    (3, (2, 4, 5, 6), dict(kernel_size=3, stride=1, dilation=(1, 2, 1))),
]


def _fns(d, kind):
    return getattr(F, f'{kind}{d}d'), getattr(TF, f'{kind}{d}d')


@pytest.mark.parametrize('d,shape,kw', MAX_CASES)
@pytest.mark.parametrize('return_indices', [False, True])
def test_max_pool_matches_torch(rng, d, shape, kw, return_indices):
    x = rng.standard_normal(shape).astype(np.float32)
    ef, tf = _fns(d, 'max_pool')
    check_op(lambda t: ef(t, return_indices=return_indices, **kw), lambda t: tf(t, return_indices=return_indices, **kw),
             x)


@pytest.mark.parametrize('d,shape,kw', MAX_CASES[:4] + MAX_CASES[5:10:2] + MAX_CASES[12:14])
def test_max_pool_ties_nan_inf_and_ints(rng, d, shape, kw):
    # relu-like inputs tie often: PyTorch gives the gradient to the first maximum; the last NaN wins a window.
    x = np.maximum(rng.standard_normal(shape), 0).round(0).astype(np.float32)
    ef, tf = _fns(d, 'max_pool')
    check_op(lambda t: ef(t, return_indices=True, **kw), lambda t: tf(t, return_indices=True, **kw), x)
    flat = x.reshape(-1)
    flat[rng.integers(0, flat.size, max(1, flat.size // 7))] = np.nan
    flat[rng.integers(0, flat.size, max(1, flat.size // 7))] = -np.inf
    check_op(lambda t: ef(t, return_indices=True, **kw), lambda t: tf(t, return_indices=True, **kw), x)
    xi = rng.integers(-5, 5, shape).astype(np.int64)
    check_op(lambda t: ef(t, return_indices=True, **kw), lambda t: tf(t, return_indices=True, **kw), xi)
    check_op(lambda t: ef(t, **kw), lambda t: tf(t, **kw), np.full(shape, -np.inf, np.float32))


def test_max_pool_float64_float16_and_grad_fn(rng):
    x = rng.standard_normal((2, 3, 6, 6))
    check_op(lambda t: F.max_pool2d(t, 3, 2, 1), lambda t: TF.max_pool2d(t, 3, 2, 1), x)
    check_op(lambda t: F.max_pool2d(t, 2), lambda t: TF.max_pool2d(t, 2), x.astype(np.float16), grad=False)
    y = F.max_pool2d(ember.tensor(x, requires_grad=True), 2)
    assert y.grad_fn.name() == 'MaxPool2DWithIndicesBackward0'


UNPOOL_CASES = [
    (1, (2, 3, 9), dict(kernel_size=2), None),
    (1, (2, 3, 9), dict(kernel_size=3, stride=2, padding=1), [2, 3, 10]),
    (2, (2, 3, 8, 6), dict(kernel_size=2), None),
    (2, (2, 3, 8, 7), dict(kernel_size=2), (8, 7)),
    (2, (3, 7, 7), dict(kernel_size=3, stride=2, padding=1), None),
    (3, (1, 2, 4, 5, 6), dict(kernel_size=2), (1, 2, 5, 5, 7)),
]


@pytest.mark.parametrize('d,shape,kw,output_size', UNPOOL_CASES)
def test_max_unpool_matches_torch(rng, d, shape, kw, output_size):
    x = rng.standard_normal(shape).astype(np.float32)
    ef, tf = _fns(d, 'max_pool')
    ev, ei = ef(ember.tensor(x), return_indices=True, **kw)
    tv, ti = tf(torch.tensor(x), return_indices=True, **kw)
    eu, tu = _fns(d, 'max_unpool')
    ukw = {k: v for k, v in kw.items() if k in ('kernel_size', 'stride', 'padding')}
    check_op(lambda v, i: eu(v, i, output_size=output_size, **ukw), lambda v, i: tu(v, i, output_size=output_size,
                                                                                      **ukw), ev.numpy(), ei)
    m = getattr(ember.nn, f'MaxUnpool{d}d')(**ukw)
    tm = getattr(torch.nn, f'MaxUnpool{d}d')(**ukw)
    assert repr(m) == repr(tm)
    np.testing.assert_allclose(m(ev, ei, output_size).numpy(), tm(tv, ti, output_size).numpy())


AVG_CASES = [
    (1, (2, 3, 9), dict(kernel_size=2)),
    (1, (2, 3, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (1, (2, 3, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (1, (3, 8), dict(kernel_size=4, stride=3, padding=2)),
    (2, (2, 3, 8, 8), dict(kernel_size=2)),
    (2, (2, 3, 7, 9), dict(kernel_size=(2, 3), stride=(2, 1))),
    (2, (2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    (2, (2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    (2, (1, 2, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (2, (1, 2, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (2, (1, 2, 9, 8), dict(kernel_size=3, stride=2, padding=1, divisor_override=4)),
    (2, (3, 6, 6), dict(kernel_size=(4, 2), stride=(2, 3), padding=(2, 1), ceil_mode=True)),
    (3, (1, 2, 5, 6, 7), dict(kernel_size=2)),
    (3, (1, 2, 5, 6, 7), dict(kernel_size=(3, 2, 3), stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (3, (2, 4, 5, 6), dict(kernel_size=3, stride=1, padding=1, divisor_override=5)),
]


@pytest.mark.parametrize('d,shape,kw', AVG_CASES)
def test_avg_pool_matches_torch(rng, d, shape, kw):
    x = rng.standard_normal(shape).astype(np.float32)
    ef, tf = _fns(d, 'avg_pool')
    check_op(lambda t: ef(t, **kw), lambda t: tf(t, **kw), x)
    check_op(lambda t: ef(t, **kw), lambda t: tf(t, **kw), rng.integers(-20, 20, shape).astype(np.int64))
    check_op(lambda t: ef(t, **kw), lambda t: tf(t, **kw), x.astype(np.float64))


ADAPTIVE_CASES = [
    (1, (2, 3, 9), 4), (1, (3, 7), 7), (1, (2, 3, 10), 3), (1, (2, 3, 5), 8), (1, (2, 3, 6), 1),
    (2, (2, 3, 9, 7), (4, 3)), (2, (3, 7, 9), 5), (2, (2, 3, 8, 8), (4, 2)), (2, (2, 3, 8, 8), (None, 3)),
    (2, (2, 3, 5, 6), 1), (2, (2, 3, 5, 3), (7, 2)), (2, (2, 3, 5, 3), 0),
    (3, (1, 2, 5, 6, 7), (2, 3, 4)), (3, (2, 5, 6, 7), 3), (3, (1, 2, 4, 4, 4), (2, None, 1)),
]


@pytest.mark.parametrize('d,shape,out', ADAPTIVE_CASES)
def test_adaptive_pools_match_torch(rng, d, shape, out):
    x = rng.standard_normal(shape).astype(np.float32)
    grad = out != 0  # PyTorch has no backward for empty outputs
    ea, ta = _fns(d, 'adaptive_avg_pool')
    check_op(lambda t: ea(t, out), lambda t: ta(t, out), x, grad=grad)
    em, tm = _fns(d, 'adaptive_max_pool')
    check_op(lambda t: em(t, out, True), lambda t: tm(t, out, True), x, grad=grad)
    check_op(lambda t: em(t, out), lambda t: tm(t, out), np.maximum(x, 0).round(), grad=grad)


@pytest.mark.parametrize('d,shape,kw', [
    (1, (2, 3, 9), dict(norm_type=2, kernel_size=3)),
    (1, (2, 3, 9), dict(norm_type=3.5, kernel_size=2, stride=3, ceil_mode=True)),
    (2, (2, 3, 7, 6), dict(norm_type=2, kernel_size=(2, 3))),
    (2, (3, 7, 6), dict(norm_type=1.5, kernel_size=3, stride=2, ceil_mode=True)),
    (2, (2, 3, 7, 6), dict(norm_type=float('inf'), kernel_size=2)),
    (3, (1, 2, 5, 4, 4), dict(norm_type=2, kernel_size=2, stride=1)),
])
def test_lp_pool_matches_torch(rng, d, shape, kw):
    x = rng.uniform(0.5, 2, shape).astype(np.float32)
    ef, tf = _fns(d, 'lp_pool')
    check_op(lambda t: ef(t, **kw), lambda t: tf(t, **kw), x, rtol=1e-4)


GRAD_CASES = [
    ('max_pool1d', lambda x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True), (2, 2, 7)),
    ('max_pool2d', lambda x: F.max_pool2d(x, 2), (2, 2, 4, 4)),
    ('max_pool2d overlap', lambda x: F.max_pool2d(x, 3, 1, 1, dilation=1), (1, 2, 4, 5)),
    ('max_pool3d', lambda x: F.max_pool3d(x, 2, 1, ceil_mode=True), (1, 1, 3, 3, 4)),
    ('max_unpool2d', lambda x: F.max_unpool2d(x, ember.tensor(np.array([[[[0, 3], [9, 14]]]])), 2), (1, 1, 2, 2)),
    ('avg_pool1d', lambda x: F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (2, 2, 8)),
    ('avg_pool2d', lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), (1, 2, 6, 5)),
    ('avg_pool2d div', lambda x: F.avg_pool2d(x, 2, 1, divisor_override=3), (1, 2, 4, 3)),
    ('avg_pool3d', lambda x: F.avg_pool3d(x, 2, 1, 1, count_include_pad=False), (1, 1, 3, 3, 2)),
    ('adaptive_avg_pool1d', lambda x: F.adaptive_avg_pool1d(x, 3), (2, 2, 7)),
    ('adaptive_avg_pool2d', lambda x: F.adaptive_avg_pool2d(x, (3, 2)), (1, 2, 5, 4)),
    ('adaptive_avg_pool3d', lambda x: F.adaptive_avg_pool3d(x, 2), (1, 1, 3, 4, 3)),
    ('adaptive_max_pool1d', lambda x: F.adaptive_max_pool1d(x, 3), (2, 2, 7)),
    ('adaptive_max_pool2d', lambda x: F.adaptive_max_pool2d(x, (3, 2)), (1, 2, 5, 4)),
    ('adaptive_max_pool3d', lambda x: F.adaptive_max_pool3d(x, 2), (1, 1, 3, 4, 3)),
    ('lp_pool2d', lambda x: F.lp_pool2d(x.abs() + 1, 2, 2), (1, 2, 4, 4)),
]


@pytest.mark.parametrize('name,fn,shape', GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradcheck_and_gradgradcheck(rng, name, fn, shape):
    # Distinct values keep max pools away from ties, where the derivative jumps.
    x = (rng.permutation(int(np.prod(shape))).reshape(shape) + 1) / 7.0
    check_grads(fn, x)


def test_double_backward_matches_torch(rng):
    x = rng.standard_normal((2, 3, 6, 6))
    for ef, tf in [(lambda t: F.max_pool2d(t, 3, 2, 1) ** 2, lambda t: TF.max_pool2d(t, 3, 2, 1) ** 2),
                   (lambda t: F.avg_pool2d(t, 3, 2, 1) ** 2, lambda t: TF.avg_pool2d(t, 3, 2, 1) ** 2),
                   (lambda t: F.adaptive_max_pool2d(t, 4) ** 2, lambda t: TF.adaptive_max_pool2d(t, 4) ** 2)]:
        e = ember.tensor(x, requires_grad=True)
        t = torch.tensor(x, requires_grad=True)
        (ge,) = ember.autograd.grad(ef(e).sum(), e, create_graph=True)
        (gt,) = torch.autograd.grad(tf(t).sum(), t, create_graph=True)
        (gge,) = ember.autograd.grad((ge * ember.tensor(x)).sum(), e)
        (ggt,) = torch.autograd.grad((gt * torch.tensor(x)).sum(), t)
        np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-6)
        np.testing.assert_allclose(gge.numpy(), ggt.numpy(), rtol=1e-6)


MODULES = [
    ('MaxPool1d', (3,), {}), ('MaxPool2d', (2,), {}), ('MaxPool2d', ((3, 2),), dict(stride=1, padding=1, dilation=2,
                                                                                  ceil_mode=True)),
    ('MaxPool3d', (2,), dict(return_indices=True)), ('AvgPool1d', (3,), dict(stride=2)),
    ('AvgPool2d', (3,), dict(padding=1, count_include_pad=False)), ('AvgPool2d', ((2, 3),), dict(divisor_override=2)),
    ('AvgPool3d', (2,), {}), ('AdaptiveAvgPool1d', (3,), {}), ('AdaptiveAvgPool2d', ((None, 2),), {}),
    ('AdaptiveAvgPool3d', (2,), {}), ('AdaptiveMaxPool1d', (3,), dict(return_indices=True)),
    ('AdaptiveMaxPool2d', ((2, 3),), {}), ('AdaptiveMaxPool3d', (1,), {}), ('LPPool1d', (2, 3), {}),
    ('LPPool2d', (1.5, 2), dict(stride=1, ceil_mode=True)), ('LPPool3d', (2, 2), {}),
]


@pytest.mark.parametrize('name,args,kw', MODULES)
def test_module_repr_and_forward(rng, name, args, kw):
    em, tm = getattr(ember.nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(em) == repr(tm)
    d = int(name[-2])
    x = rng.uniform(0.5, 2, (2, 3) + (7, 6, 5)[:d]).astype(np.float32)
    check_op(em, tm, x, rtol=1e-4)
    check_op(em, tm, x[0], rtol=1e-4)


def test_max_pool2d_module_in_a_model_trains(rng):
    m = ember.nn.Sequential(ember.nn.Conv2d(1, 4, 3), ember.nn.MaxPool2d(2), ember.nn.AdaptiveAvgPool2d(1))
    x = ember.tensor(rng.standard_normal((3, 1, 8, 8)).astype(np.float32))
    m(x).sum().backward()
    assert m[0].weight.grad is not None and m[0].weight.grad.shape == (4, 1, 3, 3)


def _t(lib, shape, dtype=None):
    g = np.random.default_rng(0).standard_normal(shape)
    t = lib.tensor(g.astype(np.float32))
    return t if dtype is None else t.to(getattr(lib, dtype))


def _i(lib, shape, value=0):
    return lib.full(shape, value, dtype=lib.int64)


BAD = [
    ('max_pool2d pad too large', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 3, padding=2)),
    ('max_pool2d kernel larger than input', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 7)),
    ('max_pool3d kernel larger than input', lambda f, L: f.max_pool3d(_t(L, (2, 3, 5, 5, 5)), 7)),
    ('max_pool1d kernel larger than input', lambda f, L: f.max_pool1d(_t(L, (2, 3, 5)), 7)),
    ('max_pool2d stride 0', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 2, stride=0)),
    ('max_pool2d negative stride', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 2, stride=-1)),
    ('max_pool2d negative pad', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 2, padding=-1)),
    ('max_pool2d dilation 0', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 2, dilation=0)),
    ('max_pool2d kernel 0', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 0, 1)),
    ('max_pool2d 2-D input', lambda f, L: f.max_pool2d(_t(L, (5, 5)), 2)),
    ('max_pool2d 5-D input', lambda f, L: f.max_pool2d(_t(L, (1, 2, 5, 5, 5)), 2)),
    ('max_pool2d empty channels', lambda f, L: f.max_pool2d(_t(L, (2, 0, 4, 4)), 2)),
    ('max_pool2d 3 kernel sizes', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), (2, 2, 2))),
    ('max_pool2d 3 strides', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 2, (1, 1, 1))),
    ('max_pool2d 3 dilations', lambda f, L: f.max_pool2d(_t(L, (2, 3, 5, 5)), 2, 2, 0, (1, 1, 1))),
    ('max_pool3d kernel 0', lambda f, L: f.max_pool3d(_t(L, (1, 2, 6, 6, 6)), 0, 1)),
    ('max_pool3d 2 kernel sizes', lambda f, L: f.max_pool3d(_t(L, (1, 2, 6, 6, 6)), (2, 2))),
    ('max_pool3d 3-D input', lambda f, L: f.max_pool3d(_t(L, (5, 5, 5)), 2)),
    ('max_pool2d bool', lambda f, L: f.max_pool2d(_t(L, (1, 1, 4, 4)) > 0, 2)),
    ('max_pool1d kernel 0', lambda f, L: f.max_pool1d(_t(L, (2, 3, 8)), 0, 1)),
    ('max_pool1d stride 0', lambda f, L: f.max_pool1d(_t(L, (2, 3, 8)), 2, 0)),
    ('max_pool1d pad too large', lambda f, L: f.max_pool1d(_t(L, (2, 3, 8)), 3, padding=2)),
    ('max_pool1d 1-D input', lambda f, L: f.max_pool1d(_t(L, (5,)), 2)),
    ('max_pool1d 2 kernel sizes', lambda f, L: f.max_pool1d(_t(L, (2, 3, 8)), (2, 2))),
    ('avg_pool2d pad too large', lambda f, L: f.avg_pool2d(_t(L, (2, 3, 5, 5)), 3, padding=2)),
    ('avg_pool2d kernel larger than input', lambda f, L: f.avg_pool2d(_t(L, (2, 3, 5, 5)), 7)),
    ('avg_pool1d kernel larger than input', lambda f, L: f.avg_pool1d(_t(L, (2, 3, 5)), 7)),
    ('avg_pool2d divisor 0', lambda f, L: f.avg_pool2d(_t(L, (2, 3, 5, 5)), 2, divisor_override=0)),
    ('avg_pool2d 2-D input', lambda f, L: f.avg_pool2d(_t(L, (5, 5)), 2)),
    ('avg_pool1d 1-D input', lambda f, L: f.avg_pool1d(_t(L, (5,)), 2)),
    ('avg_pool1d 2 kernel sizes', lambda f, L: f.avg_pool1d(_t(L, (2, 3, 8)), (2, 2))),
    ('avg_pool3d kernel 0', lambda f, L: f.avg_pool3d(_t(L, (1, 2, 6, 6, 6)), 0, 1)),
    ('avg_pool3d kernel larger than input', lambda f, L: f.avg_pool3d(_t(L, (1, 2, 6, 6, 6)), 7)),
    ('avg_pool3d 2 kernel sizes', lambda f, L: f.avg_pool3d(_t(L, (1, 2, 6, 6, 6)), (2, 2))),
    ('adaptive_avg_pool2d 1-D input', lambda f, L: f.adaptive_avg_pool2d(_t(L, (5,)), 2)),
    ('adaptive_avg_pool2d negative size', lambda f, L: f.adaptive_avg_pool2d(_t(L, (2, 3, 5, 5)), -1)),
    ('adaptive_avg_pool2d 3 sizes', lambda f, L: f.adaptive_avg_pool2d(_t(L, (2, 3, 5, 5)), (2, 2, 2))),
    ('adaptive_avg_pool2d empty dim', lambda f, L: f.adaptive_avg_pool2d(_t(L, (1, 2, 0, 4)), 2)),
    ('adaptive_avg_pool1d 4-D input', lambda f, L: f.adaptive_avg_pool1d(_t(L, (1, 2, 3, 4)), 2)),
    ('adaptive_avg_pool1d 2 sizes', lambda f, L: f.adaptive_avg_pool1d(_t(L, (2, 3, 8)), (2, 2))),
    ('adaptive_avg_pool3d 2-D input', lambda f, L: f.adaptive_avg_pool3d(_t(L, (3, 3)), 2)),
    ('adaptive_avg_pool3d 2 sizes', lambda f, L: f.adaptive_avg_pool3d(_t(L, (1, 2, 6, 6, 6)), (2, 2))),
    ('adaptive_max_pool2d 1-D input', lambda f, L: f.adaptive_max_pool2d(_t(L, (5,)), 2)),
    ('adaptive_max_pool2d empty dim', lambda f, L: f.adaptive_max_pool2d(_t(L, (1, 2, 0, 4)), 2)),
    ('adaptive_max_pool2d 3 sizes', lambda f, L: f.adaptive_max_pool2d(_t(L, (2, 3, 5, 5)), (2, 2, 2))),
    ('adaptive_max_pool2d negative size', lambda f, L: f.adaptive_max_pool2d(_t(L, (2, 3, 5, 5)), -1)),
    ('adaptive_max_pool1d 4-D input', lambda f, L: f.adaptive_max_pool1d(_t(L, (1, 2, 3, 4)), 2)),
    ('adaptive_max_pool3d 2-D input', lambda f, L: f.adaptive_max_pool3d(_t(L, (3, 3)), 2)),
    ('adaptive_max_pool2d int input', lambda f, L: f.adaptive_max_pool2d(_t(L, (1, 2, 4, 4), 'int64'), 2)),
    ('adaptive_avg_pool2d int input', lambda f, L: f.adaptive_avg_pool2d(_t(L, (1, 2, 4, 4), 'int64'), 2)),
    ('max_unpool2d bad output size', lambda f, L: f.max_unpool2d(_t(L, (2, 3, 5, 5)), _i(L, (2, 3, 5, 5)), 2,
                                                                  output_size=(3, 3))),
    ('max_unpool2d output size length', lambda f, L: f.max_unpool2d(_t(L, (2, 3, 5, 5)), _i(L, (2, 3, 5, 5)), 2,
                                                                     output_size=(3, 3, 3, 3, 3))),
    ('max_unpool2d index too large', lambda f, L: f.max_unpool2d(_t(L, (2, 3, 5, 5)), _i(L, (2, 3, 5, 5), 1000), 2)),
    ('max_unpool2d negative index', lambda f, L: f.max_unpool2d(_t(L, (2, 3, 5, 5)), _i(L, (2, 3, 5, 5), -1), 2)),
    ('max_unpool2d indices shape', lambda f, L: f.max_unpool2d(_t(L, (2, 3, 5, 5)), _i(L, (2, 3, 4, 5)), 2)),
    ('max_unpool2d int32 indices', lambda f, L: f.max_unpool2d(_t(L, (2, 3, 5, 5)), _i(L, (2, 3, 5, 5)).int(), 2)),
    ('max_unpool2d 2-D input', lambda f, L: f.max_unpool2d(_t(L, (5, 5)), _i(L, (5, 5)), 2)),
    ('max_unpool1d index too large', lambda f, L: f.max_unpool1d(_t(L, (2, 3, 5)), _i(L, (2, 3, 5), 1000), 2)),
    ('max_unpool1d bad output size', lambda f, L: f.max_unpool1d(_t(L, (2, 3, 8)), _i(L, (2, 3, 8)), 2,
                                                                  output_size=(30,))),
    ('max_unpool1d 1-D input', lambda f, L: f.max_unpool1d(_t(L, (3,)), _i(L, (3,)), 2)),
    ('max_unpool3d index too large', lambda f, L: f.max_unpool3d(_t(L, (2, 3, 2, 2, 2)), _i(L, (2, 3, 2, 2, 2), 1000),
                                                                  2)),
    ('max_unpool3d indices shape', lambda f, L: f.max_unpool3d(_t(L, (1, 2, 6, 6, 6)), _i(L, (1, 2, 6, 6, 5)), 2)),
    ('lp_pool2d kernel larger than input', lambda f, L: f.lp_pool2d(_t(L, (2, 3, 5, 5)), 2, 7)),
    ('lp_pool1d tuple kernel', lambda f, L: f.lp_pool1d(_t(L, (2, 3, 5)), 2, (2,))),
]


@pytest.mark.parametrize('name,fn', BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_like_torch(name, fn):
    with pytest.raises(Exception) as te:
        fn(TF, torch)
    with pytest.raises(te.type, match='^' + re.escape(str(te.value)) + '$'):
        fn(F, ember)
