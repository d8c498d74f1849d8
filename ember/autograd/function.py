"""Custom autograd functions (``ember.autograd.Function``): a forward and a hand-written backward.

The ``ctx`` a forward sees is the graph node itself (as in PyTorch), so ``y.grad_fn.saved_tensors`` and
attributes set on ``ctx`` are reachable from the output. Each Function subclass gets its own node class,
named ``<ClassName>Backward``.
"""
from __future__ import annotations

import functools
import inspect

from . import grad_mode
from .anomaly_mode import anomaly
from .graph import Node, leaf_edge

_state = grad_mode.state
_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
          "if you need to access saved tensors after calling backward.")


class FunctionCtx:
    """The context object of a custom Function: what forward leaves for backward."""

    def save_for_backward(self, *tensors) -> None:
        """Save tensors (or None) for backward; they come back through ``saved_tensors``."""
        from .._tensor import Tensor
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        self.saved_for_forward = tensors

    def mark_dirty(self, *args) -> None:
        """Declare the inputs that forward modified in place (they must be returned as outputs)."""
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args) -> None:
        """Declare outputs that have no gradient (they get ``requires_grad=False``)."""
        self.non_differentiable = args

    def set_materialize_grads(self, value: bool) -> None:
        """Whether backward gets zeros (True, the default) or None for outputs that received no gradient."""
        self.materialize_grads = bool(value)

    def mark_shared_storage(self, *pairs) -> None:
        raise RuntimeError("mark_shared_storage is deprecated. Tensors with shared storages are automatically "
                           "tracked. Note that calls to `set_()` are not tracked")


class BackwardCFunction(Node, FunctionCtx):
    """The graph node of one call of a custom Function; also the ``ctx`` its forward and backward see."""

    _forward_cls = None

    def __init__(self):
        Node.__init__(self)
        self.to_save = None
        self.materialize_grads = True
        self.needs_input_grad = ()
        self._saved = None
        self._freed = False
        self._input_meta = ()
        self._out_meta = ()

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_FREED)
        if self._saved is None:
            return ()
        return tuple(s.unpack(self) if s is not None else None for s in self._saved)

    saved_variables = saved_tensors

    def apply(self, grads, create_graph, retain_graph):
        cls = self._forward_cls
        n_out = len(self._out_meta)
        grads = list(grads) + [None] * (n_out - len(grads))
        if self.materialize_grads:
            from ..ops.creation import zeros
            for k, meta in enumerate(self._out_meta):
                if grads[k] is None and meta is not None:
                    grads[k] = zeros(meta[0], dtype=meta[1])
        res = cls.backward(self, *grads)
        if not retain_graph and self._saved:
            self._saved = None
            self._freed = True
        if not isinstance(res, tuple):
            res = (res,)
        n_in = len(self._input_meta)
        if len(res) > n_in and all(r is None for r in res[n_in:]):
            res = res[:n_in]
        if len(res) != n_in:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients (expected "
                               f"{n_in}, got {len(res)})")
        out = []
        for i, (g, meta) in enumerate(zip(res, self._input_meta)):
            if meta is None:
                if g is not None:
                    raise RuntimeError(f"function {self.name()} returned a gradient different than None at "
                                       f"position {i + 1}, but the corresponding forward input was not a Variable")
                continue
            if g is not None and (g._data.shape != meta[0] or g.dtype is not meta[1]):
                g = _conform_grad(self, i, g, meta)
            out.append(g)
        return out


def _conform_grad(node, i, g, meta):
    from ..ops._primitive import _conform
    shape = meta[0]
    gs = g._data.shape
    # The gradient may carry extra leading dims or size-1 dims that broadcasting would add; sum them away.
    ok = len(gs) >= len(shape) and all(s == t or t == 1 for s, t in zip(gs[len(gs) - len(shape):], shape))
    if not ok:
        raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                           f"[{', '.join(map(str, gs))}] but expected shape compatible with "
                           f"[{', '.join(map(str, shape))}]")
    return _conform(g, shape, meta[1])


class FunctionMeta(type):
    """Gives every Function subclass its own backward node class, ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs):
        if 'vjp' in attrs and 'backward' not in attrs:
            cls.backward = attrs['vjp']
        cls._backward_cls = type(name + 'Backward', (BackwardCFunction,), {'_forward_cls': cls, '__module__':
                                                                          cls.__module__})
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Base class for custom differentiable operations (``torch.autograd.Function``).

    Define ``forward(ctx, *args)`` (or ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``) and
    ``backward(ctx, *grad_outputs)`` as staticmethods, then call ``MyFunction.apply(*args)``.
    """

    generate_vmap_rule = False

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions are all static, so "
                      "you should invoke them on the class itself. Instantiating an autograd function will raise "
                      "an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use new-"
                           "style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        """The computation (runs with gradient recording off)."""
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save what backward needs when ``forward`` does not take ``ctx``."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """The gradient of each forward input given the gradients of the outputs."""
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the function on ``args``, recording it in the graph when an input requires grad."""
        from .._tensor import Tensor
        ctx = cls._backward_cls()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        recording = _state.enabled and any(ctx.needs_input_grad)
        separate_ctx = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if separate_ctx:
                if kwargs:
                    bound = inspect.signature(cls.forward).bind(*args, **kwargs)
                    bound.apply_defaults()
                    args, kwargs = bound.args, {}
                out = cls.forward(*args)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        if not recording:
            return out
        return _record(ctx, args, out)


