"""``torch.layout`` and ``torch.memory_format``: named singletons that tensors and conversions accept.

ember stores every tensor as a strided NumPy/CuPy array, so ``strided`` is the only layout a tensor has, and a
memory format changes no values: ``x.to(memory_format=ember.channels_last)`` gives the same numbers.
"""
from __future__ import annotations


class layout:
    """How a tensor's elements are stored (``torch.layout``)."""

    __slots__ = ('name',)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f'torch.{self.name}'

    def __reduce__(self):
        return self.name


class memory_format:
    """The order of a tensor's dimensions in memory (``torch.memory_format``)."""

    __slots__ = ('name',)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f'torch.{self.name}'

    def __reduce__(self):
        return self.name


strided = layout('strided')
sparse_coo = layout('sparse_coo')
contiguous_format = memory_format('contiguous_format')
preserve_format = memory_format('preserve_format')
channels_last = memory_format('channels_last')
channels_last_3d = memory_format('channels_last_3d')

__all__ = ['layout', 'memory_format', 'strided', 'sparse_coo', 'contiguous_format', 'preserve_format',
           'channels_last', 'channels_last_3d']
