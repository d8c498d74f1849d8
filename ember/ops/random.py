"""Random sampling: rand, randn, randint, randperm, normal, bernoulli, multinomial, poisson, the ``*_like``
samplers and the in-place samplers (``uniform_``, ``normal_``, ``random_``, ...).

Every sampler takes ``generator=`` (default: ``ember.default_generator``). Samples are drawn on the host with
NumPy and moved to the tensor's device. Samplers of tensors that require grad give zero gradients, like
PyTorch's (sampling is not reparameterised).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ..backend import xp_of
from ..random import _gen
from ._primitive import primitive, inplace
from .arithmetic import broadcast_check
from .creation import _sizes, _finish, _out, _dt, zeros_like

# Mantissa bits (+1) of each float dtype: uniform samples are multiples of 2**-bits, so they never round up to 1.
_BITS = {np.dtype(np.float16): 11, np.dtype(np.float32): 24, np.dtype(np.float64): 53}
_C_NAMES = {'uint8': 'unsigned char', 'int8': 'signed char', 'int16': 'short', 'int32': 'int', 'int64': 'long',
            'bool': 'bool', 'uint16': 'unsigned short', 'uint32': 'unsigned int', 'uint64': 'unsigned long'}


def _not_impl(kernel: str, dt: D.dtype):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{dt._legacy}'")


def _bits(npd: np.dtype) -> int:
    return _BITS.get(npd, 8)  # bfloat16 has 8


def _uniform(g: np.random.Generator, shape: tuple, npd: np.dtype) -> np.ndarray:
    """Uniform samples in [0, 1) of float dtype ``npd``."""
    if npd == np.float64 or npd == np.float32:
        return g.random(shape, dtype=npd)
    b = _bits(npd)
    return (g.integers(0, 1 << b, shape, dtype=np.int32) * (2.0 ** -b)).astype(npd)


def _normal(g: np.random.Generator, shape: tuple, npd: np.dtype) -> np.ndarray:
    if npd == np.float64 or npd == np.float32:
        return g.standard_normal(shape, dtype=npd)
    return g.standard_normal(shape, dtype=np.float32).astype(npd)


def _sample(kind: str, g, shape: tuple, dt: D.dtype) -> np.ndarray:
    """Uniform [0, 1) (``kind='u'``) or standard normal (``'n'``) samples of float or complex dtype ``dt``;
    complex samples have independent parts (each of variance 1/2 for normals)."""
    draw = _uniform if kind == 'u' else _normal
    if dt.category == D.COMPLEX:
        real = dt.to_real().np
        parts = draw(g, shape + (2,), real)
        if kind == 'n':
            parts *= real.type(np.sqrt(0.5))
        return parts.view(dt.np).reshape(shape)
    return draw(g, shape, dt.np)


def _host_like(arr: np.ndarray, like) -> np.ndarray:
    """``arr`` on the device of the array ``like``."""
    return arr if isinstance(like, np.ndarray) else xp_of(like).asarray(arr)


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


# ------------------------------------------------------------------------------------- out-of-place samplers

def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False) -> Tensor:
    """A tensor of samples from the uniform distribution on [0, 1)."""
    shape = _sizes(size, 'rand')
    dt = _dt(dtype)
    if dt.category < D.FLOAT:
        raise _not_impl('check_uniform_bounds', dt)
    return _out(out, _finish(_sample('u', _gen(generator), shape, dt), dt, device, requires_grad))


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False) -> Tensor:
    """A tensor of samples from the standard normal distribution (complex: each part of variance 1/2)."""
    shape = _sizes(size, 'randn')
    dt = _dt(dtype)
    if dt.category < D.FLOAT:
        raise _not_impl('normal_kernel_cpu', dt)
    return _out(out, _finish(_sample('n', _gen(generator), shape, dt), dt, device, requires_grad))


def _check_random_bounds(lo: int, hi: int, dt: D.dtype) -> None:
    if lo >= hi:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    if dt.category == D.COMPLEX:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    if dt.category <= D.INT:
        lim = (0, 1) if dt is D.bool_ else (int(np.iinfo(dt.np).min), int(np.iinfo(dt.np).max))
        if not lim[0] <= lo <= lim[1]:
            raise RuntimeError(f"from is out of bounds for {_C_NAMES[dt.name]}")
        if not lim[0] <= hi - 1 <= lim[1]:
            raise RuntimeError(f"to - 1 is out of bounds for {_C_NAMES[dt.name]}")


def _integers(g, lo: int, hi: int, shape: tuple, npd: np.dtype) -> np.ndarray:
    return g.integers(lo, hi, shape, dtype=np.int64 if hi <= 1 << 63 else np.uint64).astype(npd, copy=False)


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Integers drawn uniformly from [low, high): ``randint(high, size)`` or ``randint(low, high, size)``."""
    given = [type(a).__name__ for a in args]
    args = list(args)
    if size is None and args:
        size = args.pop()
    if high is None and args:
        high = args.pop()
    if low is None:
        low = args.pop() if args else 0
    if size is None or high is None or args:
        raise TypeError(f"randint() received an invalid combination of arguments - got ({', '.join(given)}), but "
                        f"expected one of: (int high, tuple of ints size), (int low, int high, tuple of ints size)")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' (position {2 if low == 0 else 3}) must be tuple of ints, not "
                        f"{type(size).__name__}")
    shape = _sizes((size,), 'randint')
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    low, high = int(low), int(high)
    _check_random_bounds(low, high, dt)
    arr = _integers(_gen(generator), low, high, shape, dt.np)
    return _out(out, _finish(arr, dt, device, requires_grad))


