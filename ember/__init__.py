"""ember: PyTorch's public Python API on NumPy (CPU) and CuPy (GPU). ``import ember as torch``."""
from __future__ import annotations

__version__ = '0.1.0'

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
