"""Variable-length sequences for the recurrent layers: padding, packing and ``PackedSequence``.

A packed batch stores time step after time step, each holding the sequences still running at that step (longest
first): ``data`` has ``sum(lengths)`` rows and ``batch_sizes[t]`` counts the sequences of step ``t``. Every
conversion here is one gather (``index_select``) with an index computed in NumPy, so gradients flow through it.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Iterable

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor


def _ember():
    import ember
    return ember


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    p = permutation._host()
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size, dtype=p.dtype)
    return _ember().as_tensor(inv, device=permutation.device)


class PackedSequence(namedtuple('PackedSequence_', ['data', 'batch_sizes', 'sorted_indices', 'unsorted_indices'])):
    """The packed form of a batch of sequences (made by ``pack_padded_sequence`` / ``pack_sequence``, taken and
    returned by every recurrent layer). ``sorted_indices`` (None when the batch came sorted) maps the packed order
    to the original batch and ``unsorted_indices`` back."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes))
            data, batch_sizes = data
        if batch_sizes.device.type != 'cpu':
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn. https://pytorch.org/docs/stable/nn.html"
                             "#torch.nn.utils.rnn.pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> 'PackedSequence':
        """``data.to(...)``; the indices follow data to its device, ``batch_sizes`` stays on the CPU."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        s = None if self.sorted_indices is None else self.sorted_indices.to(dev)
        u = None if self.unsorted_indices is None else self.unsorted_indices.to(dev)
        return type(self)(data, self.batch_sizes, s, u)

    def cuda(self, *args, **kwargs) -> 'PackedSequence':
        return self.to(*args, device='cuda', **kwargs)

    def cpu(self, *args, **kwargs) -> 'PackedSequence':
        return self.to(*args, device='cpu', **kwargs)

    def double(self) -> 'PackedSequence':
        return self.to(dtype=D.float64)

    def float(self) -> 'PackedSequence':
        return self.to(dtype=D.float32)

    def half(self) -> 'PackedSequence':
        return self.to(dtype=D.float16)

    def long(self) -> 'PackedSequence':
        return self.to(dtype=D.int64)

    def int(self) -> 'PackedSequence':
        return self.to(dtype=D.int32)

    def short(self) -> 'PackedSequence':
        return self.to(dtype=D.int16)

    def char(self) -> 'PackedSequence':
        return self.to(dtype=D.int8)

    def byte(self) -> 'PackedSequence':
        return self.to(dtype=D.uint8)

    def pin_memory(self) -> 'PackedSequence':
        return self

    def is_pinned(self) -> bool:
        return False

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda


def _lengths_array(lengths) -> np.ndarray:
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1:
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.ndim}D "
                               f"{lengths.device.type} {lengths.dtype._legacy.replace('Tensor', '')} tensor")
        return lengths._host().astype(np.int64)
    return np.asarray(lengths).astype(np.int64).reshape(-1)


def _offsets(batch_sizes: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(batch_sizes)[:-1]]).astype(np.int64)


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of sequences of the given lengths.

    With ``enforce_sorted`` the lengths must be non-increasing; otherwise the batch is sorted (stably, longest
    first) and the permutation recorded in ``sorted_indices``.
    """
    ember = _ember()
    lens = _lengths_array(lengths)
    n_b = input.shape[0 if batch_first else 1] if input.ndim >= 2 else 0
    if enforce_sorted:
        if lens.size > 1 and np.any(lens[1:] > lens[:-1]):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
        order = None
    else:
        order = np.argsort(-lens, kind='stable')
        lens = lens[order]
    if lens.size != n_b:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} "
                           f"(batch_size={n_b})")
    if lens.size and lens.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    n_t = input.shape[1 if batch_first else 0]
    if lens.size and lens.max() > n_t:
        raise RuntimeError(f"pack_padded_sequence: a sequence length ({int(lens.max())}) is larger than the padded "
                           f"sequence length ({n_t})")
    steps = np.arange(int(lens[0]) if lens.size else 0)
    batch_sizes = (lens[None, :] > steps[:, None]).sum(1)
    # Packed row k is (time t, sorted sequence j): gather it from the flattened padded input.
    t_of = np.repeat(steps, batch_sizes)
    j_of = np.arange(t_of.size) - np.repeat(_offsets(batch_sizes), batch_sizes)
    b_of = j_of if order is None else order[j_of]
    rows = b_of * n_t + t_of if batch_first else t_of * n_b + b_of
    flat = input.reshape((n_t * n_b,) + tuple(input.shape[2:]))
    data = flat.index_select(0, ember.as_tensor(rows, device=input.device))
    sorted_indices = None if order is None else ember.as_tensor(order, device=input.device)
    return PackedSequence(data, ember.as_tensor(batch_sizes.astype(np.int64)), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: the padded batch (in the original order) and the length of each sequence."""
    ember = _ember()
    data = sequence.data
    batch_sizes = sequence.batch_sizes._host().astype(np.int64)
    n_t = batch_sizes.size
    if total_length is not None:
        if total_length < n_t:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {n_t}")
        n_t = total_length
    n_b = int(batch_sizes[0]) if batch_sizes.size else 0
    lens = (batch_sizes[None, :] > np.arange(n_b)[:, None]).sum(1)  # per sorted sequence
    perm = np.arange(n_b) if sequence.unsorted_indices is None else sequence.unsorted_indices._host()
    pad_row = data.shape[0]
    t = np.arange(n_t)[:, None]
    j = perm[None, :]  # output column i holds sorted sequence perm[i]
    offs = np.concatenate([_offsets(batch_sizes), np.zeros(n_t - batch_sizes.size, np.int64)])
    idx = np.where(t < lens[j], offs[t] + j, pad_row)
    if batch_first:
        idx = idx.T
    pad = ember.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    src = ember.cat([data, pad])
    out = src.index_select(0, ember.as_tensor(idx.reshape(-1), device=data.device))
    return out.reshape(idx.shape + tuple(data.shape[1:])), ember.as_tensor(lens[perm])


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = 'right') -> Tensor:
    """Stack sequences of shape (L_i, *) into one padded tensor (T, B, *) (or (B, T, *) with ``batch_first``),
    padding on the ``padding_side`` with ``padding_value``."""
    ember = _ember()
    if padding_side not in ('left', 'right'):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    trail = tuple(sequences[0].shape[1:])
    for s in sequences[1:]:
        if s.ndim != len(trail) + 1:
            raise RuntimeError(f"The expanded size of the tensor must match: every sequence needs "
                               f"{len(trail) + 1} dimensions, got one of shape {tuple(s.shape)}")
        for d, (a, b) in enumerate(zip(trail, s.shape[1:])):
            if a != b:
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                   f"non-singleton dimension {d + 1}")
    lens = np.array([s.shape[0] for s in sequences], np.int64)
    n_t = int(lens.max())
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    pad_row = int(lens.sum())
    t = np.arange(n_t)[:, None]
    shift = t if padding_side == 'right' else t - (n_t - lens)[None, :]
    idx = np.where((shift >= 0) & (shift < lens[None, :]), starts[None, :] + shift, pad_row)
    if batch_first:
        idx = idx.T
    dev = sequences[0].device
    pad = ember.full((1,) + trail, padding_value, dtype=sequences[0].dtype, device=dev)
    src = ember.cat(sequences + [pad])
    out = src.index_select(0, ember.as_tensor(idx.reshape(-1), device=dev))
    return out.reshape(idx.shape + trail)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into its sequences of the given lengths."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences.unbind(0), _lengths_array(lengths))]


def pack_sequence(sequences: Iterable[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences of shape (L_i, *) (longest first unless ``enforce_sorted=False``)."""
    sequences = list(sequences)
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Split a ``PackedSequence`` into its sequences, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


__all__ = ['PackedSequence', 'invert_permutation', 'pack_padded_sequence', 'pad_packed_sequence', 'pad_sequence',
           'unpad_sequence', 'pack_sequence', 'unpack_sequence']