def randperm(n: int, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
             pin_memory: bool = False) -> Tensor:
    """A random permutation of the integers 0 .. n-1."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    if dt is D.bool_ or dt.category == D.COMPLEX:
        raise _not_impl('randperm', dt)
    if dt.category == D.INT and n > 0 and n - 1 > np.iinfo(dt.np).max:
        raise RuntimeError(f"value cannot be converted to type {dt.name}_t without overflow")
    arr = _gen(generator).permutation(n).astype(dt.np, copy=False)
    return _out(out, _finish(arr, dt, device, requires_grad))


def _like_args(input: Tensor, dtype, device):
    return (input.dtype if dtype is None else D.to_dtype(dtype)), (input.device if device is None else device)


def rand_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:
    """Uniform [0, 1) samples with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like_args(input, dtype, device)
    return rand(input.shape, generator=generator, dtype=dt, device=dev, requires_grad=requires_grad)


def randn_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    """Standard normal samples with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like_args(input, dtype, device)
    return randn(input.shape, generator=generator, dtype=dt, device=dev, requires_grad=requires_grad)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad: bool = False, memory_format=None) -> Tensor:
    """Integers from [low, high) with the shape (and by default dtype and device) of ``input``."""
    if high is None:
        low, high = 0, low
    dt, dev = _like_args(input, dtype, device)
    return randint(low, high, tuple(input.shape), generator=generator, dtype=dt, device=dev,
                   requires_grad=requires_grad)


# ------------------------------------------------------------------------- samplers that take tensors

def _zero_grads(grad):
    z = zeros_like(grad)
    return z, z


def _normal_op(backward_name):
    def fwd(mean, std, generator):
        tensor_arg = mean if hasattr(mean, 'dtype') else std
        if hasattr(std, 'dtype'):
            if np.any(std < 0):
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        try:
            shape = np.broadcast_shapes(np.shape(mean), np.shape(std))
        except ValueError:
            broadcast_check('normal', mean, std)
            raise
        dt = D.from_numpy_dtype(tensor_arg.dtype)
        if dt.category < D.FLOAT:
            raise _not_impl('normal_kernel_cpu', dt)
        z = _host_like(_sample('n', _gen(generator), shape, dt), tensor_arg)
        return (mean + std * z).astype(dt.np, copy=False)
    fwd.__name__ = 'normal'
    op = primitive(fwd, operands=('mean', 'std'), backward_name=backward_name)
    op.vjp(_zero_grads)
    return op


_normal_tt = _normal_op('NormalBackward3')
_normal_tf = _normal_op('NormalBackward1')
_normal_ft = _normal_op('NormalBackward2')


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Normal samples with the given (broadcast) means and standard deviations, or of ``size`` for float ones."""
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if mt or st:
        op = _normal_tt if mt and st else (_normal_tf if mt else _normal_ft)
        r = op(mean, std, generator)
        return r if out is None else _out(out, r)
    if size is None:
        raise TypeError(f"normal() received an invalid combination of arguments - got ({type(mean).__name__}, "
                        f"{type(std).__name__}), but expected one of: (Tensor mean, Tensor std), (Tensor mean, "
                        f"float std), (float mean, Tensor std), (float mean, float std, tuple of ints size)")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    shape = _sizes((size,) if isinstance(size, (tuple, list)) else size, 'normal')
    dt = _dt(dtype)
    if dt.category < D.FLOAT:
        raise _not_impl('normal_kernel_cpu', dt)
    arr = _sample('n', _gen(generator), shape, dt)
    arr = arr * dt.np.type(std) + dt.np.type(mean) if (std != 1 or mean != 0) else arr
    return _out(out, _finish(arr.astype(dt.np, copy=False), dt, device, requires_grad))


