"""The layers of ``ember.nn``, one concept per module, as in ``torch.nn.modules``."""
from .module import Module  # noqa: F401
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
from .linear import Identity, Linear, LazyLinear, Bilinear
from .flatten import Flatten, Unflatten
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, LazyConv1d,
                   LazyConv2d, LazyConv3d)
