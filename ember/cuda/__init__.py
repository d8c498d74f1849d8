"""``ember.cuda``: the GPU backend's status (CuPy, loaded on first use)."""
from __future__ import annotations


def is_available() -> bool:
    """Whether the CUDA backend (CuPy and a GPU) can be used."""
    from ..backend import cuda_available
    return cuda_available()


def device_count() -> int:
    if not is_available():
        return 0
    from ..backend import cupy
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
        from ..backend import cupy
        cupy().cuda.Device().synchronize()


def empty_cache() -> None:
    if is_available():
        from ..backend import cupy
        cupy().get_default_memory_pool().free_all_blocks()


def set_device(device) -> None:
    """Make ``device`` the current CUDA device."""
    _require()
    from .._device import to_device
    from ..backend import cupy
    index = device if isinstance(device, int) else (to_device(device).index or 0)
    cupy().cuda.Device(index).use()


def current_device() -> int:
    _require()
    from ..backend import cupy
    return int(cupy().cuda.Device().id)


def get_device_name(device=None) -> str:
    _require()
    from ..backend import cupy
    index = current_device() if device is None else (device if isinstance(device, int) else device.index or 0)
    name = cupy().cuda.runtime.getDeviceProperties(index)['name']
    return name.decode() if isinstance(name, bytes) else name


def get_device_capability(device=None) -> tuple:
    """The (major, minor) compute capability of ``device`` (default: the current one)."""
    _require()
    from ..backend import cupy
    index = current_device() if device is None else (device if isinstance(device, int) else device.index or 0)
    props = cupy().cuda.runtime.getDeviceProperties(index)
    return int(props['major']), int(props['minor'])


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """Whether bfloat16 tensors can be used on the GPU (ember stores them with ml_dtypes on every device)."""
    return is_available()


# CuPy's memory pool counts what ember's arrays hold; with no GPU nothing is allocated, as PyTorch reports.
def memory_allocated(device=None) -> int:
    """Bytes held by tensors on the GPU."""
    if not is_available():
        return 0
    from ..backend import cupy
    return int(cupy().get_default_memory_pool().used_bytes())


def memory_reserved(device=None) -> int:
    """Bytes held by the caching allocator (CuPy's memory pool)."""
    if not is_available():
        return 0
    from ..backend import cupy
    return int(cupy().get_default_memory_pool().total_bytes())


def max_memory_allocated(device=None) -> int:
    """Peak bytes held by tensors. CuPy keeps no peak, so on a GPU this is the current amount (a lower bound)."""
    return memory_allocated(device)


def max_memory_reserved(device=None) -> int:
    """Peak bytes held by the allocator; like ``max_memory_allocated``, the current amount on a GPU."""
    return memory_reserved(device)


def reset_peak_memory_stats(device=None) -> None:
    return None


class Event:
    """A CUDA event for timing GPU work (``record``, ``synchronize``, ``elapsed_time`` in milliseconds)."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False, interprocess: bool = False):
        if not is_available():
            raise RuntimeError("Tried to instantiate dummy base class Event")
        from ..backend import cupy
        self._event = cupy().cuda.Event(block=blocking, disable_timing=not enable_timing, interprocess=interprocess)

    def record(self, stream=None) -> None:
        self._event.record(stream)

    def synchronize(self) -> None:
        self._event.synchronize()

    def query(self) -> bool:
        return bool(self._event.done)

    def wait(self, stream=None) -> None:
        from ..backend import cupy
        (stream or cupy().cuda.get_current_stream()).wait_event(self._event)

    def elapsed_time(self, end_event: 'Event') -> float:
        from ..backend import cupy
        return float(cupy().cuda.get_elapsed_time(self._event, end_event._event))


def _legacy_types() -> dict:
    from .. import _dtype as D
    from ..ops.creation import _legacy_type
    names = {'FloatTensor': D.float32, 'DoubleTensor': D.float64, 'HalfTensor': D.float16, 'BFloat16Tensor': D.bfloat16,
             'LongTensor': D.int64, 'IntTensor': D.int32, 'ShortTensor': D.int16, 'CharTensor': D.int8,
             'ByteTensor': D.uint8, 'BoolTensor': D.bool_}
    return {name: _legacy_type(name, dt, 'cuda') for name, dt in names.items()}


globals().update(_legacy_types())
from . import amp  # noqa: E402,F401
