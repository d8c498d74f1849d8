"""Normalisation: F.batch_norm / instance_norm / layer_norm / group_norm / rms_norm / local_response_norm /
normalize and their modules, against PyTorch (values, running statistics, gradients, reprs, state dicts)."""
import numpy as np
import pytest

import ember
from support import assert_same, check_grads, check_op, needs_torch, to_torch, torch

EF = ember.nn.functional
TF = torch.nn.functional if torch is not None else None
enn = ember.nn
tnn = torch.nn if torch is not None else None


def _f(r, *shape, dtype=np.float32):
    return r.standard_normal(shape).astype(dtype)


# ------------------------------------------------------------------------------------------- functional

BN_CASES = [(4, 3), (5, 3, 6), (2, 4, 3, 5), (2, 2, 3, 2, 2), (2, 3, 1, 1)]


@needs_torch
@pytest.mark.parametrize('shape', BN_CASES)
@pytest.mark.parametrize('affine', [True, False])
def test_batch_norm_training_matches_torch(shape, affine):
    r = np.random.default_rng(0)
    c = shape[1]
    x = _f(r, *shape) * 3 + 1
    params = [_f(r, c), _f(r, c)] if affine else [None, None]
    erm, erv = ember.zeros(c), ember.ones(c)
    trm, trv = torch.zeros(c), torch.ones(c)
    check_op(lambda x, w, b: EF.batch_norm(x, erm, erv, w, b, training=True, momentum=0.3),
             lambda x, w, b: TF.batch_norm(x, trm, trv, w, b, training=True, momentum=0.3), x, *params,
             rtol=1e-4, atol=1e-5)
    assert_same(erm, trm, rtol=1e-5, atol=1e-6)
    assert_same(erv, trv, rtol=1e-5, atol=1e-6)


@needs_torch
@pytest.mark.parametrize('shape', [(4, 3), (2, 3, 5), (2, 3, 2, 2)])
def test_batch_norm_eval_matches_torch(shape):
    r = np.random.default_rng(1)
    c = shape[1]
    rm, rv = _f(r, c), np.abs(_f(r, c)) + 0.5
    check_op(lambda x, w, b: EF.batch_norm(x, ember.tensor(rm), ember.tensor(rv), w, b),
             lambda x, w, b: TF.batch_norm(x, torch.tensor(rm), torch.tensor(rv), w, b), _f(r, *shape), _f(r, c),
             _f(r, c), rtol=1e-4, atol=1e-5)


def test_batch_norm_gradients_to_second_order():
    r = np.random.default_rng(2)
    check_grads(lambda x, w, b: EF.batch_norm(x, None, None, w, b, training=True), r.standard_normal((3, 2, 4)),
                r.standard_normal(2), r.standard_normal(2))
    check_grads(lambda x: EF.batch_norm(x, None, None, training=True), r.standard_normal((4, 3)))
    check_grads(lambda x, w, b: EF.batch_norm(x, ember.zeros(2, dtype=ember.float64), ember.ones(2, dtype=ember.float64),
                                              w, b), r.standard_normal((3, 2)), r.standard_normal(2),
                r.standard_normal(2))


LN_CASES = [((4, 5), (5,)), ((2, 3, 4), (3, 4)), ((3, 4), (3, 4)), ((2, 0, 3), (3,)), ((6,), (6,))]


@needs_torch
@pytest.mark.parametrize('shape,ns', LN_CASES)
@pytest.mark.parametrize('affine', ['both', 'weight', 'none'])
def test_layer_norm_matches_torch(shape, ns, affine):
    r = np.random.default_rng(3)
    w = _f(r, *ns) if affine != 'none' else None
    b = _f(r, *ns) if affine == 'both' else None
    check_op(lambda x, w, b: EF.layer_norm(x, ns, w, b, eps=1e-4), lambda x, w, b: TF.layer_norm(x, ns, w, b, eps=1e-4),
             _f(r, *shape) * 2 + 0.5, w, b, rtol=1e-4, atol=1e-5)


