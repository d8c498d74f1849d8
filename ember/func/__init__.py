"""``ember.func``: composable function transforms (``torch.func``).

Every transform runs on ember's tape autograd: ``grad``/``vjp``/``jacrev`` differentiate with ``autograd.grad``
(building a graph of the backward when an argument itself requires grad, so the transforms nest), ``jvp`` uses
the double-vjp trick (a vjp is linear in its cotangent, so its vjp gives the forward product), ``jacfwd`` is
computed in reverse mode (same values and shapes as forward mode), and ``vmap`` runs the function once per
batch element and stacks the results, which gives the batched semantics for any function.
"""
from __future__ import annotations

from .. import autograd as _ag
from .._tensor import Tensor
from ..autograd import grad_mode as _gm
from ..autograd.graph import AccumulateGrad
from .functional_call import functional_call

__all__ = ['vmap', 'grad', 'grad_and_value', 'vjp', 'jvp', 'jacrev', 'jacfwd', 'hessian', 'functional_call']


# --- pytrees: nested tuples / lists / dicts with tensors (or anything) at the leaves ---------------------------

def _flatten(tree) -> tuple[list, object]:
    leaves: list = []
    return leaves, _spec(tree, leaves)


def _spec(tree, leaves):
    t = type(tree)
    if t is tuple or t is list:
        return (t, tuple(_spec(x, leaves) for x in tree))
    if t is dict:
        return (dict, tuple(tree), tuple(_spec(v, leaves) for v in tree.values()))
    leaves.append(tree)
    return None


def _unflatten(spec, leaves):
    it = iter(leaves)

    def build(s):
        if s is None:
            return next(it)
        if s[0] is dict:
            return dict(zip(s[1], (build(c) for c in s[2])))
        return s[0](build(c) for c in s[1])
    return build(spec)


def _spec_str(spec) -> str:
    if spec is None:
        return '*'
    if spec[0] is dict:
        return f"TreeSpec(dict, {list(spec[1])}, [{', '.join(_spec_str(c) for c in spec[2])}])"
    return f"TreeSpec({spec[0].__name__}, None, [{', '.join(_spec_str(c) for c in spec[1])}])"


def _broadcast_to_tree(prefix, spec, fail):
    """The leaves of ``prefix`` repeated over the subtrees of ``spec`` it stands for (torch's tree prefixes)."""
    out: list = []

    def walk(p, s):
        if s is None or not isinstance(p, (tuple, list, dict)):
            if isinstance(p, (tuple, list, dict)):
                fail()
            n = len(_unflatten_count(s))
            out.extend([p] * n)
            return
        kind = s[0]
        if kind is dict:
            if type(p) is not dict or set(p) != set(s[1]):
                fail()
            for k, c in zip(s[1], s[2]):
                walk(p[k], c)
        else:
            if type(p) is not kind or len(p) != len(s[1]):
                fail()
            for x, c in zip(p, s[1]):
                walk(x, c)
    walk(prefix, spec)
    return out


def _unflatten_count(spec) -> list:
    if spec is None:
        return [None]
    children = spec[2] if spec[0] is dict else spec[1]
    return [x for c in children for x in _unflatten_count(c)]


# --- grad / vjp ------------------------------------------------------------------------------------------------

def _check_argnums(argnums, n: int) -> tuple:
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        nums = (argnums,)
    elif isinstance(argnums, tuple) and all(isinstance(a, int) and not isinstance(a, bool) for a in argnums):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        nums = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")
    return tuple(a % n for a in nums)


def _wants_graph(trees) -> bool:
    """Whether the result must itself be differentiable: grad mode is on and an argument requires grad."""
    if not _gm.state.enabled:
        return False
    leaves, _ = _flatten(trees)
    return any(isinstance(x, Tensor) and x._requires_grad for x in leaves)


def _reaches_outside(outs, inputs) -> bool:
    """Whether the graph of ``outs`` reaches a leaf requiring grad other than this level's ``inputs`` (a tensor
    the function closes over): then the result must stay differentiable for the caller, as in PyTorch."""
    own = {id(x) for x in inputs}
    stack, seen = [], set()
    for o in outs:
        if isinstance(o, Tensor) and o._requires_grad:
            if o.grad_fn is None:
                if id(o) not in own:
                    return True
            else:
                stack.append(o.grad_fn)
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        if type(n) is AccumulateGrad:
            if id(n.variable) not in own:
                return True
            continue
        stack.extend(c for c, _ in n.next_functions if c is not None)
    return False


