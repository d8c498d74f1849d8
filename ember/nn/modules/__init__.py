"""The layers of ``ember.nn``, one concept per module, as in ``torch.nn.modules``."""
from .module import Module
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
