"""``ember.backends``: switches that PyTorch exposes for its kernel libraries (``torch.backends``).

ember runs every op with NumPy or CuPy and has no cuDNN, MPS or TF32 paths: the flags exist so that programs that set
them run, and reading them back gives what was set. They change no result.
"""
from . import cuda, cudnn, mps  # noqa: F401