def _alias(x):
    """A tensor for this transform level to differentiate against: tied to ``x``'s graph when it has one."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if not x.dtype.is_floating_point and not x.dtype.is_complex:
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    if x._requires_grad and _gm.state.enabled:
        return x.view_as(x)
    return x.detach().requires_grad_(True)


def _grads(outs: list, inputs: list, cotangents, create_graph: bool) -> list:
    from ..ops.creation import zeros_like
    pairs = [(o, g) for o, g in zip(outs, cotangents) if o._requires_grad]
    if not pairs:
        return [zeros_like(x) for x in inputs]
    gs = _ag.grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True, create_graph=create_graph,
                  allow_unused=True)
    return [zeros_like(x) if g is None else g for g, x in zip(gs, inputs)]


def _finish(t, create_graph: bool):
    return t if create_graph or not isinstance(t, Tensor) else t.detach()


def _finish_tree(tree, create_graph: bool):
    leaves, spec = _flatten(tree)
    return _unflatten(spec, [_finish(x, create_graph) for x in leaves])


def _split_aux(out, has_aux: bool, where: str) -> tuple:
    """``(output, aux)`` of ``func``'s result; ``aux`` is None without ``has_aux``."""
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{where}: output of function f should be a tuple: (output, aux) if has_aux is True")
    return out


def _call_aliased(func, args: tuple, kwargs: dict, nums, has_aux: bool, where: str) -> tuple:
    """Call ``func`` with the leaves of the ``nums`` arguments aliased (run under grad mode):
    ``(specs, inputs, out, aux)``, ``specs`` holding ``(tree spec, leaf count)`` per argument."""
    args = list(args)
    specs, inputs = [], []
    for a in nums:
        leaves, spec = _flatten(args[a])
        leaves = [_alias(x) for x in leaves]
        args[a] = _unflatten(spec, leaves)
        specs.append((spec, len(leaves)))
        inputs.extend(leaves)
    out, aux = _split_aux(func(*args, **kwargs), has_aux, where)
    return specs, inputs, out, aux


def _regroup(specs: list, flat: list, argnums):
    """Split ``flat`` (one entry per leaf) back into the trees of the ``argnums`` arguments."""
    res, k = [], 0
    for spec, n in specs:
        res.append(_unflatten(spec, flat[k:k + n]))
        k += n
    return res[0] if isinstance(argnums, int) else tuple(res)


def grad_and_value(func, argnums=0, has_aux: bool = False):
    """A function returning ``(gradient, value)`` of the scalar ``func`` w.r.t. the arguments in ``argnums``."""
    def wrapper(*args, **kwargs):
        nums = _check_argnums(argnums, len(args))
        outer = _gm.state.enabled
        create = _wants_graph(args)
        with _gm.enable_grad():
            specs, inputs, out, aux = _call_aliased(func, args, kwargs, nums, has_aux, "grad_and_value(f)(*args)")
            create = create or (outer and _reaches_outside([out], inputs))
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs "
                                   f"instead?")
            gs = [_finish(g, create) for g in _grads([out], inputs, [None], create)]
        g = _regroup(specs, gs, argnums)
        value = _finish(out, create)
        if has_aux:
            return g, (value, _finish_tree(aux, create))
        return g, value
    return wrapper


