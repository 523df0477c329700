"""DataLoader: batches from a dataset, in the main process or in worker processes."""
from __future__ import annotations

import multiprocessing as _mp
import os
import warnings

import numpy as np

from ..._tensor import _make
from ... import random as _random
from ._collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "default_collate", "default_convert"]


class _InfiniteConstantSampler(Sampler):
    """``None`` forever: the keys for an iterable dataset, whose fetcher ignores them."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over ``dataset`` in batches.

    Args:
        dataset: a map-style ``Dataset`` (``__getitem__``/``__len__``) or an ``IterableDataset``.
        batch_size: samples per batch (default 1); ``None`` turns batching off.
        shuffle: a new random order every epoch (drawn from ``generator`` or ember's default
            generator, so ``ember.manual_seed`` reproduces it).
        sampler / batch_sampler: the key order, or lists of keys per batch.
        num_workers: worker processes (0: load in the main process).
        collate_fn: merges a list of samples (default :func:`default_collate`).
        pin_memory: accepted; there is no device memory to pin on a CPU.
        drop_last: drop the last batch when it is short.
        timeout: seconds to wait for a batch from the workers before raising (0: no limit).
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker after seeding.
        multiprocessing_context: a start method name (``"fork"``, ``"spawn"``, ...) or context.
        generator: the ember Generator for shuffling and for the workers' base seed.
        prefetch_factor: batches loaded ahead per worker (default 2 with workers).
        persistent_workers: keep the workers alive between epochs.
        in_order: with False, batches from workers come back as soon as they are ready.

    Example::

        >>> import ember
        >>> ds = TensorDataset(ember.arange(5.0), ember.arange(5))
        >>> [len(x) for x, y in DataLoader(ds, batch_size=2)]
        [2, 2, 1]
    """

    _frozen = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
               "persistent_workers")

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0, collate_fn=None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.in_order = in_order
        self.generator = generator

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = "iterable"
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        else:
            self._dataset_kind = "map"
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if self._dataset_kind == "iterable":
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.multiprocessing_context = multiprocessing_context
        self._iterator = None
        self._IterableDataset_len_called = None
        self.__initialized = True
        if num_workers > 0:
            _check_worker_number(num_workers)

    def __setattr__(self, attr, value) -> None:
        if getattr(self, "_DataLoader__initialized", False) and attr in self._frozen:
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{self.__class__.__name__} is initialized")
        super().__setattr__(attr, value)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context) -> None:
        if context is not None:
            if self.num_workers == 0:
                raise ValueError("multiprocessing_context can only be used with multi-process "
                                 "loading (num_workers > 0), but got "
                                 f"num_workers={self.num_workers}")
            if isinstance(context, str):
                methods = _mp.get_all_start_methods()
                if context not in methods:
                    raise ValueError("multiprocessing_context option should specify a valid "
                                     f"start method in {methods!r}, but got "
                                     f"multiprocessing_context={context!r}")
                context = _mp.get_context(context)
            elif not isinstance(context, _mp.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context "
                                "object or a string specifying the start method, but got "
                                f"multiprocessing_context={context}")
        self.__multiprocessing_context = context

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        from ._multiprocess import MultiProcessIter
        return MultiProcessIter(self)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    def __len__(self) -> int:
        if self._dataset_kind == "iterable":
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    return length // self.batch_size
                return -(-length // self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self) -> None:
        if self.num_workers > 0:
            _check_worker_number(self.num_workers)


def _check_worker_number(num_workers: int) -> None:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if num_workers > cpus:
        warnings.warn(f"This DataLoader will create {num_workers} worker processes in total. Our "
                      f"suggested max number of worker in current system is {cpus}, which is "
                      "smaller than what this DataLoader is going to create. Please be aware that "
                      "excessive worker creation might get DataLoader running slow or even "
                      "freeze, lower the worker number to avoid potential slowness/freeze if "
                      "necessary.", UserWarning, stacklevel=3)


# ---------------------------------------------------------------- fetching


class _MapFetcher:
    """Fetch and collate one batch (or one sample) of a map-style dataset."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.getitems = getattr(dataset, "__getitems__", None)
        self.fast = None
        if auto_collation and collate_fn is default_collate:
            self.fast = _fast_tensor_source(dataset)

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        if self.fast is not None:
            batch = self.fast(index)
            if batch is not None:
                return batch
        if isinstance(index, np.ndarray):
            index = index.tolist()
        if self.getitems is not None:
            data = self.getitems(index)
        else:
            dataset = self.dataset
            data = [dataset[i] for i in index]
        return self.collate_fn(data)


def _fast_tensor_source(dataset):
    """For a TensorDataset (or a Subset of one): a function that gathers a whole batch with one
    fancy index per tensor. It equals ``default_collate([dataset[i] for i in index])``."""
    key_map = None
    if type(dataset) is Subset and type(dataset.dataset).__getitem__ is TensorDataset.__getitem__:
        key_map = np.asarray(dataset.indices, dtype=np.int64)
        if key_map.ndim != 1:
            return None
        dataset = dataset.dataset
    if not isinstance(dataset, TensorDataset):
        return None
    if type(dataset).__getitem__ is not TensorDataset.__getitem__:
        return None
    if getattr(type(dataset), "__getitems__", None) is not None:
        return None

    def gather(index):
        tensors = dataset.tensors
        for t in tensors:
            if t._requires_grad or t._data.ndim == 0:
                return None  # the slow path builds the graph (or raises) as PyTorch does
        keys = np.asarray(index)
        if keys.dtype.kind not in "iu" or keys.ndim != 1 or keys.size == 0:
            return None
        if key_map is not None:
            keys = key_map[keys]
        return [_make(t._data[keys]) for t in tensors]

    return gather


class _IterableFetcher:
    """Pull the next sample(s) from an iterable dataset and collate them."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last) -> None:
        self.iterator = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        data = []
        for _ in index:
            try:
                data.append(next(self.iterator))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)