def _record(ctx, args, out):
    """Connect the outputs of a custom Function call to its node ``ctx``."""
    from .._tensor import Tensor
    from .. import _dtype as D
    ctx.next_functions = tuple(leaf_edge(a) for a in args if isinstance(a, Tensor))
    ctx._input_meta = tuple((a._data.shape, a.dtype) if isinstance(a, Tensor) else None for a in args)
    is_tuple = isinstance(out, tuple)
    outs = list(out) if is_tuple else [out]
    dirty = {id(t) for t in getattr(ctx, 'dirty_tensors', ())}
    non_diff = {id(t) for t in getattr(ctx, 'non_differentiable', ())}
    input_ids = {id(a) for a in args if isinstance(a, Tensor)}
    out_meta = []
    for k, o in enumerate(outs):
        if not isinstance(o, Tensor):
            out_meta.append(None)
            continue
        if id(o) in dirty:
            if o.grad_fn is None and o._requires_grad:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
            o._version_ctr.value += 1  # PyTorch bumps a dirty tensor's version once more
        elif id(o) in input_ids:
            # An input returned unchanged becomes a view of it (a new tensor object), as in PyTorch.
            o = _alias(o)
            outs[k] = o
        differentiable = id(o) not in non_diff and o.dtype.category >= D.FLOAT
        out_meta.append((o._data.shape, o.dtype) if differentiable else None)
        if differentiable:
            o._requires_grad, o.grad_fn, o._out_nr = True, ctx, k
        elif id(o) in dirty:
            o.grad_fn, o._requires_grad = None, False
    ctx._out_meta = tuple(out_meta)
    unmarked = [id(t) for t in getattr(ctx, 'dirty_tensors', ()) if all(t is not o for o in outs)]
    if unmarked:
        raise RuntimeError("Some elements marked as dirty during the forward method were not returned as output. "
                           "The inputs that are modified inplace must all be outputs of the Function.")
    if ctx.to_save is not None:
        ctx._saved = tuple(_save(ctx, t, outs) for t in ctx.to_save)
        ctx.to_save = None
    if anomaly.enabled:
        ctx._trace = anomaly.trace()
    return tuple(outs) if is_tuple else outs[0]


def _alias(t):
    from .._tensor import Tensor
    v = Tensor._wrap(t._data, dtype=t.dtype)
    v._version_ctr = t._version_ctr
    v._base = t._base if t._base is not None else t
    return v


def _save(ctx, t, outs):
    from ..ops._primitive import SavedOutput, SavedTensor
    if t is None:
        return None
    for k, o in enumerate(outs):
        if o is t and o.grad_fn is ctx:
            # An output holding its own node would be a reference cycle: keep its data instead.
            return SavedOutput(t, k)
    return SavedTensor(t)


class InplaceFunction(Function):
    """A Function with an ``inplace`` flag (legacy helper kept by PyTorch)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    """Legacy base class that PyTorch deprecates; kept importable for old code."""


def once_differentiable(fn):
    """Mark a backward as not differentiable itself: it runs without recording, and a double backward raises."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not _state.enabled:
            return outputs
        from .._tensor import Tensor
        needing = [a for a in args if isinstance(a, Tensor) and a._requires_grad]
        if not needing:
            return outputs
        node = _DelayedError()
        node.next_functions = tuple(leaf_edge(a) for a in needing)
        single = not isinstance(outputs, tuple)
        outs = [outputs] if single else list(outputs)
        for k, o in enumerate(outs):
            if isinstance(o, Tensor):
                o = _alias(o)
                o._requires_grad, o.grad_fn, o._out_nr = True, node, k
                outs[k] = o
        return outs[0] if single else tuple(outs)
    return wrapper


class _DelayedError(Node):
    """The node behind the gradients of a once_differentiable backward: differentiating it again raises."""

    __slots__ = ()

    def name(self) -> str:
        return 'DelayedError'

    def apply(self, grads, create_graph, retain_graph):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


__all__ = ['Function', 'FunctionCtx', 'InplaceFunction', 'NestedIOFunction', 'once_differentiable',
           'BackwardCFunction']
