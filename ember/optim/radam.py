"""RAdam (``torch.optim.RAdam``): Adam with the variance of the adaptive learning rate rectified."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .adam import _check_betas
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _scalar_tensor, _to_scalar, _use_grad

__all__ = ['RAdam']


class RAdam(Optimizer):
    """Rectified Adam: plain momentum SGD while the variance estimate is unreliable (``rho_t <= 5``)."""

    def __init__(self, params, lr: float | Tensor = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_betas(betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))
        _check_flags(differentiable, capturable)

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            lr, eps, wd = _to_scalar(group['lr']), group['eps'], group['weight_decay']
            decoupled, maximize = group['decoupled_weight_decay'], group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = _scalar_tensor(0.0)
                    state['exp_avg'] = K.zeros_state(p)
                    state['exp_avg_sq'] = K.zeros_state(p)
                param, grad = K.real(p._data), K.real(grad)
                exp_avg, exp_avg_sq = K.real(state['exp_avg']._data), K.real(state['exp_avg_sq']._data)
                step_t = state['step']
                step_t._data += 1
                step = step_t._data.item()
                if wd != 0:
                    if decoupled:
                        np.multiply(param, 1 - lr * wd, out=param)
                    else:
                        grad = K.add(grad, param, wd)
                K.lerp_(exp_avg, grad, 1 - beta1)
                np.multiply(exp_avg_sq, beta2, out=exp_avg_sq)
                K.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                update = np.divide(exp_avg, bias_correction1)
                np.multiply(update, lr, out=update)
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive_lr = np.sqrt(exp_avg_sq)
                    np.add(adaptive_lr, eps, out=adaptive_lr)
                    np.divide(bias_correction2 ** 0.5, adaptive_lr, out=adaptive_lr)
                    np.multiply(update, adaptive_lr, out=update)
                    np.multiply(update, rect, out=update)
                np.subtract(param, update, out=param)
                K.bump(p, step_t, state['exp_avg'], state['exp_avg_sq'])
        return loss
