"""Convolution layers: Conv1d/2d/3d, ConvTranspose1d/2d/3d and their lazy forms."""
from __future__ import annotations

import math

from ..._tensor import Tensor
from ...ops.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter, UninitializedParameter
from .module import Module


def _ntuple(v, n: int) -> tuple:
    if isinstance(v, (tuple, list)):
        return tuple(v)
    return (v,) * n


class _ConvNd(Module):
    _dims = 2
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = 'zeros', device=None, dtype=None,
                 output_padding=0):
        super().__init__()
        d = self._dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {'same', 'valid'}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {valid_padding_strings}")
            if padding == 'same' and any(s != 1 for s in _ntuple(stride, d)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in {'zeros', 'reflect', 'replicate', 'circular'}:
            raise ValueError(f"padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, d)
        self.stride = _ntuple(stride, d)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, d)
        self.dilation = _ntuple(dilation, d)
        self.transposed = self.transposed
        self.output_padding = _ntuple(output_padding, d)
        self.groups = groups
        self.padding_mode = padding_mode
        if isinstance(self.padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * d
            if padding == 'same':
                for dil, k, i in zip(self.dilation, self.kernel_size, range(d - 1, -1, -1)):
                    total = dil * (k - 1)
                    left = total // 2
                    self._reversed_padding_repeated_twice[2 * i] = left
                    self._reversed_padding_repeated_twice[2 * i + 1] = total - left
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(self.padding) for _ in range(2)]
        if self.transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # kaiming_uniform_ with a=sqrt(5) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default.
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = '{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}'
        if self.padding != (0,) * len(self.kernel_size):
            s += ', padding={padding}'
        if self.dilation != (1,) * len(self.dilation):
            s += ', dilation={dilation}'
        if self.output_padding != (0,) * len(self.output_padding):
            s += ', output_padding={output_padding}'
        if self.groups != 1:
            s += ', groups={groups}'
        if self.bias is None:
            s += ', bias=False'
        if self.padding_mode != 'zeros':
            s += ', padding_mode={padding_mode}'
        return s.format(**self.__dict__)

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, 'padding_mode'):
            self.padding_mode = 'zeros'


class _Conv(_ConvNd):
    _fn = None

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        fn = getattr(F, self._fn)
        if self.padding_mode != 'zeros':
            return fn(F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), weight, bias,
                      self.stride, 0, self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over an input of shape (N, C_in, L)."""
    _dims, _fn = 1, 'conv1d'


class Conv2d(_Conv):
    """2-D convolution over an input of shape (N, C_in, H, W)."""
    _dims, _fn = 2, 'conv2d'


class Conv3d(_Conv):
    """3-D convolution over an input of shape (N, C_in, D, H, W)."""
    _dims, _fn = 3, 'conv3d'


class _ConvTransposeNd(_ConvNd):
    transposed = True
    _fn = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = 'zeros', device=None,
                 dtype=None):
        if padding_mode != 'zeros':
            raise ValueError(f'Only "zeros" padding mode is supported for {self.__class__.__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, output_padding)

    def _output_padding(self, input: Tensor, output_size) -> tuple:
        if output_size is None:
            return self.output_padding
        d = self._dims
        output_size = list(output_size)[-d:]
        res = []
        for i in range(d):
            dim_size = input.shape[input.ndim - d + i]
            min_size = ((dim_size - 1) * self.stride[i] - 2 * self.padding[i] +
                        self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            max_size = min_size + self.stride[i] - 1
            if not (min_size <= output_size[i] <= max_size):
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {min_size} "
                                 f"to {max_size} (for an input of {list(input.shape[2:])})")
            res.append(output_size[i] - min_size)
        return tuple(res)

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        op = self._output_padding(input, output_size)
        return getattr(F, self._fn)(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                    self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution (fractionally strided convolution)."""
    _dims, _fn = 1, 'conv_transpose1d'


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution (fractionally strided convolution)."""
    _dims, _fn = 2, 'conv_transpose2d'


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution (fractionally strided convolution)."""
    _dims, _fn = 3, 'conv_transpose3d'


class _LazyConv:
    """Mixin: ``in_channels`` comes from the first input; until then the weight is uninitialised."""

    def _lazy_init(self, out_channels, kernel_size, kwargs):
        self.__class__.__bases__[1].__init__(self, 1, out_channels, kernel_size, **kwargs)
        self.in_channels = 0
        self.weight = UninitializedParameter()
        if self.bias is not None:
            self.bias = UninitializedParameter()

    def forward(self, input: Tensor, *args):
        if isinstance(self.weight, UninitializedParameter):
            self.in_channels = input.shape[1] if input.ndim == self._dims + 2 else input.shape[0]
            target = self.__class__.__bases__[1]
            shape = ((self.out_channels, self.in_channels // self.groups) + self.kernel_size if not self.transposed
                     else (self.in_channels, self.out_channels // self.groups) + self.kernel_size)
            self.weight.materialize(shape)
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.__class__ = target
            self.reset_parameters()
        return self.forward(input, *args)


class LazyConv1d(_LazyConv, Conv1d):
    cls_to_become = Conv1d

    def __init__(self, out_channels: int, kernel_size, **kwargs):
        self._lazy_init(out_channels, kernel_size, kwargs)


class LazyConv2d(_LazyConv, Conv2d):
    """A Conv2d whose ``in_channels`` is inferred from the first input."""
    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size, **kwargs):
        self._lazy_init(out_channels, kernel_size, kwargs)


class LazyConv3d(_LazyConv, Conv3d):
    cls_to_become = Conv3d

    def __init__(self, out_channels: int, kernel_size, **kwargs):
        self._lazy_init(out_channels, kernel_size, kwargs)
