"""Learned and random augmentation policies: AutoAugment, RandAugment, TrivialAugmentWide (torchvision's)."""
from __future__ import annotations

import math
from enum import Enum

import numpy as np

import ember
from ember._tensor import Tensor
from ember.nn import Module

from . import functional as F
from .functional import InterpolationMode, _interpolation

__all__ = ['AutoAugmentPolicy', 'AutoAugment', 'RandAugment', 'TrivialAugmentWide']


def _apply_op(img, op_name: str, magnitude: float, interpolation: InterpolationMode, fill):
    if op_name == 'ShearX':
        # The shear is given in degrees: atan of the magnitude (a slope) so it shears by `magnitude`.
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=[math.degrees(math.atan(magnitude)), 0.0],
                        interpolation=interpolation, fill=fill, center=[0, 0])
    if op_name == 'ShearY':
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=[0.0, math.degrees(math.atan(magnitude))],
                        interpolation=interpolation, fill=fill, center=[0, 0])
    if op_name == 'TranslateX':
        return F.affine(img, angle=0.0, translate=[int(magnitude), 0], scale=1.0, shear=[0.0, 0.0],
                        interpolation=interpolation, fill=fill)
    if op_name == 'TranslateY':
        return F.affine(img, angle=0.0, translate=[0, int(magnitude)], scale=1.0, shear=[0.0, 0.0],
                        interpolation=interpolation, fill=fill)
    if op_name == 'Rotate':
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    if op_name == 'Brightness':
        return F.adjust_brightness(img, 1.0 + magnitude)
    if op_name == 'Color':
        return F.adjust_saturation(img, 1.0 + magnitude)
    if op_name == 'Contrast':
        return F.adjust_contrast(img, 1.0 + magnitude)
    if op_name == 'Sharpness':
        return F.adjust_sharpness(img, 1.0 + magnitude)
    if op_name == 'Posterize':
        return F.posterize(img, int(magnitude))
    if op_name == 'Solarize':
        return F.solarize(img, magnitude)
    if op_name == 'AutoContrast':
        return F.autocontrast(img)
    if op_name == 'Equalize':
        return F.equalize(img)
    if op_name == 'Invert':
        return F.invert(img)
    if op_name == 'Identity':
        return img
    raise ValueError(f"The provided operator {op_name} is not recognized.")


class AutoAugmentPolicy(Enum):
    """The datasets AutoAugment learned policies on."""

    IMAGENET = 'imagenet'
    CIFAR10 = 'cifar10'
    SVHN = 'svhn'