def test_layer_norm_gradients_to_second_order():
    r = np.random.default_rng(4)
    check_grads(lambda x, w, b: EF.layer_norm(x, (3,), w, b), r.standard_normal((2, 3)), r.standard_normal(3),
                r.standard_normal(3))
    check_grads(lambda x: EF.layer_norm(x, (2, 2)), r.standard_normal((3, 2, 2)))


@needs_torch
@pytest.mark.parametrize('shape,ns', [((4, 5), (5,)), ((2, 3, 4), (3, 4))])
@pytest.mark.parametrize('eps', [None, 1e-3])
def test_rms_norm_matches_torch(shape, ns, eps):
    r = np.random.default_rng(5)
    check_op(lambda x, w: EF.rms_norm(x, ns, w, eps), lambda x, w: TF.rms_norm(x, ns, w, eps), _f(r, *shape),
             _f(r, *ns), rtol=1e-4, atol=1e-5)
    check_op(lambda x: EF.rms_norm(x, ns, eps=eps), lambda x: TF.rms_norm(x, ns, eps=eps),
             _f(r, *shape, dtype=np.float64))


def test_rms_norm_gradients_to_second_order():
    r = np.random.default_rng(6)
    check_grads(lambda x, w: EF.rms_norm(x, (3,), w), r.standard_normal((2, 3)), r.standard_normal(3))


@needs_torch
@pytest.mark.parametrize('shape,groups', [((2, 4, 5), 2), ((3, 6), 3), ((2, 6, 2, 3), 3), ((1, 4, 2, 2, 2), 4),
                                          ((2, 4, 3), 1)])
@pytest.mark.parametrize('affine', [True, False])
def test_group_norm_matches_torch(shape, groups, affine):
    r = np.random.default_rng(7)
    c = shape[1]
    params = [_f(r, c), _f(r, c)] if affine else [None, None]
    check_op(lambda x, w, b: EF.group_norm(x, groups, w, b), lambda x, w, b: TF.group_norm(x, groups, w, b),
             _f(r, *shape) + 2, *params, rtol=1e-4, atol=1e-5)


def test_group_norm_gradients_to_second_order():
    r = np.random.default_rng(8)
    check_grads(lambda x, w, b: EF.group_norm(x, 2, w, b), r.standard_normal((2, 4, 3)), r.standard_normal(4),
                r.standard_normal(4))


@needs_torch
@pytest.mark.parametrize('shape', [(2, 3, 5), (2, 3, 4, 3), (1, 2, 2, 2, 3)])
def test_instance_norm_matches_torch(shape):
    r = np.random.default_rng(9)
    c = shape[1]
    erm, erv = ember.zeros(c), ember.ones(c)
    trm, trv = torch.zeros(c), torch.ones(c)
    check_op(lambda x, w, b: EF.instance_norm(x, erm, erv, w, b, momentum=0.2),
             lambda x, w, b: TF.instance_norm(x, trm, trv, w, b, momentum=0.2), _f(r, *shape) * 2 - 1, _f(r, c),
             _f(r, c), rtol=1e-4, atol=1e-5)
    assert_same(erm, trm)
    assert_same(erv, trv)
    check_op(lambda x: EF.instance_norm(x, erm, erv, use_input_stats=False),
             lambda x: TF.instance_norm(x, trm, trv, use_input_stats=False), _f(r, *shape), rtol=1e-4, atol=1e-5)
    check_op(EF.instance_norm, TF.instance_norm, _f(r, *shape), rtol=1e-4, atol=1e-5)


def test_instance_norm_gradients_to_second_order():
    r = np.random.default_rng(10)
    check_grads(lambda x, w, b: EF.instance_norm(x, weight=w, bias=b), r.standard_normal((2, 2, 3)),
                r.standard_normal(2), r.standard_normal(2))


