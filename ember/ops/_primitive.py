"""The op pattern: a primitive's forward on arrays and its backward in ember ops, declared side by side.

    @primitive(promote='float')
    def exp(x):                    # forward: arrays in, array out
        return np.exp(x)

    @exp.vjp
    def _(grad, out):              # backward: Tensors in, one gradient per positional input out
        return grad * out

The names after ``grad`` say what backward needs and so what is saved: forward parameter names (the input
tensors or the plain arguments), ``out`` (the output; a tuple for multi-output ops), names listed in
``aux=`` (extra arrays the forward returns after its outputs, handed to backward as tensors), and
``needs_input_grad`` (which inputs want a gradient, so backward can skip the rest), and ``<input>_shape``
(only the shape of an input, which keeps the input itself free).

A vjp returns the gradient of the first positional parameter, or a tuple with one entry per positional
parameter (None where there is none). A parameter that takes a list of tensors (``cat``) gets a list.
Broadcasting and dtype differences between a gradient and its input are undone here, once, for every op.
"""
from __future__ import annotations

import inspect
import re
import weakref

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.anomaly_mode import anomaly
from ..autograd.graph import AccumulateGrad, Node, leaf_edge, _saved_hooks

_state = grad_mode.state
_wrap = Tensor._wrap
_PY_SCALARS = (bool, int, float, complex)
_SEQ = (list, tuple)


class SavedTensor:
    """A tensor saved for backward, with the version it had, so in-place changes are caught."""

    __slots__ = ('tensor', 'version')

    def __init__(self, t: Tensor):
        self.tensor = _Packed(t, True) if _saved_hooks else t
        self.version = t._version_ctr.value

    def unpack(self, node) -> Tensor:
        t = self.tensor
        if type(t) is _Packed:
            return t.unpack(self.version)
        if t._version_ctr.value != self.version:
            _raise_modified(t, t.grad_fn, self.version, t._version_ctr.value, t._out_nr)
        return t


class SavedOutput:
    """An output saved by its own node: kept as data, rebuilt pointing at the node when unpacked
    (holding the output tensor itself would make a reference cycle)."""

    __slots__ = ('data', 'dtype', 'ctr', 'version', 'nr', 'diff')

    def __init__(self, t: Tensor, nr: int):
        self.data, self.dtype, self.ctr, self.version, self.nr = t._data, t.dtype, t._version_ctr, t._version_ctr.value, nr
        self.diff = t._requires_grad  # non-differentiable outputs (indices) come back as plain tensors
        if _saved_hooks:
            self.data = _Packed(t, False)

    def unpack(self, node) -> Tensor:
        data = self.data
        if type(data) is _Packed:
            data = data.run()._data
        if self.ctr.value != self.version:
            t = _wrap(data, dtype=self.dtype)
            _raise_modified(t, node, self.version, self.ctr.value, output_nr=self.nr)
        t = _wrap(data, dtype=self.dtype)
        t._version_ctr = self.ctr
        if self.diff:
            t._requires_grad = True
            t.grad_fn = node
            t._out_nr = self.nr
        return t


class _Packed:
    """A saved tensor stored through the innermost ``saved_tensors_hooks``: packed when saved, unpacked (and, for
    an input, tied back to its place in the graph, so double backward works) when backward needs it."""

    __slots__ = ('unpack_hook', 'packed', 'ctr', 'dtype', 'edge')

    def __init__(self, t: Tensor, keep_edge: bool):
        pack, self.unpack_hook = _saved_hooks[-1]
        self.ctr, self.dtype = t._version_ctr, t.dtype
        # The node that made t (or its AccumulateGrad); outputs get their node back from SavedOutput instead.
        self.edge = leaf_edge(t) if keep_edge and t._requires_grad else None
        with grad_mode.no_grad():
            self.packed = pack(t)

    def run(self) -> Tensor:
        r = self.unpack_hook(self.packed)
        if not isinstance(r, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(r).__name__}")
        return r

    def unpack(self, version: int) -> Tensor:
        r = self.run()
        if self.ctr.value != version:
            _raise_modified(r, None, version, self.ctr.value)
        if self.edge is None:
            return r
        t = _wrap(r._data, dtype=r.dtype)
        t._version_ctr = self.ctr
        t._requires_grad = True
        fn, nr = self.edge
        if type(fn) is AccumulateGrad:
            t._accum = weakref.ref(fn)
        else:
            t.grad_fn, t._out_nr = fn, nr
        return t


