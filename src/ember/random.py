"""Seeded random numbers: ember.Generator and the default generator behind ember.manual_seed.

Every random op draws from a Generator (the default one unless ``generator=`` is given); NumPy's
global RNG is never used, so a fixed seed reproduces every op bit for bit.
"""
from __future__ import annotations

import pickle
import time

import numpy as np

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
           "default_generator", "fork_rng"]

_DEFAULT_SEED = 67280421310721  # PyTorch's documented default seed


class Generator:
    """A random-number stream: ``ember.Generator().manual_seed(0)``."""

    def __init__(self, device="cpu"):
        self.device = device
        self._seed = _DEFAULT_SEED
        self._np = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> "Generator":
        seed = int(seed)
        if not -0x8000_0000_0000_0000 <= seed <= 0xFFFF_FFFF_FFFF_FFFF:
            raise RuntimeError(f"Overflow when unpacking long: seed {seed} must be within the range "
                               "[-0x8000_0000_0000_0000, 0xffff_ffff_ffff_ffff]")
        self._seed = seed % (1 << 64)
        self._np = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) % (1 << 63)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        from ._creation import _from_array
        blob = pickle.dumps((self._seed, self._np.bit_generator.state))
        return _from_array(np.frombuffer(blob, dtype=np.uint8).copy())

    def set_state(self, state) -> "Generator":
        data = state.numpy() if hasattr(state, "numpy") else np.asarray(state)
        seed, bitgen_state = pickle.loads(bytes(np.asarray(data, dtype=np.uint8)))
        self._seed = seed
        self._np = np.random.Generator(np.random.PCG64())
        self._np.bit_generator.state = bitgen_state
        return self

    def __reduce__(self):
        return (_restore_generator, (self._seed, self._np.bit_generator.state))


def _restore_generator(seed, state):
    g = Generator()
    g._seed = seed
    g._np.bit_generator.state = state
    return g


default_generator = Generator()


def _gen(generator) -> np.random.Generator:
    """The NumPy stream behind ``generator=`` (or the default generator)."""
    return (generator if generator is not None else default_generator)._np


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; returns it, as PyTorch does."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


class fork_rng:
    """Restore the default generator's state on exit."""

    def __init__(self, devices=None, enabled=True, **kwargs):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self.state = get_rng_state()

    def __exit__(self, *exc):
        if self.enabled:
            set_rng_state(self.state)
        return False


del time