def _bernoulli_fwd(p, generator):
    dt = D.from_numpy_dtype(p.dtype)
    if dt.category != D.FLOAT:
        raise _not_impl('bernoulli_tensor_cpu_p_', dt)
    if not np.all((p >= 0) & (p <= 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    u = _host_like(_uniform(_gen(generator), p.shape, np.dtype(np.float64)), p)
    return (u < p).astype(p.dtype)


_bernoulli_t = primitive(_bernoulli_fwd, name='bernoulli', backward_name='BernoulliBackward0')
_bernoulli_t.vjp(_zero_grads)


def _check_p(p, name: str = 'bernoulli_') -> None:
    if not 0 <= p <= 1:
        raise RuntimeError(f"{name} expects p to be in [0, 1], but got p={_fmt(p)}")


@primitive(backward_name='BernoulliBackward1')
def _bernoulli_fill(x, p, generator):
    if not isinstance(p, (int, float)):
        p = _expand_p(p, x.shape)
        if not np.all((p >= 0) & (p <= 1)):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    u = _host_like(_uniform(_gen(generator), x.shape, np.dtype(np.float64)), x)
    return (u < p).astype(x.dtype)


_bernoulli_fill.vjp(_zero_grads)


def _expand_p(p, shape: tuple):
    """``p`` expanded to ``shape``, with PyTorch's errors for ``expand``."""
    dims = lambda s: ', '.join(map(str, s))  # noqa: E731
    if p.ndim > len(shape):
        raise RuntimeError(f"expand(torch.{D.from_numpy_dtype(p.dtype)._legacy}Tensor{{[{dims(p.shape)}]}}, "
                           f"size=[{dims(shape)}]): the number of sizes provided ({len(shape)}) must be greater or "
                           f"equal to the number of dimensions in the tensor ({p.ndim})")
    for i in range(1, p.ndim + 1):
        if p.shape[-i] not in (1, shape[-i]):
            raise RuntimeError(f"The expanded size of the tensor ({shape[-i]}) must match the existing size "
                               f"({p.shape[-i]}) at non-singleton dimension {len(shape) - i}.  Target sizes: "
                               f"[{dims(shape)}].  Tensor sizes: [{dims(p.shape)}]")
    return np.broadcast_to(p, shape)


def bernoulli(input: Tensor, p: float | None = None, *, generator=None, out=None) -> Tensor:
    """0/1 samples: 1 with probability ``input`` elementwise (or with probability ``p`` when given)."""
    if p is None:
        r = _bernoulli_t(input, generator)
    else:
        _check_p(p)
        r = _bernoulli_fill(input, p, generator)
    return r if out is None else _out(out, r)


def bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    """Fill with 0/1 samples that are 1 with probability ``p`` (a number or a broadcastable tensor)."""
    if not isinstance(p, Tensor):
        _check_p(p)
    return inplace(_bernoulli_fill, self, p, generator)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None, out=None) -> Tensor:
    """Indices sampled from the categories of each row of ``input`` with probabilities proportional to it."""
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if input.dtype.category != D.FLOAT:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype._legacy}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_cat = input.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if n_cat == 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    p = input._host().astype(np.float64).reshape(-1, n_cat)
    rows = p.shape[0]
    total = p.sum(axis=1)
    if rows:
        if not np.all(np.isfinite(p)) or np.any(p < 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if np.any(total <= 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    g = _gen(generator)
    if replacement:
        cum = np.cumsum(p, axis=1)
        # The CDF reaches exactly 1 at the last category of nonzero probability, so u < 1 never lands past it.
        cdf = np.where(cum >= cum[:, -1:], 1.0, cum / total[:, None])
        u = g.random((rows, num_samples))
        idx = np.empty((rows, num_samples), np.int64)
        for r in range(rows):
            idx[r] = np.searchsorted(cdf[r], u[r], side='right')
    else:
        # Weighted sampling without replacement: the categories with the largest p / Exp(1) keys.
        keys = p / g.standard_exponential((rows, n_cat))
        idx = np.argsort(-keys, axis=1, kind='stable')[:, :num_samples]
    idx = idx.astype(np.int64).reshape(input.shape[:-1] + (num_samples,))
    r = _finish(idx, D.int64, input.device, False)
    return r if out is None else _out(out, r)


@primitive(backward_name='PoissonBackward0')
def poisson(x, generator=None):
    """Samples from Poisson distributions with the rates in ``input`` (same dtype as ``input``)."""
    dt = D.from_numpy_dtype(x.dtype)
    if dt.category != D.FLOAT:
        raise _not_impl('poisson_cpu', dt)
    if np.any(x < 0):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    lam = x.astype(np.float64) if isinstance(x, np.ndarray) else x.get().astype(np.float64)
    return _host_like(_gen(generator).poisson(lam).astype(x.dtype), x)


poisson.vjp(_zero_grads)


# ------------------------------------------------------------------------------------- in-place samplers

def _fill_op(name: str, backward_name: str, draw):
    """A primitive that returns fresh samples shaped like its input (its in-place method writes them)."""
    def fwd(x, a, b, generator):
        arr = draw(_gen(generator), x.shape, D.from_numpy_dtype(x.dtype), a, b)
        return _host_like(arr.astype(x.dtype, copy=False), x)
    fwd.__name__ = name
    op = primitive(fwd, name=name, operands=('x',), backward_name=backward_name)
    op.vjp(_zero_grads)
    return op


def _need_float(dt: D.dtype, kernel: str) -> None:
    if dt.category < D.FLOAT:
        raise _not_impl(kernel, dt)


def _draw_uniform(g, shape, dt, a, b):
    _need_float(dt, 'check_uniform_bounds')
    u = _sample('u', g, shape, dt)
    if (a, b) == (0, 1):
        return u
    return u * (b - a) + (complex(a, a) if dt.category == D.COMPLEX else a)


def _draw_normal(g, shape, dt, mean, std):
    _need_float(dt, 'normal_kernel_cpu')
    z = _sample('n', g, shape, dt)
    return z if (mean, std) == (0, 1) else z * std + mean


def _draw_random(g, shape, dt, lo, hi):
    if dt.category == D.COMPLEX:
        raise _not_impl('random_kernel_cpu', dt)
    return _integers(g, lo, hi, shape, np.dtype(np.int64) if dt.category >= D.FLOAT else dt.np)


def _draw_exponential(g, shape, dt, lambd, _):
    if dt.category < D.FLOAT:
        raise RuntimeError(f"Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {dt._legacy}")
    return g.standard_exponential(shape) / lambd


def _draw_geometric(g, shape, dt, p, _):
    if dt is D.bool_ or dt.category == D.COMPLEX:
        raise _not_impl('geometric_cpu', dt)
    return g.geometric(p, shape)


def _draw_log_normal(g, shape, dt, mean, std):
    _need_float(dt, 'log_normal_cpu')
    return np.exp(g.standard_normal(shape) * std + mean)


def _draw_cauchy(g, shape, dt, median, sigma):
    if dt.category < D.FLOAT:
        raise RuntimeError(f"Cauchy distribution is a continuous probability distribution. dtype must be a floating "
                           f"point but you specified {_C_NAMES.get(dt.name, dt.name)} int")
    return g.standard_cauchy(shape) * sigma + median


_uniform_fill = _fill_op('uniform', 'UniformBackward0', _draw_uniform)
_normal_fill = _fill_op('normal', 'NormalBackward0', _draw_normal)
_random_fill = _fill_op('random', 'RandomBackward0', _draw_random)
_exponential_fill = _fill_op('exponential', 'ExponentialBackward0', _draw_exponential)
_geometric_fill = _fill_op('geometric', 'GeometricBackward0', _draw_geometric)
_log_normal_fill = _fill_op('log_normal', 'LogNormalBackward0', _draw_log_normal)
_cauchy_fill = _fill_op('cauchy', 'CauchyBackward0', _draw_cauchy)


def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator=None, **kwargs) -> Tensor:
    """Fill with samples from the uniform distribution on [from, to)."""
    from_ = kwargs.pop('from', from_)
    if kwargs:
        raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_fmt(from_)} > "
                           f"to={_fmt(to)}")
    return inplace(_uniform_fill, self, from_, to, generator)


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    """Fill with samples from the normal distribution N(mean, std**2)."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    return inplace(_normal_fill, self, mean, std, generator)


def random_(self: Tensor, *args, generator=None, **kwargs) -> Tensor:
    """Fill with integers from [from, to); ``random_(to)`` uses [0, to) and ``random_()`` the dtype's range
    (for floats, the integers that the mantissa holds exactly)."""
    if len(args) > 2 or (kwargs.keys() - {'to'}) or (len(args) == 2 and kwargs):
        raise TypeError("random_() received an invalid combination of arguments")
    lo, hi = (args[0], args[1]) if len(args) == 2 else (0, args[0] if args else kwargs.get('to'))
    dt = self.dtype
    if hi is None:
        if dt.category == D.COMPLEX:
            raise _not_impl('random_kernel_cpu', dt)
        hi = (1 << _bits(dt.np)) + 1 if dt.category == D.FLOAT else (
            2 if dt is D.bool_ else int(np.iinfo(dt.np).max) + 1)
        if lo >= hi:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    else:
        _check_random_bounds(int(lo), int(hi), dt)
    return inplace(_random_fill, self, int(lo), int(hi), generator)


def exponential_(self: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill with samples from the exponential distribution of rate ``lambd``."""
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    return inplace(_exponential_fill, self, lambd, None, generator)


def geometric_(self: Tensor, p: float, *, generator=None) -> Tensor:
    """Fill with samples from the geometric distribution (trials up to the first success of probability p)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    return inplace(_geometric_fill, self, p, None, generator)


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator=None) -> Tensor:
    """Fill with samples whose logarithm is normal with the given mean and std."""
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    return inplace(_log_normal_fill, self, mean, std, generator)


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator=None) -> Tensor:
    """Fill with samples from the Cauchy distribution."""
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    return inplace(_cauchy_fill, self, median, sigma, generator)


bind_methods({
    'uniform_': uniform_, 'normal_': normal_, 'random_': random_, 'bernoulli_': bernoulli_,
    'exponential_': exponential_, 'geometric_': geometric_, 'log_normal_': log_normal_, 'cauchy_': cauchy_,
    'bernoulli': bernoulli, 'multinomial': multinomial,
})

__all__ = ['rand', 'randn', 'randint', 'randperm', 'normal', 'bernoulli', 'multinomial', 'poisson', 'rand_like',
           'randn_like', 'randint_like']
