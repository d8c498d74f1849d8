"""Adamax (``torch.optim.Adamax``): Adam with the infinity norm in place of the second moment."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .adam import _check_betas
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _scalar_tensor, _to_scalar, _use_grad

__all__ = ['Adamax']


class Adamax(Optimizer):
    """``u = max(beta2 * u, |g| + eps)``; ``p -= lr / (1 - beta1^t) * m / u``."""

    def __init__(self, params, lr: float | Tensor = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_lr(lr)
        _check_betas(betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))
        _check_flags(differentiable, capturable)

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            lr, eps, wd, maximize = _to_scalar(group['lr']), group['eps'], group['weight_decay'], group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = _scalar_tensor(0.0)
                    state['exp_avg'] = K.zeros_state(p)
                    state['exp_inf'] = K.zeros_state(p)
                step_t = state['step']
                step_t._data += 1
                if wd != 0:
                    grad = K.add(grad, p._data, wd)
                param, grad = K.real(p._data), K.real(grad)
                exp_avg, exp_inf = K.real(state['exp_avg']._data), K.real(state['exp_inf']._data)
                K.lerp_(exp_avg, grad, 1 - beta1)
                np.multiply(exp_inf, beta2, out=exp_inf)
                norm = np.abs(grad)
                np.add(norm, eps, out=norm)
                np.maximum(exp_inf, norm, out=exp_inf)
                clr = lr / (1 - beta1 ** step_t._data.item())
                K.addcdiv_(param, exp_avg, exp_inf, -clr)
                K.bump(p, step_t, state['exp_avg'], state['exp_inf'])
        return loss