def _make_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
    cls = _IterableFetcher if kind == "iterable" else _MapFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)


# ---------------------------------------------------------------- iterators


class _BaseIter:
    def __init__(self, loader: DataLoader) -> None:
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._collate_fn = loader.collate_fn
        self._num_workers = loader.num_workers
        self._timeout = loader.timeout
        self._length = None
        if loader.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", UserWarning, stacklevel=3)
        self._base_seed = int(_random._gen(loader.generator).integers(0, 1 << 63,
                                                                      dtype=np.int64))
        self._sampler_iter = self._keys()
        self._num_yielded = 0
        self._len_called = loader._IterableDataset_len_called

    def _check_length(self) -> None:
        """PyTorch's warning when an IterableDataset yields more than len() promised."""
        if self._len_called is not None and self._num_yielded > self._len_called:
            warnings.warn(f"Length of IterableDataset {self._dataset} was reported to be "
                          f"{self._len_called} (when accessing len(dataloader)), but "
                          f"{self._num_yielded} samples have been fetched. ", UserWarning,
                          stacklevel=3)

    def _keys(self):
        """Batches of keys: index arrays straight from the sampler when it can give them."""
        sampler = self._index_sampler
        if type(sampler) is BatchSampler:
            arrays = sampler._index_arrays()
            if arrays is not None:
                return arrays
        return iter(sampler)

    def _reset(self, loader: DataLoader, first_iter: bool = False) -> None:
        self._sampler_iter = self._keys()
        self._num_yielded = 0

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        self._fetcher = _make_fetcher(self._dataset_kind, self._dataset, self._auto_collation,
                                      self._collate_fn, self._drop_last)

    def __next__(self):
        index = next(self._sampler_iter)
        try:
            data = self._fetcher.fetch(index)
        except StopIteration:
            raise
        except Exception as e:
            if hasattr(e, "add_note") and self._dataset_kind == "map":
                from ._worker import _describe
                e.add_note(f"DataLoader: raised while fetching indices {_describe(index)}")
            raise
        self._num_yielded += 1
        if self._len_called is not None:
            self._check_length()
        return data

