"""ember.multiprocessing: the standard library's multiprocessing, with tensors that travel
through shared memory (PyTorch's ``torch.multiprocessing``).

Importing ember registers a reduction with multiprocessing's pickler: a tensor put on a queue,
sent through a pipe or passed to a spawned process is moved into shared memory and the other
process maps the same pages. ``spawn`` starts ``nprocs`` copies of a function and reports the
first failure with the child's traceback.
"""
from __future__ import annotations

import multiprocessing
import signal
import sys
import traceback
from multiprocessing import (Array, AuthenticationError, Barrier, BoundedSemaphore, BufferTooShort,
                             Condition, Event, JoinableQueue, Lock, Manager, Pipe, Pool, Process,
                             ProcessError, Queue, RawArray, RawValue, RLock, Semaphore, SimpleQueue,
                             TimeoutError, Value, active_children, allow_connection_pickling,
                             cpu_count, current_process, freeze_support, get_all_start_methods,
                             get_context, get_logger, get_start_method, log_to_stderr,
                             parent_process, set_executable, set_forkserver_preload,
                             set_start_method)
from multiprocessing.connection import wait as _wait

from . import reductions
from .reductions import init_reductions

__all__ = ["Array", "AuthenticationError", "Barrier", "BoundedSemaphore", "BufferTooShort",
           "Condition", "Event", "JoinableQueue", "Lock", "Manager", "Pipe", "Pool", "Process",
           "ProcessContext", "ProcessError", "ProcessExitedException", "ProcessRaisedException",
           "Queue", "RawArray", "RawValue", "RLock", "Semaphore", "SimpleQueue", "TimeoutError",
           "Value", "active_children", "allow_connection_pickling", "cpu_count",
           "current_process", "freeze_support", "get_all_sharing_strategies",
           "get_all_start_methods", "get_context", "get_logger", "get_sharing_strategy",
           "get_start_method", "init_reductions", "log_to_stderr", "parent_process",
           "set_executable", "set_forkserver_preload", "set_sharing_strategy",
           "set_start_method", "spawn", "start_processes"]

_STRATEGIES = ("file_descriptor", "file_system")


def get_all_sharing_strategies() -> set:
    """The ways shared tensors can be handed over: by file descriptor or by segment name."""
    return set(_STRATEGIES)


def get_sharing_strategy() -> str:
    return reductions._strategy


def set_sharing_strategy(new_strategy: str) -> None:
    """``"file_descriptor"`` (default: nothing is left behind if a process dies, but each
    shared tensor holds a descriptor) or ``"file_system"`` (the segment's name is sent)."""
    if new_strategy not in _STRATEGIES:
        raise AssertionError(f"sharing strategy must be one of {sorted(_STRATEGIES)}, got "
                             f"{new_strategy!r}")
    reductions._strategy = new_strategy


class ProcessException(Exception):
    def __init__(self, msg: str, error_index: int, pid: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.pid = pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid)


class ProcessRaisedException(ProcessException):
    """A spawned process raised; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A spawned process exited with a non-zero code or was killed by a signal."""

    def __init__(self, msg: str, error_index: int, error_pid: int, exit_code: int,
                 signal_name: str | None = None) -> None:
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return (type(self), (self.msg, self.error_index, self.pid, self.exit_code,
                             self.signal_name))


def _wrap(fn, i, args, error_queue) -> None:
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        error_queue.put(traceback.format_exc())
        sys.exit(1)


class ProcessContext:
    """The processes started by :func:`start_processes`; ``join()`` waits and re-raises."""

    def __init__(self, processes, error_queues) -> None:
        self.processes = processes
        self.error_queues = error_queues

    def pids(self) -> list:
        return [p.pid for p in self.processes]

    def join(self, timeout: float | None = None) -> bool:
        """True when every process has finished; raises on the first failure."""
        running = [p for p in self.processes if p.exitcode is None]
        if running:
            _wait([p.sentinel for p in running], timeout)
        codes = [p.exitcode for p in self.processes]  # one snapshot: they change under us
        failed = next((i for i, c in enumerate(codes) if c is not None and c != 0), None)
        if failed is None:
            done = all(c is not None for c in codes)
            if done:
                for p in self.processes:
                    p.join()
            return done
        for p in self.processes:
            if p.is_alive():
                p.terminate()
            p.join()
        p = self.processes[failed]
        if self.error_queues[failed].empty():
            code = p.exitcode
            if code < 0:
                name = signal.Signals(-code).name
                raise ProcessExitedException(f"process {failed} terminated with signal {name}",
                                             failed, p.pid, code, name)
            raise ProcessExitedException(f"process {failed} terminated with exit code {code}",
                                         failed, p.pid, code)
        tb = self.error_queues[failed].get()
        msg = f"\n\n-- Process {failed} terminated with the following error:\n{tb}"
        raise ProcessRaisedException(msg, failed, p.pid)


def start_processes(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
                    start_method: str = "spawn"):
    """Run ``fn(i, *args)`` for ``i`` in ``range(nprocs)``, each in its own process."""
    init_reductions()
    ctx = get_context(start_method)
    processes, error_queues = [], []
    for i in range(nprocs):
        q = ctx.SimpleQueue()
        p = ctx.Process(target=_wrap, args=(fn, i, args, q), daemon=daemon)
        p.start()
        processes.append(p)
        error_queues.append(q)
    context = ProcessContext(processes, error_queues)
    if not join:
        return context
    while not context.join():
        pass
    return None


def spawn(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
          start_method: str = "spawn"):
    """``start_processes`` with the ``spawn`` start method by default, as in PyTorch."""
    return start_processes(fn, args, nprocs, join, daemon, start_method)


init_reductions()
del multiprocessing
