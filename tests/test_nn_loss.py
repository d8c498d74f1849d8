"""Losses: every F form and module against PyTorch (values, dtypes, input gradients) over the options that matter,
gradcheck and gradgradcheck in float64, legacy reduction flags, warnings and bad inputs."""
import warnings

import numpy as np
import pytest

import ember
from support import check_grads, check_op, needs_torch, to_numpy, torch

EF = ember.nn.functional
TF = torch.nn.functional if torch is not None else None
pytestmark = needs_torch
R = np.random.default_rng(0)
REDUCTIONS = ['mean', 'sum', 'none']


def _f(*shape, lo=None, hi=None, seed=None):
    r = R if seed is None else np.random.default_rng(seed)
    if lo is not None:
        return r.uniform(lo, hi, shape).astype(np.float32)
    return r.standard_normal(shape).astype(np.float32)


def _sign(*shape):
    return ember.tensor(np.where(R.random(shape) > 0.5, 1., -1.).astype(np.float32))


def _w(n):
    return ember.tensor(R.uniform(0.2, 2.0, n).astype(np.float32))


def _idx(*shape, c=5):
    return R.integers(0, c, shape)


# (name, args builder, kwargs): args are NumPy arrays (differentiable when floating) or ember tensors (constants).
CASES = [
    ('l1_loss', lambda: (_f(4, 5), _f(4, 5)), {}),
    ('l1_loss', lambda: (_f(4, 5), _f(4, 5)), dict(weight=ember.tensor(_f(4, 5, lo=0.1, hi=1)))),
    ('mse_loss', lambda: (_f(4, 5), _f(4, 5)), {}),
    ('mse_loss', lambda: (_f(3, 2), _f(3, 2)), dict(weight=ember.tensor(_f(3, 2, lo=0.1, hi=1)))),
    ('huber_loss', lambda: (_f(4, 5) * 2, _f(4, 5)), dict(delta=0.7)),
    ('huber_loss', lambda: (_f(4, 5) * 2, _f(4, 5)), dict(weight=ember.tensor(_f(4, 5, lo=0.1, hi=1)))),
    ('smooth_l1_loss', lambda: (_f(4, 5) * 2, _f(4, 5)), dict(beta=0.5)),
    ('smooth_l1_loss', lambda: (_f(4, 5), _f(4, 5)), dict(beta=0.0)),
    ('poisson_nll_loss', lambda: (_f(4, 5), _f(4, 5, lo=0, hi=4)), {}),
    ('poisson_nll_loss', lambda: (_f(4, 5), _f(4, 5, lo=0, hi=4)), dict(full=True)),
    ('poisson_nll_loss', lambda: (_f(4, 5, lo=0.1, hi=3), _f(4, 5, lo=0, hi=4)), dict(log_input=False, eps=1e-4)),
    ('gaussian_nll_loss', lambda: (_f(4, 5), _f(4, 5), _f(4, 5, lo=0.1, hi=2)), {}),
    ('gaussian_nll_loss', lambda: (_f(4, 5), _f(4, 5), _f(4, 1, lo=0.1, hi=2)), dict(full=True)),
    ('gaussian_nll_loss', lambda: (_f(4, 5), _f(4, 5), _f(4, lo=0.6, hi=2)), dict(eps=0.5)),
    ('gaussian_nll_loss', lambda: (_f(4, 5), _f(4, 5), _f(1, 5, lo=0.1, hi=2)), {}),
    ('kl_div', lambda: (_f(4, 5), _f(4, 5, lo=0, hi=1)), {}),
    ('kl_div', lambda: (_f(4, 5), _f(4, 5)), dict(log_target=True)),
    ('nll_loss', lambda: (_f(6, 5), _idx(6)), {}),
    ('nll_loss', lambda: (_f(6, 5), np.array([0, -100, 4, 2, -100, 1])), dict(weight=_w(5))),
    ('nll_loss', lambda: (_f(6, 5), np.array([0, 3, 4, 2, 3, 1])), dict(ignore_index=3)),
    ('nll_loss', lambda: (_f(2, 5, 3, 2), _idx(2, 3, 2)), dict(weight=_w(5))),
    ('nll_loss', lambda: (_f(5), np.array(2)), {}),
    ('nll_loss', lambda: (_f(5), np.array(2)), dict(weight=_w(5))),
    ('nll_loss', lambda: (_f(6, 5), _idx(6).astype(np.uint8)), {}),
    ('cross_entropy', lambda: (_f(6, 5), _idx(6)), {}),
    ('cross_entropy', lambda: (_f(6, 5), np.array([0, -100, 4, 2, -100, 1])), dict(weight=_w(5))),
    ('cross_entropy', lambda: (_f(6, 5), np.array([0, 3, 4, 2, 3, 1])), dict(ignore_index=3, label_smoothing=0.2)),
    ('cross_entropy', lambda: (_f(6, 5), np.array([0, -100, 4, 2, -100, 1])), dict(weight=_w(5),
                                                                                 label_smoothing=0.3)),
    ('cross_entropy', lambda: (_f(2, 5, 3), _idx(2, 3)), dict(label_smoothing=0.1)),
    ('cross_entropy', lambda: (_f(2, 5, 3, 2), _idx(2, 3, 2)), dict(weight=_w(5))),
    ('cross_entropy', lambda: (_f(5), np.array(4)), {}),
    ('cross_entropy', lambda: (_f(5), np.array(4)), dict(label_smoothing=0.25, weight=_w(5))),
    ('cross_entropy', lambda: (_f(6, 5), ember.tensor(_f(6, 5, lo=0, hi=1))), {}),
    ('cross_entropy', lambda: (_f(6, 5), ember.tensor(_f(6, 5, lo=0, hi=1))), dict(weight=_w(5),
                                                                                  label_smoothing=0.2)),
    ('cross_entropy', lambda: (_f(2, 5, 3), ember.tensor(_f(2, 5, 3, lo=0, hi=1))), {}),
    ('cross_entropy', lambda: (_f(5), ember.tensor(_f(5, lo=0, hi=1))), {}),
    ('binary_cross_entropy', lambda: (_f(4, 5, lo=0.02, hi=0.98), _f(4, 5, lo=0, hi=1)), {}),
    ('binary_cross_entropy', lambda: (_f(4, 5, lo=0.02, hi=0.98), _f(4, 5, lo=0, hi=1)), dict(weight=_w(5))),
    ('binary_cross_entropy', lambda: (np.array([0., 1., 0.5, 1e-30], np.float32), np.array([1., 0., 0.5, 1.],
                                                                                          np.float32)), {}),
    ('binary_cross_entropy_with_logits', lambda: (_f(4, 5) * 3, _f(4, 5, lo=0, hi=1)), {}),
    ('binary_cross_entropy_with_logits', lambda: (_f(4, 5) * 3, _f(4, 5, lo=0, hi=1)), dict(
        weight=_w(5), pos_weight=_w(5))),
    ('binary_cross_entropy_with_logits', lambda: (np.array([-200., 200., 0.], np.float32),
                                                  np.array([1., 0., 1.], np.float32)), dict(pos_weight=_w(3))),
    ('soft_margin_loss', lambda: (_f(4, 5), _sign(4, 5)), {}),
    ('multilabel_soft_margin_loss', lambda: (_f(4, 5), ember.tensor((R.random((4, 5)) > .5).astype(np.float32))),
     dict(weight=_w(5))),
    ('multilabel_soft_margin_loss', lambda: (_f(5), ember.tensor(np.array([1., 0, 1, 1, 0], np.float32))), {}),
    ('multilabel_margin_loss', lambda: (_f(4, 5), np.array([[1, 3, -1, 0, 0], [0, 0, 0, 0, 0], [-1, 1, 2, 3, 4],
                                                            [4, 3, 2, 1, 0]])), {}),
    ('multilabel_margin_loss', lambda: (_f(5), np.array([2, 4, -1, 1, 1])), {}),
    ('multi_margin_loss', lambda: (_f(6, 5), _idx(6)), {}),
    ('multi_margin_loss', lambda: (_f(6, 5), _idx(6)), dict(p=2, margin=0.7, weight=_w(5))),
    ('multi_margin_loss', lambda: (_f(5), np.array(3)), {}),
    ('multi_margin_loss', lambda: (_f(5), np.array([3])), dict(p=2)),
    ('margin_ranking_loss', lambda: (_f(6), _f(6), _sign(6)), dict(margin=0.3)),
    ('hinge_embedding_loss', lambda: (_f(4, 5), _sign(4, 5)), dict(margin=0.5)),
    ('cosine_embedding_loss', lambda: (_f(4, 5), _f(4, 5), ember.tensor(np.array([1., -1, 1, -1], np.float32))),
     dict(margin=0.1)),
    ('cosine_embedding_loss', lambda: (_f(5), _f(5), ember.tensor(np.float32(-1))), dict(margin=-0.5)),
    ('triplet_margin_loss', lambda: (_f(4, 5), _f(4, 5), _f(4, 5)), {}),
    ('triplet_margin_loss', lambda: (_f(4, 5), _f(4, 5), _f(4, 5)), dict(p=1.5, swap=True, margin=2.0)),
    ('triplet_margin_loss', lambda: (_f(5), _f(5), _f(5)), dict(margin=3.0)),
    ('triplet_margin_with_distance_loss', lambda: (_f(4, 5), _f(4, 5), _f(4, 5)), dict(swap=True, margin=2.)),
    ('ctc_loss', lambda: (_f(8, 3, 5), _idx(3, 4, c=4) + 1, ember.tensor([8, 7, 5]), ember.tensor([4, 2, 1])), {}),
    ('ctc_loss', lambda: (_f(8, 3, 5), np.array([1, 1, 2, 2, 3, 3, 1]), [8, 6, 8], [3, 2, 2]), dict(blank=4)),
    ('ctc_loss', lambda: (_f(6, 5), np.array([1, 2, 2]), [6], [3]), {}),
    ('ctc_loss', lambda: (_f(6, 2, 5), np.array([[1, 2, 3, 4], [1, 1, 1, 1]]), [2, 6], [4, 0]),
     dict(zero_infinity=True)),
]
CASE_IDS = [f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)]


