"""Samplers: the order in which a DataLoader visits a map-style dataset's keys.

Every random draw comes from an ember Generator (``generator=`` or one seeded from ember's
default generator), so ``ember.manual_seed`` makes every epoch's order reproducible.
"""
from __future__ import annotations

from itertools import islice
from typing import Generic, Iterable, Iterator, Sequence, TypeVar

import numpy as np

from ... import random as _random

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]



T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class: an iterable over dataset keys (or over lists of keys, for batch samplers)."""

    def __init__(self, data_source=None) -> None:
        if data_source is not None:
            import warnings
            warnings.warn("`data_source` argument is not used and will be removed in 2.2.0."
                          "You may still have custom implementation that utilizes it.",
                          UserWarning, stacklevel=2)

    def __iter__(self) -> Iterator:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)

    def _index_array(self) -> np.ndarray:
        return np.arange(len(self.data_source))


def _fresh_generator():
    """A Generator seeded from the default one: a new stream per epoch, reproducible by seed."""
    seed = int(_random._gen(None).integers(0, 1 << 63, dtype=np.int64))
    return _random.Generator().manual_seed(seed)


class RandomSampler(Sampler):
    """Random keys: a fresh permutation each epoch, or draws with ``replacement``.

    Args:
        data_source: the dataset (only its length is used).
        replacement: draw ``num_samples`` keys with replacement.
        num_samples: how many keys per epoch (default ``len(data_source)``).
        generator: the ember Generator to draw from; without one, each epoch seeds a new
            Generator from ember's default generator.
    """

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError("replacement should be a boolean value, but got "
                            f"replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __len__(self) -> int:
        return self.num_samples

    def _index_array(self) -> np.ndarray:
        n = len(self.data_source)
        g = _random._gen(self.generator if self.generator is not None else _fresh_generator())
        if self.replacement:
            return g.integers(0, n, size=self.num_samples, dtype=np.int64)
        whole, rest = divmod(self.num_samples, n)
        parts = [g.permutation(n) for _ in range(whole)]
        parts.append(g.permutation(n)[:rest])
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def __iter__(self) -> Iterator[int]:
        return iter(self._index_array().tolist())


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a new one each epoch)."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        order = _random._gen(self.generator).permutation(len(self.indices))
        indices = self.indices
        for i in order.tolist():
            yield indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` keys in ``[0, len(weights))`` drawn with probabilities ∝ ``weights``.

    Example::

        >>> import ember
        >>> g = ember.Generator().manual_seed(0)
        >>> sorted(set(WeightedRandomSampler([0, 0, 1.0], 5, generator=g)))
        [2]
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError("replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        from ..._creation import as_tensor
        from ... import _dtype
        weights_tensor = as_tensor(weights, dtype=_dtype.float64)
        if weights_tensor.dim() != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights_tensor.shape)}")
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        from ..._creation import multinomial
        draws = multinomial(self.weights, self.num_samples, self.replacement,
                            generator=self.generator)
        return iter(draws.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group another sampler's keys into lists of ``batch_size`` (the last one shorter unless
    ``drop_last``).

    Example::

        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if (not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0):
            raise ValueError("batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list]:
        batch_size = self.batch_size
        it = iter(self.sampler)
        while True:
            batch = list(islice(it, batch_size))
            if len(batch) < batch_size:
                if batch and not self.drop_last:
                    yield batch
                return
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size

    def _index_arrays(self) -> Iterator[np.ndarray] | None:
        """Index arrays per batch when the sampler can give all its keys at once (fast path)."""
        if type(self) is not BatchSampler:
            return None
        if type(self.sampler) not in (SequentialSampler, RandomSampler):
            return None
        return self._split()

    def _split(self) -> Iterator[np.ndarray]:
        keys = self.sampler._index_array()  # drawn lazily, on the first batch, like __iter__
        bs = self.batch_size
        stop = len(keys) - len(keys) % bs if self.drop_last else len(keys)
        for start in range(0, stop, bs):
            yield keys[start:start + bs]