def _raise_modified(t, node, expected, actual, output_nr=0):
    # PyTorch names the node that made the tensor (the saving node for saved outputs), minus "Backward0".
    where = "" if node is None else f", which is output {output_nr} of {re.sub(r'Backward[0-9]*$', '', node.name())},"
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[torch.{t.dtype._legacy}Tensor [{', '.join(str(s) for s in t._data.shape)}]]{where} is at version "
        f"{actual}; expected version {expected} instead. Hint: enable anomaly detection to find the operation that "
        f"failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


class PrimitiveNode(Node):
    """The backward node of one call of a primitive."""

    __slots__ = ('op', 'saved', 'meta', 'positions', 'n_out', '_out_meta')

    def name(self) -> str:
        return self.op.backward_name

    def apply(self, grads, create_graph, retain_graph):
        saved = self.saved
        if saved is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                "graph a second time or if you need to access saved tensors after calling backward.")
        op = self.op
        if self.n_out == 1:
            g = grads[0]
            if g is None:
                return [None] * len(self.next_functions)
        else:
            g = tuple(grads[k] if k < len(grads) and grads[k] is not None else None for k in range(self.n_out))
            if all(x is None for x in g):
                return [None] * len(self.next_functions)
            g = tuple(x if x is not None else _zeros_for(self, k) for k, x in enumerate(g))
        args = [_unpack(s, self) for s in saved]
        res = op._vjp(g, *args)
        if not retain_graph and any(type(v) in _HOLDS_TENSORS for v in saved):
            # Free what holds tensors; a node that saved only shapes and plain values may run again, as in PyTorch.
            self.saved = None
        if type(res) is not tuple:
            res = (res,)
        out = []
        for (pos, sub), (shape, dt) in zip(self.positions, self.meta):
            r = res[pos] if pos < len(res) else None
            if r is not None and sub >= 0:
                r = r[sub]
            if r is not None and (r._data.shape != shape or r.dtype is not dt):
                r = _conform(r, shape, dt)
            out.append(r)
        return out


def _zeros_for(node, k):
    shape, dt = node._out_meta[k]
    return _wrap(np.zeros(shape, dt.np), dtype=dt)


def _unpack(s, node):
    t = type(s)
    if t is SavedTensor or t is SavedOutput:
        return s.unpack(node)
    if t is list and s and type(s[0]) is SavedTensor:
        return [x.unpack(node) for x in s]
    if t is _SavedOutputs:
        return tuple(x.unpack(node) for x in s.items)
    return s


class _SavedOutputs:
    __slots__ = ('items',)

    def __init__(self, items):
        self.items = items


_HOLDS_TENSORS = (SavedTensor, SavedOutput, _SavedOutputs, list, Tensor)


def _conform(g: Tensor, shape: tuple, dt: D.dtype) -> Tensor:
    """Undo broadcasting (sum over the broadcast dims) and cast the gradient to its input's dtype."""
    if g._data.shape != shape:
        from .reduction import sum_to_size
        g = sum_to_size(g, shape)
    if g.dtype is not dt:
        if g.dtype.category == D.COMPLEX and dt.category != D.COMPLEX:
            from .pointwise import real
            g = real(g)
        g = g.to(dt)
    return g


def _camel(name: str) -> str:
    return ''.join(p[:1].upper() + p[1:] for p in name.strip('_').split('_'))


def result_type(values) -> D.dtype:
    """PyTorch's result dtype for a mix of tensors and Python scalars (dimensioned tensors first, then
    zero-dim tensors, then scalars, each group only winning when of a higher category)."""
    dim = zero = sc = None
    promote = D.promote_types
    for v in values:
        if isinstance(v, Tensor):
            dt = v.dtype
            if v._data.ndim:
                dim = dt if dim is None else promote(dim, dt)
            else:
                zero = dt if zero is None else promote(zero, dt)
        elif v is not None:
            dt = D.scalar_dtype(v)
            if isinstance(v, np.generic):
                zero = dt if zero is None else promote(zero, dt)
            else:
                sc = dt if sc is None else promote(sc, dt)
    return D.result_type_of(dim, zero, sc)


