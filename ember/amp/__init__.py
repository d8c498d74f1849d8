"""``ember.amp``: automatic mixed precision (``torch.amp``).

ember computes in the dtypes it is given and has no reduced-precision kernels to switch to, so ``autocast`` changes
no dtype: a program written for mixed precision runs in full precision and gives full-precision numbers (PyTorch's
CPU autocast would compute matmuls and convolutions in bfloat16). ``GradScaler`` behaves as PyTorch's does when it
is disabled (as it is on a machine without CUDA): ``scale`` returns the loss unchanged, ``step`` calls
``optimizer.step()`` and ``update`` does nothing, which is exactly right when no gradient can underflow.
"""
from .autocast_mode import autocast, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ['autocast', 'is_autocast_available', 'GradScaler']
