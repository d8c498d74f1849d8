"""A GraphDef of a model for TensorBoard's Graphs tab, read off the autograd graph of one forward call."""
from __future__ import annotations

import re

from . import _proto as P


def _node(name: str, op: str, inputs: list[str], shape: tuple | None = None, attr: str = '') -> bytes:
    msg = P.blob(1, name) + P.blob(2, op) + b''.join(P.blob(3, i) for i in inputs)
    if shape is not None:
        dims = b''.join(P.blob(2, P.uint(1, d)) for d in shape)
        # attr "_output_shapes": AttrValue{list: ListValue{shape: [TensorShapeProto]}}
        msg += P.blob(5, P.blob(1, '_output_shapes') + P.blob(2, P.blob(1, P.blob(7, dims))))
    if attr:
        msg += P.blob(5, P.blob(1, 'attr') + P.blob(2, P.blob(2, attr)))
    return P.blob(1, msg)


def graph_def(model, input_to_model, verbose: bool = False) -> bytes:
    """Serialised GraphDef: one node per input, parameter and backward op of ``model(*input_to_model)``."""
    import ember

    if input_to_model is None:
        raise ValueError("add_graph needs input_to_model: the graph is read off one forward call")
    inputs = input_to_model if isinstance(input_to_model, (list, tuple)) else (input_to_model,)
    inputs = [x.detach().requires_grad_(x.is_floating_point()) if isinstance(x, ember.Tensor) else x for x in inputs]
    with ember.enable_grad():
        out = model(*inputs)
    outs = out if isinstance(out, (list, tuple)) else (out,)
    model_name = type(model).__name__
    leaf_names = {id(p): f"{model_name}/{n}" for n, p in model.named_parameters()}
    for i, x in enumerate(inputs):
        if isinstance(x, ember.Tensor):
            leaf_names[id(x)] = f"input/input.{i}"
    names: dict[int, str] = {}
    nodes: list[bytes] = []
    counter = 0

    def visit(fn) -> str:
        nonlocal counter
        key = id(fn)
        if key in names:
            return names[key]
        var = getattr(fn, 'variable', None)
        if var is not None:
            name = leaf_names.get(id(var), f"{model_name}/tensor.{len(names)}")
            names[key] = name
            nodes.append(_node(name, 'IO Node' if name.startswith('input/') else 'prim::Parameter', [],
                               tuple(var.shape)))
            return name
        op = re.sub(r'Backward[0-9]*$', '', fn.name())
        parents = [visit(f) for f, _ in fn.next_functions if f is not None]
        counter += 1
        name = f"{model_name}/{op}_{counter}"
        names[key] = name
        nodes.append(_node(name, f"aten::{op.lower()}", parents, attr=f"{{ {op} }}" if verbose else ''))
        return name

    for i, o in enumerate(outs):
        if isinstance(o, ember.Tensor):
            src = [visit(o.grad_fn)] if o.grad_fn is not None else []
            nodes.append(_node(f"output/output.{i}", 'IO Node', src, tuple(o.shape)))
    # GraphDef{node..., versions: VersionDef{producer: 22}}
    return b''.join(nodes) + P.blob(4, P.uint(1, 22))
