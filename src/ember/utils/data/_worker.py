"""What runs inside a DataLoader worker process, and what it sends back.

A worker reads ``(task_index, indices)`` from its own index queue, fetches and collates the
batch, and writes the result to its own pipe: the batch as a pickle whose large arrays sit in
a shared-memory segment (see ``ember.multiprocessing.reductions.dump_batch``), an exception
with its traceback, or the end of an iterable dataset.
"""
from __future__ import annotations

import os
import queue
import random
import signal
import sys
import traceback
from dataclasses import dataclass

import numpy as np

__all__ = ["WorkerInfo", "get_worker_info"]

STATUS_CHECK_INTERVAL = 1.0  # seconds between checks that the main process is still alive
_worker_info = None


class WorkerInfo:
    """What a worker knows about itself: ``id``, ``num_workers``, ``seed`` and ``dataset``
    (this worker's copy). Read-only once made."""

    id: int
    num_workers: int
    seed: int
    dataset: object

    def __init__(self, **kwargs) -> None:
        for k, v in kwargs.items():
            object.__setattr__(self, k, v)
        self.__keys = tuple(kwargs)
        self.__initialized = True

    def __setattr__(self, key, value) -> None:
        if getattr(self, "_WorkerInfo__initialized", False):
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        object.__setattr__(self, key, value)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)}" for k in self.__keys)
        return f"{self.__class__.__name__}({fields})"


def get_worker_info() -> WorkerInfo | None:
    """In a DataLoader worker: its :class:`WorkerInfo`; in the main process: ``None``.

    An ``IterableDataset`` uses it in ``__iter__`` to give each worker a different share.
    """
    return _worker_info


class KeyErrorMessage(str):
    """KeyError quotes its message with repr(); this keeps the traceback's line breaks."""

    def __repr__(self) -> str:
        return self


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback."""

    def __init__(self, exc_info=None, where: str = "in background") -> None:
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        try:
            raise exc
        finally:
            exc = None  # no frame -> exception -> traceback -> frame cycle keeps workers alive

    def __reduce__(self):
        # A class the main process cannot import would make the whole message unreadable.
        import pickle
        exc_type = self.exc_type
        try:
            pickle.loads(pickle.dumps(exc_type))
        except Exception:
            exc_type = RuntimeError
        return (_rebuild_wrapper, (exc_type, self.exc_msg, self.where))


def _rebuild_wrapper(exc_type, exc_msg, where):
    w = ExceptionWrapper.__new__(ExceptionWrapper)
    w.exc_type, w.exc_msg, w.where = exc_type, exc_msg, where
    return w


@dataclass(frozen=True)
class IterableStop:
    """A worker's iterable dataset is exhausted."""
    worker_id: int


@dataclass(frozen=True)
class ResumeIteration:
    """Start a new epoch in a persistent worker."""
    seed: int | None = None


def _describe(index) -> str:
    text = repr(index.tolist() if isinstance(index, np.ndarray) else index)
    return text if len(text) <= 200 else text[:197] + "..."


def _seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed ember, ``random`` and NumPy's legacy global RNG (which user code often calls)."""
    from ... import random as ember_random
    seed = base_seed + worker_id
    ember_random.manual_seed(seed)
    random.seed(seed)
    state = np.random.SeedSequence([worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32])
    np.random.seed(state.generate_state(4))
    return seed


class _ParentWatch:
    def __init__(self, main_pid: int) -> None:
        self.main_pid = main_pid
        self.parent = os.getppid()

    def alive(self) -> bool:
        if os.getppid() != self.parent:
            return False
        try:
            os.kill(self.main_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True


def worker_loop(dataset_kind, dataset, index_queue, result_conn, done_event, auto_collation,
                collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers, main_pid,
                segment_prefix) -> None:
    """The body of a worker process."""
    global _worker_info
    from ...multiprocessing.reductions import dump_batch
    from .dataloader import _make_fetcher
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    seed = _seed_worker(base_seed, worker_id)
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
    where = f"in DataLoader worker process {worker_id}"
    init_error = None
    fetcher = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = _make_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
    except Exception:
        init_error = ExceptionWrapper(where=where)
    watch = _ParentWatch(main_pid)
    ended = False
    try:
        while watch.alive():
            try:
                task = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if task is None:
                break
            if isinstance(task, ResumeIteration):
                if fetcher is not None:
                    fetcher = _make_fetcher(dataset_kind, dataset, auto_collation, collate_fn,
                                            drop_last)
                ended = False
                result_conn.send((task, None, None))
                continue
            if done_event.is_set() or ended:
                continue
            idx, index = task
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if dataset_kind != "iterable":
                        raise
                    data, ended = IterableStop(worker_id), True
                except Exception:
                    data = ExceptionWrapper(where=f"{where} while fetching indices "
                                                  f"{_describe(index)}")
            if isinstance(data, (ExceptionWrapper, IterableStop)):
                result_conn.send((idx, data, None))
                continue
            try:
                payload, name = dump_batch(data, segment_prefix)
            except Exception:
                result_conn.send((idx, ExceptionWrapper(where=f"{where} sending a batch"), None))
                continue
            del data
            result_conn.send((idx, payload, name))
    except (BrokenPipeError, EOFError, ConnectionResetError):
        pass  # the main process went away; nothing is left to deliver
    finally:
        if done_event.is_set():
            index_queue.cancel_join_thread()
        result_conn.close()
