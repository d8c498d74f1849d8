"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay (``torch.optim.SGD``)."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _to_scalar, _use_grad

__all__ = ['SGD']


class SGD(Optimizer):
    """``p -= lr * v`` where ``v`` is the gradient (plus weight decay), averaged with momentum if asked."""

    def __init__(self, params, lr: float | Tensor = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float | Tensor = 0, nesterov: bool = False, *, maximize: bool = False, foreach=None,
                 differentiable: bool = False, fused=None) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        _check_flags(differentiable)

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, wd = _to_scalar(group['lr']), _to_scalar(group['weight_decay'])
            momentum, dampening, nesterov = group['momentum'], group['dampening'], group['nesterov']
            maximize = group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                if wd != 0:
                    grad = K.add(grad, p._data, wd)
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get('momentum_buffer')
                    if buf is None:
                        buf = state['momentum_buffer'] = Tensor._wrap(grad.copy(), dtype=p.dtype)
                    else:
                        b = buf._data
                        np.multiply(b, momentum, out=b)
                        K.add_(b, grad, 1 - dampening)
                        K.bump(buf)
                    grad = K.add(grad, buf._data, momentum) if nesterov else buf._data
                K.add_(p._data, grad, -lr)
                K.bump(p)
        return loss
