"""``ember.nn.parallel``: data parallelism over the devices of one process (``torch.nn.parallel``)."""
from .data_parallel import DataParallel, data_parallel

__all__ = ['DataParallel', 'data_parallel']
