"""Fold and Unfold: sliding local blocks to columns (im2col) and back, summing overlaps."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module


class Fold(Module):
    """Combine columns (N, C * prod(kernel_size), L) into a tensor (N, C, *output_size), summing overlaps."""
    __constants__ = ['output_size', 'kernel_size', 'dilation', 'padding', 'stride']

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return ('output_size={output_size}, kernel_size={kernel_size}, dilation={dilation}, padding={padding}, '
                'stride={stride}'.format(**self.__dict__))


class Unfold(Module):
    """Extract sliding local blocks: (N, C, H, W) -> (N, C * prod(kernel_size), L)."""
    __constants__ = ['kernel_size', 'dilation', 'padding', 'stride']

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return 'kernel_size={kernel_size}, dilation={dilation}, padding={padding}, stride={stride}'.format(
            **self.__dict__)
