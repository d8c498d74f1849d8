"""Convolutions and padding: F.conv*, F.conv_transpose*, F.pad and the Conv modules, against PyTorch."""
import numpy as np
import pytest

import ember
from support import check_grads, check_op, needs_torch, torch

EF = ember.nn.functional
TF = torch.nn.functional if torch is not None else None


def _f(r, *shape):
    return r.standard_normal(shape).astype(np.float32)


CONV_CASES = [
    # (dims, x shape, w shape, kwargs)
    (1, (2, 3, 9), (4, 3, 3), dict()),
    (1, (2, 4, 10), (6, 2, 3), dict(stride=2, padding=2, dilation=2, groups=2)),
    (1, (2, 3, 9), (5, 3, 4), dict(padding='same')),
    (1, (3, 8), (4, 3, 2), dict(padding='valid')),
    (2, (2, 3, 7, 6), (4, 3, 3, 2), dict()),
    (2, (2, 4, 9, 8), (6, 2, 3, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    (2, (1, 4, 6, 6), (4, 1, 3, 3), dict(padding=1, groups=4)),  # depthwise
    (2, (2, 2, 6, 7), (3, 2, 2, 3), dict(stride=(2, 1), padding=(1, 0))),
    (2, (2, 3, 7, 7), (2, 3, 3, 3), dict(padding='same', dilation=2)),
    (2, (3, 5, 5), (2, 3, 3, 3), dict(padding=1)),  # unbatched
    (3, (1, 2, 5, 6, 4), (3, 2, 2, 3, 2), dict(stride=(1, 2, 1))),
    (3, (1, 2, 4, 4, 4), (2, 1, 3, 3, 3), dict(padding=1, groups=2)),
]


@needs_torch
@pytest.mark.parametrize('dims,xs,ws,kw', CONV_CASES)
@pytest.mark.parametrize('bias', [True, False])
def test_conv_matches_torch(dims, xs, ws, kw, bias):
    r = np.random.default_rng(0)
    name = f'conv{dims}d'
    args = [_f(r, *xs), _f(r, *ws)] + ([_f(r, ws[0])] if bias else [])
    check_op(lambda *a: getattr(EF, name)(*a, **kw), lambda *a: getattr(TF, name)(*a, **kw), *args,
             rtol=1e-4, atol=1e-5)


TRANSPOSE_CASES = [
    (1, (2, 3, 5), (3, 2, 3), dict(stride=3, dilation=2)),
    (1, (2, 4, 6), (4, 1, 3), dict(stride=2, padding=1, output_padding=1, groups=2)),
    (2, (2, 4, 5, 4), (4, 3, 3, 3), dict(stride=2, padding=1, output_padding=1, groups=2)),
    (2, (1, 2, 3, 3), (2, 3, 2, 2), dict()),
    (2, (2, 3, 3), (2, 3, 3, 3), dict(stride=2)),  # unbatched
    (3, (1, 2, 3, 3, 2), (2, 2, 2, 2, 2), dict(stride=2, padding=(1, 0, 0))),
]


@needs_torch
@pytest.mark.parametrize('dims,xs,ws,kw', TRANSPOSE_CASES)
@pytest.mark.parametrize('bias', [True, False])
def test_conv_transpose_matches_torch(dims, xs, ws, kw, bias):
    r = np.random.default_rng(1)
    name = f'conv_transpose{dims}d'
    groups = kw.get('groups', 1)
    args = [_f(r, *xs), _f(r, *ws)] + ([_f(r, ws[1] * groups)] if bias else [])
    if not bias and len(args) == 2:
        args.append(None)
    check_op(lambda x, w, b: getattr(EF, name)(x, w, b, **kw), lambda x, w, b: getattr(TF, name)(x, w, b, **kw),
             *args, rtol=1e-4, atol=1e-5)


def test_conv_gradients_to_second_order():
    r = np.random.default_rng(2)
    check_grads(lambda x, w, b: EF.conv2d(x, w, b, stride=2, padding=1, groups=2),
                r.standard_normal((1, 2, 5, 4)), r.standard_normal((4, 1, 2, 3)), r.standard_normal(4))
    check_grads(lambda x, w: EF.conv1d(x, w, dilation=2, padding='same'), r.standard_normal((2, 2, 6)),
                r.standard_normal((2, 2, 3)))
    check_grads(lambda x, w: EF.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
                r.standard_normal((1, 2, 3, 3)), r.standard_normal((2, 1, 3, 3)))


def test_conv3d_gradients():
    r = np.random.default_rng(3)
    check_grads(lambda x, w: EF.conv3d(x, w, padding=1), r.standard_normal((1, 1, 3, 3, 2)),
                r.standard_normal((2, 1, 2, 2, 2)), gradgrad=False)


@needs_torch
@pytest.mark.parametrize('mode', ['constant', 'reflect', 'replicate', 'circular'])
@pytest.mark.parametrize('pad', [(1, 2), (1, 2, 2, 1), (0, 1, 1, 0, 1, 1)])
def test_pad_matches_torch(mode, pad):
    r = np.random.default_rng(4)
    # Non-constant modes pad the last len(pad) // 2 dims of a batched (or unbatched) input, like PyTorch.
    x = _f(r, *(2, 3, 4, 5, 3)[:len(pad) // 2 + 2])
    check_op(lambda t: EF.pad(t, pad, mode=mode), lambda t: TF.pad(t, pad, mode=mode), x)


@needs_torch
def test_pad_constant_value_and_negative_padding():
    r = np.random.default_rng(5)
    check_op(lambda t: EF.pad(t, (-1, 2, 1, -2), value=3.5), lambda t: TF.pad(t, (-1, 2, 1, -2), value=3.5),
             _f(r, 2, 4, 5))
    check_grads(lambda t: EF.pad(t, (2, -1), mode='constant'), r.standard_normal((2, 4)))
    check_grads(lambda t: EF.pad(t, (2, 1, 1, 2), mode='reflect'), r.standard_normal((1, 1, 3, 4)))
    check_grads(lambda t: EF.pad(t, (1, 1), mode='circular'), r.standard_normal((1, 2, 3)))


@needs_torch
@pytest.mark.parametrize('cls,args,kwargs', [
    ('Conv1d', (2, 4, 3), dict(padding='same', padding_mode='reflect')),
    ('Conv2d', (3, 6, 3), dict(stride=2, padding=1, padding_mode='circular', groups=3)),
    ('Conv2d', (2, 4, (3, 2)), dict(padding=(1, 0), padding_mode='replicate', bias=False)),
    ('Conv3d', (2, 2, 2), dict(dilation=(1, 2, 1))),
    ('ConvTranspose2d', (4, 2, 3), dict(stride=2, padding=1, output_padding=1, groups=2)),
    ('ConvTranspose1d', (2, 3, 4), dict(bias=False)),
])
def test_conv_modules_match_torch(cls, args, kwargs):
    torch.manual_seed(0)
    tm = getattr(torch.nn, cls)(*args, **kwargs)
    em = getattr(ember.nn, cls)(*args, **kwargs)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [tuple(p.shape) for p in em.parameters()] == [tuple(p.shape) for p in tm.parameters()]
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    d = 1 if '1d' in cls else 2 if '2d' in cls else 3
    r = np.random.default_rng(6)
    x = _f(r, *((2, args[0]) + (7,) * d))
    ey, ty = em(ember.tensor(x)), tm(torch.tensor(x))
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-5)
    ey.sum().backward()
    ty.sum().backward()
    for (n, ep), tp in zip(em.named_parameters(), tm.parameters()):
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=n)


def test_conv_default_init_bounds():
    ember.manual_seed(0)
    m = ember.nn.Conv2d(16, 8, 3)
    bound = 1 / np.sqrt(16 * 9)
    w = m.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert abs(w.mean()) < 0.1 * bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound


def test_lazy_conv_infers_in_channels():
    m = ember.nn.LazyConv2d(8, 3, padding=1)
    y = m(ember.ones(2, 5, 6, 6))
    assert type(m) is ember.nn.Conv2d and m.in_channels == 5 and tuple(m.weight.shape) == (8, 5, 3, 3)
    assert tuple(y.shape) == (2, 8, 6, 6)


BAD = [
    (lambda T: T.nn.functional.conv2d(T.ones(2, 3), T.ones(1, 1, 3, 3)), RuntimeError, 'Expected 3D'),
    (lambda T: T.nn.functional.conv2d(T.ones(4, 3, 8, 8), T.ones(2, 1, 3, 3)), RuntimeError, 'to have 1 channels'),
    (lambda T: T.nn.functional.conv2d(T.ones(1, 1, 2, 2), T.ones(1, 1, 3, 3)), RuntimeError,
     "Kernel size can't be greater"),
    (lambda T: T.nn.functional.conv2d(T.ones(1, 2, 5, 5), T.ones(3, 1, 3, 3), groups=2), RuntimeError,
     'divisible by 2'),
    (lambda T: T.nn.functional.conv2d(T.ones(1, 1, 5, 5), T.ones(1, 1, 3, 3), stride=2, padding='same'),
     RuntimeError, "padding='same' is not supported"),
    (lambda T: T.nn.functional.conv2d(T.ones(1, 1, 5, 5, dtype=T.float64), T.ones(1, 1, 3, 3)), RuntimeError,
     'expected scalar type Double but found Float'),
    (lambda T: T.nn.functional.conv2d(T.ones(1, 1, 5, 5), T.ones(1, 1, 3, 3), T.ones(2)), RuntimeError,
     'expected bias to be 1-dimensional with 1 elements'),
    (lambda T: T.nn.functional.conv1d(T.ones(1, 1, 5), T.ones(1, 1, 3), padding=-1), RuntimeError,
     'negative padding is not supported'),
    (lambda T: T.nn.functional.conv2d(T.ones(1, 1, 5, 5), T.ones(1, 1, 3, 3), stride=0), RuntimeError,
     'non-positive stride'),
    (lambda T: T.nn.functional.conv_transpose2d(T.ones(1, 2, 5, 5), T.ones(3, 1, 3, 3)), RuntimeError,
     'to have 3 channels'),
    (lambda T: T.nn.functional.conv_transpose2d(T.ones(1, 1, 5, 5), T.ones(1, 1, 3, 3), output_padding=2),
     RuntimeError, 'output padding must be smaller'),
    (lambda T: T.nn.functional.pad(T.ones(5), (1, 1, 1, 1)), RuntimeError, 'Padding length should be less'),
    (lambda T: T.nn.functional.pad(T.ones(1, 1, 5, 5), (1,)), RuntimeError, 'divisible by 2'),
    (lambda T: T.nn.functional.pad(T.ones(1, 1, 3), (3, 3), mode='reflect'), RuntimeError,
     'Padding size should be less than'),
    (lambda T: T.nn.functional.pad(T.ones(1, 1, 5, 5), (1, 1), mode='reflect'), NotImplementedError, 'padding'),
    (lambda T: T.nn.Conv2d(3, 4, 3, groups=2), ValueError, 'in_channels must be divisible by groups'),
    (lambda T: T.nn.Conv2d(2, 4, 3, padding='full'), ValueError, 'Invalid padding string'),
    (lambda T: T.nn.Conv2d(2, 4, 3, padding_mode='mirror'), ValueError, 'padding_mode must be one of'),
    (lambda T: T.nn.Conv2d(2, 4, 3, stride=2, padding='same'), ValueError, "padding='same' is not supported"),
]


@needs_torch
@pytest.mark.parametrize('fn,exc,match', BAD)
def test_bad_input_raises_like_torch(fn, exc, match):
    with pytest.raises(exc, match=match.replace('(', r'\(').replace(')', r'\)')):
        fn(torch)
    with pytest.raises(exc, match=match.replace('(', r'\(').replace(')', r'\)')):
        fn(ember)
