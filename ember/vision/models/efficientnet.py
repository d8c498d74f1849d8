"""EfficientNet B0-B7 ("EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks")."""
from __future__ import annotations

import copy
import math
from functools import partial
from typing import Callable

import ember
from ember import nn
from ember._tensor import Tensor

from ._utils import Conv2dNormActivation, SqueezeExcitation, StochasticDepth, _make_divisible, _no_weights

__all__ = ['EfficientNet', 'MBConvConfig', 'MBConv', 'efficientnet_b0', 'efficientnet_b1', 'efficientnet_b2',
           'efficientnet_b3', 'efficientnet_b4', 'efficientnet_b5', 'efficientnet_b6', 'efficientnet_b7']


class MBConvConfig:
    """One stage: expansion ratio, kernel, first stride, channels in/out and repeats, scaled by width and depth."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int, out_channels: int,
                 num_layers: int, width_mult: float = 1.0, depth_mult: float = 1.0):
        self.expand_ratio, self.kernel, self.stride = expand_ratio, kernel, stride
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.num_layers = int(math.ceil(num_layers * depth_mult))

    @staticmethod
    def adjust_channels(channels: int, width_mult: float, min_value: int | None = None) -> int:
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConv(nn.Module):
    """Mobile inverted bottleneck with squeeze-and-excitation and stochastic depth on the residual."""

    def __init__(self, cnf: MBConvConfig, stochastic_depth_prob: float, norm_layer: Callable,
                 se_layer: Callable = SqueezeExcitation):
        super().__init__()
        if not 1 <= cnf.stride <= 2:
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers: list[nn.Module] = []
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(se_layer(expanded, max(1, cnf.input_channels // 4), activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, 'row')
        self.out_channels = cnf.out_channels

    def forward(self, input: Tensor) -> Tensor:
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class EfficientNet(nn.Module):
    """A stride-2 stem, MBConv stages, a 1x1 head convolution, global pooling and a dropout-linear classifier."""

    def __init__(self, inverted_residual_setting: list[MBConvConfig], dropout: float,
                 stochastic_depth_prob: float = 0.2, num_classes: int = 1000, norm_layer: Callable | None = None,
                 last_channel: int | None = None):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not all(isinstance(s, MBConvConfig) for s in inverted_residual_setting):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        norm_layer = norm_layer or nn.BatchNorm2d
        layers: list[nn.Module] = [Conv2dNormActivation(3, inverted_residual_setting[0].input_channels, kernel_size=3,
                                                        stride=2, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage: list[nn.Module] = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:
                    block_cnf.input_channels, block_cnf.stride = block_cnf.out_channels, 1
                # The drop probability grows linearly with depth.
                stage.append(MBConv(block_cnf, stochastic_depth_prob * float(block_id) / total, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out')
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                r = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -r, r)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(ember.flatten(self.avgpool(self.features(x)), 1))


# (expand ratio, kernel, stride, in channels, out channels, repeats) of B0; the others scale it.
_B0 = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3),
       (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]
# width multiplier, depth multiplier, dropout
_SCALES = {'b0': (1.0, 1.0, 0.2), 'b1': (1.0, 1.1, 0.2), 'b2': (1.1, 1.2, 0.3), 'b3': (1.2, 1.4, 0.3),
           'b4': (1.4, 1.8, 0.4), 'b5': (1.6, 2.2, 0.4), 'b6': (1.8, 2.6, 0.5), 'b7': (2.0, 3.1, 0.5)}


def _efficientnet(variant: str, weights, **kwargs) -> EfficientNet:
    _no_weights(f"efficientnet_{variant}", weights)
    w, d, dropout = _SCALES[variant]
    setting = [MBConvConfig(*row, width_mult=w, depth_mult=d) for row in _B0]
    if variant in ('b5', 'b6', 'b7'):
        kwargs.setdefault('norm_layer', partial(nn.BatchNorm2d, eps=0.001, momentum=0.01))
    return EfficientNet(setting, kwargs.pop('dropout', dropout), **kwargs)


def efficientnet_b0(*, weights=None, progress: bool = True, **kwargs) -> EfficientNet:
    """EfficientNet-B0."""
    return _efficientnet('b0', weights, **kwargs)


def efficientnet_b1(*, weights=None, progress: bool = True, **kwargs) -> EfficientNet:
    """EfficientNet-B1."""
    return _efficientnet('b1', weights, **kwargs)


def efficientnet_b2(*, weights=None, progress: bool = True, **kwargs) -> EfficientNet:
    """EfficientNet-B2."""
    return _efficientnet('b2', weights, **kwargs)


def efficientnet_b3(*, weights=None, progress: bool = True, **kwargs) -> EfficientNet:
    """EfficientNet-B3."""
    return _efficientnet('b3', weights, **kwargs)


def efficientnet_b4(*, weights=None, progress: bool = True, **kwargs) -> EfficientNet:
    """EfficientNet-B4."""
    return _efficientnet('b4', weights, **kwargs)


def efficientnet_b5(*, weights=None, progress: bool = True, **kwargs) -> EfficientNet:
    """EfficientNet-B5."""
    return _efficientnet('b5', weights, **kwargs)


def efficientnet_b6(*, weights=None, progress: bool = True, **kwargs) -> EfficientNet:
    """EfficientNet-B6."""
    return _efficientnet('b6', weights, **kwargs)


def efficientnet_b7(*, weights=None, progress: bool = True, **kwargs) -> EfficientNet:
    """EfficientNet-B7."""
    return _efficientnet('b7', weights, **kwargs)
