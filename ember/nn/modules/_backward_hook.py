"""Full backward hooks of Modules: identity nodes around a module's inputs and outputs catch their gradients."""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.function import Function


class _Identity(Function):
    """Passes tensors through unchanged; its node is where the module's gradients are intercepted."""

    @staticmethod
    def forward(ctx, *args):
        return tuple(a.view_as(a) for a in args)

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _wrap_tensors(values, on_node):
    """Send the tensors among ``values`` that require grad through one identity node; ``on_node(node, n)``."""
    is_seq = isinstance(values, (tuple, list))
    items = list(values) if is_seq else [values]
    idx = [i for i, v in enumerate(items) if isinstance(v, Tensor) and v.requires_grad]
    if not idx:
        return values, 0
    outs = _Identity.apply(*[items[i] for i in idx])
    outs = outs if isinstance(outs, tuple) else (outs,)
    on_node(outs[0].grad_fn, len(items))
    for i, o in zip(idx, outs):
        items[i] = o
    if not is_seq:
        return items[0], 1
    return type(values)(items) if not hasattr(values, '_fields') else type(values)(*items), len(items)


class BackwardHook:
    """Calls a module's backward pre-hooks with ``grad_output`` and its backward hooks with
    ``(grad_input, grad_output)`` during backward."""

    def __init__(self, module):
        self.module = module
        self.grad_outputs = None
        self.input_hooked = False

    def setup_input(self, args: tuple) -> tuple:
        def on_node(node, n):
            self.input_hooked = True
            node.register_hook(self._on_input_grads)
        new, _ = _wrap_tensors(args, on_node)
        return new

    def setup_output(self, result):
        new, _ = _wrap_tensors(result, lambda node, n: node.register_prehook(self._on_output_grads))
        return new

    def _on_output_grads(self, grad_outputs):
        for hook in list(self.module._backward_pre_hooks.values()):
            r = hook(self.module, grad_outputs)
            if r is not None:
                grad_outputs = tuple(r) if isinstance(r, (tuple, list)) else (r,)
        self.grad_outputs = grad_outputs
        if not self.input_hooked:
            for hook in list(self.module._backward_hooks.values()):
                hook(self.module, (None,), grad_outputs)
        return grad_outputs

    def _on_input_grads(self, grad_inputs, grad_outputs):
        for hook in list(self.module._backward_hooks.values()):
            r = hook(self.module, grad_inputs, self.grad_outputs)
            if r is not None:
                grad_inputs = tuple(r) if isinstance(r, (tuple, list)) else (r,)
        return grad_inputs
