"""``ember.multiprocessing``: Python's ``multiprocessing`` plus ``spawn`` (``torch.multiprocessing``).

ember tensors pickle through their NumPy arrays, so they cross process boundaries by copy; there is no shared-memory
transfer as with PyTorch's CPU tensors.
"""
import multiprocessing as _mp
from multiprocessing import *  # noqa: F401,F403

from .spawn import spawn, start_processes, ProcessContext, ProcessException, ProcessRaisedException, \
    ProcessExitedException

__all__ = _mp.__all__ + ['spawn', 'start_processes', 'ProcessContext', 'ProcessException', 'ProcessRaisedException',
                         'ProcessExitedException']