# (operation, probability, magnitude bin) pairs from "AutoAugment: Learning Augmentation Policies from Data".
_POLICIES = {
    AutoAugmentPolicy.IMAGENET: [
        (('Posterize', 0.4, 8), ('Rotate', 0.6, 9)), (('Solarize', 0.6, 5), ('AutoContrast', 0.6, None)),
        (('Equalize', 0.8, None), ('Equalize', 0.6, None)), (('Posterize', 0.6, 7), ('Posterize', 0.6, 6)),
        (('Equalize', 0.4, None), ('Solarize', 0.2, 4)), (('Equalize', 0.4, None), ('Rotate', 0.8, 8)),
        (('Solarize', 0.6, 3), ('Equalize', 0.6, None)), (('Posterize', 0.8, 5), ('Equalize', 1.0, None)),
        (('Rotate', 0.2, 3), ('Solarize', 0.6, 8)), (('Equalize', 0.6, None), ('Posterize', 0.4, 6)),
        (('Rotate', 0.8, 8), ('Color', 0.4, 0)), (('Rotate', 0.4, 9), ('Equalize', 0.6, None)),
        (('Equalize', 0.0, None), ('Equalize', 0.8, None)), (('Invert', 0.6, None), ('Equalize', 1.0, None)),
        (('Color', 0.6, 4), ('Contrast', 1.0, 8)), (('Rotate', 0.8, 8), ('Color', 1.0, 2)),
        (('Color', 0.8, 8), ('Solarize', 0.8, 7)), (('Sharpness', 0.4, 7), ('Invert', 0.6, None)),
        (('ShearX', 0.6, 5), ('Equalize', 1.0, None)), (('Color', 0.4, 0), ('Equalize', 0.6, None)),
        (('Equalize', 0.4, None), ('Solarize', 0.2, 4)), (('Solarize', 0.6, 5), ('AutoContrast', 0.6, None)),
        (('Invert', 0.6, None), ('Equalize', 1.0, None)), (('Color', 0.6, 4), ('Contrast', 1.0, 8)),
        (('Equalize', 0.8, None), ('Equalize', 0.6, None)),
    ],
    AutoAugmentPolicy.CIFAR10: [
        (('Invert', 0.1, None), ('Contrast', 0.2, 6)), (('Rotate', 0.7, 2), ('TranslateX', 0.3, 9)),
        (('Sharpness', 0.8, 1), ('Sharpness', 0.9, 3)), (('ShearY', 0.5, 8), ('TranslateY', 0.7, 9)),
        (('AutoContrast', 0.5, None), ('Equalize', 0.9, None)), (('ShearY', 0.2, 7), ('Posterize', 0.3, 7)),
        (('Color', 0.4, 3), ('Brightness', 0.6, 7)), (('Sharpness', 0.3, 9), ('Brightness', 0.7, 9)),
        (('Equalize', 0.6, None), ('Equalize', 0.5, None)), (('Contrast', 0.6, 7), ('Sharpness', 0.6, 5)),
        (('Color', 0.7, 7), ('TranslateX', 0.5, 8)), (('Equalize', 0.3, None), ('AutoContrast', 0.4, None)),
        (('TranslateY', 0.4, 3), ('Sharpness', 0.2, 6)), (('Brightness', 0.9, 6), ('Color', 0.2, 8)),
        (('Solarize', 0.5, 2), ('Invert', 0.0, None)), (('Equalize', 0.2, None), ('AutoContrast', 0.6, None)),
        (('Equalize', 0.2, None), ('Equalize', 0.6, None)), (('Color', 0.9, 9), ('Equalize', 0.6, None)),
        (('AutoContrast', 0.8, None), ('Solarize', 0.2, 8)), (('Brightness', 0.1, 3), ('Color', 0.7, 0)),
        (('Solarize', 0.4, 5), ('AutoContrast', 0.9, None)), (('TranslateY', 0.9, 9), ('TranslateY', 0.7, 9)),
        (('AutoContrast', 0.9, None), ('Solarize', 0.8, 3)), (('Equalize', 0.8, None), ('Invert', 0.1, None)),
        (('TranslateY', 0.7, 9), ('AutoContrast', 0.9, None)),
    ],
    AutoAugmentPolicy.SVHN: [
        (('ShearX', 0.9, 4), ('Invert', 0.2, None)), (('ShearY', 0.9, 8), ('Invert', 0.7, None)),
        (('Equalize', 0.6, None), ('Solarize', 0.6, 6)), (('Invert', 0.9, None), ('Equalize', 0.6, None)),
        (('Equalize', 0.6, None), ('Rotate', 0.9, 3)), (('ShearX', 0.9, 4), ('AutoContrast', 0.8, None)),
        (('ShearY', 0.9, 8), ('Invert', 0.4, None)), (('ShearY', 0.9, 5), ('Solarize', 0.2, 6)),
        (('Invert', 0.9, None), ('AutoContrast', 0.8, None)), (('Equalize', 0.6, None), ('Rotate', 0.9, 3)),
        (('ShearX', 0.9, 4), ('Solarize', 0.3, 3)), (('ShearY', 0.8, 8), ('Invert', 0.7, None)),
        (('Equalize', 0.9, None), ('TranslateY', 0.6, 6)), (('Invert', 0.9, None), ('Equalize', 0.6, None)),
        (('Contrast', 0.3, 3), ('Rotate', 0.8, 4)), (('Invert', 0.8, None), ('TranslateY', 0.0, 2)),
        (('ShearY', 0.7, 6), ('Solarize', 0.4, 8)), (('Invert', 0.6, None), ('Rotate', 0.8, 4)),
        (('ShearY', 0.3, 7), ('TranslateX', 0.9, 3)), (('ShearX', 0.1, 6), ('Invert', 0.6, None)),
        (('Solarize', 0.7, 2), ('TranslateY', 0.6, 7)), (('ShearY', 0.8, 4), ('Invert', 0.8, None)),
        (('ShearX', 0.7, 9), ('TranslateY', 0.8, 3)), (('ShearY', 0.8, 5), ('AutoContrast', 0.7, None)),
        (('ShearX', 0.7, 2), ('Invert', 0.1, None)),
    ],
}


