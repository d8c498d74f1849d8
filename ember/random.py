"""Random number generators: ``Generator``, the default one, seeding and RNG state (``torch.random``).

Each Generator wraps a NumPy PCG64 bit generator. The numbers differ from PyTorch's (a Mersenne Twister with
its own transforms), but the same seed always gives the same numbers, and a saved state replays them exactly.
"""
from __future__ import annotations

import contextlib

import numpy as np

from ._device import to_device
from ._tensor import Tensor

_DEFAULT_SEED = 67280421310721  # PyTorch's initial seed of its default generator
_MASK64 = (1 << 64) - 1
# State layout (little-endian bytes): seed (8), PCG64 state (16), increment (16), has_uint32 (1), uinteger (4).
_STATE_SIZE = 45


class Generator:
    """A source of pseudo-random numbers, seeded with ``manual_seed`` (``torch.Generator``)."""

    __slots__ = ('device', '_seed', '_np')

    def __init__(self, device='cpu'):
        self.device = to_device(device)
        self._set_seed(_DEFAULT_SEED)

    def _set_seed(self, seed: int) -> None:
        self._seed = seed
        self._np = np.random.Generator(np.random.PCG64(seed))

    def manual_seed(self, seed) -> 'Generator':
        """Seed the generator (negative seeds wrap to 64 bits, like PyTorch); return it."""
        seed = int(seed)
        if not -(1 << 63) <= seed <= _MASK64:
            raise ValueError("Overflow when unpacking long long")
        self._set_seed(seed & _MASK64)
        return self

    def seed(self) -> int:
        """Seed the generator from a non-deterministic source; return the seed."""
        s = int(np.random.SeedSequence().entropy) & _MASK64
        self._set_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed the generator was last seeded with."""
        return self._seed

    def get_state(self) -> Tensor:
        """The generator's state as a uint8 tensor (``set_state`` restores it exactly)."""
        st = self._np.bit_generator.state
        raw = (self._seed.to_bytes(8, 'little') + st['state']['state'].to_bytes(16, 'little')
               + st['state']['inc'].to_bytes(16, 'little') + bytes([st['has_uint32']])
               + int(st['uinteger']).to_bytes(4, 'little'))
        return Tensor._wrap(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> 'Generator':
        """Restore a state returned by ``get_state``; return the generator."""
        if not isinstance(new_state, Tensor) or new_state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        raw = new_state._host().tobytes()
        if len(raw) != _STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input RNG "
                               f"state size to be {len(raw)}")
        seed = int.from_bytes(raw[0:8], 'little')
        bg = np.random.PCG64()
        bg.state = {'bit_generator': 'PCG64',
                    'state': {'state': int.from_bytes(raw[8:24], 'little'), 'inc': int.from_bytes(raw[24:40], 'little')},
                    'has_uint32': raw[40], 'uinteger': int.from_bytes(raw[41:45], 'little')}
        self._seed = seed
        self._np = np.random.Generator(bg)
        return self

    def __repr__(self) -> str:
        return f"<ember.Generator object at {id(self):#x}>"

    __module__ = 'ember'


default_generator = Generator()


def _gen(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator behind ``generator`` (the default one when None)."""
    if generator is None:
        return default_generator._np
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, but got {type(generator).__name__}")
    return generator._np


def manual_seed(seed) -> Generator:
    """Seed the default generator (and so every random op that is given no generator); return it."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator non-deterministically; return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed of the default generator."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator's state from ``get_rng_state()``."""
    if not isinstance(new_state, Tensor):
        raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, _caller: str = 'fork_rng', _devices_kw: str = 'devices',
             device_type: str = 'cuda'):
    """Restore the default generator's state on leaving the block, so random ops inside don't disturb it."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


__all__ = ['Generator', 'default_generator', 'manual_seed', 'seed', 'initial_seed', 'get_rng_state',
           'set_rng_state']