class Primitive:
    """A differentiable op: forward on arrays, backward (``vjp``) in ember ops. Use ``@primitive``."""

    def __init__(self, fn, name=None, promote=None, operands=None, nondiff_outputs=(), aux=(), differentiable=True,
                 backward_name=None, n_out=1, view=False):
        self.fn = fn
        self.name = name or fn.__name__.strip('_')
        self.backward_name = backward_name or _camel(self.name) + 'Backward0'
        params = list(inspect.signature(fn).parameters.values())
        self.params = [p.name for p in params]
        self.defaults = {p.name: p.default for p in params if p.default is not p.empty}
        self.promote = promote
        if operands is None:
            operands = [p.name for p in params if p.default is p.empty and p.kind == p.POSITIONAL_OR_KEYWORD]
        self.operand_idx = tuple(self.params.index(n) for n in operands)
        self.nondiff_outputs = frozenset(nondiff_outputs)
        self.aux = tuple(aux)
        self.differentiable = differentiable
        self.n_out = n_out
        self.view = view
        self._vjp = None
        self._saves = ()
        self.__doc__ = fn.__doc__
        self.__name__ = self.name
        self.__wrapped__ = fn

    def vjp(self, f):
        """Declare the backward of this op (see the module docstring)."""
        names = list(inspect.signature(f).parameters)[1:]
        saves = []
        if 'out' in self.params and 'out' in names:
            raise TypeError(f"{self.name}: backward asks for 'out', which names both the output and a forward "
                            "parameter; rename the parameter")
        for n in names:
            if n == 'out':
                saves.append(('out', None, None))
            elif n == 'needs_input_grad':
                saves.append(('needs', None, None))
            elif n.endswith('_shape') and n[:-6] in self.params:
                saves.append(('shape', self.params.index(n[:-6]), n[:-6]))
            elif n in self.aux:
                saves.append(('aux', self.aux.index(n), None))
            elif n in self.params:
                saves.append(('param', self.params.index(n), n))
            else:
                raise TypeError(f"{self.name}: backward asks for '{n}', which the forward does not have")
        self._vjp = f
        self._saves = tuple(saves)
        return f

    def __repr__(self) -> str:
        return f"<ember op {self.name}>"

    def __get__(self, obj, objtype=None):
        # Lets a primitive be bound as a Tensor method directly.
        if obj is None:
            return self
        return _Bound(self, obj)

    def __call__(self, *args, **kwargs):
        out_arg = None
        kw_arrays = kwargs
        if kwargs:
            if 'out' in kwargs:
                out_arg = kwargs.pop('out')
            kw_arrays = dict(kwargs)
            for k, v in kwargs.items():
                if k not in self.defaults and k not in self.params:
                    if k == 'axis' and 'dim' in self.params and 'dim' not in kwargs:
                        # PyTorch accepts NumPy's ``axis`` as an alias of ``dim``.
                        kwargs['dim'] = kwargs.pop('axis')
                        return self(*args, out=out_arg, **kwargs) if out_arg is not None else self(*args, **kwargs)
                    raise TypeError(f"{self.name}() got an unexpected keyword argument '{k}'")
        # Unwrap tensors to arrays, remembering which inputs they were.
        arrays = list(args)
        flat = []
        positions = []
        i = 0
        for a in args:
            if isinstance(a, Tensor):
                arrays[i] = a._data
                flat.append(a)
                positions.append((i, -1))
            elif type(a) in _SEQ and a and isinstance(a[0], Tensor):
                self._unwrap_seq(i, a, arrays, flat, positions)
            i += 1
        if kwargs:
            for k, v in kwargs.items():
                if isinstance(v, Tensor):
                    kw_arrays[k] = v._data
                    flat.append(v)
                    positions.append((self.params.index(k), -1))
        if self.promote is not None:
            self._promote(args, kwargs, arrays, kw_arrays)
        res = self.fn(*arrays, **kw_arrays)
        aux = None
        if self.aux:
            n_aux = len(self.aux)
            aux = res[-n_aux:]
            res = res[0] if len(res) == n_aux + 1 else res[:-n_aux]
        if self.n_out == 1:
            outs = [_wrap(res)]
            if self.view and flat:
                _mark_view(outs[0], flat[0])
        else:
            outs = [_wrap(r) for r in res]
        if _state.enabled and self.differentiable:
            for t in flat:
                if t._requires_grad:
                    self._record(outs, flat, positions, args, kwargs, aux)
                    break
        if out_arg is not None:
            return _write_out(self.name, out_arg, outs, flat)
        return outs[0] if self.n_out == 1 else tuple(outs)

    def _unwrap_seq(self, i, seq, arrays, flat, positions):
        arrays[i] = [x._data if isinstance(x, Tensor) else x for x in seq]
        for j, x in enumerate(seq):
            if not isinstance(x, Tensor):
                raise TypeError(f"{self.name}(): expected a sequence of Tensors, but element {j} is "
                                f"{type(x).__name__}")
            flat.append(x)
            positions.append((i, j))

    def _promote(self, args, kwargs, arrays, kw_arrays) -> None:
        """Cast the operands to their common dtype (PyTorch's rules)."""
        ops = self.operand_idx
        n = len(args)
        # Fast paths: one tensor operand, or a tensor with a same-dtype tensor or a Python number of a
        # category no higher than its own (``x * 0.5``): nothing to cast.
        if n and ops[-1] < n:
            a = args[ops[0]]
            if isinstance(a, Tensor):
                rt = a.dtype
                if len(ops) == 1:
                    if self.promote == 'float' and rt.category < D.FLOAT:
                        arrays[ops[0]] = a._data.astype(D.get_default_dtype().np)
                    elif self.promote == 'int' and rt.category > D.INT:
                        raise NotImplementedError(f"\"{self.name}_cpu\" not implemented for '{rt._legacy}'")
                    return
                if len(ops) == 2:
                    b = args[ops[1]]
                    tb = type(b)
                    if (tb is float and rt.category >= D.FLOAT and rt is not D.bfloat16) or (
                            tb is int and rt.category >= D.INT) or (
                            isinstance(b, Tensor) and b.dtype is rt):
                        if self.promote == 'float' and rt.category < D.FLOAT:
                            pass
                        elif self.promote == 'int' and rt.category > D.INT:
                            pass
                        else:
                            return
        vals = [args[i] if i < n else kwargs.get(self.params[i]) for i in ops]
        rt = result_type(vals)
        kind = self.promote
        if kind == 'float' and rt.category < D.FLOAT:
            rt = D.get_default_dtype()
        elif kind == 'int' and rt.category > D.INT:
            raise NotImplementedError(f"\"{self.name}_cpu\" not implemented for '{rt._legacy}'")
        npd = rt.np
        for i in ops:
            if i < n:
                v = args[i]
                if isinstance(v, Tensor):
                    if v._data.dtype != npd:
                        arrays[i] = v._data.astype(npd)
                elif isinstance(v, np.generic):
                    arrays[i] = v.item()
                elif rt is D.bfloat16 and type(v) is float:
                    # ml_dtypes' bfloat16 does not take part in NumPy's weak-scalar rule: pin the scalar's dtype.
                    arrays[i] = np.asarray(v, dtype=npd)
            else:
                k = self.params[i]
                v = kwargs.get(k)
                if isinstance(v, Tensor) and v._data.dtype != npd:
                    kw_arrays[k] = v._data.astype(npd)

    def _record(self, outs, flat, positions, args, kwargs, aux):
        """Make the backward node and connect the outputs to it."""
        if self.n_out == 1:
            o = outs[0]
            if o.dtype.category < D.FLOAT:
                return
        elif all(k in self.nondiff_outputs or o.dtype.category < D.FLOAT for k, o in enumerate(outs)):
            return
        node = PrimitiveNode()
        node.op = self
        edges = []
        for t in flat:
            fn = t.grad_fn
            edges.append((fn, t._out_nr) if fn is not None else leaf_edge(t))
        node.next_functions = tuple(edges)
        node.meta = tuple([(t._data.shape, t.dtype) for t in flat])
        node.positions = positions
        node.n_out = self.n_out
        if self.n_out == 1:
            o._requires_grad = True
            o.grad_fn = node
            node._out_meta = None
        else:
            nondiff = self.nondiff_outputs
            for k, o in enumerate(outs):
                if k not in nondiff and o.dtype.category >= D.FLOAT:
                    o._requires_grad = True
                    o.grad_fn = node
                    o._out_nr = k
            node._out_meta = [(o._data.shape, o.dtype) for o in outs]
        saved = []
        n = len(args)
        for kind, idx, name in self._saves:
            if kind == 'param':
                v = args[idx] if idx < n else kwargs.get(name, self.defaults.get(name))
                if isinstance(v, Tensor):
                    v = SavedTensor(v)
                elif type(v) in (list, tuple) and v and isinstance(v[0], Tensor):
                    v = [SavedTensor(x) for x in v]
                saved.append(v)
            elif kind == 'shape':
                v = args[idx] if idx < n else kwargs.get(name)
                saved.append(v._data.shape if isinstance(v, Tensor) else np.shape(v))
            elif kind == 'out':
                if self.n_out == 1:
                    saved.append(SavedOutput(outs[0], 0))
                else:
                    saved.append(_SavedOutputs([SavedOutput(o, k) for k, o in enumerate(outs)]))
            elif kind == 'aux':
                saved.append(_wrap(aux[idx]))
            else:
                saved.append(tuple(e[0] is not None for e in node.next_functions))
        node.saved = saved
        if anomaly.enabled:
            node._trace = anomaly.trace()


