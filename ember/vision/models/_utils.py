"""Building blocks shared by the model definitions (torchvision keeps them in ``torchvision.ops.misc``)."""
from __future__ import annotations

from typing import Callable

import ember
from ember import nn
from ember._tensor import Tensor


def _no_weights(name: str, weights) -> None:
    """Reject pretrained weights: ember downloads none."""
    if weights is not None:
        raise ValueError(f"{name}(weights={weights!r}): ember.vision.models downloads no pretrained weights. Build the "
                         f"model with weights=None and load a torchvision checkpoint with "
                         f"model.load_state_dict(ember.load(path)).")


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """``v`` rounded to a multiple of ``divisor``, never more than 10% below ``v``."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class Conv2dNormActivation(nn.Sequential):
    """Conv2d ('same' padding for odd kernels), then a norm layer, then an activation (items 0, 1, 2)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 padding: int | None = None, groups: int = 1, norm_layer: Callable | None = nn.BatchNorm2d,
                 activation_layer: Callable | None = nn.ReLU, dilation: int = 1, inplace: bool | None = True,
                 bias: bool | None = None):
        if padding is None:
            padding = (kernel_size - 1) // 2 * dilation
        if bias is None:
            bias = norm_layer is None
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation, groups=groups,
                            bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer() if inplace is None else activation_layer(inplace=inplace))
        super().__init__(*layers)
        self.out_channels = out_channels


class SqueezeExcitation(nn.Module):
    """Channel attention: scale each channel by a gate computed from the globally pooled features."""

    def __init__(self, input_channels: int, squeeze_channels: int, activation: Callable = nn.ReLU,
                 scale_activation: Callable = nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, input: Tensor) -> Tensor:
        scale = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(input)))))
        return scale * input


class StochasticDepth(nn.Module):
    """In training, zero a residual branch per sample ('row') or per batch ('batch') with probability ``p``,
    scaling the survivors by 1 / (1 - p)."""

    def __init__(self, p: float, mode: str):
        super().__init__()
        if p < 0.0 or p > 1.0:
            raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
        if mode not in ('batch', 'row'):
            raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
        self.p, self.mode = p, mode

    def forward(self, input: Tensor) -> Tensor:
        if not self.training or self.p == 0.0:
            return input
        survival = 1.0 - self.p
        size = [input.shape[0]] + [1] * (input.ndim - 1) if self.mode == 'row' else [1] * input.ndim
        noise = ember.empty(size, dtype=input.dtype).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return input * noise

    def extra_repr(self) -> str:
        return f"p={self.p}, mode={self.mode}"
