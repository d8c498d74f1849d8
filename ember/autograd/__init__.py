"""Automatic differentiation: ``backward``, ``grad``, grad modes, custom ``Function``s and checks."""
from __future__ import annotations

from typing import Sequence

from .anomaly_mode import detect_anomaly, set_detect_anomaly, is_anomaly_enabled, is_anomaly_check_nan_enabled
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .graph import Node
from . import graph


def _as_tuple(x):
    if x is None:
        return None
    from .._tensor import Tensor
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grad_outputs, is_grads_batched=False):
    from .._tensor import Tensor
    from ..ops.creation import ones_like
    out = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if t._requires_grad or t.grad_fn is not None:
                if t._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if t.dtype.category != 2:
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                       f"{t.dtype!r}")
            g = ones_like(t)
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        else:
            if g._data.shape != t._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                                   f"output[{i}] has a shape of {t.shape}.")
            if g.dtype.category != t.dtype.category and not (g.dtype.category >= 2 and t.dtype.category >= 2):
                raise RuntimeError(f"For complex Tensors, both grad_output and output are required to have the "
                                   f"same dtype. Mismatch in dtype: grad_output[{i}] has a dtype of {g.dtype!r} "
                                   f"and output[{i}] has a dtype of {t.dtype!r}.")
            g = g.detach() if not g._requires_grad else g
            g._is_root_grad = True
        out.append(g)
    return out


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False,
             grad_variables=None, inputs=None) -> None:
    """Compute the sum of gradients of ``tensors`` w.r.t. the graph leaves and accumulate them in ``.grad``."""
    from .engine import run_backward
    tensors = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"got {len(grad_tensors)} tensors and {len(tensors)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    grads = _make_grads(tensors, grad_tensors)
    capture = None
    if inputs is not None:
        capture = []
        for t in inputs:
            if not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            capture.append(graph.leaf_edge(t))
    captured = run_backward(tensors, grads, retain_graph, create_graph, capture=capture, accumulate=True)
    if inputs is not None:
        for t, edge in zip(inputs, capture):
            if t.grad_fn is not None and edge in captured:
                g = captured[edge]
                t._grad = g if t._grad is None else t._grad + g


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False):
    """Compute and return the gradients of ``outputs`` w.r.t. ``inputs`` (without touching ``.grad``)."""
    from .engine import run_backward
    from .._tensor import Tensor
    single_input = isinstance(inputs, Tensor)
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(grad_outputs)} grad_outputs and "
                           f"{len(outputs)} outputs")
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs must be Tensors, got {type(t).__name__}")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _make_grads(outputs, grad_outputs)
    capture = [graph.leaf_edge(t) for t in inputs]
    captured = run_backward(outputs, grads, retain_graph, create_graph, capture=capture, accumulate=False)
    result = []
    for i, (t, edge) in enumerate(zip(inputs, capture)):
        g = captured.get(edge)
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   f"graph. Set allow_unused=True if this is the desired behavior.")
            if materialize_grads:
                from ..ops.creation import zeros_like
                g = zeros_like(t)
        result.append(g)
    return tuple(result)


def Variable(data, requires_grad: bool = False, volatile: bool = False):
    """The legacy ``autograd.Variable``: today just a tensor (with ``requires_grad`` as given)."""
    from ..ops.creation import as_tensor
    t = as_tensor(data) if not hasattr(data, '_data') else data
    if requires_grad:
        t.requires_grad_(True)
    return t


from .function import Function, FunctionCtx, once_differentiable  # noqa: E402
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402
from . import functional  # noqa: E402,F401
