"""The autograd engine and API against real PyTorch running the same programs.

Each ``both(program)`` test runs ``program(lib)`` once with ``lib=ember`` and once with ``lib=torch`` and
compares what comes back (tensors by value, shape and dtype; other values by equality).
"""
import gc
import warnings

import numpy as np
import pytest

import ember
from ember.autograd.gradcheck import GradcheckError
from support import assert_same, check_grads, needs_torch, torch

pytestmark = needs_torch


def _conv(x):
    if isinstance(x, (list, tuple)):
        return type(x)(_conv(v) for v in x)
    if isinstance(x, dict):
        return {k: _conv(v) for k, v in x.items()}
    return x


def both(program, rtol=1e-5, atol=1e-6):
    e, t = program(ember), program(torch)
    assert_same(_conv(e), _conv(t), rtol=rtol, atol=atol)
    return e, t


def same_error(program, exc=RuntimeError):
    """``program(lib)`` raises the same exception class with the same message in ember and torch."""
    with pytest.raises(exc) as te:
        program(torch)
    with pytest.raises(exc) as ee:
        program(ember)
    assert type(ee.value) is type(te.value) or issubclass(type(ee.value), exc)
    assert str(ee.value) == str(te.value), f"\nember: {ee.value}\ntorch: {te.value}"


