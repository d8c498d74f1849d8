"""The backward engine: runs the graph's nodes in dependency order and routes gradients along its edges."""
from __future__ import annotations

from heapq import heapify, heappop, heappush

from . import grad_mode
from .anomaly_mode import anomaly
from .graph import AccumulateGrad, leaf_edge


def _root_edge(t, i: int):
    if t.grad_fn is None and not t._requires_grad:
        raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    return leaf_edge(t)


def _collect(roots):
    """Every node reachable from ``roots``, with how many edges point into each."""
    deps: dict = {}
    seen = set()
    stack = [n for n in roots]
    order = []
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        order.append(n)
        for child, _ in n.next_functions:
            if child is not None:
                deps[child] = deps.get(child, 0) + 1
                if child not in seen:
                    stack.append(child)
    return deps, order


def _needed(order, targets: set) -> set:
    """The nodes from which some target node can be reached (the only ones worth running)."""
    needed = set()
    # ``order`` is a DFS pre-order; iterate to a fixed point (graphs are DAGs, so this is quick).
    changed = True
    while changed:
        changed = False
        for n in order:
            if n in needed:
                continue
            if n in targets or any(c in needed for c, _ in n.next_functions if c is not None):
                needed.add(n)
                changed = True
    return needed


def run_backward(outputs, grad_outputs, retain_graph: bool, create_graph: bool, capture=None,
                 accumulate: bool = True):
    """Backpropagate ``grad_outputs`` from ``outputs``.

    ``capture`` is a list of edges ``(node, nr)`` whose incoming gradients are returned (autograd.grad);
    with ``accumulate`` the leaves' ``AccumulateGrad`` nodes run (Tensor.backward).
    """
    roots = []
    buffers: dict = {}
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        node, nr = _root_edge(t, i)
        roots.append(node)
        buf = buffers.setdefault(node, {})
        buf[nr] = g if nr not in buf else buf[nr] + g

    deps, order = _collect(roots)
    targets = None
    captured = None
    if capture is not None:
        targets = {n for n, _ in capture if n is not None}
        captured = {}
        needed = _needed(order, targets)
        if not accumulate:
            # autograd.grad: nothing beyond the captured edges runs, leaves are never written.
            needed = {n for n in needed if not isinstance(n, AccumulateGrad) or n in targets}
        deps = {}
        for n in needed:
            for child, _ in n.next_functions:
                if child in needed:
                    deps[child] = deps.get(child, 0) + 1
    else:
        needed = None

    heap = [(-n._seq, id(n), n) for n in set(roots) if deps.get(n, 0) == 0]
    heapify(heap)
    prev_enabled = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        while heap:
            node = heappop(heap)[2]
            buf = buffers.pop(node, None)
            if not buf:
                grads = [None]
            elif len(buf) == 1 and 0 in buf:
                grads = [buf[0]]
            else:
                grads = [buf.get(k) for k in range(max(buf) + 1)]
            if node._tensor_hooks or node._retain or node._pre_hooks or (
                    type(node) is AccumulateGrad and node.variable._hooks):
                grads = _run_pre_hooks(node, grads)
            if captured is not None and node in targets:
                for k, g in enumerate(grads):
                    if g is not None:
                        key = (node, k)
                        captured[key] = g if key not in captured else captured[key] + g
                if not accumulate and (isinstance(node, AccumulateGrad) or not _has_needed_child(node, needed)):
                    continue
            if needed is not None and node not in needed:
                continue
            if isinstance(node, AccumulateGrad) and not accumulate:
                continue
            outs = node.apply(grads, create_graph, retain_graph)
            if node._post_hooks:
                for hook in list(node._post_hooks.values()):
                    r = hook(tuple(outs), tuple(grads))
                    if r is not None:
                        outs = list(r)
            if anomaly.enabled:
                anomaly.check(node, outs)
            for (child, nr), g in zip(node.next_functions, outs):
                if child is None or (needed is not None and child not in needed):
                    continue
                if g is not None:
                    cb = buffers.get(child)
                    if cb is None:
                        buffers[child] = {nr: g}
                    else:
                        prev = cb.get(nr)
                        cb[nr] = g if prev is None else prev + g
                d = deps[child] - 1
                deps[child] = d
                if d == 0:
                    heappush(heap, (-child._seq, id(child), child))
    finally:
        grad_mode.state.enabled = prev_enabled
    return captured


def _has_needed_child(node, needed) -> bool:
    return any(c in needed for c, _ in node.next_functions if c is not None)


def _run_pre_hooks(node, grads):
    th = node._tensor_hooks
    if th:
        for nr, hooks in th.items():
            if nr < len(grads) and grads[nr] is not None:
                for hook in list(hooks.values()):
                    r = hook(grads[nr])
                    if r is not None:
                        grads[nr] = r
    if isinstance(node, AccumulateGrad):
        t = node.variable
        if t._hooks and grads and grads[0] is not None:
            for hook in list(t._hooks.values()):
                r = hook(grads[0])
                if r is not None:
                    grads[0] = r
    if node._retain:
        for nr, ref in node._retain.items():
            t = ref()
            if t is not None and nr < len(grads) and grads[nr] is not None:
                g = grads[nr]
                if t._grad is None:
                    t._grad = g.detach().clone() if not grad_mode.state.enabled else g.clone()
                else:
                    t._grad = t._grad + g
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            r = hook(tuple(grads))
            if r is not None:
                grads = list(r)
    return grads
