"""Image transforms with torchvision's API (``torchvision.transforms``); ``functional`` holds the function forms."""
from . import functional
from .autoaugment import AutoAugment, AutoAugmentPolicy, RandAugment, TrivialAugmentWide
from .transforms import (CenterCrop, ColorJitter, Compose, ConvertImageDtype, FiveCrop, GaussianBlur, Grayscale,
                         InterpolationMode, Lambda, Normalize, Pad, PILToTensor, RandomAffine, RandomApply,
                         RandomChoice, RandomCrop, RandomErasing, RandomGrayscale, RandomHorizontalFlip, RandomOrder,
                         RandomPerspective, RandomResizedCrop, RandomRotation, RandomVerticalFlip, Resize, TenCrop,
                         ToPILImage, ToTensor)

__all__ = ['functional', 'AutoAugment', 'AutoAugmentPolicy', 'RandAugment', 'TrivialAugmentWide', 'CenterCrop',
           'ColorJitter', 'Compose', 'ConvertImageDtype', 'FiveCrop', 'GaussianBlur', 'Grayscale',
           'InterpolationMode', 'Lambda', 'Normalize', 'Pad', 'PILToTensor', 'RandomAffine', 'RandomApply',
           'RandomChoice', 'RandomCrop', 'RandomErasing', 'RandomGrayscale', 'RandomHorizontalFlip', 'RandomOrder',
           'RandomPerspective', 'RandomResizedCrop', 'RandomRotation', 'RandomVerticalFlip', 'Resize', 'TenCrop',
           'ToPILImage', 'ToTensor']
