"""DenseNet ("Densely Connected Convolutional Networks")."""
from __future__ import annotations

import re
from collections import OrderedDict

import ember
from ember import nn
from ember._tensor import Tensor
from ember.nn import functional as NF

from ._utils import _no_weights

# The first published weights named the layers of a dense layer 'norm.1', 'conv.2'...; the modules are 'norm1'...
_OLD_KEY = re.compile(r'^(.*denselayer\d+\.(?:norm|relu|conv))\.'
                      r'([12]\.(?:weight|bias|running_mean|running_var|num_batches_tracked))$')

__all__ = ['DenseNet', 'densenet121', 'densenet161', 'densenet169', 'densenet201']


class _DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (bottleneck) then BN-ReLU-3x3 conv giving ``growth_rate`` new feature maps."""

    def __init__(self, num_input_features: int, growth_rate: int, bn_size: int, drop_rate: float,
                 memory_efficient: bool = False):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient

    def forward(self, inputs) -> Tensor:
        x = ember.cat(list(inputs), 1) if isinstance(inputs, (list, tuple)) else inputs
        out = self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))
        if self.drop_rate > 0:
            out = NF.dropout(out, p=self.drop_rate, training=self.training)
        return out


class _DenseBlock(nn.ModuleDict):
    """Layers each fed the concatenation of the block input and every earlier layer's output."""

    def __init__(self, num_layers: int, num_input_features: int, bn_size: int, growth_rate: int, drop_rate: float,
                 memory_efficient: bool = False):
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", _DenseLayer(num_input_features + i * growth_rate, growth_rate,
                                                               bn_size, drop_rate, memory_efficient))

    def forward(self, init_features: Tensor) -> Tensor:
        features = [init_features]
        for layer in self.values():
            features.append(layer(features))
        return ember.cat(features, 1)


class _Transition(nn.Sequential):
    """BN-ReLU-1x1 conv halving the channels, then 2x2 average pooling."""

    def __init__(self, num_input_features: int, num_output_features: int):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """A 7x7 stem, dense blocks separated by transitions, a final norm and a linear classifier."""

    def __init__(self, growth_rate: int = 32, block_config: tuple = (6, 12, 24, 16), num_init_features: int = 64,
                 bn_size: int = 4, drop_rate: float = 0, num_classes: int = 1000, memory_efficient: bool = False):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ('conv0', nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ('norm0', nn.BatchNorm2d(num_init_features)),
            ('relu0', nn.ReLU(inplace=True)),
            ('pool0', nn.MaxPool2d(kernel_size=3, stride=2, padding=1))]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}", _DenseBlock(num_layers, num_features, bn_size,
                                                                        growth_rate, drop_rate, memory_efficient))
            num_features += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(num_features, num_features // 2))
                num_features //= 2
        self.features.add_module('norm5', nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """As Module.load_state_dict; also takes the original DenseNet checkpoints' names ('norm.1' for 'norm1')."""
        state_dict = OrderedDict((_OLD_KEY.sub(r'\1\2', k), v) for k, v in state_dict.items())
        return super().load_state_dict(state_dict, strict=strict, assign=assign)

    def forward(self, x: Tensor) -> Tensor:
        out = NF.adaptive_avg_pool2d(NF.relu(self.features(x)), (1, 1))
        return self.classifier(ember.flatten(out, 1))


def _densenet(name: str, growth_rate: int, block_config: tuple, num_init_features: int, weights,
              **kwargs) -> DenseNet:
    _no_weights(name, weights)
    return DenseNet(growth_rate, block_config, num_init_features, **kwargs)


def densenet121(*, weights=None, progress: bool = True, **kwargs) -> DenseNet:
    """DenseNet-121."""
    return _densenet('densenet121', 32, (6, 12, 24, 16), 64, weights, **kwargs)


def densenet161(*, weights=None, progress: bool = True, **kwargs) -> DenseNet:
    """DenseNet-161."""
    return _densenet('densenet161', 48, (6, 12, 36, 24), 96, weights, **kwargs)


def densenet169(*, weights=None, progress: bool = True, **kwargs) -> DenseNet:
    """DenseNet-169."""
    return _densenet('densenet169', 32, (6, 12, 32, 32), 64, weights, **kwargs)


def densenet201(*, weights=None, progress: bool = True, **kwargs) -> DenseNet:
    """DenseNet-201."""
    return _densenet('densenet201', 32, (6, 12, 48, 32), 64, weights, **kwargs)
