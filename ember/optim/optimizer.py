"""``optim.Optimizer``: parameter groups, per-parameter state, step hooks, and state dicts in PyTorch's layout.

The update rules of the optimizers run on the parameters' arrays directly (in-place NumPy/CuPy ufuncs, see
``_kernels``): an optimizer step is never differentiated, and one ufunc per term keeps a step close to the cost
of the arithmetic. Each in-place write bumps the tensor's version counter as PyTorch's in-place ops do.
"""
from __future__ import annotations

import functools
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain
from typing import Any, Callable

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import RemovableHandle, _HookDict

__all__ = ['Optimizer', 'register_optimizer_step_pre_hook', 'register_optimizer_step_post_hook']


class _RequiredParameter:
    """Marks an optimizer argument that has no default."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_FLAG_KEYS = ('amsgrad', 'maximize', 'foreach', 'capturable', 'differentiable', 'fused', 'decoupled_weight_decay',
              'nesterov')

_global_optimizer_pre_hooks = _HookDict()
_global_optimizer_post_hooks = _HookDict()


def register_optimizer_step_pre_hook(hook) -> RemovableHandle:
    """Register ``hook(optimizer, args, kwargs)`` to run before the step of every optimizer."""
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook) -> RemovableHandle:
    """Register ``hook(optimizer, args, kwargs)`` to run after the step of every optimizer."""
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _add_hook(hooks: _HookDict, hook, prepend: bool = False) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    if prepend:
        rest = list(hooks.items())
        hooks.clear()
        hooks[handle.id] = hook
        hooks.update(rest)
    else:
        hooks[handle.id] = hook
    return handle


def _use_grad(step):
    """Run an optimizer's ``step`` without recording a graph; the step evaluates its closure with grad on."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        with grad_mode.no_grad():
            return step(self, *args, **kwargs)
    return wrapper


def _eval_closure(closure):
    if closure is None:
        return None
    with grad_mode.enable_grad():
        return closure()


def _to_scalar(x):
    """A hyperparameter given as a one-element tensor, as a Python number."""
    return x.item() if isinstance(x, Tensor) else x


def _check_lr(lr) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_flags(differentiable: bool, capturable: bool = False) -> None:
    if differentiable:
        raise NotImplementedError("ember.optim does not support differentiable=True: optimizer steps are never "
                                  "recorded by autograd")
    if capturable:
        raise NotImplementedError("ember.optim does not support capturable=True (there are no CUDA graphs to "
                                  "capture); leave it False, the update is the same")


def _scalar_dtype() -> D.dtype:
    """The dtype of ``step``-like state: float64 when that is the default dtype, else float32 (as PyTorch)."""
    return D.float64 if D.get_default_dtype() is D.float64 else D.float32


def _scalar_tensor(value: float) -> Tensor:
    """A 0-d CPU tensor of the scalar-state dtype holding ``value``."""
    dt = _scalar_dtype()
    return Tensor._wrap(np.array(value, dtype=dt._np), dtype=dt)