def grad(func, argnums=0, has_aux: bool = False):
    """A function returning the gradient of the scalar ``func`` w.r.t. the arguments in ``argnums``
    (with ``has_aux``: ``(gradient, aux)``)."""
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def vjp(func, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)``: ``vjp_fn(cotangents)`` gives one gradient per primal (plus ``aux``)."""
    create = _wants_graph(primals)
    with _gm.enable_grad():
        leaves, spec = _flatten(primals)
        inputs = [_alias(x) for x in leaves]
        out = func(*_unflatten(spec, inputs))
        out, aux = _split_aux(out, has_aux, "vjp(f, *primals)")
    out_leaves, out_spec = _flatten(out)
    for o in out_leaves:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"vjp(f, *primals): Expected f to be a function that has non-empty output and only "
                               f"Tensor outputs, got {type(o)}")
    create = create or (_gm.state.enabled and _reaches_outside(out_leaves, inputs))

    def vjp_fn(*cotangents):
        ct = cotangents[0] if len(cotangents) == 1 else cotangents
        ct_leaves, ct_spec = _flatten(ct)
        if ct_spec != out_spec:
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of "
                               f"outputs to the function. cotangents: {_spec_str(ct_spec)}, primal output: "
                               f"{_spec_str(out_spec)}")
        for o, c in zip(out_leaves, ct_leaves):
            if not isinstance(c, Tensor):
                raise RuntimeError(f"Expected cotangents to be Tensors, got {type(c)}")
            if o.shape != c.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {c.shape} and output[0] has a "
                                   f"shape of {o.shape}.")
        make = create or _wants_graph(ct_leaves)
        with _gm.enable_grad():
            gs = [_finish(g, make) for g in _grads(out_leaves, inputs, ct_leaves, make)]
        return _unflatten(spec, gs)

    result = (_unflatten(out_spec, [_finish(o, create) for o in out_leaves]), vjp_fn)
    if has_aux:
        return result + (_finish_tree(aux, create),)
    return result


def jvp(func, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """``(func(*primals), J @ tangents)``: the forward-mode product, computed with two reverse passes."""
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    p_leaves, p_spec = _flatten(primals)
    t_leaves, t_spec = _flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           f"structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got "
                           f"primals with structure {_spec_str(p_spec)} and tangents with structure "
                           f"{_spec_str(t_spec)}")
    for p, t in zip(p_leaves, t_leaves):
        if not isinstance(t, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(t)}")
        if isinstance(p, Tensor) and p.shape != t.shape:
            raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the original "
                               f"Tensor, this is not supported. Tensor is of size {list(p.shape)} while the given "
                               f"forward gradient is of size {list(t.shape)}.")
    from ..ops.creation import zeros_like
    outer = _gm.state.enabled
    create = _wants_graph((primals, tangents))
    with _gm.enable_grad():
        inputs = [_alias(x) for x in p_leaves]
        out = func(*_unflatten(p_spec, inputs))
        out, aux = _split_aux(out, has_aux, "jvp(f, primals, tangents)")
        out_leaves, out_spec = _flatten(out)
        for o in out_leaves:
            if not isinstance(o, Tensor):
                raise RuntimeError(f"jvp(f, primals, tangents): Expected f(*primals) to return only tensors, got "
                                   f"unsupported type {type(o)}")
        create = create or (outer and _reaches_outside(out_leaves, inputs))
        # u is a dummy cotangent: g(u) = J^T u is linear in u, so the vjp of g with the tangents is J t.
        us = [zeros_like(o).requires_grad_(True) if o.dtype.is_floating_point or o.dtype.is_complex else None
              for o in out_leaves]
        pairs = [(o, u) for o, u in zip(out_leaves, us) if u is not None and o._requires_grad]
        outs_t = []
        if pairs:
            gs = _ag.grad([o for o, _ in pairs], inputs, [u for _, u in pairs], create_graph=True, allow_unused=True)
            gp = [(g, t) for g, t in zip(gs, t_leaves) if g is not None and g._requires_grad]
        else:
            gp = []
        for o, u in zip(out_leaves, us):
            if u is None or not gp:
                outs_t.append(zeros_like(o))
                continue
            (r,) = _ag.grad([g for g, _ in gp], [u], [t for _, t in gp], retain_graph=True, create_graph=create,
                            allow_unused=True)
            outs_t.append(zeros_like(o) if r is None else _finish(r, create))
    res = (_unflatten(out_spec, [_finish(o, create) for o in out_leaves]), _unflatten(out_spec, outs_t))
    if has_aux:
        return res + (_finish_tree(aux, create),)
    return res


# --- Jacobians and Hessians ------------------------------------------------------------------------------------

def _jacobian(func, argnums, has_aux: bool, name: str):
    def wrapper(*args, **kwargs):
        from ..ops.creation import zeros
        from ..ops.joining import stack
        nums = _check_argnums(argnums, len(args))
        outer = _gm.state.enabled
        create = _wants_graph(args)
        with _gm.enable_grad():
            specs, inputs, out, aux = _call_aliased(func, args, kwargs, nums, has_aux, f"{name}(f, ...)(*args)")
            out_leaves, out_spec = _flatten(out)
            per_out = []
            create = create or (outer and _reaches_outside(out_leaves, inputs))
            for o in out_leaves:
                if not isinstance(o, Tensor):
                    raise RuntimeError(f"{name}(f, ...)(*args): Expected f to be a function that has non-empty "
                                       f"output and only Tensor outputs, got {type(o)}")
                rows = []
                flat_o = o.reshape(-1)
                for i in range(flat_o.shape[0]):
                    e = zeros(flat_o.shape[0], dtype=o.dtype)
                    e[i] = 1
                    rows.append(_grads([o], inputs, [e.reshape(o.shape)], create))
                jacs = []
                for j, x in enumerate(inputs):
                    if rows:
                        jac = stack([r[j] for r in rows]).reshape(tuple(o.shape) + tuple(x.shape))
                    else:
                        jac = zeros(tuple(o.shape) + tuple(x.shape), dtype=x.dtype)
                    jacs.append(_finish(jac, create))
                per_out.append(_regroup(specs, jacs, argnums))
        result = _unflatten(out_spec, per_out)
        if has_aux:
            return result, _finish_tree(aux, create)
        return result
    return wrapper


def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size=None, _preallocate_and_copy: bool = False):
    """A function returning the Jacobian of ``func`` w.r.t. the arguments in ``argnums`` (reverse mode);
    each Jacobian has shape ``output.shape + input.shape``."""
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(func, argnums, has_aux, 'jacrev')


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = 'error'):
    """A function returning the Jacobian of ``func`` w.r.t. the arguments in ``argnums``; ember computes it in
    reverse mode, which gives the same values and shapes as PyTorch's forward mode."""
    _check_randomness(randomness)
    return _jacobian(func, argnums, has_aux, 'jacfwd')


