"""Adadelta (``torch.optim.Adadelta``): per-parameter step sizes from running averages of squared
gradients and squared updates."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _scalar_tensor, _to_scalar, _use_grad

__all__ = ['Adadelta']


class Adadelta(Optimizer):
    """``p -= lr * sqrt(acc_delta + eps) / sqrt(square_avg + eps) * grad``, both averages decaying with ``rho``."""

    def __init__(self, params, lr: float | Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach=None, *, capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))
        _check_flags(differentiable, capturable)

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, rho, eps, wd = _to_scalar(group['lr']), group['rho'], group['eps'], group['weight_decay']
            maximize = group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = _scalar_tensor(0.0)
                    state['square_avg'] = K.zeros_state(p)
                    state['acc_delta'] = K.zeros_state(p)
                state['step']._data += 1
                if wd != 0:
                    grad = K.add(grad, p._data, wd)
                param, grad = K.real(p._data), K.real(grad)
                square_avg, acc_delta = K.real(state['square_avg']._data), K.real(state['acc_delta']._data)
                np.multiply(square_avg, rho, out=square_avg)
                K.addcmul_(square_avg, grad, grad, 1 - rho)
                std = np.add(square_avg, eps)
                np.sqrt(std, out=std)
                delta = np.add(acc_delta, eps)
                np.sqrt(delta, out=delta)
                np.divide(delta, std, out=delta)
                np.multiply(delta, grad, out=delta)
                np.multiply(acc_delta, rho, out=acc_delta)
                K.addcmul_(acc_delta, delta, delta, 1 - rho)
                K.add_(param, delta, -lr)
                K.bump(p, state['step'], state['square_avg'], state['acc_delta'])
        return loss
