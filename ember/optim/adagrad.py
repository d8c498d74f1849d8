"""Adagrad (``torch.optim.Adagrad``): per-coordinate step sizes from the sum of all squared gradients."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _scalar_tensor, _to_scalar, _use_grad

__all__ = ['Adagrad']


class Adagrad(Optimizer):
    """``s += g^2``; ``p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)``."""

    def __init__(self, params, lr: float | Tensor = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, fused=None) -> None:
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        _check_flags(differentiable)
        # Adagrad's state exists from the start (PyTorch initialises it here, not at the first step).
        for group in self.param_groups:
            for p in group['params']:
                state = self.state[p]
                state['step'] = _scalar_tensor(0.0)
                init = initial_accumulator_value
                state['sum'] = K.full_state(p, complex(init, init) if p.is_complex() else init)

    def share_memory(self) -> None:
        """Move the accumulators to shared memory (for Hogwild-style training)."""
        for group in self.param_groups:
            for p in group['params']:
                self.state[p]['sum'].share_memory_()

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, lr_decay, eps, wd = _to_scalar(group['lr']), group['lr_decay'], group['eps'], group['weight_decay']
            maximize = group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                state = self.state[p]
                step_t = state['step']
                step_t._data += 1
                step = step_t._data.item()
                if wd != 0:
                    grad = K.add(grad, p._data, wd)
                clr = lr / (1 + (step - 1) * lr_decay)
                param, grad, state_sum = K.real(p._data), K.real(grad), K.real(state['sum']._data)
                K.addcmul_(state_sum, grad, grad)
                std = np.sqrt(state_sum)
                np.add(std, eps, out=std)
                K.addcdiv_(param, grad, std, -clr)
                K.bump(p, step_t, state['sum'])
        return loss
