"""Model architectures with torchvision's names, parameter names and initialisation (``torchvision.models``).

No weights are downloaded: build a model with ``weights=None`` and load a torchvision checkpoint with
``model.load_state_dict(ember.load(path))``.
"""
from __future__ import annotations

from .alexnet import AlexNet, alexnet
from .densenet import DenseNet, densenet121, densenet161, densenet169, densenet201
from .efficientnet import (EfficientNet, efficientnet_b0, efficientnet_b1, efficientnet_b2, efficientnet_b3,
                           efficientnet_b4, efficientnet_b5, efficientnet_b6, efficientnet_b7)
from .mobilenetv2 import MobileNetV2, mobilenet_v2
from .resnet import (BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50, resnet101, resnet152,
                     resnext50_32x4d, wide_resnet50_2)
from .squeezenet import SqueezeNet, squeezenet1_0, squeezenet1_1
from .vgg import VGG, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn
from .vision_transformer import VisionTransformer, vit_b_16, vit_b_32, vit_h_14, vit_l_16, vit_l_32

_BUILDERS = {f.__name__: f for f in (
    alexnet, densenet121, densenet161, densenet169, densenet201, efficientnet_b0, efficientnet_b1, efficientnet_b2,
    efficientnet_b3, efficientnet_b4, efficientnet_b5, efficientnet_b6, efficientnet_b7, mobilenet_v2, resnet18,
    resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, wide_resnet50_2, squeezenet1_0, squeezenet1_1, vgg11,
    vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn, vit_b_16, vit_b_32, vit_h_14, vit_l_16, vit_l_32)}


def list_models() -> list[str]:
    """The names of the model builders, sorted."""
    return sorted(_BUILDERS)


def get_model_builder(name: str):
    """The builder function called ``name``."""
    try:
        return _BUILDERS[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name: str, **config):
    """Build the model called ``name`` with the given keyword arguments."""
    return get_model_builder(name)(**config)


__all__ = ['AlexNet', 'BasicBlock', 'Bottleneck', 'DenseNet', 'EfficientNet', 'MobileNetV2', 'ResNet', 'SqueezeNet',
           'VGG', 'VisionTransformer', 'get_model', 'get_model_builder', 'list_models', *sorted(_BUILDERS)]