@pytest.mark.parametrize('name,make,kw', CASES, ids=CASE_IDS)
@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_loss_matches_torch(name, make, kw, reduction):
    args = make()
    kw = dict(kw, reduction=reduction)
    tol = dict(rtol=1e-4, atol=1e-5) if name == 'ctc_loss' else dict(rtol=2e-5, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # kl_div's 'mean' warning (tested below)
        check_op(getattr(EF, name), getattr(TF, name), *args, **tol, **kw)


def _double(args):
    return [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == 'f' else
            (a.double() if isinstance(a, ember.Tensor) and a.dtype.is_floating_point else a) for a in args]


# CTC is checked through log_softmax below; BCE at exactly 0 and 1 has no two-sided neighbourhood.
SMOOTH = [(i, c) for i, c in zip(CASE_IDS, CASES) if c[0] != 'ctc_loss' and i != 'binary_cross_entropy-38']


@pytest.mark.parametrize('name,make,kw', [c for _, c in SMOOTH], ids=[i for i, _ in SMOOTH])
def test_loss_gradcheck_gradgradcheck(name, make, kw):
    args = _double(make())
    kw = {k: (v.double() if isinstance(v, ember.Tensor) else v) for k, v in kw.items()}
    fn = getattr(EF, name)
    # finite differences need smooth neighbourhoods: nudge inputs off the hinges
    if name in ('smooth_l1_loss', 'huber_loss', 'l1_loss'):
        args[0] = np.where(np.abs(args[0] - args[1]) < 0.05, args[0] + 0.2, args[0])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_grads(lambda *a: fn(*a, reduction='none', **kw), *args, atol=1e-5, rtol=1e-3)
        check_grads(lambda *a: fn(*a, reduction='sum', **kw), *args, atol=1e-5, rtol=1e-3)


def test_nll_and_cross_entropy_double_backward_match_torch():
    x, t, w = _f(6, 5).astype(np.float64), np.array([0, -100, 4, 2, 3, 1]), _w(5).double()
    for smoothing in (0.0, 0.2):
        e = ember.tensor(x, requires_grad=True)
        tt = torch.tensor(x, requires_grad=True)
        ge, = ember.autograd.grad(EF.cross_entropy(e, ember.tensor(t), w, label_smoothing=smoothing), e,
                                  create_graph=True)
        gt, = torch.autograd.grad(TF.cross_entropy(tt, torch.tensor(t), torch.tensor(to_numpy(w)),
                                                   label_smoothing=smoothing), tt, create_graph=True)
        hv = np.random.default_rng(1).standard_normal(x.shape)
        he, = ember.autograd.grad((ge * ember.tensor(hv)).sum(), e)
        ht, = torch.autograd.grad((gt * torch.tensor(hv)).sum(), tt)
        np.testing.assert_allclose(to_numpy(he), ht.numpy(), rtol=1e-8, atol=1e-10)


def test_ctc_gradcheck_through_log_softmax_and_double_backward_raises():
    r = np.random.default_rng(7)
    x = r.standard_normal((6, 2, 4))
    targets, il, tl = ember.tensor([[1, 2, 2], [3, 1, 0]]), ember.tensor([6, 5]), ember.tensor([3, 2])
    for reduction in REDUCTIONS:
        check_grads(lambda a: EF.ctc_loss(a.log_softmax(2), targets, il, tl, reduction=reduction), x,
                    gradgrad=False)
    xe = ember.tensor(x, requires_grad=True)
    g, = ember.autograd.grad(EF.ctc_loss(xe.log_softmax(2), targets, il, tl), xe, create_graph=True)
    with pytest.raises(RuntimeError, match="derivative for aten::_ctc_loss_backward is not implemented"):
        ember.autograd.grad(g.sum(), xe)


def test_all_ignored_targets_give_nan_mean_and_zero_gradient_like_torch():
    x = _f(3, 4)
    check_op(EF.nll_loss, TF.nll_loss, x, np.full(3, -100))
    check_op(EF.cross_entropy, TF.cross_entropy, x, np.full(3, -100), reduction='sum')
    check_op(EF.nll_loss, TF.nll_loss, np.zeros((0, 4), np.float32), np.zeros(0, np.int64), reduction='sum')


def test_nll_loss_of_a_vector_with_a_one_element_target():
    # PyTorch's backward fails on this shape pairing ("size mismatch"), so only the values are compared.
    for reduction in REDUCTIONS:
        check_op(EF.nll_loss, TF.nll_loss, _f(5), np.array([2]), reduction=reduction, grad=False)


def test_cross_entropy_float64_and_dtype():
    check_op(EF.cross_entropy, TF.cross_entropy, _f(8, 10).astype(np.float64), _idx(8, c=10), rtol=1e-12)
    check_op(EF.cross_entropy, TF.cross_entropy, _f(4, 3).astype(np.float64),
             ember.tensor(_f(4, 3, lo=0, hi=1)).double(), rtol=1e-12)


@pytest.mark.parametrize('size_average,reduce', [(None, False), (False, None), (True, True), (False, True),
                                                 (True, False)])
def test_legacy_size_average_and_reduce(size_average, reduce):
    x, y = _f(3, 4), _f(3, 4)
    for name in ('l1_loss', 'mse_loss', 'smooth_l1_loss', 'soft_margin_loss'):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            e = getattr(EF, name)(ember.tensor(x), ember.tensor(y), size_average=size_average, reduce=reduce)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            t = getattr(TF, name)(torch.tensor(x), torch.tensor(y), size_average=size_average, reduce=reduce)
        np.testing.assert_allclose(to_numpy(e), t.numpy(), rtol=1e-5)
    with pytest.warns(UserWarning):
        m = ember.nn.CrossEntropyLoss(size_average=size_average, reduce=reduce)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert m.reduction == torch.nn.CrossEntropyLoss(size_average=size_average, reduce=reduce).reduction


def test_warnings_like_torch():
    x = ember.tensor(_f(3, 4))
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[4\]\)\) that is different to the "
                                         r"input size \(torch.Size\(\[3, 4\]\)\)"):
        EF.mse_loss(x, ember.tensor(_f(4)))
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        EF.kl_div(x, x)
    with pytest.warns(UserWarning, match="reduction='elementwise_mean' is deprecated"):
        EF.l1_loss(x, x, reduction='elementwise_mean')