class Optimizer:
    """Base class of all optimizers (``torch.optim.Optimizer``).

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs (as from ``named_parameters()``), or of
    dicts (parameter groups) with a ``'params'`` entry and per-group options overriding ``defaults``.
    """

    _scalar_state: tuple[str, ...] = ('step',)

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks = _HookDict()
        self._optimizer_step_post_hooks = _HookDict()
        self._optimizer_state_dict_pre_hooks = _HookDict()
        self._optimizer_state_dict_post_hooks = _HookDict()
        self._optimizer_load_state_dict_pre_hooks = _HookDict()
        self._optimizer_load_state_dict_post_hooks = _HookDict()
        self._patch_step_function()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, but "
                            "got " + _typename(params))
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{'params': param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self) -> dict:
        return {'defaults': self.defaults, 'state': self.state, 'param_groups': self.param_groups}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in ('_optimizer_step_pre_hooks', '_optimizer_step_post_hooks', '_optimizer_state_dict_pre_hooks',
                     '_optimizer_state_dict_post_hooks', '_optimizer_load_state_dict_pre_hooks',
                     '_optimizer_load_state_dict_post_hooks'):
            if name not in self.__dict__:
                setattr(self, name, _HookDict())
        self._patch_step_function()
        self.defaults.setdefault('differentiable', False)
        # State from older checkpoints: missing flags take their defaults, plain-number scalars become tensors.
        for group in self.param_groups:
            for key in _FLAG_KEYS:
                if key in self.defaults:
                    group.setdefault(key, self.defaults[key])
            for p in group['params']:
                p_state = self.state.get(p)
                if p_state:
                    for key in self._scalar_state:
                        if key in p_state and not isinstance(p_state[key], Tensor):
                            p_state[key] = _scalar_tensor(float(p_state[key]))

    def __repr__(self) -> str:
        out = self.__class__.__name__ + ' ('
        for i, group in enumerate(self.param_groups):
            out += '\n'
            out += f'Parameter Group {i}\n'
            for key in sorted(group.keys()):
                if key != 'params':
                    out += f'    {key}: {group[key]}\n'
        return out + ')'

    # --------------------------------------------------------------------------------------------- step hooks
    @staticmethod
    def _hooked(step):
        """Wrap a class's ``step`` so the step pre/post hooks (global, then per optimizer) run around it."""
        @functools.wraps(step)
        def wrapper(*args, **kwargs):
            self = args[0]
            for hook in list(chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values())):
                result = hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                                           f"{result}.")
            out = step(*args, **kwargs)
            for hook in list(chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values())):
                hook(self, args, kwargs)
            return out
        wrapper.hooked = True
        return wrapper

    def _patch_step_function(self) -> None:
        cls = self.__class__
        if not getattr(cls.step, 'hooked', False):
            cls.step = Optimizer._hooked(cls.step)

    def register_step_pre_hook(self, hook) -> RemovableHandle:
        """Register ``hook(optimizer, args, kwargs) -> None | (args, kwargs)`` to run before ``step``."""
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook) -> RemovableHandle:
        """Register ``hook(optimizer, args, kwargs)`` to run after ``step``."""
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Register ``hook(optimizer)`` to run before ``state_dict()`` builds the dict."""
        return _add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Register ``hook(optimizer, state_dict) -> state_dict | None`` to run on the built dict."""
        return _add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Register ``hook(optimizer, state_dict) -> state_dict | None`` to run before loading."""
        return _add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Register ``hook(optimizer)`` to run after loading."""
        return _add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # --------------------------------------------------------------------------------------------- groups
    def add_param_group(self, param_group: dict) -> None:
        """Add a parameter group (e.g. layers unfrozen during fine-tuning) with its own options."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group['params']
        if isinstance(params, Tensor):
            param_group['params'] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group['params'] = list(params)
        tensors, names = [], []
        for p in param_group['params']:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group['params'] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group['param_names'] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(p))
            if not self.defaults.get('differentiable', None) and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(tensors) != len(set(map(id, tensors))):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(map(id, group['params']))
            if ('param_names' in param_group) != ('param_names' in group):
                which = "with names" if 'param_names' in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(map(id, tensors)):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters (to None, or to zero in place)."""
        for group in self.param_groups:
            for p in group['params']:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g.zero_()

    def step(self, closure: Callable | None = None):
        """Perform one optimization step (``closure`` re-evaluates the model and returns the loss)."""
        raise NotImplementedError

    # --------------------------------------------------------------------------------------------- state dict
    def state_dict(self) -> dict:
        """The optimizer state as ``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}``,
        parameters numbered in group order, exactly as PyTorch lays it out."""
        for hook in list(self._optimizer_state_dict_pre_hooks.values()):
            hook(self)
        index: dict[int, int] = {}
        start = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != 'params'}
            for i, p in enumerate(group['params'], start):
                index.setdefault(id(p), i)
            packed['params'] = [index[id(p)] for p in group['params']]
            start += len(packed['params'])
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        sd = {'state': state, 'param_groups': groups}
        for hook in list(self._optimizer_state_dict_post_hooks.values()):
            res = hook(self, sd)
            if res is not None:
                sd = res
        return sd

    @staticmethod
    def _process_value_according_to_param_policy(param: Tensor, value: Tensor, param_id, param_groups, key=None):
        # Loaded state follows the parameter's dtype and device, except ``step`` (kept as saved, like PyTorch).
        if key == 'step':
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a state dict produced by ``state_dict()`` (of ember, or of PyTorch with tensors converted)."""
        state_dict = state_dict.copy()
        for hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            res = hook(self, state_dict)
            if res is not None:
                state_dict = res
        groups = self.param_groups
        saved_groups = deepcopy(state_dict['param_groups'])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g['params']) != len(s['params']) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g['params'] for g in saved_groups),
                          chain.from_iterable(g['params'] for g in groups)))

        def cast(param, value, param_id=None, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(param, value, param_id,
                                                                          state_dict['param_groups'], key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state: defaultdict = defaultdict(dict)
        for k, v in state_dict['state'].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v, k)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved['params'] = group['params']
            if 'param_names' in group and 'param_names' not in saved:
                saved['param_names'] = group['param_names']
            new_groups.append(saved)
        self.__setstate__({'state': state, 'param_groups': new_groups})
        for hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            hook(self)


def _typename(x) -> str:
    if isinstance(x, Tensor):
        return x.type()
    t = type(x)
    return t.__name__ if t.__module__ == 'builtins' else f'{t.__module__}.{t.__qualname__}'