# ----------------------------------------------------------------------------------------------- backward basics
def test_leaf_grad_accumulates():
    def prog(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        first = x.grad.clone()
        (x.exp() * 2).sum().backward()
        return first, x.grad
    both(prog)


def test_retain_graph_allows_second_backward():
    def prog(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    both(prog)


def test_second_backward_raises_torch_message():
    def prog(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward()
        y.backward()
    same_error(prog)


def test_backward_with_gradient_for_non_scalar():
    def prog(lib):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * x + x
        y.backward(gradient=lib.tensor([[1.0, 0.5], [-1.0, 2.0]]))
        return x.grad
    both(prog)


def test_implicit_grad_needs_scalar_output():
    same_error(lambda lib: (lib.ones(2, 3, requires_grad=True) * 2).backward())


def test_gradient_shape_mismatch_raises():
    def prog(lib):
        y = lib.ones(2, 3, requires_grad=True) * 2
        y.backward(lib.ones(3, 2))
    same_error(prog)


def test_backward_on_tensor_without_grad_raises():
    same_error(lambda lib: lib.ones(3).sum().backward())


# ----------------------------------------------------------------------------------------------- autograd.grad
def test_grad_higher_derivatives_of_cube():
    def prog(lib):
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = (x ** 3).sum()
        (g1,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        return g1, g2, g3, x.grad is None
    both(prog)


def test_grad_does_not_touch_dot_grad():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        gx, gw = lib.autograd.grad((x * w).sum(), [x, w])
        return gx, gw, x.grad is None, w.grad is None
    both(prog)


def test_grad_allow_unused_and_materialize():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = lib.tensor([3.0], requires_grad=True)
        y = (x * 2).sum()
        unused = lib.autograd.grad(y, [x, z], allow_unused=True, retain_graph=True)
        mat = lib.autograd.grad(y, [x, z], materialize_grads=True)
        return unused[0], unused[1] is None, mat
    both(prog)


def test_grad_unused_input_raises():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = lib.tensor([3.0], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [x, z])
    same_error(prog)


def test_grad_materialize_with_allow_unused_false_raises():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [x], allow_unused=False, materialize_grads=True)
    same_error(prog, ValueError)


def test_grad_of_input_not_requiring_grad_raises():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = lib.tensor([3.0])
        lib.autograd.grad((x * 2).sum(), [z])
    same_error(prog)


def test_grad_with_grad_outputs_and_non_leaf_inputs():
    def prog(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h = x.exp()
        y = h * x
        return lib.autograd.grad(y, [h, x], grad_outputs=lib.tensor([1.0, -1.0, 0.5]))
    both(prog)


def test_mixed_partials_with_create_graph():
    def prog(lib):
        x = lib.tensor([0.3, 0.7], requires_grad=True, dtype=lib.float64)
        w = lib.tensor([1.5, -0.5], requires_grad=True, dtype=lib.float64)
        y = (x.exp() * w * w).sum()
        (gx,) = lib.autograd.grad(y, x, create_graph=True)
        (gxw,) = lib.autograd.grad(gx.sum(), w)
        return gx, gxw
    both(prog)


def test_backward_inputs_accumulates_only_into_them():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        (x * w).sum().backward(inputs=[w])
        r = (x.grad is None, w.grad.clone())
        (x * w * w).sum().backward(inputs=x)
        return r, x.grad, w.grad
    both(prog)


def test_backward_inputs_non_leaf():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 3
        (h * h).sum().backward(inputs=[h])
        return h.grad, x.grad is None
    e, t = both(prog)


def test_backward_empty_inputs_raises():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().backward(inputs=[])
    same_error(prog)


# ----------------------------------------------------------------------------------------------- hooks
def test_hooks_on_leaf_and_non_leaf():
    def prog(lib):
        seen = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 2
        hx = x.register_hook(lambda g: g * 10)
        hh = h.register_hook(lambda g: seen.append(g.clone()))
        (h * h).sum().backward()
        first = x.grad.clone()
        hx.remove()
        hh.remove()
        x.grad = None
        (x * 2 * x * 2).sum().backward()
        return first, x.grad, seen, len(seen)
    both(prog)


def test_hook_on_tensor_not_requiring_grad_raises():
    same_error(lambda lib: lib.ones(2).register_hook(lambda g: g))


def test_retain_grad_and_non_leaf_grad_warning():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 2
        k = h + 1
        h.retain_grad()
        (h * k).sum().backward()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            kg = k.grad
        warned = any('non-leaf' in str(m.message) and 'retain_grad' in str(m.message) for m in w)
        return h.grad, h.retains_grad, k.retains_grad, x.retains_grad, kg is None, warned
    e, t = both(prog)
    assert e[-1] is True


def test_retain_grad_without_requires_grad_raises():
    same_error(lambda lib: lib.ones(2).retain_grad())


# ----------------------------------------------------------------------------------------------- graph structure
def _structure(fn, depth=0):
    if fn is None:
        return None
    return (fn.name(), tuple(_structure(c, depth + 1) for c, _ in fn.next_functions))


def test_grad_fn_names_and_next_functions():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        c = lib.tensor([1.0, 1.0])
        y = ((x * w + x.exp()) / c - w).sum()
        return (x.is_leaf, y.is_leaf, c.is_leaf, y.grad_fn.name(), _structure(y.grad_fn),
                [nr for _, nr in y.grad_fn.next_functions])
    both(prog)


def test_requires_grad_on_int_tensor_raises():
    same_error(lambda lib: lib.tensor([1, 2]).requires_grad_())
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match='can require gradients'):
            lib.tensor([1, 2], requires_grad=True)


def test_requires_grad_on_non_leaf_raises():
    def prog(lib):
        y = lib.ones(2, requires_grad=True) * 2
        y.requires_grad = False
    same_error(prog)


def test_requires_grad_propagation():
    def prog(lib):
        a = lib.ones(2, requires_grad=True)
        b = lib.ones(2)
        r = [(a + b).requires_grad, (b * 2).requires_grad, (a > 0).requires_grad, (a.detach() * 2).requires_grad]
        with lib.no_grad():
            r.append((a * 2).requires_grad)
        r.append((a.sum() > 0).requires_grad)
        r.append(a.to(lib.float64).requires_grad)
        return r
    both(prog)


def test_detach_shares_memory_and_version():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        d = y.detach()
        d.add_(1)
        v = (y._version, d._version, y.requires_grad, d.requires_grad, d.is_leaf)
        return v, y.detach().clone()
    both(prog)


def test_detach_in_place():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.detach_()
        return y.requires_grad, y.grad_fn is None, y.is_leaf
    both(prog)


def test_detached_modification_breaks_backward():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.detach().mul_(2)
        y.sum().backward()
    same_error(prog)


def test_data_is_invisible_to_autograd():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.data.mul_(2)  # autograd does not see this: the gradient uses the modified output
        y.sum().backward()
        d = x.data
        return x.grad, d.requires_grad, y._version, d.is_leaf
    both(prog)


def test_data_setter():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.data = lib.tensor([5.0, 6.0])
        (x * x).sum().backward()
        return x, x.grad, x.requires_grad
    both(prog)


# ----------------------------------------------------------------------------------------------- grad modes
def test_grad_mode_context_managers():
    def prog(lib):
        x = lib.ones(2, requires_grad=True)
        r = []
        with lib.no_grad():
            r.append((x * 2).requires_grad)
            with lib.enable_grad():
                r.append((x * 2).requires_grad)
            r.append(lib.is_grad_enabled())
        with lib.set_grad_enabled(False):
            r.append((x * 2).requires_grad)
        r.append(lib.is_grad_enabled())
        lib.set_grad_enabled(False)
        r.append(lib.is_grad_enabled())
        lib.set_grad_enabled(True)
        with lib.inference_mode():
            r.append((x * 2).requires_grad)
            r.append(lib.is_inference_mode_enabled())
        with lib.inference_mode(False):
            r.append((x * 2).requires_grad)
        r.append(lib.is_inference_mode_enabled())
        return r
    both(prog)


def test_grad_modes_as_decorators():
    def prog(lib):
        x = lib.ones(2, requires_grad=True)

        @lib.no_grad()
        def f1(t):
            return t * 2

        @lib.no_grad
        def f2(t):
            return t * 2

        @lib.enable_grad()
        def f3(t):
            return t * 2

        @lib.inference_mode()
        def f4(t):
            return t * 2

        @lib.inference_mode
        def f5(t):
            return t * 2

        @lib.set_grad_enabled(False)
        def f6(t):
            return t * 2
        lib.set_grad_enabled(True)

        r = [f(x).requires_grad for f in (f1, f2, f4, f5, f6)]
        with lib.no_grad():
            r.append(f3(x).requires_grad)
        r.append(lib.is_grad_enabled())
        r.append(f1.__name__)
        return r
    both(prog)


def test_no_grad_restores_on_exception():
    for lib in (ember, torch):
        with pytest.raises(KeyError):
            with lib.no_grad():
                raise KeyError
        assert lib.is_grad_enabled()


# ----------------------------------------------------------------------------------------------- in-place
def test_inplace_on_saved_tensor_raises_torch_message():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        z = y.exp()
        y.add_(1)
        z.sum().backward()
    same_error(prog)


def test_inplace_on_saved_input_raises_torch_message():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a = x * 1
        y = a * a
        a.mul_(2)
        y.sum().backward()
    same_error(prog)


def test_inplace_on_leaf_requiring_grad_raises():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.add_(1)
    same_error(prog)


def test_inplace_on_leaf_under_no_grad_is_allowed():
    def prog(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.no_grad():
            x.mul_(3)
        (x * x).sum().backward()
        return x, x.grad, x._version
    both(prog)


def test_inplace_on_non_leaf_gives_right_grad():
    def prog(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y.mul_(3)
        y.add_(x)
        z = y.exp()
        z.sum().backward()
        return y, x.grad, y.grad_fn.name(), y._version
    both(prog)


# ----------------------------------------------------------------------------------------------- memory
def test_memory_bounded_over_training_steps():
    rng = np.random.default_rng(0)
    w = ember.tensor(rng.standard_normal((8, 4)).astype(np.float32), requires_grad=True)
    b = ember.zeros(4, requires_grad=True)
    xs = ember.tensor(rng.standard_normal((16, 8)).astype(np.float32))

    def step():
        out = (xs @ w + b).tanh()
        loss = (out * out).mean()
        loss.backward()
        with ember.no_grad():
            w.sub_(w.grad * 0.01)
            b.sub_(b.grad * 0.01)
        w.grad = None
        b.grad = None

    for _ in range(200):
        step()
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(3000):
        step()
    gc.collect()
    after = len(gc.get_objects())
    assert after - before < 200, f"{after - before} objects leaked over 3000 steps"


def test_graph_freed_without_gc():
    # The graph must not depend on the cycle collector: a leaf's node dies with its last output.
    import weakref
    x = ember.ones(3, requires_grad=True)
    y = (x * 2).exp()
    ref = weakref.ref(y.grad_fn)
    gc.disable()
    try:
        del y
        assert ref() is None
    finally:
        gc.enable()


# ----------------------------------------------------------------------------------------------- anomaly mode
def test_detect_anomaly_names_backward_node():
    for lib in (torch, ember):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            with lib.autograd.detect_anomaly():
                y = x.sqrt()
                with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned nan values in its 0th "
                                                       r"output\."):
                    (y * 0).sum().backward()
        msgs = [str(m.message) for m in w]
        assert any('Anomaly Detection has been enabled' in m for m in msgs)
        assert any('Error detected in SqrtBackward0' in m and 'y = x.sqrt()' in m for m in msgs), (lib, msgs)
    assert not ember.autograd.is_anomaly_enabled()


def test_set_detect_anomaly():
    for lib, enabled in ((torch, torch.is_anomaly_enabled), (ember, ember.autograd.is_anomaly_enabled)):
        with lib.autograd.set_detect_anomaly(True):
            assert enabled()
        assert not enabled()


def test_without_anomaly_nan_passes_silently():
    def prog(lib):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        (x.sqrt() * 0).sum().backward()
        return x.grad
    both(prog)


# ----------------------------------------------------------------------------------------------- complex
def _complex_prog(fn):
    def prog(lib):
        z = lib.tensor([1 + 2j, -0.5 + 0.25j, 3 - 1j], requires_grad=True)
        w = lib.tensor([0.5 - 1j, 2 + 0j, -1 + 1j], requires_grad=True)
        out = fn(lib, z, w)
        loss = out.abs().sum() if out.is_complex() else out.sum()
        loss.backward()
        return out.detach() * 1, z.grad * 1, w.grad * 1  # (* 1 resolves torch's lazy conjugate)
    return prog


@pytest.mark.parametrize('fn', [
    lambda lib, z, w: z.abs() + (w * 0).real,
    lambda lib, z, w: z * w,
    lambda lib, z, w: (z * 0.3).exp() + w,
    lambda lib, z, w: z.real * 2 + w.imag,
    lambda lib, z, w: lib.imag(z * w),
    lambda lib, z, w: (z * w.conj()).real,
    lambda lib, z, w: z / w,
], ids=['abs', 'mul', 'exp', 'real_imag', 'imag_of_mul', 'conj', 'div'])
def test_complex_gradients_follow_torch_convention(fn):
    both(_complex_prog(fn))


def test_complex_backward_needs_real_scalar():
    same_error(lambda lib: (lib.tensor([1 + 1j], requires_grad=True) * 2).sum().backward())


def test_complex_gradcheck():
    rng = np.random.default_rng(0)
    z = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    check_grads(lambda a: (a * a).exp(), z)
    check_grads(lambda a: a.abs(), z)


# ----------------------------------------------------------------------------------------------- gradcheck
def _wrong_function(lib):
    class WrongExp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.exp()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x.exp() * 1.1   # off by 10%
    return WrongExp


def test_gradcheck_fails_for_wrong_backward():
    import sys
    for lib, err in ((torch, sys.modules['torch.autograd.gradcheck'].GradcheckError), (ember, GradcheckError)):
        x = lib.tensor([0.1, 0.5, -0.3], dtype=lib.float64, requires_grad=True)
        f = _wrong_function(lib).apply
        with pytest.raises(err, match='Jacobian mismatch'):
            lib.autograd.gradcheck(f, (x,))
        assert lib.autograd.gradcheck(f, (x,), raise_exception=False) is False
        assert issubclass(err, RuntimeError)


def test_gradgradcheck_fails_for_wrong_double_backward():
    class WrongSecond(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            # Right first derivative, but written so that its own derivative is wrong.
            return g * 3 * (x * x.detach())
    x = ember.tensor([0.4, -0.7], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(WrongSecond.apply, (x,))
    assert ember.autograd.gradgradcheck(WrongSecond.apply, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError):
        ember.autograd.gradgradcheck(WrongSecond.apply, (x,))


def test_gradcheck_passes_for_right_backward_and_multiple_outputs():
    x = ember.tensor([[0.1, 0.5], [-0.3, 2.0]], dtype=ember.float64, requires_grad=True)
    w = ember.tensor([0.7, -1.1], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda a, b: (a * b, (a + b).exp()), (x, w))
    assert ember.autograd.gradgradcheck(lambda a, b: (a * b).tanh(), (x, w))


def test_gradcheck_without_requires_grad_raises():
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            lib.autograd.gradcheck(lambda a: a * 2, (lib.ones(2, dtype=lib.float64),))


# ----------------------------------------------------------------------------------------------- functional
def test_functional_against_torch():
    def prog(lib):
        F = lib.autograd.functional
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64)
        y = lib.tensor([1.5, 0.25, -0.5], dtype=lib.float64)
        v = lib.tensor([1.0, 2.0, -1.0], dtype=lib.float64)

        def f(a):
            return (a * a).exp() * 0.1

        def g(a, b):
            return (a * a * b).sum() + (a * b).tanh().sum()
        return [
            F.jacobian(f, x), F.jacobian(lambda a, b: (a * b, a.exp()), (x, y)),
            F.jacobian(lambda a: a.sum() * 2, x),
            F.hessian(lambda a: (a ** 3).sum(), x), F.hessian(g, (x, y)),
            F.vjp(f, x, v), F.jvp(f, x, v), F.hvp(lambda a: (a ** 3).sum(), x, v),
            F.vhp(g, (x, y), (v, v)), F.hvp(g, (x, y), (v, y)),
            F.jacobian(lambda a: lib.ones(2, dtype=lib.float64), x),
            F.vjp(lambda a: (a * 3).sum(), x),
        ]
    both(prog)


def test_functional_create_graph():
    def prog(lib):
        F = lib.autograd.functional
        x = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
        _, g = F.vjp(lambda a: (a ** 3).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        h = F.hessian(lambda a: (a ** 3).sum(), x, create_graph=True)
        (hh,) = lib.autograd.grad(h.sum(), x)
        return g, gg, h.requires_grad, hh
    both(prog)


def test_functional_bad_inputs():
    for lib in (torch, ember):
        F = lib.autograd.functional
        x = lib.ones(2)
        with pytest.raises(RuntimeError, match='single element'):
            F.vjp(lambda a: a * 2, x)
        with pytest.raises(TypeError):
            F.jacobian(lambda a: 3, x)
        with pytest.raises(TypeError):
            F.jacobian(lambda a: a, [1.0])
        with pytest.raises(RuntimeError, match='should contain a single element'):
            F.hessian(lambda a: a, x)
        with pytest.raises(RuntimeError, match='strict mode'):
            F.jacobian(lambda a: lib.ones(3), x, strict=True)
        with pytest.raises(RuntimeError, match='invalid size'):
            F.vjp(lambda a: a * 2, x, lib.ones(3))


# ----------------------------------------------------------------------------------------------- Variable, misc
def test_variable_is_a_tensor():
    v = ember.autograd.Variable(ember.ones(2), requires_grad=True)
    assert isinstance(v, ember.Tensor) and v.requires_grad


def test_grad_setter_checks():
    for lib in (torch, ember):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError):
            x.grad = lib.ones(3)
        with pytest.raises(RuntimeError):
            x.grad = lib.ones(2, dtype=lib.float64)
        with pytest.raises(TypeError):
            x.grad = [1.0, 2.0]


@needs_torch
def test_nodes_that_saved_only_shapes_can_run_backward_twice():
    # PyTorch frees saved tensors after backward; nodes that saved none (expand saves a shape) may run again.
    for T in (torch, ember):
        x = T.ones(3, requires_grad=True)
        w = x.expand(2, 3)
        w.sum().backward()
        (w.sum() * 3).backward()
        assert x.grad.tolist() == [8.0, 8.0, 8.0]
        y = x.exp()
        s = y.sum()
        s.backward()
        with pytest.raises(RuntimeError, match='backward through the graph a second time'):
            s.backward()
