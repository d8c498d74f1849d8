"""Shared test helpers: compare ember with real PyTorch (the oracle), NumPy, and finite differences.

``check_op`` is the workhorse of the op tables: it runs the same op in ember and PyTorch on the same data and
compares values, shapes, dtypes and (for floating inputs) the gradients of a random projection of the output.
"""
from __future__ import annotations

import numpy as np
import pytest

import ember

try:
    import torch
except ImportError:  # differential tests skip without the oracle
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="real PyTorch (the oracle) is not installed")


def to_torch(x, requires_grad=None):
    """The same value as a real PyTorch object (tensors, and nested tuples/lists of them)."""
    if isinstance(x, ember.Tensor):
        arr = x.detach()._host()
        if x.dtype is ember.bfloat16:
            t = torch.from_numpy(arr.astype(np.float32).copy()).to(torch.bfloat16)
        else:
            t = torch.from_numpy(arr.copy())
        rg = x.requires_grad if requires_grad is None else requires_grad
        return t.requires_grad_(rg) if rg else t
    if isinstance(x, (list, tuple)):
        return type(x)(to_torch(v, requires_grad) for v in x)
    if isinstance(x, ember.dtype):
        return getattr(torch, x.name)
    return x


def to_numpy(x):
    if isinstance(x, ember.Tensor):
        arr = x.detach()._host()
        return arr.astype(np.float32) if x.dtype is ember.bfloat16 else arr
    t = x.detach().resolve_conj().resolve_neg()
    if t.dtype == torch.bfloat16:
        t = t.float()
    return t.numpy()


def assert_same(e, t, rtol=1e-5, atol=1e-6, check_dtype=True, equal_nan=True):
    """ember result ``e`` equals torch result ``t``: shape, dtype, values (recursing into tuples)."""
    if isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)), f"expected a sequence, got {type(e).__name__}"
        assert len(e) == len(t), f"length {len(e)} != {len(t)}"
        for a, b in zip(e, t):
            assert_same(a, b, rtol, atol, check_dtype, equal_nan)
        return
    if torch is not None and isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"expected a Tensor, got {type(e).__name__}"
        assert tuple(e.shape) == tuple(t.shape), f"shape {tuple(e.shape)} != torch {tuple(t.shape)}"
        if check_dtype:
            assert e.dtype.name == str(t.dtype).removeprefix('torch.'), f"dtype {e.dtype} != torch {t.dtype}"
        a, b = to_numpy(e), to_numpy(t)
        if a.dtype.kind in 'biu' and b.dtype.kind in 'biu':
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        return
    if isinstance(t, float) and isinstance(e, float):
        assert e == pytest.approx(t, rel=rtol, abs=atol, nan_ok=True)
        return
    assert e == t, f"{e!r} != {t!r}"


def check_op(efn, tfn, *args, grad=True, rtol=1e-5, atol=1e-6, grad_rtol=None, grad_atol=None, seed=0,
             check_dtype=True, **kwargs):
    """Run ``efn`` (ember) and ``tfn`` (torch) on the same inputs; compare outputs and input gradients.

    ``args`` may hold NumPy arrays (turned into tensors of both frameworks; floating ones require grad when
    ``grad``), ember tensors, or plain values passed through unchanged.
    """
    if torch is None:
        pytest.skip("real PyTorch (the oracle) is not installed")
    e_args, t_args = [], []
    for a in args:
        if isinstance(a, np.ndarray):
            rg = grad and a.dtype.kind in 'fc'
            e = ember.tensor(a)
            if a.dtype.kind == 'f' and a.dtype == np.float64 and False:
                pass
            e.requires_grad_(rg)
            e_args.append(e)
            t_args.append(torch.tensor(a, requires_grad=rg))
        elif isinstance(a, ember.Tensor):
            e_args.append(a)
            t_args.append(to_torch(a))
        elif isinstance(a, (list, tuple)) and a and isinstance(a[0], np.ndarray):
            es = [ember.tensor(x).requires_grad_(grad and x.dtype.kind in 'fc') for x in a]
            ts = [torch.tensor(x, requires_grad=grad and x.dtype.kind in 'fc') for x in a]
            e_args.append(type(a)(es))
            t_args.append(type(a)(ts))
        else:
            e_args.append(a)
            t_args.append(a)
    eo = efn(*e_args, **kwargs)
    to = tfn(*t_args, **{k: to_torch(v) for k, v in kwargs.items()})
    assert_same(eo, to, rtol, atol, check_dtype)
    if not grad:
        return eo, to
    e_leaves = [x for x in _flat(e_args) if isinstance(x, ember.Tensor) and x.requires_grad]
    t_leaves = [x for x in _flat(t_args) if torch.is_tensor(x) and x.requires_grad]
    e_outs = [o for o in _flat([eo]) if isinstance(o, ember.Tensor) and o.requires_grad]
    t_outs = [o for o in _flat([to]) if torch.is_tensor(o) and o.requires_grad]
    assert len(e_outs) == len(t_outs), "a different number of outputs require grad"
    if not e_leaves or not e_outs:
        return eo, to
    r = np.random.default_rng(seed)
    e_total, t_total = 0, 0
    for eo_, to_ in zip(e_outs, t_outs):
        w = r.standard_normal(tuple(to_.shape)).astype(to_numpy(to_).dtype if to_.dtype != torch.bfloat16 else np.float32)
        if to_.is_complex():
            w = w + 1j * r.standard_normal(tuple(to_.shape))
            w = w.astype(to_numpy(to_).dtype)
        e_total = e_total + (eo_ * ember.tensor(w).to(eo_.dtype)).sum().real if eo_.is_complex() else \
            e_total + (eo_ * ember.tensor(w).to(eo_.dtype)).sum()
        t_total = t_total + (to_ * torch.tensor(w).to(to_.dtype)).sum().real if to_.is_complex() else \
            t_total + (to_ * torch.tensor(w).to(to_.dtype)).sum()
    eg = ember.autograd.grad(e_total, e_leaves, allow_unused=True)
    tg = torch.autograd.grad(t_total, t_leaves, allow_unused=True)
    for a, b in zip(eg, tg):
        if b is None:
            assert a is None or np.all(to_numpy(a) == 0)
            continue
        assert a is not None, "ember gave no gradient where torch gives one"
        assert_same(a, b, grad_rtol or rtol * 10, grad_atol or atol * 10, check_dtype)
    return eo, to


def _flat(xs):
    for x in xs:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def check_grads(fn, *arrays, gradgrad=True, eps=1e-6, atol=1e-5, rtol=1e-3):
    """gradcheck (and gradgradcheck) of ``fn`` in float64 / complex128 at the given NumPy inputs."""
    ins = []
    for a in arrays:
        if isinstance(a, np.ndarray) and a.dtype.kind in 'fc':
            dt = np.complex128 if a.dtype.kind == 'c' else np.float64
            ins.append(ember.tensor(a.astype(dt)).requires_grad_(True))
        elif isinstance(a, np.ndarray):
            ins.append(ember.tensor(a))
        else:
            ins.append(a)
    assert ember.autograd.gradcheck(fn, tuple(ins), eps=eps, atol=atol, rtol=rtol)
    if gradgrad:
        assert ember.autograd.gradgradcheck(fn, tuple(ins), eps=eps, atol=atol, rtol=rtol)
