"""``ember.autograd.functional``: Jacobians, Hessians and vector products of whole functions.

jvp and hvp use the double-backward trick (a vjp is linear in its vector, so differentiating it with respect
to that vector gives the forward product), so they work for every op whose backward is written in ember ops.
"""
from __future__ import annotations

import numpy as np

from . import grad_mode


def _as_tuple(x, arg_name: str, fn_name: str):
    from .._tensor import Tensor
    if isinstance(x, Tensor):
        return (x,), False
    if not isinstance(x, tuple):
        raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the "
                        f"given {arg_name} has type {type(x)}.")
    for i, el in enumerate(x):
        if not isinstance(el, Tensor):
            raise TypeError(f"The element {i} of the {arg_name} given to {fn_name} must be a Tensor but the given "
                            f"element has type {type(el)}.")
    return x, True


def _unpack(res, is_tuple):
    return res if is_tuple else res[0]


def _preprocess(inputs, create_graph: bool):
    # With create_graph the caller's graph must be kept; otherwise differentiate fresh leaves.
    return tuple(t if create_graph and t.requires_grad else t.detach().requires_grad_(True) for t in inputs)


def _postprocess(res, create_graph: bool):
    if create_graph:
        return tuple(res)
    return tuple(r.detach() if r is not None else None for r in res)


def _check_outputs(outputs, strict: bool) -> None:
    if not strict:
        return
    for i, o in enumerate(outputs):
        if not o.requires_grad:
            raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The outputs "
                               f"must be computed in a differentiable manner from the input when running in strict "
                               f"mode.")


def _validate_v(v, other, is_tuple: bool) -> None:
    if len(v) != len(other):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}.")


def _grad(outputs, inputs, grad_outputs, create_graph: bool):
    """autograd.grad over the outputs that are part of a graph; None for inputs they do not reach."""
    from . import grad
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], inputs, [g for _, g in pairs], create_graph=create_graph,
                retain_graph=True, allow_unused=True)


