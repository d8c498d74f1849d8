"""``functional_call``: run a module with some of its parameters and buffers replaced for one call."""
from __future__ import annotations

import contextlib

from .._tensor import Tensor


def _merge(parameter_and_buffer_dicts) -> dict:
    if isinstance(parameter_and_buffer_dicts, dict):
        return dict(parameter_and_buffer_dicts)
    merged = {}
    for d in parameter_and_buffer_dicts:
        for k, v in d.items():
            if k in merged:
                raise ValueError(f"{k} appeared in multiple dictionaries; behavior of functional call is ambiguous")
            merged[k] = v
    return merged


@contextlib.contextmanager
def _swapped(module, replacements: dict, tie_weights: bool, strict: bool):
    """Put ``replacements`` (dotted name -> tensor) in place of the module's tensors; restore them on exit."""
    slots = {}  # dotted name -> (owning module, dict holding the tensor, key)
    originals = {}
    for kind in ('_parameters', '_buffers'):
        for prefix, m in module.named_modules(remove_duplicate=False):
            for key, t in getattr(m, kind).items():
                name = f"{prefix}.{key}" if prefix else key
                slots[name] = (getattr(m, kind), key)
                originals[name] = t
    if strict:
        missing = sorted(set(slots) - set(replacements))
        unexpected = sorted(set(replacements) - set(slots))
        if missing or unexpected:
            parts = []
            if unexpected:
                parts.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
            if missing:
                parts.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t" + "\n\t".join(parts))
    if tie_weights:
        # A replaced tensor also replaces every other name bound to the same original tensor.
        by_id = {id(originals[n]): v for n, v in replacements.items() if n in originals and originals[n] is not None}
        replacements = {**{n: by_id[id(t)] for n, t in originals.items() if t is not None and id(t) in by_id},
                        **replacements}
    swapped = []
    try:
        for name, value in replacements.items():
            if name in slots:
                holder, key = slots[name]
                swapped.append((holder, key, holder[key]))
                holder[key] = value
            else:
                owner_name, _, attr = name.rpartition('.')
                owner = module.get_submodule(owner_name) if owner_name else module
                swapped.append((owner.__dict__, attr, owner.__dict__.get(attr, _MISSING)))
                owner.__dict__[attr] = value
        yield
    finally:
        for holder, key, old in reversed(swapped):
            if old is _MISSING:
                del holder[key]
            else:
                holder[key] = old


_MISSING = object()


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights: bool = True,
                    strict: bool = False):
    """``module(*args, **kwargs)`` with the named parameters and buffers replaced by the given tensors (the
    module's own are back in place afterwards)."""
    replacements = _merge(parameter_and_buffer_dicts)
    for name, v in replacements.items():
        if v is not None and not isinstance(v, Tensor):
            raise TypeError(f"functional_call expects tensors as values, got {type(v).__name__} for {name!r}")
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, replacements, tie_weights, strict):
        return module(*args, **(kwargs or {}))