def test_kl_div_batchmean():
    check_op(EF.kl_div, TF.kl_div, _f(4, 5), _f(4, 5, lo=0, hi=1), reduction='batchmean')
    check_op(EF.kl_div, TF.kl_div, _f(4, 5), _f(4, 5), reduction='batchmean', log_target=True)


def test_gaussian_nll_loss_float_var_and_clamped_var_gradient():
    check_op(lambda a, b: EF.gaussian_nll_loss(a, b, 0.5), lambda a, b: TF.gaussian_nll_loss(a, b, 0.5),
             _f(3, 4), _f(3, 4))
    # Entries below eps are clamped in value while the gradient still flows to var as if unclamped.
    var = np.array([[1e-9, 0.5], [2.0, 0.0]], np.float32)
    check_op(lambda a, b, v: EF.gaussian_nll_loss(a, b, v, eps=1e-3),
             lambda a, b, v: TF.gaussian_nll_loss(a, b, v, eps=1e-3), _f(2, 2), _f(2, 2), var)


# ------------------------------------------------------------------------------------------------ modules

MODULES = [
    ('L1Loss', {}, 2), ('MSELoss', dict(reduction='sum'), 2), ('HuberLoss', dict(delta=0.5), 2),
    ('SmoothL1Loss', dict(beta=0.3), 2), ('SoftMarginLoss', {}, 2), ('KLDivLoss', dict(reduction='batchmean'), 2),
    ('PoissonNLLLoss', dict(full=True), 2), ('MarginRankingLoss', dict(margin=0.2), 3),
    ('HingeEmbeddingLoss', dict(margin=2.), 2), ('CosineEmbeddingLoss', dict(margin=0.3), 3),
    ('TripletMarginLoss', dict(p=1.), 3), ('TripletMarginWithDistanceLoss', dict(swap=True), 3),
    ('MultiLabelSoftMarginLoss', {}, 2),
]


