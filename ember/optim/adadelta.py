"""Adadelta (``torch.optim.Adadelta``): per-parameter step sizes from running averages of squared
gradients and squared updates."""
from __future__ import annotations

from .. import _dtype as D
from ..ops.creation import tensor, zeros_like
from .optimizer import Optimizer


class Adadelta(Optimizer):
    """``p -= lr * sqrt(acc_delta + eps) / sqrt(square_avg + eps) * grad``, both averages decaying with ``rho``."""

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0, *,
                 capturable: bool = False, foreach=None, maximize: bool = False, differentiable: bool = False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def step(self, closure=None):
        return self._run_step(self._step, closure)

    def _step(self):
        for group in self.param_groups:
            lr, rho, eps, wd, maximize = group['lr'], group['rho'], group['eps'], group['weight_decay'], \
                group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = p._grad if not maximize else -p._grad
                state = self.state[p]
                if not state:
                    state['step'] = tensor(0.0, dtype=D.float32)
                    state['square_avg'] = zeros_like(p)
                    state['acc_delta'] = zeros_like(p)
                state['step'].add_(1)
                if wd != 0:
                    grad = grad.add(p, alpha=wd)
                square_avg, acc_delta = state['square_avg'], state['acc_delta']
                square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
                std = square_avg.add(eps).sqrt_()
                delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
                acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
                p.add_(delta, alpha=-lr)
