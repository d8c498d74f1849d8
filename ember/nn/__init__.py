"""``ember.nn``: modules, parameters, initialisation and the functional interface."""
from .parameter import Parameter, Buffer, UninitializedParameter, UninitializedBuffer
from .modules import *  # noqa: F401,F403
from . import functional, init, utils, parallel  # noqa: F401
import ember.nn.attention  # noqa: E402,F401  (binds the package over the ``attention`` that ``modules`` exports)
from .parallel import DataParallel
