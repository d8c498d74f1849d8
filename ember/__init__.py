"""ember: PyTorch's public Python API on NumPy (CPU) and CuPy (GPU). ``import ember as torch``."""
from __future__ import annotations

# PyTorch's API version that ember follows, with ember's own release as the local label (programs compare
# torch.__version__ against PyTorch releases).
__version__ = '2.13.0+ember.0.1.0'

from ._dtype import (dtype, bool_ as bool, uint8, int8, int16, int32, int64, uint16, uint32, uint64, float16,
                     bfloat16, float32, float64, complex64, complex128, get_default_dtype, set_default_dtype,
                     promote_types, can_cast, finfo, iinfo)
from ._dtype import float32 as float, float64 as double, float16 as half, int64 as long, int32 as int, \
    int16 as short, complex64 as cfloat, complex128 as cdouble, complex64 as complex  # noqa: F811
from ._device import device
from ._tensor import Tensor, Size
from ._tensor_str import set_printoptions
from . import autograd
from .autograd import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled, \
    is_inference_mode_enabled

from .ops.creation import *  # noqa: F401,F403
from .ops.arithmetic import *  # noqa: F401,F403
from .ops.pointwise import *  # noqa: F401,F403
from .ops.comparison import *  # noqa: F401,F403
from .ops.reduction import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.conversion import *  # noqa: F401,F403
from .ops.indexing import *  # noqa: F401,F403
from .ops.blas import *  # noqa: F401,F403
from .ops.joining import *  # noqa: F401,F403
from .ops.sorting import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.random import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403
from . import cuda, linalg, special, testing, return_types  # noqa: E402
from . import nn, optim, utils  # noqa: E402
from . import distributions  # noqa: E402,F401


def is_tensor(obj) -> bool:
    """Whether ``obj`` is an ember Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    return input.is_complex()


def numel(input: Tensor) -> int:
    return input.numel()


def result_type(tensor1, tensor2) -> dtype:
    """The dtype an arithmetic op on the two operands gives (``torch.result_type``)."""
    from .ops._primitive import result_type as _rt
    return _rt([tensor1, tensor2])
from .serialization import save, load  # noqa: E402
from . import serialization  # noqa: E402,F401
from ._layout import layout, memory_format, strided, sparse_coo, contiguous_format, preserve_format, \
    channels_last, channels_last_3d  # noqa: E402
from ._aliases import *  # noqa: E402,F401,F403
from .amp import autocast  # noqa: E402
from . import (accelerator, amp, backends, compiler, cpu, func, jit, multiprocessing, version, xpu)  # noqa: E402,F401
vmap = func.vmap
import builtins as _builtins  # noqa: E402
import math as _math  # noqa: E402

# ``float``, ``int`` and ``bool`` are dtypes in this namespace: the functions below use ``builtins``.
inf = _math.inf
nan = _math.nan
pi = _math.pi
e = _math.e
newaxis = None

_num_threads = None
_deterministic = {'mode': False, 'warn_only': False}
_matmul_precision = 'highest'


def set_num_threads(num: int) -> None:
    """Record the number of threads for intra-op parallelism. NumPy's BLAS picks its thread count when it loads
    (``OMP_NUM_THREADS`` and friends) and cannot be changed portably afterwards, so this changes no speed."""
    if not isinstance(num, _builtins.int) or isinstance(num, _builtins.bool) or num <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    global _num_threads
    _num_threads = num


def get_num_threads() -> int:
    """The number recorded by ``set_num_threads``, else the number of CPUs this process may use."""
    if _num_threads is not None:
        return _num_threads
    import os
    return len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else (os.cpu_count() or 1)


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms only; every ember op already is, so this records the setting."""
    _deterministic['mode'], _deterministic['warn_only'] = _builtins.bool(mode), _builtins.bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic['mode']


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _deterministic['warn_only']


def set_float32_matmul_precision(precision: str) -> None:
    """Record the float32 matmul precision ('highest', 'high' or 'medium'); ember's matmuls always use float32.
    Another value is ignored with a warning, as PyTorch does."""
    if precision not in ('highest', 'high', 'medium'):
        import warnings
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      f"setFloat32MatmulPrecision call has no effect.")
        return
    global _matmul_precision
    _matmul_precision = precision


def get_float32_matmul_precision() -> str:
    return _matmul_precision


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend='inductor', mode=None, options=None,
            disable: bool = False):
    """``model`` itself: ember has no compiler, and running a model eagerly gives what a compiled one computes.
    ``@ember.compile`` and ``@ember.compile(mode=...)`` both work as decorators."""
    if model is None:
        return lambda m: m
    return model


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm of ``input - other`` (broadcast), as a 0-d tensor."""
    return (input - other).norm(p)


def cond(pred, true_fn, false_fn, operands=()):
    """``true_fn(*operands)`` if ``pred`` (a bool or a one-element tensor) else ``false_fn(*operands)``."""
    return true_fn(*operands) if _builtins.bool(pred) else false_fn(*operands)


def _check(cond, message=None) -> None:
    """Raise RuntimeError unless ``cond`` is True; ``message`` is a callable returning the text."""
    if not cond:
        raise RuntimeError(message() if message is not None else
                           "Expected cond to be True, but got False. (Could this error message be improved? If so, "
                           "please report an enhancement request to PyTorch.)")