def test_loss_modules_match_torch_and_repr():
    r = np.random.default_rng(9)
    x, y, z = (r.standard_normal((4, 5)).astype(np.float32) for _ in range(3))
    sign = np.where(r.random((4, 5)) > 0.5, 1., -1.).astype(np.float32)
    for cls, kw, nargs in MODULES:
        e, t = getattr(ember.nn, cls)(**kw), getattr(torch.nn, cls)(**kw)
        assert repr(e) == repr(t)
        args = [x, y, z][:nargs]
        if cls in ('SoftMarginLoss', 'HingeEmbeddingLoss'):
            args[1] = sign
        if cls in ('MarginRankingLoss',):
            args[2] = sign
        if cls == 'CosineEmbeddingLoss':
            args[2] = sign[:, 0]
        if cls == 'PoissonNLLLoss':
            args[1] = np.abs(y) * 2
        if cls == 'MultiLabelSoftMarginLoss':
            args[1] = (y > 0).astype(np.float32)
        check_op(e, t, *[a if i == 0 else ember.tensor(a) for i, a in enumerate(args)], rtol=2e-5)


def test_weighted_loss_modules_register_buffers_and_match_torch():
    w = np.random.default_rng(3).uniform(0.5, 2, 5).astype(np.float32)
    x, t = _f(6, 5), _idx(6)
    for cls, kw in [('CrossEntropyLoss', dict(ignore_index=2, label_smoothing=0.1)), ('NLLLoss', {}),
                    ('MultiMarginLoss', dict(p=2, margin=0.5))]:
        e = getattr(ember.nn, cls)(weight=ember.tensor(w), **kw)
        tm = getattr(torch.nn, cls)(weight=torch.tensor(w), **kw)
        assert list(e.state_dict()) == list(tm.state_dict()) == ['weight']
        assert repr(e) == repr(tm)
        check_op(e, tm, x, ember.tensor(t))
    e = ember.nn.BCEWithLogitsLoss(weight=ember.tensor(w), pos_weight=ember.tensor(w))
    tm = torch.nn.BCEWithLogitsLoss(weight=torch.tensor(w), pos_weight=torch.tensor(w))
    assert list(e.state_dict()) == list(tm.state_dict()) == ['weight', 'pos_weight']
    check_op(e, tm, x, ember.tensor(_f(6, 5, lo=0, hi=1)))
    e, tm = ember.nn.BCELoss(weight=ember.tensor(w)), torch.nn.BCELoss(weight=torch.tensor(w))
    check_op(e, tm, _f(6, 5, lo=0.05, hi=0.95), ember.tensor(_f(6, 5, lo=0, hi=1)))
    assert list(ember.nn.CrossEntropyLoss().state_dict()) == list(torch.nn.CrossEntropyLoss().state_dict())


