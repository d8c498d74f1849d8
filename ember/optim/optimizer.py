"""``optim.Optimizer``: parameter groups, per-parameter state, and state dicts in PyTorch's structure."""
from __future__ import annotations

import copy
import functools
from collections import OrderedDict, defaultdict
from itertools import chain
from typing import Any, Callable, Iterable

from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import RemovableHandle, _HookDict


class _RequiredParameter:
    """Marks an optimizer argument that has no default (``lr`` of SGD in old PyTorch)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _use_grad(step):
    """Run ``step`` without recording a graph (optimizer updates are not differentiated)."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        with grad_mode.no_grad():
            return step(self, *args, **kwargs)
    return wrapper


class Optimizer:
    """Base class of all optimizers (``torch.optim.Optimizer``).

    ``params`` is an iterable of tensors, or of dicts (parameter groups) with a ``'params'`` entry and
    per-group options overriding ``defaults``.
    """

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks = _HookDict()
        self._optimizer_step_post_hooks = _HookDict()
        self._optimizer_state_dict_pre_hooks = _HookDict()
        self._optimizer_state_dict_post_hooks = _HookDict()
        self._optimizer_load_state_dict_pre_hooks = _HookDict()
        self._optimizer_load_state_dict_post_hooks = _HookDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, but "
                            f"got {type(params).__name__}")
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{'params': param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {'defaults': self.defaults, 'state': self.state, 'param_groups': self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ('_optimizer_step_pre_hooks', '_optimizer_step_post_hooks', '_optimizer_state_dict_pre_hooks',
                     '_optimizer_state_dict_post_hooks', '_optimizer_load_state_dict_pre_hooks',
                     '_optimizer_load_state_dict_post_hooks'):
            self.__dict__.setdefault(name, _HookDict())

    def __repr__(self) -> str:
        out = self.__class__.__name__ + ' ('
        for i, group in enumerate(self.param_groups):
            out += '\n'
            out += f'Parameter Group {i}\n'
            for key in sorted(group.keys()):
                if key != 'params':
                    out += f'    {key}: {group[key]}\n'
        return out + ')'

    def add_param_group(self, param_group: dict) -> None:
        """Add a parameter group (e.g. layers unfrozen during fine-tuning) with its own options."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group['params']
        if isinstance(params, Tensor):
            param_group['params'] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group['params'] = list(params)
        for p in param_group['params']:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + type(p).__name__)
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group['params']
        if len(params) != len(set(map(id, params))):
            import warnings
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(map(id, group['params']))
        if not seen.isdisjoint(map(id, param_group['params'])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters (to None, or to zero)."""
        for group in self.param_groups:
            for p in group['params']:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        g = p._grad
                        if g.grad_fn is not None:
                            g.detach_()
                        else:
                            g.requires_grad_(False)
                        g.zero_()

    def step(self, closure: Callable | None = None):
        """Perform one optimization step (``closure`` re-evaluates the model and returns the loss)."""
        raise NotImplementedError

    def _run_step(self, impl, closure):
        """Call the step implementation between the step hooks, with the closure under enable_grad."""
        for hook in list(self._optimizer_step_pre_hooks.values()):
            res = hook(self, (), {})
            if res is not None:
                raise RuntimeError("optimizer step pre-hooks may not change the arguments here")
        loss = None
        if closure is not None:
            with grad_mode.enable_grad():
                loss = closure()
        with grad_mode.no_grad():
            impl()
        for hook in list(self._optimizer_step_post_hooks.values()):
            hook(self, (), {})
        return loss

    # --------------------------------------------------------------------------------------------- hooks
    def register_step_pre_hook(self, hook) -> RemovableHandle:
        h = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[h.id] = hook
        return h

    def register_step_post_hook(self, hook) -> RemovableHandle:
        h = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[h.id] = hook
        return h

    def register_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        h = RemovableHandle(self._optimizer_state_dict_pre_hooks)
        self._optimizer_state_dict_pre_hooks[h.id] = hook
        return h

    def register_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        h = RemovableHandle(self._optimizer_state_dict_post_hooks)
        self._optimizer_state_dict_post_hooks[h.id] = hook
        return h

    def register_load_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        h = RemovableHandle(self._optimizer_load_state_dict_pre_hooks)
        self._optimizer_load_state_dict_pre_hooks[h.id] = hook
        return h

    def register_load_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        h = RemovableHandle(self._optimizer_load_state_dict_post_hooks)
        self._optimizer_load_state_dict_post_hooks[h.id] = hook
        return h

    # --------------------------------------------------------------------------------------------- state dict
    def state_dict(self) -> dict:
        """The optimizer state as ``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}``,
        parameters numbered in group order, exactly as PyTorch lays it out."""
        for hook in list(self._optimizer_state_dict_pre_hooks.values()):
            hook(self)
        index = {}
        start = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != 'params'}
            for i, p in enumerate(group['params'], start):
                if id(p) not in index:
                    index[id(p)] = i
            packed['params'] = [index[id(p)] for p in group['params']]
            start += len(packed['params'])
            groups.append(packed)
        state = {index[id(k)]: v for k, v in self.state.items() if isinstance(k, Tensor) and id(k) in index}
        sd = {'state': state, 'param_groups': groups}
        for hook in list(self._optimizer_state_dict_post_hooks.values()):
            res = hook(self, sd)
            if res is not None:
                sd = res
        return sd

    @staticmethod
    def _cast_state(param: Tensor, value, key=None):
        """Move a loaded state value to the parameter's device, and float tensors to its dtype (but keep
        ``step`` as it is, like PyTorch)."""
        if isinstance(value, Tensor):
            if key == 'step':
                return value
            if value.is_floating_point():
                return value.to(dtype=param.dtype, device=param.device)
            return value.to(device=param.device)
        if isinstance(value, dict):
            return {k: Optimizer._cast_state(param, v, k) for k, v in value.items()}
        return value

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a state dict produced by ``state_dict()`` (of ember or of PyTorch)."""
        state_dict = state_dict.copy()
        for hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            res = hook(self, state_dict)
            if res is not None:
                state_dict = res
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict['param_groups'])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        param_lens = (len(g['params']) for g in groups)
        saved_lens = (len(g['params']) for g in saved_groups)
        if any(p_len != s_len for p_len, s_len in zip(param_lens, saved_lens)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g['params'] for g in saved_groups),
                          chain.from_iterable(g['params'] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict['state'].items():
            if k in id_map:
                param = id_map[k]
                state[param] = self._cast_state(param, v)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved = dict(saved)
            saved['params'] = group['params']
            new_groups.append(saved)
        self.__setstate__({'state': state, 'param_groups': new_groups})
        for hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            hook(self)