def _lin(a: float, b: float, n: int) -> np.ndarray:
    return np.linspace(a, b, n, dtype=np.float32)


def _posterize_bins(n: int, span: int) -> np.ndarray:
    return (8 - np.round(np.arange(n) / ((n - 1) / span))).astype(np.int32)


_NONE = (np.float32(0.0), False)  # operations without a magnitude


def _fill_for(img, fill):
    if isinstance(img, Tensor):
        c = F.get_dimensions(img)[0]
        if isinstance(fill, (int, float)):
            return [float(fill)] * c
        if fill is not None:
            return [float(f) for f in fill]
    return fill


def _pick(magnitudes, i) -> float:
    return float(magnitudes[i]) if np.ndim(magnitudes) > 0 else 0.0


class AutoAugment(Module):
    """Apply one of the 25 two-operation sub-policies learned on ImageNet, CIFAR10 or SVHN (uint8 tensors or PIL)."""

    def __init__(self, policy: AutoAugmentPolicy = AutoAugmentPolicy.IMAGENET,
                 interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        if policy not in _POLICIES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        self.policy, self.fill = policy, fill
        self.interpolation = _interpolation(interpolation)
        self.policies = _POLICIES[policy]

    def _augmentation_space(self, num_bins: int, image_size) -> dict:
        w, h = image_size
        return {'ShearX': (_lin(0.0, 0.3, num_bins), True), 'ShearY': (_lin(0.0, 0.3, num_bins), True),
                'TranslateX': (_lin(0.0, 150.0 / 331.0 * w, num_bins), True),
                'TranslateY': (_lin(0.0, 150.0 / 331.0 * h, num_bins), True),
                'Rotate': (_lin(0.0, 30.0, num_bins), True), 'Brightness': (_lin(0.0, 0.9, num_bins), True),
                'Color': (_lin(0.0, 0.9, num_bins), True), 'Contrast': (_lin(0.0, 0.9, num_bins), True),
                'Sharpness': (_lin(0.0, 0.9, num_bins), True), 'Posterize': (_posterize_bins(num_bins, 4), False),
                'Solarize': (_lin(255.0, 0.0, num_bins), False), 'AutoContrast': _NONE, 'Equalize': _NONE,
                'Invert': _NONE}

    @staticmethod
    def get_params(transform_num: int):
        """(sub-policy index, a probability draw per operation, a sign draw per operation)."""
        policy_id = int(ember.randint(transform_num, (1,)).item())
        return policy_id, ember.rand((2,)), ember.randint(2, (2,))

    def forward(self, img):
        fill = _fill_for(img, self.fill)
        _, h, w = F.get_dimensions(img)
        policy_id, probs, signs = self.get_params(len(self.policies))
        space = self._augmentation_space(10, (w, h))
        for i, (op_name, p, mag_id) in enumerate(self.policies[policy_id]):
            if probs[i].item() <= p:
                magnitudes, signed = space[op_name]
                magnitude = _pick(magnitudes, mag_id) if mag_id is not None else 0.0
                if signed and signs[i].item() == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(Module):
    """Apply ``num_ops`` operations drawn uniformly, each at the fixed ``magnitude`` bin
    ("RandAugment: Practical automated data augmentation with a reduced search space")."""

    def __init__(self, num_ops: int = 2, magnitude: int = 9, num_magnitude_bins: int = 31,
                 interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_ops, self.magnitude, self.num_magnitude_bins, self.fill = num_ops, magnitude, num_magnitude_bins, fill
        self.interpolation = _interpolation(interpolation)

    def _augmentation_space(self, num_bins: int, image_size) -> dict:
        h, w = image_size
        return {'Identity': _NONE, 'ShearX': (_lin(0.0, 0.3, num_bins), True),
                'ShearY': (_lin(0.0, 0.3, num_bins), True),
                'TranslateX': (_lin(0.0, 150.0 / 331.0 * w, num_bins), True),
                'TranslateY': (_lin(0.0, 150.0 / 331.0 * h, num_bins), True),
                'Rotate': (_lin(0.0, 30.0, num_bins), True), 'Brightness': (_lin(0.0, 0.9, num_bins), True),
                'Color': (_lin(0.0, 0.9, num_bins), True), 'Contrast': (_lin(0.0, 0.9, num_bins), True),
                'Sharpness': (_lin(0.0, 0.9, num_bins), True), 'Posterize': (_posterize_bins(num_bins, 4), False),
                'Solarize': (_lin(255.0, 0.0, num_bins), False), 'AutoContrast': _NONE, 'Equalize': _NONE}

    def forward(self, img):
        fill = _fill_for(img, self.fill)
        _, h, w = F.get_dimensions(img)
        space = self._augmentation_space(self.num_magnitude_bins, (h, w))
        names = list(space)
        for _ in range(self.num_ops):
            op_name = names[int(ember.randint(len(space), (1,)).item())]
            magnitudes, signed = space[op_name]
            magnitude = _pick(magnitudes, self.magnitude)
            if signed and ember.randint(2, (1,)).item():
                magnitude *= -1.0
            img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
                f"num_magnitude_bins={self.num_magnitude_bins}, interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide(Module):
    """Apply one operation drawn uniformly at a magnitude drawn uniformly ("TrivialAugment")."""

    def __init__(self, num_magnitude_bins: int = 31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_magnitude_bins, self.fill = num_magnitude_bins, fill
        self.interpolation = _interpolation(interpolation)

    def _augmentation_space(self, num_bins: int) -> dict:
        return {'Identity': _NONE, 'ShearX': (_lin(0.0, 0.99, num_bins), True),
                'ShearY': (_lin(0.0, 0.99, num_bins), True), 'TranslateX': (_lin(0.0, 32.0, num_bins), True),
                'TranslateY': (_lin(0.0, 32.0, num_bins), True), 'Rotate': (_lin(0.0, 135.0, num_bins), True),
                'Brightness': (_lin(0.0, 0.99, num_bins), True), 'Color': (_lin(0.0, 0.99, num_bins), True),
                'Contrast': (_lin(0.0, 0.99, num_bins), True), 'Sharpness': (_lin(0.0, 0.99, num_bins), True),
                'Posterize': (_posterize_bins(num_bins, 6), False), 'Solarize': (_lin(255.0, 0.0, num_bins), False),
                'AutoContrast': _NONE, 'Equalize': _NONE}

    def forward(self, img):
        fill = _fill_for(img, self.fill)
        space = self._augmentation_space(self.num_magnitude_bins)
        op_name = list(space)[int(ember.randint(len(space), (1,)).item())]
        magnitudes, signed = space[op_name]
        magnitude = (_pick(magnitudes, int(ember.randint(len(magnitudes), (1,)).item()))
                     if np.ndim(magnitudes) > 0 else 0.0)
        if signed and ember.randint(2, (1,)).item():
            magnitude *= -1.0
        return _apply_op(img, op_name, magnitude, self.interpolation, fill)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")
