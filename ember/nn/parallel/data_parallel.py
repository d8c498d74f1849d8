"""``DataParallel``: split each batch over several GPUs. ember runs one device per process, so the wrapper runs its
module on the whole batch, which is what PyTorch's does when it finds no GPU (or one)."""
from __future__ import annotations

from ..modules.module import Module


class DataParallel(Module):
    """Run ``module`` on each input batch (registered as ``module``, so state-dict keys gain a ``module.`` prefix,
    as with PyTorch's)."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids = [] if device_ids is None else list(device_ids)
        self.dim = dim
        self.output_device = output_device

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs, device_ids=None, output_device=None, dim: int = 0, module_kwargs=None):
    """``module(*inputs, **module_kwargs)`` (the functional form of ``DataParallel``); like PyTorch's, it needs a
    GPU."""
    from ... import cuda
    if not cuda.is_available():
        raise RuntimeError("device type could not be determined")
    if not isinstance(inputs, tuple):
        inputs = (inputs,)
    return module(*inputs, **(module_kwargs or {}))
