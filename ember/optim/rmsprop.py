"""RMSprop (``torch.optim.RMSprop``): gradients scaled by a running root-mean-square, optionally centered."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _scalar_tensor, _to_scalar, _use_grad

__all__ = ['RMSprop']


class RMSprop(Optimizer):
    """``v = alpha * v + (1 - alpha) * g^2``; ``p -= lr * g / (sqrt(v - mean(g)^2 if centered) + eps)``."""

    def __init__(self, params, lr: float | Tensor = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach=None, maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))
        _check_flags(differentiable, capturable)

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, alpha, eps, wd = _to_scalar(group['lr']), group['alpha'], group['eps'], group['weight_decay']
            momentum, centered, maximize = group['momentum'], group['centered'], group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = _scalar_tensor(0.0)
                    state['square_avg'] = K.zeros_state(p)
                    if momentum > 0:
                        state['momentum_buffer'] = K.zeros_state(p)
                    if centered:
                        state['grad_avg'] = K.zeros_state(p)
                step_t = state['step']
                step_t._data += 1
                if wd != 0:
                    grad = K.add(grad, p._data, wd)
                param, grad = K.real(p._data), K.real(grad)
                square_avg = K.real(state['square_avg']._data)
                np.multiply(square_avg, alpha, out=square_avg)
                K.addcmul_(square_avg, grad, grad, 1 - alpha)
                if centered:
                    grad_avg = K.real(state['grad_avg']._data)
                    K.lerp_(grad_avg, grad, 1 - alpha)
                    avg = K.addcmul(square_avg, grad_avg, grad_avg, -1)
                    np.sqrt(avg, out=avg)
                    K.bump(state['grad_avg'])
                else:
                    avg = np.sqrt(square_avg)
                np.add(avg, eps, out=avg)
                if momentum > 0:
                    buf = K.real(state['momentum_buffer']._data)
                    np.multiply(buf, momentum, out=buf)
                    K.addcdiv_(buf, grad, avg)
                    K.add_(param, buf, -lr)
                    K.bump(state['momentum_buffer'])
                else:
                    K.addcdiv_(param, grad, avg, -lr)
                K.bump(p, step_t, state['square_avg'])
        return loss