def test_ctc_and_gaussian_modules():
    lp = _f(7, 2, 4)
    tg, il, tl = ember.tensor([[1, 2, 1], [2, 2, 1]]), ember.tensor([7, 6]), ember.tensor([3, 2])
    for kw in ({}, dict(blank=3, reduction='sum', zero_infinity=True)):
        e, t = ember.nn.CTCLoss(**kw), torch.nn.CTCLoss(**kw)
        assert repr(e) == repr(t) and e.blank == t.blank and e.zero_infinity == t.zero_infinity
        check_op(lambda a: e(a.log_softmax(2), tg, il, tl), lambda a: t(a.log_softmax(2), *map(
            lambda v: torch.tensor(to_numpy(v)), (tg, il, tl))), lp, rtol=1e-4, atol=1e-5)
    e, t = ember.nn.GaussianNLLLoss(full=True), torch.nn.GaussianNLLLoss(full=True)
    check_op(e, t, _f(3, 2), ember.tensor(_f(3, 2)), _f(3, 2, lo=0.5, hi=1))


# ------------------------------------------------------------------------------------------------ speed path

def test_cross_entropy_is_log_softmax_plus_one_nll_node():
    x = ember.tensor(_f(64, 10), requires_grad=True)
    loss = EF.cross_entropy(x, ember.tensor(_idx(64, c=10)))
    assert loss.grad_fn.name() == 'NllLossBackward0'
    assert [f.name() for f, _ in loss.grad_fn.next_functions if f is not None] == ['LogSoftmaxBackward0']


