"""``ember.nn``: modules, parameters, initialisation and the functional interface."""
from .parameter import Parameter, Buffer, UninitializedParameter, UninitializedBuffer
from .modules import *  # noqa: F401,F403
from . import functional, init, utils  # noqa: F401
