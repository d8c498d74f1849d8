"""Rprop (``torch.optim.Rprop``): resilient backpropagation, per-weight step sizes driven by gradient signs."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _scalar_tensor, _to_scalar, _use_grad

__all__ = ['Rprop']


class Rprop(Optimizer):
    """Grow a weight's step by ``etas[1]`` while its gradient keeps its sign, shrink it by ``etas[0]`` (and skip
    the update) when the sign flips; steps stay within ``step_sizes``."""

    def __init__(self, params, lr: float | Tensor = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False, foreach=None,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))
        _check_flags(differentiable, capturable)

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            etaminus, etaplus = group['etas']
            step_size_min, step_size_max = group['step_sizes']
            maximize = group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = _scalar_tensor(0.0)
                    state['prev'] = K.zeros_state(p)
                    lr = _to_scalar(group['lr'])
                    state['step_size'] = K.full_state(p, complex(lr, lr) if p.is_complex() else lr)
                state['step']._data += 1
                param, grad = K.real(p._data), K.real(grad)
                prev, step_size = K.real(state['prev']._data), K.real(state['step_size']._data)
                sign = np.sign(np.multiply(grad, prev))
                sign[sign > 0] = etaplus
                sign[sign < 0] = etaminus
                sign[sign == 0] = 1
                np.multiply(step_size, sign, out=step_size)
                np.clip(step_size, step_size_min, step_size_max, out=step_size)
                # Where the sign flipped the gradient counts as zero: no update now, no sign memory next step.
                grad = grad.copy()
                grad[sign == etaminus] = 0
                K.addcmul_(param, np.sign(grad), step_size, -1)
                prev[...] = grad
                K.bump(p, state['step'], state['prev'], state['step_size'])
        return loss
