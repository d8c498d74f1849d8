"""``ember.cuda``: the GPU backend's status (CuPy, loaded on first use)."""
from __future__ import annotations


def is_available() -> bool:
    """Whether the CUDA backend (CuPy and a GPU) can be used."""
    from .backend import cuda_available
    return cuda_available()


def device_count() -> int:
    if not is_available():
        return 0
    from .backend import cupy
    return cupy().cuda.runtime.getDeviceCount()


def _require() -> None:
    if not is_available():
        raise RuntimeError("Torch not compiled with CUDA enabled: ember's CUDA backend needs CuPy and an NVIDIA GPU "
                           "(pip install 'ember[cuda]')")


def manual_seed(seed: int) -> None:
    pass


manual_seed_all = manual_seed


def synchronize(device=None) -> None:
    if is_available():
        from .backend import cupy
        cupy().cuda.Device().synchronize()


def empty_cache() -> None:
    if is_available():
        from .backend import cupy
        cupy().get_default_memory_pool().free_all_blocks()