@needs_torch
@pytest.mark.parametrize('shape,size', [((2, 5, 4), 3), ((2, 6, 3, 3), 2), ((1, 4, 2, 2, 2), 5), ((2, 3, 4), 1)])
def test_local_response_norm_matches_torch(shape, size):
    r = np.random.default_rng(11)
    check_op(lambda x: EF.local_response_norm(x, size, alpha=0.1, beta=0.6, k=2.0),
             lambda x: TF.local_response_norm(x, size, alpha=0.1, beta=0.6, k=2.0), _f(r, *shape), rtol=1e-4,
             atol=1e-5)
    check_grads(lambda x: EF.local_response_norm(x, 3, alpha=0.5), r.standard_normal((1, 4, 3)))


@needs_torch
@pytest.mark.parametrize('p,dim', [(2.0, 1), (1.0, 0), (3.0, -1), (float('inf'), 1)])
def test_normalize_matches_torch(p, dim):
    r = np.random.default_rng(12)
    x = _f(r, 3, 4)
    x[1] = 0  # a zero row: eps keeps the division finite
    check_op(lambda x: EF.normalize(x, p, dim), lambda x: TF.normalize(x, p, dim), x, rtol=1e-4, atol=1e-5)
    if p != float('inf'):
        check_grads(lambda x: EF.normalize(x, p, dim), r.standard_normal((3, 4)))


def test_normalize_out():
    out = ember.empty(2, 2)
    EF.normalize(ember.tensor([[3., 4.], [1., 0.]]), out=out)
    np.testing.assert_allclose(out.numpy(), [[0.6, 0.8], [1., 0.]], rtol=1e-6)


def test_half_precision_layer_norm_keeps_dtype():
    x = ember.randn(3, 4).half()
    y = EF.layer_norm(x, (4,), ember.ones(4).half(), ember.zeros(4).half())
    assert y.dtype is ember.float16
    ref = EF.layer_norm(x.float(), (4,))
    np.testing.assert_allclose(y.float().numpy(), ref.numpy(), atol=5e-3)


# ------------------------------------------------------------------------------------------- modules

def _copy_params(em, tm):
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


BN_MODULES = [('BatchNorm1d', (6, 3)), ('BatchNorm1d', (4, 3, 5)), ('BatchNorm2d', (4, 3, 3, 2)),
              ('BatchNorm3d', (2, 3, 2, 2, 3))]


@needs_torch
@pytest.mark.parametrize('name,shape', BN_MODULES)
@pytest.mark.parametrize('kw', [dict(), dict(momentum=None), dict(affine=False, eps=1e-3),
                                dict(track_running_stats=False), dict(bias=False, momentum=0.5)])
