"""Graph nodes: the backward functions that tensors point to through ``grad_fn``."""
from __future__ import annotations

import itertools
import weakref

_seq = itertools.count()


class RemovableHandle:
    """Returned by ``register_*hook``: ``remove()`` takes the hook out again (also as a context manager)."""

    _ids = itertools.count()

    def __init__(self, hooks_dict: dict, *extra_dicts: dict):
        self.id = next(RemovableHandle._ids)
        self._dicts = [weakref.ref(hooks_dict)] + [weakref.ref(d) for d in extra_dicts]

    def remove(self) -> None:
        for ref in self._dicts:
            d = ref()
            if d is not None:
                d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _HookDict(dict):
    """A dict that can be weakly referenced (handles hold their dicts weakly)."""
    __slots__ = ('__weakref__',)


class Node:
    """A backward function in the autograd graph (``grad_fn``).

    ``next_functions`` is a tuple of ``(node, input_nr)`` pairs, one per differentiable input of the forward
    op, with ``(None, 0)`` for inputs that need no gradient.
    """

    __slots__ = ('next_functions', '_seq', '_trace', '_pre_hooks', '_post_hooks', '_tensor_hooks', '_retain',
                 'metadata', '__weakref__')

    def __init__(self):
        self.next_functions = ()
        self._seq = next(_seq)
        self._trace = None
        self._pre_hooks = None
        self._post_hooks = None
        self._tensor_hooks = None
        self._retain = None

    def name(self) -> str:
        return type(self).__name__

    def apply(self, grads: list, create_graph: bool, retain_graph: bool) -> list:
        raise NotImplementedError

    def __call__(self, *grads):
        return self.apply(list(grads), False, True)

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node computed its gradients."""
        if self._post_hooks is None:
            self._post_hooks = _HookDict()
        h = RemovableHandle(self._post_hooks)
        self._post_hooks[h.id] = fn
        return h

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node, and may return replacement gradients."""
        if self._pre_hooks is None:
            self._pre_hooks = _HookDict()
        h = RemovableHandle(self._pre_hooks)
        self._pre_hooks[h.id] = fn
        return h

    def _add_tensor_hook(self, out_nr: int, fn):
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        hooks = self._tensor_hooks.setdefault(out_nr, _HookDict())
        h = RemovableHandle(hooks)
        hooks[h.id] = fn
        return h

    def __repr__(self) -> str:
        return f"<{self.name().rsplit('::', 1)[-1]} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node of a leaf tensor: adds the incoming gradient into ``variable.grad``."""

    __slots__ = ('variable',)

    def __init__(self, variable):
        super().__init__()
        self.variable = variable

    def name(self) -> str:
        return 'torch::autograd::AccumulateGrad'

    def apply(self, grads, create_graph, retain_graph):
        g = grads[0]
        t = self.variable
        if g is None:
            return []
        if t._grad is None:
            if create_graph:
                t._grad = g
            else:
                arr = g._data
                # Own the memory: the incoming gradient may be a broadcast view or a tensor the caller keeps.
                if not (getattr(arr, 'flags', None) is not None and arr.flags.owndata and arr.flags.writeable
                        and arr.flags.c_contiguous) or getattr(g, '_is_root_grad', False):
                    g = type(g)._wrap(arr.copy(), dtype=g.dtype)
                t._grad = g
        elif create_graph or t._grad._requires_grad:
            t._grad = t._grad + g
        else:
            t._grad._data += g._data
            t._grad._version_ctr.value += 1
        hooks = t.__dict__.get('_post_acc_hooks')
        if hooks:
            for hook in tuple(hooks.values()):
                hook(t)
        return []


# The active (pack_hook, unpack_hook) pairs, innermost last; empty is the common case and costs one check per save.
_saved_hooks: list = []


class saved_tensors_hooks:
    """Within this context, every tensor an op saves for backward is stored as ``pack_hook(tensor)`` and
    ``unpack_hook(packed)`` gives the tensor back when backward needs it."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _hooks_disabled[0] is not None:
            raise RuntimeError(_hooks_disabled[0])
        _saved_hooks.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        _saved_hooks.pop()


_hooks_disabled: list = [None]  # the error message while saved_tensors_hooks are disabled


class disable_saved_tensors_hooks:
    """Within this context, using saved_tensors_hooks raises RuntimeError with ``error_message``."""

    def __init__(self, error_message: str):
        self.error_message = error_message

    def __enter__(self):
        if _saved_hooks:
            raise RuntimeError(self.error_message)
        self.prev = _hooks_disabled[0]
        _hooks_disabled[0] = self.error_message
        return self

    def __exit__(self, *exc):
        _hooks_disabled[0] = self.prev


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU and moved back to their device when backward unpacks them."""

    def __init__(self, pin_memory: bool = False, device_type: str = 'cuda'):
        super().__init__(lambda t: (t.device, t.cpu()), lambda packed: packed[1].to(packed[0]))


def leaf_edge(t) -> tuple:
    """The edge into the graph for tensor ``t``: its grad_fn, or its (shared) AccumulateGrad node."""
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._out_nr)
    if not t._requires_grad:
        return (None, 0)
    ref = t._accum
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._accum = weakref.ref(acc)
    return (acc, 0)
