"""``ember.func``: function transforms (``torch.func``); for now ``functional_call``."""
from .functional_call import functional_call

__all__ = ['functional_call']
