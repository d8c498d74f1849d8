"""``ember.backends.cuda``: CUDA matmul and attention flags (recorded; ember's kernels have no TF32 or fused
attention variants to switch)."""
from __future__ import annotations


class _MatmulFlags:
    """``ember.backends.cuda.matmul``: ``allow_tf32``, ``allow_fp16_reduced_precision_reduction``..."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def is_built() -> bool:
    """Whether ember can use CUDA at all (CuPy and a GPU present)."""
    from ..cuda import is_available
    return is_available()
