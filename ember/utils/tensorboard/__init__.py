"""``ember.utils.tensorboard``: ``SummaryWriter`` for TensorBoard (``torch.utils.tensorboard``).

Import it explicitly (``from ember.utils.tensorboard import SummaryWriter``); ``import ember`` does not load it.
Event files are written with NumPy alone; install the ``tensorboard`` extra to view them.
"""
from .writer import FileWriter, SummaryWriter

__all__ = ['SummaryWriter', 'FileWriter']
