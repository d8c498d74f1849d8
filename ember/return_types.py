"""Named result tuples of ops that return several tensors (``torch.return_types``): ``values, indices = x.max(1)``.

Each class is a tuple whose fields can also be read by name; ``structseq`` makes a new one.
"""
from __future__ import annotations

import collections


def structseq(name: str, fields: tuple) -> type:
    """A tuple class ``name`` with named ``fields`` that prints like PyTorch's ``torch.return_types.<name>``."""
    base = collections.namedtuple(name, fields)

    def __repr__(self) -> str:
        body = ',\n'.join(f'{f}={v!r}' for f, v in zip(self._fields, self))
        return f'torch.return_types.{name}(\n{body})'

    def __reduce__(self):
        return type(self), (tuple(self),)

    def __new__(cls, *args, **kwargs):
        # PyTorch's classes are built from one sequence; fields passed one by one work too.
        if len(args) == 1 and not kwargs and isinstance(args[0], (tuple, list)) and len(args[0]) == len(fields):
            args = tuple(args[0])
        return base.__new__(cls, *args, **kwargs)

    cls = type(name, (base,), {'__slots__': (), '__repr__': __repr__, '__str__': __repr__, '__new__': __new__,
                               '__reduce__': __reduce__, 'n_fields': len(fields),
                               'n_sequence_fields': len(fields), 'n_unnamed_fields': 0})
    cls.__module__ = __name__
    cls.__qualname__ = name
    return cls


_VI = ('values', 'indices')

max = structseq('max', _VI)
min = structseq('min', _VI)
sort = structseq('sort', _VI)
topk = structseq('topk', _VI)
kthvalue = structseq('kthvalue', _VI)
median = structseq('median', _VI)
nanmedian = structseq('nanmedian', _VI)
mode = structseq('mode', _VI)
cummax = structseq('cummax', _VI)
cummin = structseq('cummin', _VI)
aminmax = structseq('aminmax', ('min', 'max'))

__all__ = ['structseq', 'max', 'min', 'sort', 'topk', 'kthvalue', 'median', 'nanmedian', 'mode', 'cummax', 'cummin',
           'aminmax']
