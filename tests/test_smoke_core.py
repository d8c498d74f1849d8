"""First end-to-end checks of the core: tensor, promotion, autograd engine, a few ops against PyTorch."""
import numpy as np
import pytest

import ember
from support import check_op, check_grads, needs_torch, torch


def test_backward_accumulates_into_leaves():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0, 12.0])


@needs_torch
@pytest.mark.parametrize('shape_a,shape_b', [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((), (2, 3))])
def test_binary_broadcast_grads(rng, shape_a, shape_b):
    a = rng.standard_normal(shape_a).astype(np.float32)
    b = rng.standard_normal(shape_b).astype(np.float32) + 3
    for ef, tf in [(ember.add, torch.add), (ember.mul, torch.mul), (ember.sub, torch.sub), (ember.div, torch.div)]:
        check_op(ef, tf, a, b)


def test_second_derivative_of_exp_product(rng):
    check_grads(lambda a, b: (a * b).exp() / (b + 3), rng.standard_normal((2, 3)), rng.standard_normal(3))


def test_backward_twice_raises():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_inplace_on_saved_tensor_raises():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    z = y.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