def test_batchnorm_module_trains_like_torch(name, shape, kw):
    r = np.random.default_rng(13)
    tm = getattr(tnn, name)(3, **kw)
    em = getattr(enn, name)(3, **kw)
    if tm.weight is not None:
        with torch.no_grad():
            tm.weight.normal_()
            if tm.bias is not None:
                tm.bias.normal_()
    _copy_params(em, tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert repr(em) == repr(tm)
    for step in range(3):
        x = _f(r, *shape) * (step + 1) + step
        check_op(em, tm, x, rtol=1e-4, atol=1e-5)
        for (k, ev), (_, tv) in zip(em.state_dict().items(), tm.state_dict().items()):
            assert_same(ev, tv, rtol=1e-5, atol=1e-6)
        for (k, ep), (_, tp) in zip(em.named_parameters(), tm.named_parameters()):
            assert_same(ep.grad, tp.grad, rtol=1e-4, atol=1e-4)
    em.eval()
    tm.eval()
    check_op(em, tm, _f(r, *shape), rtol=1e-4, atol=1e-5)


def test_batchnorm_buffers_and_reset():
    m = enn.BatchNorm2d(4)
    assert [n for n, _ in m.named_buffers()] == ['running_mean', 'running_var', 'num_batches_tracked']
    assert m.num_batches_tracked.dtype is ember.int64 and m.num_batches_tracked.ndim == 0
    m(ember.randn(2, 4, 3, 3))
    m(ember.randn(2, 4, 3, 3))
    assert int(m.num_batches_tracked) == 2
    assert not np.allclose(m.running_mean.numpy(), 0)
    m.reset_running_stats()
    assert int(m.num_batches_tracked) == 0
    np.testing.assert_array_equal(m.running_mean.numpy(), 0)
    np.testing.assert_array_equal(m.running_var.numpy(), 1)
    n = enn.BatchNorm1d(3, track_running_stats=False)
    assert n.running_mean is None and n.num_batches_tracked is None and list(n.state_dict()) == ['weight', 'bias']
    # Eval without running statistics normalises with the batch's own.
    x = ember.randn(5, 3) * 4 + 2
    y = n.eval()(x)
    np.testing.assert_allclose(y.detach().numpy().mean(0), 0, atol=1e-5)


def test_batchnorm_loads_old_checkpoint_without_num_batches_tracked():
    m = enn.BatchNorm1d(2)
    m(ember.randn(3, 2))
    sd = m.state_dict()
    del sd['num_batches_tracked']
    with pytest.raises(RuntimeError, match='Missing key.*num_batches_tracked'):
        m.load_state_dict(sd)  # a version-2 checkpoint must have it
    m.load_state_dict(dict(sd))  # no version: an old checkpoint, the count is kept
    assert int(m.num_batches_tracked) == 1


@needs_torch
@pytest.mark.parametrize('name,shape', [('BatchNorm1d', (4, 3)), ('BatchNorm2d', (2, 3, 2, 2)),
                                        ('InstanceNorm1d', (2, 3, 4))])
def test_lazy_norm_modules(name, shape):
    m = getattr(enn, 'Lazy' + name)(affine=True, track_running_stats=True)
    assert isinstance(m.weight, enn.UninitializedParameter)
    y = m(ember.randn(*shape))
    assert type(m) is getattr(enn, name)
    assert m.num_features == 3 and tuple(m.weight.shape) == (3,) and tuple(m.running_var.shape) == (3,)
    assert y.shape == shape
    assert list(m.state_dict()) == list(getattr(tnn, name)(3, affine=True, track_running_stats=True).state_dict())


@needs_torch
@pytest.mark.parametrize('name,shape', [('InstanceNorm1d', (2, 3, 5)), ('InstanceNorm1d', (3, 5)),
                                        ('InstanceNorm2d', (2, 3, 4, 3)), ('InstanceNorm3d', (3, 2, 2, 3))])
@pytest.mark.parametrize('kw', [dict(), dict(affine=True, track_running_stats=True, momentum=0.3)])
def test_instancenorm_module_matches_torch(name, shape, kw):
    r = np.random.default_rng(14)
    tm, em = getattr(tnn, name)(3, **kw), getattr(enn, name)(3, **kw)
    _copy_params(em, tm)
    assert repr(em) == repr(tm) and list(em.state_dict()) == list(tm.state_dict())
    for _ in range(2):
        check_op(em, tm, _f(r, *shape) * 2 + 1, rtol=1e-4, atol=1e-5)
    for (k, ev), (_, tv) in zip(em.state_dict().items(), tm.state_dict().items()):
        assert_same(ev, tv, rtol=1e-5, atol=1e-6)
    em.eval()
    tm.eval()
    check_op(em, tm, _f(r, *shape), rtol=1e-4, atol=1e-5)


@needs_torch
@pytest.mark.parametrize('make', [lambda nn: nn.LayerNorm(4), lambda nn: nn.LayerNorm([2, 4], eps=1e-3, bias=False),
                                  lambda nn: nn.LayerNorm(4, elementwise_affine=False), lambda nn: nn.RMSNorm(4),
                                  lambda nn: nn.RMSNorm([2, 4], eps=1e-4, elementwise_affine=False),
                                  lambda nn: nn.GroupNorm(2, 2), lambda nn: nn.GroupNorm(1, 2, affine=False),
                                  lambda nn: nn.GroupNorm(2, 2, eps=0.1, bias=False),
                                  lambda nn: nn.LocalResponseNorm(3, k=2.)])
def test_feature_norm_modules_match_torch(make):
    r = np.random.default_rng(15)
    tm, em = make(tnn), make(enn)
    with torch.no_grad():
        for p in tm.parameters():
            p.normal_()
    _copy_params(em, tm)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    for (n, ep), (_, tp) in zip(em.named_parameters(), tm.named_parameters()):
        assert tuple(ep.shape) == tuple(tp.shape)
    check_op(em, tm, _f(r, 3, 2, 4), rtol=1e-4, atol=1e-5)


def test_default_initialisation():
    for m in (enn.LayerNorm(3), enn.GroupNorm(1, 3), enn.BatchNorm1d(3), enn.InstanceNorm1d(3, affine=True),
              enn.RMSNorm(3)):
        np.testing.assert_array_equal(m.weight.detach().numpy(), 1)
        if getattr(m, 'bias', None) is not None:
            np.testing.assert_array_equal(m.bias.detach().numpy(), 0)
        assert m.weight.requires_grad


# ------------------------------------------------------------------------------------------- bad input

def _both(fn_e, fn_t, exc, match):
    """The call raises ``exc`` matching ``match`` in ember, and the same class in torch."""
    with pytest.raises(exc, match=match):
        fn_e()
    if torch is not None:
        with pytest.raises(exc):
            fn_t()


BAD = [
    (lambda F, T: F.batch_norm(T.randn(1, 3), T.zeros(3), T.ones(3), training=True), ValueError,
     r"Expected more than 1 value per channel when training, got input size torch.Size\(\[1, 3\]\)"),
    (lambda F, T: F.batch_norm(T.randn(4, 4), T.zeros(3), T.ones(3), training=True), RuntimeError,
     "running_mean should contain 4 elements not 3"),
    (lambda F, T: F.batch_norm(T.randn(4, 3), T.zeros(3), T.ones(4)), RuntimeError,
     "running_var should contain 3 elements not 4"),
    (lambda F, T: F.batch_norm(T.randn(4, 3), None, None), RuntimeError,
     "running_mean must be defined in evaluation mode"),
    (lambda F, T: F.batch_norm(T.randn(4, 3), None, None, T.ones(4), training=True), RuntimeError,
     "weight should contain 3 elements not 4"),
    (lambda F, T: F.batch_norm(T.randn(4, 3), None, None, training=True, eps=0.), ValueError,
     "batch_norm eps must be positive during training, but got 0"),
    (lambda F, T: F.batch_norm(T.randn(4, 3, dtype=T.float64), T.zeros(3), T.ones(3), training=True), RuntimeError,
     r"mixed dtype \(CPU\): all inputs must share same datatype."),
    (lambda F, T: F.layer_norm(T.randn(2, 3), [4]), RuntimeError,
     r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size\[2, 3\]"),
    (lambda F, T: F.layer_norm(T.randn(2, 3), [3], weight=T.ones(4)), RuntimeError,
     r"Expected weight to be of same shape as normalized_shape, but got weight of shape \[4\] and normalized_shape "
     r"= \[3\]"),
    (lambda F, T: F.layer_norm(T.randn(2, 3), 3), TypeError, "must be tuple of ints, not int"),
    (lambda F, T: F.rms_norm(T.randn(2, 3, 4), [3, 5]), RuntimeError,
     r"Given normalized_shape=\[3, 5\], expected input with shape \[\*3, 5\], but got input of size\[2, 3, 4\]"),
    (lambda F, T: F.group_norm(T.randn(2, 5, 3), 2), RuntimeError,
     r"Expected number of channels in input to be divisible by num_groups, but got input of shape \[2, 5, 3\] and "
     r"num_groups=2"),
    (lambda F, T: F.group_norm(T.randn(2, 4, 3), 2, weight=T.ones(3)), RuntimeError,
     r"Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape \[3\]"),
    (lambda F, T: F.group_norm(T.randn(4), 2), RuntimeError,
     "Expected at least 2 dimensions for input tensor but received 1"),
    (lambda F, T: F.instance_norm(T.randn(2, 3, 1)), ValueError,
     r"Expected more than 1 spatial element when training, got input size torch.Size\(\[2, 3, 1\]\)"),
    (lambda F, T: F.instance_norm(T.randn(2, 3, 4), T.zeros(4), T.ones(4)), RuntimeError,
     "running_mean should contain 6 elements not 8"),
    (lambda F, T: F.instance_norm(T.randn(2, 3, 4), use_input_stats=False), RuntimeError,
     "Expected running_mean and running_var to be defined when use_input_stats is false"),
    (lambda F, T: F.local_response_norm(T.randn(2, 3), 2), ValueError, "Expected 3D or higher dimensionality"),
    (lambda F, T: F.normalize(T.randn(2, 3), dim=2), IndexError, "Dimension out of range"),
]


@pytest.mark.parametrize('case', BAD)
def test_functional_bad_input(case):
    fn, exc, match = case
    _both(lambda: fn(EF, ember), lambda: fn(TF, torch), exc, match)


BAD_MODULES = [
    (lambda nn, T: nn.BatchNorm1d(3)(T.randn(4, 3, 2, 2)), ValueError, r"expected 2D or 3D input \(got 4D input\)"),
    (lambda nn, T: nn.BatchNorm2d(3)(T.randn(4, 3, 2)), ValueError, r"expected 4D input \(got 3D input\)"),
    (lambda nn, T: nn.BatchNorm3d(3)(T.randn(4, 3, 2, 2)), ValueError, r"expected 5D input \(got 4D input\)"),
    (lambda nn, T: nn.BatchNorm2d(3)(T.randn(4, 4, 2, 2)), RuntimeError, "running_mean should contain 4 elements not 3"),
    (lambda nn, T: nn.BatchNorm1d(3)(T.randn(1, 3)), ValueError, "Expected more than 1 value per channel"),
    (lambda nn, T: nn.InstanceNorm1d(3, affine=True)(T.randn(2, 4, 5)), ValueError,
     r"expected input's size at dim=1 to match num_features \(3\), but got: 4."),
    (lambda nn, T: nn.InstanceNorm2d(3)(T.randn(5, 3)), ValueError, r"expected 3D or 4D input \(got 2D input\)"),
    (lambda nn, T: nn.GroupNorm(2, 5), ValueError, r"num_channels \(5\) must be divisible by num_groups \(2\)"),
    (lambda nn, T: nn.LayerNorm(3)(T.randn(2, 4)), RuntimeError,
     r"Given normalized_shape=\[3\], expected input with shape \[\*, 3\], but got input of size\[2, 4\]"),
]


@pytest.mark.parametrize('case', BAD_MODULES)
def test_module_bad_input(case):
    fn, exc, match = case
    _both(lambda: fn(enn, ember), lambda: fn(tnn, torch), exc, match)


def test_instance_norm_warns_on_feature_mismatch_without_affine():
    with pytest.warns(UserWarning, match="does not match num_features"):
        enn.InstanceNorm1d(3)(ember.randn(2, 4, 5))


@needs_torch
@pytest.mark.parametrize('fn', [
    lambda T, x: T.nn.functional.layer_norm(x, (3,)),
    lambda T, x: T.nn.functional.batch_norm(x, None, None, training=True),
    lambda T, x: T.nn.functional.group_norm(x, 1),
])
def test_integer_input_is_refused_like_torch(fn):
    for T in (torch, ember):
        with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
            fn(T, T.ones(2, 3, dtype=T.long))