def _mark_view(o: Tensor, base: Tensor) -> None:
    """A view shares its base's memory and version counter (when NumPy could give a view at all)."""
    if not o._data.size or np.may_share_memory(o._data, base._data):  # empty views share nothing, yet are views
        o._version_ctr = base._version_ctr
        o._base = base._base if base._base is not None else base


class _Bound:
    __slots__ = ('op', 'obj')

    def __init__(self, op, obj):
        self.op, self.obj = op, obj

    def __call__(self, *args, **kwargs):
        return self.op(self.obj, *args, **kwargs)


def _write_out(name, out, outs, flat):
    """Write results into the ``out=`` tensor(s), like PyTorch (resizing, no autograd)."""
    if any(t._requires_grad for t in flat) and _state.enabled:
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           f"but one of the arguments requires grad.")
    targets = out if isinstance(out, (tuple, list)) else (out,)
    for dst, src in zip(targets, outs):
        if not D.can_cast(src.dtype, dst.dtype):
            raise RuntimeError(f"result type {src.dtype._legacy} can't be cast to the desired output type "
                               f"{dst.dtype._legacy}")
        if dst._data.shape != src._data.shape:
            dst._data = np.empty(src._data.shape, dst._data.dtype) if dst._data.size != src._data.size \
                else dst._data.reshape(src._data.shape)
        dst._data[...] = src._data
        dst._version_ctr.value += 1
    return out