def _fill_zeros(grads, refs, strict: bool, what: str):
    from ..ops.creation import zeros_like
    out = []
    for i, (g, r) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is "
                                   f"not allowed in strict mode.")
            g = zeros_like(r)
        out.append(g)
    return tuple(out)


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """The output of ``func(*inputs)`` and the vector-Jacobian product ``v^T J``."""
    with grad_mode.enable_grad():
        inputs, in_tuple = _as_tuple(inputs, "inputs", "vjp")
        inputs = _preprocess(inputs, create_graph)
        outputs, out_tuple = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_outputs(outputs, strict)
        if v is not None:
            v, _ = _as_tuple(v, "v", "vjp")
            _validate_v(v, outputs, out_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                               "with a single element.")
        res = _fill_zeros(_grad(outputs, inputs, v, create_graph), inputs, strict, "output")
    return _unpack(_postprocess(outputs, create_graph), out_tuple), _unpack(_postprocess(res, create_graph), in_tuple)


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """The output of ``func(*inputs)`` and the Jacobian-vector product ``J v``."""
    from ..ops.creation import zeros_like
    with grad_mode.enable_grad():
        inputs, in_tuple = _as_tuple(inputs, "inputs", "jvp")
        inputs = _preprocess(inputs, create_graph)
        if v is not None:
            v, _ = _as_tuple(v, "v", "jvp")
            _validate_v(v, inputs, in_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        outputs, out_tuple = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_outputs(outputs, strict)
        dummies = tuple(zeros_like(o, requires_grad=True) for o in outputs)
        vj = _grad(outputs, inputs, dummies, True)
        res = _fill_zeros(_grad(vj, dummies, v, create_graph), outputs, strict, "input")
    return _unpack(_postprocess(outputs, create_graph), out_tuple), _unpack(_postprocess(res, create_graph), out_tuple)


def _jacobian_rows(out, inputs, create_graph: bool):
    """The Jacobian of one output w.r.t. each input, shaped ``out.shape + input.shape``, and whether each
    input reached the output at all."""
    from ..ops.creation import zeros, zeros_like
    from .._tensor import Tensor
    n = out.numel()
    if not out.requires_grad or n == 0:
        return [zeros(tuple(out.shape) + tuple(t.shape), dtype=t.dtype) for t in inputs], [False] * len(inputs)
    if n == 1:
        gs = _grad((out,), inputs, None, create_graph)
        return ([(g if g is not None else zeros_like(t)).reshape(tuple(out.shape) + tuple(t.shape))
                 for g, t in zip(gs, inputs)], [g is not None for g in gs])
    rows = [[] for _ in inputs]
    for k in range(n):
        onehot = zeros_like(out)
        onehot._data.reshape(-1)[k] = 1
        for j, g in enumerate(_grad((out,), inputs, (onehot,), create_graph)):
            rows[j].append(g)
    res = []
    for t, rs in zip(inputs, rows):
        shape = tuple(out.shape) + tuple(t.shape)
        if create_graph:
            from ..ops.joining import stack
            res.append(stack([r if r is not None else zeros_like(t) for r in rs]).reshape(shape))
        else:
            # No graph to keep: assemble the rows in one array.
            arr = np.zeros((n,) + tuple(t.shape), t.dtype.np)
            for k, r in enumerate(rs):
                if r is not None:
                    arr[k] = r._data
            res.append(Tensor._wrap(arr.reshape(shape), dtype=t.dtype))
    return res, [any(r is not None for r in rs) for rs in rows]


def jacobian(func, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode"):
    """The Jacobian of ``func`` at ``inputs`` (nested tuples follow the outputs, then the inputs)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
                         'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, '
                         'prefer to use "reverse-mode".')
    with grad_mode.enable_grad():
        inputs, in_tuple = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _preprocess(inputs, create_graph)
        outputs, out_tuple = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_outputs(outputs, strict)
        jac = []
        for i, out in enumerate(outputs):
            rows, used = _jacobian_rows(out, inputs, create_graph)
            if strict and not all(used):
                raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                   f"{used.index(False)}. This is not allowed in strict mode.")
            jac.append(_unpack(_postprocess(rows, create_graph), in_tuple))
    return _unpack(tuple(jac), out_tuple)


def hessian(func, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of a scalar function ``func`` at ``inputs``."""
    from .._tensor import Tensor
    inputs, in_tuple = _as_tuple(inputs, "inputs", "hessian")

    def single_output(*inp):
        out = func(*inp)
        if not isinstance(out, Tensor):
            _as_tuple(out, "outputs of the user-provided function", "hessian")
            raise RuntimeError("The function given to hessian should return a single Tensor")
        _check_outputs((out,), strict)
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single "
                               "element")
        return out.reshape(())

    def jac_func(*inp):
        return jacobian(single_output, inp, create_graph=True, strict=strict)

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict)
    if in_tuple:
        return res
    return res[0][0]


def _scalar_and_jac(func, inputs, v, fn_name: str, strict: bool):
    inputs, in_tuple = _as_tuple(inputs, "inputs", fn_name)
    inputs = tuple(t.detach().requires_grad_(True) if not t.requires_grad else t for t in inputs)
    if v is not None:
        v, _ = _as_tuple(v, "v", fn_name)
        _validate_v(v, inputs, in_tuple)
    elif len(inputs) != 1 or inputs[0].numel() != 1:
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                           "Tensor with a single element.")
    out = func(*inputs)
    outputs, out_tuple = _as_tuple(out, "outputs of the user-provided function", fn_name)
    if out_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")
    _check_outputs(outputs, strict)
    jac = _grad(outputs, inputs, None, True)
    return inputs, in_tuple, out, v, jac


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """The output of the scalar ``func(*inputs)`` and the vector-Hessian product ``v^T H``."""
    with grad_mode.enable_grad():
        inputs, in_tuple, out, v, jac = _scalar_and_jac(func, inputs, v, "vhp", strict)
        res = _fill_zeros(_grad(jac, inputs, v, create_graph), inputs, strict, "jacobian")
    return _postprocess((out,), create_graph)[0], _unpack(_postprocess(res, create_graph), in_tuple)


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """The output of the scalar ``func(*inputs)`` and the Hessian-vector product ``H v``."""
    from ..ops.creation import zeros_like
    with grad_mode.enable_grad():
        inputs, in_tuple, out, v, jac = _scalar_and_jac(func, inputs, v, "hvp", strict)
        dummies = tuple(zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _grad(jac, inputs, dummies, True)
        res = _fill_zeros(_grad(double_back, dummies, v, create_graph), inputs, strict, "jacobian")
    return _postprocess((out,), create_graph)[0], _unpack(_postprocess(res, create_graph), in_tuple)


__all__ = ['vjp', 'jvp', 'jacobian', 'hessian', 'vhp', 'hvp']