# ------------------------------------------------------------------------------------------------ bad inputs

def _e(a):
    return ember.tensor(a)


def _t(a):
    return torch.tensor(a)


X = np.zeros((3, 5), np.float32)
T3 = np.array([1, 0, 4])
BAD = [
    ('nll float target', lambda F, mk: F.nll_loss(mk(X), mk(T3.astype(np.float32))), RuntimeError,
     "expected target dtype to be Long or Byte, but got Float"),
    ('ce int32 target', lambda F, mk: F.cross_entropy(mk(X), mk(T3.astype(np.int32))), RuntimeError,
     "expected target dtype to be Long or Byte, but got Int"),
    ('target out of bounds', lambda F, mk: F.nll_loss(mk(X), mk(np.array([1, 0, 10]))), IndexError,
     "Target 10 is out of bounds."),
    ('negative target', lambda F, mk: F.cross_entropy(mk(X), mk(np.array([1, -1, 2]))), IndexError,
     "Target -1 is out of bounds."),
    ('kdim out of bounds', lambda F, mk: F.nll_loss(mk(np.zeros((2, 3, 4, 2), np.float32)), mk(np.full((2, 4, 2), 3))),
     IndexError, "Target 3 is out of bounds."),
    ('batch mismatch', lambda F, mk: F.cross_entropy(mk(X), mk(np.array([1, 0, 1, 2]))), ValueError,
     r"Expected input batch_size \(3\) to match target batch_size \(4\)."),
    ('0-d input', lambda F, mk: F.nll_loss(mk(np.float32(1)), mk(np.array(0))), ValueError,
     r"Expected 1 or more dimensions \(got 0\)"),
    ('weight size', lambda F, mk: F.nll_loss(mk(X), mk(T3), weight=mk(np.ones(4, np.float32))), RuntimeError,
     r"weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: \[4\]"),
    ('kdim target shape', lambda F, mk: F.nll_loss(mk(np.zeros((2, 3, 4), np.float32)), mk(np.zeros((2, 5), int))),
     RuntimeError, r"Expected target size \[2, 4\], got \[2, 5\]"),
    ('multi-target', lambda F, mk: F.nll_loss(mk(X), mk(np.zeros((3, 1), int))), RuntimeError,
     "0D or 1D target tensor expected, multi-target not supported"),
    ('weight dtype', lambda F, mk: F.nll_loss(mk(X), mk(T3), weight=mk(np.ones(5))), RuntimeError,
     "expected scalar type Float but found Double"),
    ('int input', lambda F, mk: F.nll_loss(mk(X.astype(np.int64)), mk(T3)), NotImplementedError,
     "\"nll_loss_out_frame\" not implemented for 'Long'"),
    ('bad reduction', lambda F, mk: F.cross_entropy(mk(X), mk(T3), reduction='avg'), ValueError,
     "avg is not a valid value for reduction"),
    ('bad reduction weighted l1', lambda F, mk: F.l1_loss(mk(X), mk(X), reduction='avg', weight=mk(X)), ValueError,
     "Invalid reduction mode: avg. Expected one of 'none', 'mean', 'sum'."),
    ('l1 weight shape', lambda F, mk: F.l1_loss(mk(X), mk(X), weight=mk(np.ones(5, np.float32))), ValueError,
     "Weights and input must have the same size."),
    ('label smoothing range', lambda F, mk: F.cross_entropy(mk(X), mk(T3), label_smoothing=1.5), RuntimeError,
     "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
    ('prob target int', lambda F, mk: F.cross_entropy(mk(np.float32(1)), mk(np.array(0))), RuntimeError,
     "Expected floating point type for target with class probabilities, got Long"),
    ('prob target ignore_index', lambda F, mk: F.cross_entropy(mk(X), mk(X), ignore_index=1), RuntimeError,
     "ignore_index is not supported for floating point target"),
    ('bce size', lambda F, mk: F.binary_cross_entropy(mk(np.zeros(3, np.float32)), mk(np.zeros((3, 1), np.float32))),
     ValueError, r"Using a target size \(torch.Size\(\[3, 1\]\)\) that is different to the input size"),
    ('bce range', lambda F, mk: F.binary_cross_entropy(mk(np.array([1.5], np.float32)), mk(np.ones(1, np.float32))),
     RuntimeError, "all elements of input should be between 0 and 1"),
    ('bce nan', lambda F, mk: F.binary_cross_entropy(mk(np.array([np.nan], np.float32)), mk(np.ones(1, np.float32))),
     RuntimeError, "all elements of input should be between 0 and 1"),
    ('bce int target', lambda F, mk: F.binary_cross_entropy(mk(np.full(3, 0.5, np.float32)), mk(np.ones(3, int))),
     RuntimeError, "Found dtype Long but expected Float"),
    ('bce logits size', lambda F, mk: F.binary_cross_entropy_with_logits(mk(np.zeros(3, np.float32)),
                                                                         mk(np.zeros(4, np.float32))),
     ValueError, r"Target size \(torch.Size\(\[4\]\)\) must be the same as input size \(torch.Size\(\[3\]\)\)"),
    ('mse int', lambda F, mk: F.mse_loss(mk(np.array([1, 2])), mk(np.array([1, 3]))), NotImplementedError,
     "mse_cpu"),
    ('huber delta', lambda F, mk: F.huber_loss(mk(X), mk(X), delta=0.), RuntimeError,
     "huber_loss does not support non-positive values for delta."),
    ('smooth l1 beta', lambda F, mk: F.smooth_l1_loss(mk(X), mk(X), beta=-1.), RuntimeError,
     "smooth_l1_loss does not support negative values for beta."),
    ('multilabel margin target', lambda F, mk: F.multilabel_margin_loss(mk(X), mk(T3)), RuntimeError,
     r"inconsistent target size: \[3\] for input of size: \[3, 5\]"),
    ('multilabel margin range', lambda F, mk: F.multilabel_margin_loss(mk(X), mk(np.full((3, 5), 5))), RuntimeError,
     "argument #2 'target' is out of range"),
    ('multi margin p', lambda F, mk: F.multi_margin_loss(mk(X), mk(T3), p=3), ValueError,
     "only p == 1 and p == 2 supported"),
    ('multi margin range', lambda F, mk: F.multi_margin_loss(mk(X), mk(np.array([0, 1, 5]))), RuntimeError,
     "target out of range"),
    ('multi margin target size', lambda F, mk: F.multi_margin_loss(mk(X), mk(np.zeros(4, int))), RuntimeError,
     r"Expected target size \[3\], but got \[4\]"),
    ('multi margin 3d', lambda F, mk: F.multi_margin_loss(mk(X[None]), mk(T3)), RuntimeError,
     r"Expected non-empty vector or matrix with optional 0-dim batch size, but got: \[1, 3, 5\]"),
    ('margin ranking dims', lambda F, mk: F.margin_ranking_loss(mk(X[0]), mk(X[0]), mk(np.ones((5, 1), np.float32))),
     RuntimeError, "margin_ranking_loss : All input tensors should have same dimension"),
    ('cosine 1d target', lambda F, mk: F.cosine_embedding_loss(mk(X[0]), mk(X[1]), mk(np.ones(5, np.float32))),
     RuntimeError, r"1D target tensor expects 2D input tensors, but found inputs with sizes \[5\] and \[5\]."),
    ('cosine 0d target', lambda F, mk: F.cosine_embedding_loss(mk(X), mk(X), mk(np.float32(1))), RuntimeError,
     r"0D target tensor expects 1D input tensors"),
    ('cosine 2d target', lambda F, mk: F.cosine_embedding_loss(mk(X), mk(X), mk(np.ones((3, 1), np.float32))),
     RuntimeError, "0D or 1D target tensor expected, multi-target not supported"),
    ('triplet dims', lambda F, mk: F.triplet_margin_loss(mk(X), mk(X[0]), mk(X)), RuntimeError,
     "anchor 2D, positive 1D, and negative 2D inputs"),
    ('triplet margin', lambda F, mk: F.triplet_margin_loss(mk(X), mk(X), mk(X), margin=-1.), ValueError,
     "margin must be greater than 0, got -1.0"),
    ('triplet distance reduction', lambda F, mk: F.triplet_margin_with_distance_loss(mk(X), mk(X), mk(X),
                                                                                     reduction='x'),
     ValueError, "x is not a valid value for reduction"),
    ('gaussian negative var', lambda F, mk: F.gaussian_nll_loss(mk(X), mk(X), mk(-np.ones((3, 5), np.float32))),
     ValueError, "var has negative entry/entries"),
    ('gaussian var size', lambda F, mk: F.gaussian_nll_loss(mk(X), mk(X), mk(np.ones((2, 5), np.float32))),
     ValueError, "var is of incorrect size"),
    ('gaussian reduction', lambda F, mk: F.gaussian_nll_loss(mk(X), mk(X), mk(np.ones((3, 5), np.float32)),
                                                             reduction='x'), ValueError, "x is not valid"),
    ('poisson reduction', lambda F, mk: F.poisson_nll_loss(mk(X), mk(X), reduction='x'), ValueError,
     "x is not a valid value for reduction"),
    ('kl reduction', lambda F, mk: F.kl_div(mk(X), mk(X), reduction='x'), ValueError,
     "x is not a valid value for reduction"),
]

LP, TG = np.zeros((6, 3, 5), np.float32), np.ones((3, 3), np.int64)
IL, TL = np.full(3, 6), np.array([3, 2, 1])
BAD += [
    ('ctc input_lengths size', lambda F, mk: F.ctc_loss(mk(LP), mk(TG), mk(IL[:2]), mk(TL)), RuntimeError,
     "input_lengths must be of size batch_size"),
    ('ctc target_lengths size', lambda F, mk: F.ctc_loss(mk(LP), mk(TG), mk(IL), mk(TL[:2])), RuntimeError,
     "target_lengths must be of size batch_size"),
    ('ctc input too long', lambda F, mk: F.ctc_loss(mk(LP), mk(TG), mk(IL + 1), mk(TL)), RuntimeError,
     "Expected input_lengths to have value at most 6, but got value 7"),
    ('ctc targets too short', lambda F, mk: F.ctc_loss(mk(LP), mk(TG), mk(IL), mk(TL + 1)), RuntimeError,
     "Expected tensor to have size at least 4 at dimension 1, but got size 3 for argument #2 'targets'"),
    ('ctc blank', lambda F, mk: F.ctc_loss(mk(LP), mk(TG), mk(IL), mk(TL), blank=5), RuntimeError,
     "blank must be in label range"),
    ('ctc negative length', lambda F, mk: F.ctc_loss(mk(LP), mk(TG), mk(IL), mk(np.array([3, -1, 1]))), RuntimeError,
     "Expected target_lengths to have value at least 0, but got value -1"),
    ('ctc float lengths', lambda F, mk: F.ctc_loss(mk(LP), mk(TG), mk(IL.astype(np.float32)), mk(TL)), RuntimeError,
     "input_lengths must be integral"),
    ('ctc concatenated size', lambda F, mk: F.ctc_loss(mk(LP), mk(np.ones(5, np.int64)), mk(IL), mk(TL)),
     RuntimeError, "Expected tensor to have size 6 at dimension 0, but got size 5 for argument #2 'targets'"),
    ('ctc 4-d', lambda F, mk: F.ctc_loss(mk(LP[None]), mk(TG), mk(IL), mk(TL)), RuntimeError,
     "Expected 3-dimensional tensor, but got 5-dimensional tensor for argument #1 'log_probs'"),  # unsqueezed
    ('ctc reduction', lambda F, mk: F.ctc_loss(mk(LP), mk(TG), mk(IL), mk(TL), reduction='x'), ValueError,
     "x is not a valid value for reduction"),
]


@pytest.mark.parametrize('label,fn,exc,match', BAD, ids=[b[0] for b in BAD])
def test_bad_inputs_raise_like_torch(label, fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(EF, _e)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(exc, match=match):
            fn(TF, _t)


def test_module_constructor_errors_like_torch():
    for nn, mk in ((ember.nn, ember.ones), (torch.nn, torch.ones)):
        with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
            nn.MultiMarginLoss(p=3)
        with pytest.raises(ValueError, match="MultiMarginLoss: expected weight to be None or 1D tensor, got 2D"):
            nn.MultiMarginLoss(weight=mk(2, 2))
        with pytest.raises(ValueError, match="TripletMarginWithDistanceLoss: expected margin to be greater than 0"):
            nn.TripletMarginWithDistanceLoss(margin=0.)
        with pytest.raises(ValueError, match="TripletMarginLoss: expected margin to be greater than 0"):
            nn.TripletMarginLoss(margin=-1.)