def primitive(fn=None, **options):
    """Declare a primitive op (see the module docstring); ``options`` go to ``Primitive``."""
    if fn is None:
        return lambda f: Primitive(f, **options)
    return Primitive(fn, **options)


def inplace(op: Primitive, x: Tensor, *args, **kwargs) -> Tensor:
    """Run ``op`` and write its result into ``x`` (``x.add_(y)``), rebasing x's history on the new node."""
    recording = _state.enabled and (x._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args) or any(
        isinstance(a, Tensor) and a._requires_grad for a in kwargs.values()))
    if recording:
        check_inplace(x)
        # Backward may need x's value from before the write: give the op a snapshot with x's history.
        if any(kind == 'param' and idx == 0 for kind, idx, _ in op._saves):
            snap = _wrap(x._data.copy(), dtype=x.dtype)
            snap._requires_grad, snap.grad_fn, snap._out_nr = x._requires_grad, x.grad_fn, x._out_nr
            src = snap
        else:
            src = x
        res = op(src, *args, **kwargs)
    else:
        with grad_mode.no_grad():
            res = op(x, *args, **kwargs)
    write_into(x, res, op.name)
    if recording and res.grad_fn is not None:
        x.grad_fn, x._out_nr, x._requires_grad = res.grad_fn, res._out_nr, True
        # The node's saved output now lives in x: track x's memory and versions so a later in-place change
        # of x is caught, as PyTorch does.
        for s in (res.grad_fn.saved or ()) if isinstance(res.grad_fn, PrimitiveNode) else ():
            if type(s) is SavedOutput:
                s.data, s.ctr, s.version = x._data, x._version_ctr, x._version_ctr.value
        if x._base is not None:
            from ._views import rebase_view_history
            rebase_view_history(x, res)
    return x


def check_inplace(x: Tensor) -> None:
    if x.grad_fn is None and x._requires_grad and _state.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def write_into(x: Tensor, res: Tensor, name: str) -> None:
    """Copy ``res`` into ``x``'s memory, with PyTorch's checks on shape and dtype; bump x's version."""
    if res._data.shape != x._data.shape:
        raise RuntimeError(f"output with shape [{', '.join(map(str, x._data.shape))}] doesn't match the broadcast "
                           f"shape [{', '.join(map(str, res._data.shape))}]")
    if res.dtype is not x.dtype and not D.can_cast(res.dtype, x.dtype):
        raise RuntimeError(f"result type {res.dtype._legacy} can't be cast to the desired output type "
                           f"{x.dtype._legacy}")
    if not x._data.flags.writeable:
        raise RuntimeError(f"{name}_(): unsupported operation: the input tensor is a read-only (expanded) view; "
                           f"clone it before writing to it")
    x._data[...] = res._data
    x._version_ctr.value += 1
