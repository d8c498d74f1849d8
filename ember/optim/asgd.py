"""ASGD (``torch.optim.ASGD``): averaged stochastic gradient descent."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_flags, _check_lr, _eval_closure, _scalar_tensor, _to_scalar, _use_grad

__all__ = ['ASGD']


class ASGD(Optimizer):
    """SGD with a decaying step ``eta`` and a running average ``ax`` of the iterates (started at step ``t0``)."""

    _scalar_state = ('step', 'eta', 'mu')

    def __init__(self, params, lr: float | Tensor = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach=None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))
        _check_flags(differentiable, capturable)

    @_use_grad
    def step(self, closure=None):
        """Perform one optimization step; ``closure`` (optional) re-evaluates the loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr, lambd, alpha, t0 = _to_scalar(group['lr']), group['lambd'], group['alpha'], group['t0']
            wd, maximize = group['weight_decay'], group['maximize']
            for p in group['params']:
                if p._grad is None:
                    continue
                grad = K.grad_of(p, maximize)
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = _scalar_tensor(0.0)
                    state['eta'] = _scalar_tensor(lr)
                    state['mu'] = _scalar_tensor(1.0)
                    state['ax'] = K.zeros_state(p)
                step_t, eta, mu = state['step'], state['eta'], state['mu']
                param, grad, ax = K.real(p._data), K.real(grad), K.real(state['ax']._data)
                step_t._data += 1
                if wd != 0:
                    grad = K.add(grad, param, wd)
                eta_value = eta._data.item()
                np.multiply(param, 1 - lambd * eta_value, out=param)
                K.add_(param, grad, -eta_value)
                if mu._data.item() != 1:
                    diff = np.subtract(param, ax)
                    np.multiply(diff, mu._data, out=diff)
                    np.add(ax, diff, out=ax)
                else:
                    ax[...] = param
                step = step_t._data.item()
                eta._data[...] = lr / ((1 + lambd * lr * step) ** alpha)
                mu._data[...] = 1 / max(1, step - t0)
                K.bump(p, step_t, eta, mu, state['ax'])
        return loss