def hessian(func, argnums=0):
    """A function returning the Hessian of ``func`` w.r.t. the arguments in ``argnums`` (``jacfwd(jacrev(f))``)."""
    return jacfwd(jacrev(func, argnums), argnums)


# --- vmap ------------------------------------------------------------------------------------------------------

def _check_randomness(randomness) -> None:
    if randomness not in ('error', 'different', 'same'):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")


def _fname(func) -> str:
    return getattr(func, '__name__', repr(func))


def vmap(func, in_dims=0, out_dims=0, randomness: str = 'error', *, chunk_size=None):
    """Map ``func`` over a dimension of its inputs (``in_dims``), stacking the results along ``out_dims``."""
    _check_randomness(randomness)
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    def wrapper(*args, **kwargs):
        from .. import random as _rnd
        from ..ops.joining import stack
        name = _fname(func)
        if not (isinstance(in_dims, (int, tuple)) and not isinstance(in_dims, bool)):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                             f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
        leaves, spec = _flatten(args)

        def bad_in():
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                             f"structure of `inputs`. in_dims has structure {_spec_str(_flatten(in_dims)[1])} but "
                             f"inputs has structure {_spec_str(spec)}.")
        dims = _broadcast_to_tree(in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args), spec, bad_in)
        sizes, norm = [], []
        for x, d in zip(leaves, dims):
            if d is None:
                norm.append(None)
                continue
            if not isinstance(d, int):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                                 f"in_dim must be either an integer dimension or None.")
            if not isinstance(x, Tensor):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                                 f"the input is of type {type(x)}. We cannot vmap over non-Tensor arguments, please "
                                 f"use None as the respective in_dim")
            n = x.dim()
            if not -n <= d < n:
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, but "
                                 f"that input is a Tensor of dimensionality {n} so expected in_dim to satisfy "
                                 f"-{n} <= in_dim < {n}.")
            norm.append(d % n)
            sizes.append(x.shape[d % n])
        if not sizes:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): at least one input must be mapped "
                             f"over (got in_dims={in_dims}). Please specify a dimension to map over.")
        if any(s != sizes[0] for s in sizes):
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        gen = _rnd.default_generator
        start = gen.get_state() if randomness == 'same' else None
        results = []
        for i in range(sizes[0]):
            if start is not None:
                gen.set_state(start)
            before = gen._np.bit_generator.state if randomness == 'error' else None
            elem = [x if d is None else x.select(d, i) for x, d in zip(leaves, norm)]
            results.append(func(*_unflatten(spec, elem), **kwargs))
            if before is not None and gen._np.bit_generator.state != before:
                raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use "
                                   "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                                   "operation out of vmap")
        if not results:
            # Nothing to map over: run once on a stand-in element to learn the output structure and shapes.
            from ..ops.creation import zeros
            elem = [x if d is None else zeros(x.shape[:d] + x.shape[d + 1:], dtype=x.dtype)
                    for x, d in zip(leaves, norm)]
            probe = func(*_unflatten(spec, elem), **kwargs)
            p_leaves, out_spec = _flatten(probe)
            cols = [[] for _ in p_leaves]
            empty = True
        else:
            p_leaves, out_spec = _flatten(results[0])
            cols = [[] for _ in p_leaves]
            for r in results:
                for c, x in zip(cols, _flatten(r)[0]):
                    c.append(x)
            empty = False

        def bad_out():
            raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with the "
                             f"structure of `outputs`. out_dims has structure {_spec_str(_flatten(out_dims)[1])} but "
                             f"outputs has structure {_spec_str(out_spec)}.")
        odims = _broadcast_to_tree(out_dims, out_spec, bad_out)
        outs = []
        for p, c, od in zip(p_leaves, cols, odims):
            if od is None:
                outs.append(p)
                continue
            if not isinstance(p, Tensor):
                raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(p)}. Did you "
                                 f"mean to set out_dims= to None for output?")
            s = stack(c) if not empty else p.unsqueeze(0)[:0]
            outs.append(s.movedim(0, od) if od != 0 else s)
        return _unflatten(out_spec, outs)
    return wrapper
