"""Custom ``autograd.Function`` against real PyTorch running the same programs.

Each ``both(program)`` test runs ``program(lib)`` once with ``lib=ember`` and once with ``lib=torch`` and
compares what comes back (tensors by value, shape and dtype; other values by equality).
"""
import gc

import numpy as np
import pytest

import ember
from support import needs_torch, torch

pytestmark = needs_torch


from test_autograd import both, same_error  # noqa: E402  (the shared ember-vs-torch runners)


# ----------------------------------------------------------------------------------------------- custom Function
def _cube(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale=1.0):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x ** 3 * scale

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2 * ctx.scale, None
    return Cube


def test_custom_function_forward_backward_and_double_backward():
    def prog(lib):
        Cube = _cube(lib)
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = Cube.apply(x, 2.0)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return (y, g, gg, type(y.grad_fn).__name__, y.grad_fn.name(), y.requires_grad, y.is_leaf,
                [n.name() if n else None for n, _ in y.grad_fn.next_functions])
    both(prog)


def test_custom_function_gradcheck():
    Cube = _cube(ember)
    x = ember.tensor([0.3, -1.2, 2.0], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: Cube.apply(t, 1.5), (x,))
    assert ember.autograd.gradgradcheck(lambda t: Cube.apply(t, 1.5), (x,))


def test_custom_function_setup_context_style():
    def prog(lib):
        class Mul(lib.autograd.Function):
            @staticmethod
            def forward(a, b):
                return a * b

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(*inputs)

            @staticmethod
            def backward(ctx, g):
                a, b = ctx.saved_tensors
                return (g * b if ctx.needs_input_grad[0] else None), (g * a if ctx.needs_input_grad[1] else None)
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0])
        y = Mul.apply(a, b)
        y.sum().backward()
        return y, a.grad, b.grad is None
    both(prog)


def test_custom_function_without_grad_recording():
    def prog(lib):
        Cube = _cube(lib)
        r = Cube.apply(lib.tensor([2.0]))
        with lib.no_grad():
            s = Cube.apply(lib.tensor([2.0], requires_grad=True))
        return r, r.grad_fn is None, s.requires_grad
    both(prog)


def test_custom_function_multiple_outputs_and_materialize():
    def prog(lib, materialize):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(materialize)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                ctx.seen = (g1 is None, g2 is None)
                total = 0
                if g1 is not None:
                    total = total + g1 * 2
                if g2 is not None:
                    total = total + g2 * 3
                return total
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a, b = Split.apply(x)
        node = a.grad_fn
        a.sum().backward()
        return x.grad, node.seen, a.grad_fn is b.grad_fn
    both(lambda lib: prog(lib, True))
    both(lambda lib: prog(lib, False))


def test_custom_function_mark_non_differentiable():
    def prog(lib):
        class SortLike(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                idx = (x > 0).to(lib.float32)
                ctx.mark_non_differentiable(idx)
                return x * 2, idx

            @staticmethod
            def backward(ctx, g, g_idx):
                return g * 2
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        y, idx = SortLike.apply(x)
        y.sum().backward()
        return y, idx, idx.requires_grad, idx.grad_fn is None, x.grad
    both(prog)


def test_custom_function_mark_dirty():
    def prog(lib):
        class AddOneInplace(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 1
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 2
        out = AddOneInplace.apply(h)
        (out * out).sum().backward()
        return out is h, h.grad_fn.name(), h._version, x.grad, h
    both(prog)


def test_custom_function_mark_dirty_on_leaf_raises():
    def prog(lib):
        class AddOneInplace(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g
        AddOneInplace.apply(lib.tensor([1.0], requires_grad=True))
    same_error(prog)


def test_custom_function_returning_input_makes_alias():
    def prog(lib):
        class Identity(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 5
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Identity.apply(x)
        y.sum().backward()
        y.sum().backward()  # nothing saved: a second backward works
        return y is x, y._base is x, y.grad_fn.name(), x.grad
    both(prog)


def test_custom_function_once_differentiable():
    def make(lib):
        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                out = x.exp()
                ctx.save_for_backward(out)
                return out

            @staticmethod
            @lib.autograd.function.once_differentiable
            def backward(ctx, g):
                (out,) = ctx.saved_tensors
                return g * out
        return Exp

    def first(lib):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        (g,) = lib.autograd.grad(make(lib).apply(x).sum(), x, create_graph=True)
        return g, g.requires_grad

    def second(lib):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        (g,) = lib.autograd.grad(make(lib).apply(x).sum(), x, create_graph=True)
        g.sum().backward()
    both(first)
    same_error(second)


def test_custom_function_saved_output_and_version_check():
    def prog(lib):
        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                out = x.exp()
                ctx.save_for_backward(out)
                return out

            @staticmethod
            def backward(ctx, g):
                (out,) = ctx.saved_tensors
                return g * out
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        y = Exp.apply(x)
        y.add_(1)
        y.sum().backward()
    with pytest.raises(RuntimeError, match='modified by an inplace operation') as te:
        prog(torch)
    with pytest.raises(RuntimeError, match='modified by an inplace operation') as ee:
        prog(ember)
    assert str(ee.value).split('Hint')[0] == str(te.value).split('Hint')[0]


def test_custom_function_saved_tensors_freed_after_backward():
    def prog(lib):
        Cube = _cube(lib)
        x = lib.tensor([1.0], requires_grad=True)
        y = Cube.apply(x)
        y.sum().backward()
        y.grad_fn.saved_tensors
    same_error(prog)


def test_custom_function_wrong_number_of_grads():
    def prog(lib, n):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            def backward(ctx, g):
                return (g,) * n
        a = lib.tensor([1.0], requires_grad=True)
        Bad.apply(a, a).sum().backward()
    same_error(lambda lib: prog(lib, 1))
    same_error(lambda lib: prog(lib, 3))


def test_custom_function_grad_for_non_tensor_input_raises():
    def prog(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return g, g
        Bad.apply(lib.tensor([1.0], requires_grad=True), 2.0).sum().backward()
    same_error(prog)


def test_custom_function_grad_of_wrong_shape_raises():
    def prog(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return lib.ones(5)
        Bad.apply(lib.ones(2, requires_grad=True)).sum().backward()
    same_error(prog)


def test_custom_function_save_non_tensor_raises():
    for lib in (torch, ember):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g
        with pytest.raises(TypeError):
            Bad.apply(lib.ones(2, requires_grad=True))


def test_custom_function_without_backward_raises():
    def prog(lib):
        class NoBack(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2
        NoBack.apply(lib.ones(2, requires_grad=True)).sum().backward()
    same_error(prog, NotImplementedError)


def test_custom_function_vjp_alias_and_ctx_api():
    class Twice(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def vjp(ctx, g):
            assert ctx.saved_variables[0] is ctx.saved_tensors[0]
            return g * 2
    x = ember.ones(2, requires_grad=True)
    Twice.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])
    assert isinstance(Twice.apply(x).grad_fn, ember.autograd.function.FunctionCtx)
    assert issubclass(ember.autograd.function.InplaceFunction, ember.autograd.Function)


def test_custom_function_graph_freed_without_gc():
    import weakref

    class Exp(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(x, out)
            return out

        @staticmethod
        def backward(ctx, g):
            return g * ctx.saved_tensors[1]
    x = ember.ones(3, requires_grad=True)
    y = Exp.apply(x)
    ref = weakref.ref(y.grad_fn)
    gc.disable()
    try:
        del y
        assert ref() is None
    finally:
        gc.enable()
