"""Recurrent layers: RNN, LSTM, GRU and their single-step cells, with PyTorch's parameters and behaviour.

Each layer and direction is one input projection over the whole sequence (``F.linear``) followed by one fused
time-loop primitive (``ember/nn/functional/rnn.py``). Padded input is handled as a packed batch whose batch
sizes are all equal, so packed and padded input share one path.
"""
from __future__ import annotations

import math
import numbers
import warnings

from ..._tensor import Tensor
from ...ops.creation import empty
from ...ops.joining import cat, stack
from .. import functional as F
from .. import init
from ..functional.rnn import rnn_layer
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

_GATES = {'LSTM': 4, 'GRU': 3, 'RNN_TANH': 1, 'RNN_RELU': 1}


def _size(t: Tensor) -> list:
    return list(t.shape)


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU (``mode`` is 'LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU')."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None) -> None:
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        for name, v in (('bias', bias), ('batch_first', batch_first)):
            if not isinstance(v, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(v).__name__}")
        for name, v in (('input_size', input_size), ('hidden_size', hidden_size)):
            if not isinstance(v, int):
                raise TypeError(f"{name} should be of type int, got: {type(v).__name__}")
            if v <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        dirs = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(dirs):
                in_size = input_size if layer == 0 else real_hidden * dirs
                suffix = '_reverse' if direction == 1 else ''
                shapes = [('weight_ih', (gate_size, in_size)), ('weight_hh', (gate_size, real_hidden))]
                if bias:
                    shapes += [('bias_ih', (gate_size,)), ('bias_hh', (gate_size,))]
                if proj_size > 0:
                    shapes.append(('weight_hr', (proj_size, hidden_size)))
                names = []
                for base, shape in shapes:
                    name = f"{base}_l{layer}{suffix}"
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        """The parameters grouped per layer and direction, in PyTorch's order."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Accepted for compatibility: ember keeps no fused weight buffer, so there is nothing to do."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # -------------------------------------------------------------------------------------------- checks

    def check_input(self, input: Tensor, batch_sizes) -> None:
        w = self.weight_ih_l0
        if input.dtype is not w.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({w.dtype}). Convert "
                             f"input: input.to({w.dtype}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.ndim != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.ndim}")
        if self.input_size != input.shape[-1]:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")

    def get_expected_hidden_size(self, input: Tensor, batch_sizes) -> tuple[int, int, int]:
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.shape[0] if self.batch_first else input.shape[1]
        dirs = 2 if self.bidirectional else 1
        return (self.num_layers * dirs, mini_batch, self.proj_size if self.proj_size > 0 else self.hidden_size)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size: tuple,
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.shape) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(tuple(expected_hidden_size), _size(hx)))

    def permute_hidden(self, hx, permutation: Tensor | None):
        if permutation is None or hx is None:
            return hx
        if isinstance(hx, tuple):
            return tuple(h.index_select(1, permutation) for h in hx)
        return hx.index_select(1, permutation)

    # -------------------------------------------------------------------------------------------- forward

    def _run(self, input, hx, name: str, tensor_word: str):
        """The forward of every recurrent layer; ``hx`` is (h0, c0) for LSTM and h0 otherwise."""
        lstm = self.mode == 'LSTM'
        packed = isinstance(input, PackedSequence)
        unbatched = False
        if packed:
            x, batch_sizes_t, sorted_indices, unsorted_indices = input
            batch_sizes = tuple(batch_sizes_t.tolist())
            self.check_input(x, batch_sizes)
            hx = self.permute_hidden(hx, sorted_indices)
        else:
            if input.ndim not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D {tensor_word}instead")
            unbatched = input.ndim == 2
            if hx is not None:
                want = 2 if unbatched else 3
                dims = [h.ndim for h in hx] if lstm else [hx.ndim]
                if any(d != want for d in dims):
                    kind = 'unbatched 2-D' if unbatched else 'batched 3-D'
                    if lstm:
                        raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                           f"({dims[0]}-D, {dims[1]}-D) tensors")
                    raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got {dims[0]}-D tensor")
                if unbatched:
                    hx = tuple(h.unsqueeze(1) for h in hx) if lstm else hx.unsqueeze(1)
            if unbatched:
                input = input.unsqueeze(0 if self.batch_first else 1)
            self.check_input(input, None)
            batch_sizes = None
        expected = self.get_expected_hidden_size(input if not packed else x, batch_sizes)
        if hx is not None:
            if lstm:
                self.check_hidden_size(hx[0], expected, "Expected hidden[0] size {}, got {}")
                self.check_hidden_size(hx[1], expected[:2] + (self.hidden_size,), "Expected hidden[1] size {}, got {}")
            else:
                self.check_hidden_size(hx, expected)
        if not packed:
            if self.batch_first:
                input = input.transpose(0, 1)
            n_t, n_b = input.shape[:2]
            batch_sizes = (n_b,) * n_t
            x = input.reshape(n_t * n_b, self.input_size)
        out, h_n, c_n = self._layers(x, hx, batch_sizes)
        if packed:
            out = PackedSequence(out, batch_sizes_t, sorted_indices, unsorted_indices)
            if unsorted_indices is not None:
                h_n = h_n.index_select(1, unsorted_indices)
                c_n = c_n.index_select(1, unsorted_indices) if lstm else None
        else:
            out = out.reshape(n_t, n_b, out.shape[-1])
            if self.batch_first:
                out = out.transpose(0, 1)
            if unbatched:
                out = out.squeeze(0 if self.batch_first else 1)
                h_n = h_n.squeeze(1)
                c_n = c_n.squeeze(1) if lstm else None
        return out, ((h_n, c_n) if lstm else h_n)

    def _layers(self, x: Tensor, hx, batch_sizes: tuple):
        lstm, gru = self.mode == 'LSTM', self.mode == 'GRU'
        dirs = 2 if self.bidirectional else 1
        if hx is None:
            h0s = c0s = None
        elif lstm:
            h0s, c0s = hx[0].unbind(0), hx[1].unbind(0)
        else:
            h0s, c0s = hx.unbind(0), None
        hs, cs = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                k = layer * dirs + d
                ws = [getattr(self, n) for n in self._all_weights[k]]
                w_ih, w_hh = ws[0], ws[1]
                b_ih, b_hh = (ws[2], ws[3]) if self.bias else (None, None)
                w_hr = ws[-1] if self.proj_size > 0 else None
                # RNN and LSTM add both biases before the nonlinearity: fold them into the input projection.
                b = b_ih if gru or b_ih is None else b_ih + b_hh
                xg = F.linear(x, w_ih, b)
                res = rnn_layer(self.mode, xg, w_hh, b_hh if gru else None, None if h0s is None else h0s[k],
                                None if c0s is None else c0s[k], w_hr, batch_sizes, d == 1)
                outs.append(res[0])
                hs.append(res[1])
                if lstm:
                    cs.append(res[2])
            x = outs[0] if dirs == 1 else cat(outs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, stack(hs), (stack(cs) if lstm else None)


class RNN(RNNBase):
    """Elman RNN, ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or ReLU), stacked ``num_layers``
    deep, optionally bidirectional. Returns ``(output, h_n)``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = 'tanh',
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None, **kwargs) -> None:
        if 'proj_size' in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if kwargs:
            raise TypeError(f"RNN.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        if nonlinearity not in ('tanh', 'relu'):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__('RNN_TANH' if nonlinearity == 'tanh' else 'RNN_RELU', input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx: Tensor | None = None):
        return self._run(input, hx, 'RNN', 'tensor ')


class LSTM(RNNBase):
    """Long short-term memory, gates (i, f, g, o) in PyTorch's order, with an optional projection of the hidden
    state (``proj_size``). Returns ``(output, (h_n, c_n))``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None) -> None:
        super().__init__('LSTM', input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)

    def get_expected_cell_size(self, input: Tensor, batch_sizes) -> tuple[int, int, int]:
        return self.get_expected_hidden_size(input, batch_sizes)[:2] + (self.hidden_size,)

    def forward(self, input, hx: tuple[Tensor, Tensor] | None = None):
        return self._run(input, hx, 'LSTM', '')


class GRU(RNNBase):
    """Gated recurrent unit, gates (r, z, n) in PyTorch's order with ``n = tanh(W_in x + b_in + r * (W_hn h +
    b_hn))``. Returns ``(output, h_n)``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, device=None,
                 dtype=None, **kwargs) -> None:
        if 'proj_size' in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if kwargs:
            raise TypeError(f"GRU.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        super().__init__('GRU', input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def forward(self, input, hx: Tensor | None = None):
        return self._run(input, hx, 'GRU', '')


# ------------------------------------------------------------------------------------------------ cells

class RNNCellBase(Module):
    """The parameters shared by the cells: weight_ih (chunks*H, I), weight_hh (chunks*H, H) and the biases."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter('bias_ih', None)
            self.register_parameter('bias_hh', None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nl = self.__dict__.get('nonlinearity', 'tanh')
        if nl != 'tanh':
            s += f", nonlinearity={nl}"
        return s

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, name: str, mode: str, input: Tensor, hx: tuple):
        """Check the arguments like PyTorch's cells do and run one step of ``mode``."""
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        for i, h in enumerate(hx):
            if h is not None and h.ndim not in (1, 2):
                what = 'hidden' if len(hx) == 1 else f'hx[{i}]'
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {h.ndim}D instead")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
            hx = tuple(None if h is None else h.unsqueeze(0) for h in hx)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}")
        n_b = input.shape[0]
        for i, h in enumerate(hx):
            if h is None:
                continue
            if h.shape[0] != n_b:
                raise RuntimeError(f"Input batch size {n_b} doesn't match hidden{i} batch size {h.shape[0]}")
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, expected "
                                   f"{self.hidden_size}")
        gru = mode == 'GRU'
        b = self.bias_ih if gru or not self.bias else self.bias_ih + self.bias_hh
        xg = F.linear(input, self.weight_ih, b)
        res = rnn_layer(mode, xg, self.weight_hh, self.bias_hh if gru else None, hx[0],
                        hx[1] if len(hx) > 1 else None, None, (n_b,), False)
        if mode == 'LSTM':
            h, c = res[0], res[2]
            return (h, c) if batched else (h.squeeze(0), c.squeeze(0))
        return res[0] if batched else res[0].squeeze(0)


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or ReLU)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = 'tanh',
                 device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        if self.nonlinearity not in ('tanh', 'relu'):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step('RNNCell', 'RNN_TANH' if self.nonlinearity == 'tanh' else 'RNN_RELU', input, (hx,))


class LSTMCell(RNNCellBase):
    """One step of an LSTM; returns ``(h', c')``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        return self._step('LSTMCell', 'LSTM', input, (None, None) if hx is None else tuple(hx))


class GRUCell(RNNCellBase):
    """One step of a GRU."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step('GRUCell', 'GRU', input, (hx,))
