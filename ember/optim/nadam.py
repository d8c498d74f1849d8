"""NAdam (``torch.optim.NAdam``): Adam with Nesterov momentum and a momentum-decay schedule."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .adam import _check_betas
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _scalar_tensor, _to_scalar, _use_grad

__all__ = ['NAdam']


class NAdam(Optimizer):
    """Nesterov-accelerated Adam; ``mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))``."""

    def __init__(self, params, lr: float | Tensor = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_betas(betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))
        _check_flags(differentiable, capturable)

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            lr, eps, wd = _to_scalar(group['lr']), group['eps'], group['weight_decay']
            momentum_decay, decoupled, maximize = (group['momentum_decay'], group['decoupled_weight_decay'],
                                                   group['maximize'])
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = _scalar_tensor(0.0)
                    state['mu_product'] = _scalar_tensor(1.0)
                    state['exp_avg'] = K.zeros_state(p)
                    state['exp_avg_sq'] = K.zeros_state(p)
                param, grad = K.real(p._data), K.real(grad)
                exp_avg, exp_avg_sq = K.real(state['exp_avg']._data), K.real(state['exp_avg_sq']._data)
                step_t, mu_product = state['step'], state['mu_product']
                step_t._data += 1
                step = step_t._data.item()
                bias_correction2 = 1 - beta2 ** step
                if wd != 0:
                    if decoupled:
                        np.multiply(param, 1 - lr * wd, out=param)
                    else:
                        grad = K.add(grad, param, wd)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                # mu_product is a scalar tensor (float32 by default): its rounding is part of the trajectory.
                np.multiply(mu_product._data, mu, out=mu_product._data)
                K.lerp_(exp_avg, grad, 1 - beta1)
                np.multiply(exp_avg_sq, beta2, out=exp_avg_sq)
                K.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
                denom = np.divide(exp_avg_sq, bias_correction2)
                np.sqrt(denom, out=denom)
                np.add(denom, eps, out=denom)
                mu_prod = mu_product._data.item()
                mu_product_next = mu_prod * mu_next
                K.addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_prod))
                K.addcdiv_(param, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next))
                K.bump(p, step_t, mu_product, state['exp_avg'], state['exp_avg_sq'])
        return loss
