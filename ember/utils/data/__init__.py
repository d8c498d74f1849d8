"""``ember.utils.data``: datasets, samplers and the DataLoader (``torch.utils.data``)."""
from .dataset import (Dataset, IterableDataset, TensorDataset, StackDataset, ConcatDataset, ChainDataset, Subset,
                      random_split)
from .sampler import (Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler,
                      BatchSampler, DistributedSampler)
from .dataloader import DataLoader
from ._collate import default_collate, default_convert
from ._worker import get_worker_info, WorkerInfo
from . import distributed  # noqa: F401,E402

__all__ = ['Dataset', 'IterableDataset', 'TensorDataset', 'StackDataset', 'ConcatDataset', 'ChainDataset', 'Subset',
           'random_split', 'Sampler', 'SequentialSampler', 'RandomSampler', 'SubsetRandomSampler',
           'WeightedRandomSampler', 'BatchSampler', 'DistributedSampler', 'DataLoader', 'default_collate',
           'default_convert', 'get_worker_info', 'WorkerInfo']
