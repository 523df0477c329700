"""The DataLoader iterator that drives worker processes.

Each worker has an index queue (main -> worker) and a result pipe (worker -> main). The main
process keeps at most ``prefetch_factor * num_workers`` tasks in flight, hands tasks out
round-robin and returns results in task order (or as they come, with ``in_order=False``). It
waits on the result pipes and on the workers' process sentinels together, so a worker that
dies is noticed at once instead of hanging the loop.
"""
from __future__ import annotations

import multiprocessing as _mp
import os
import signal
import time
from multiprocessing.connection import wait

from ...multiprocessing import reductions
from . import _worker
from ._worker import ExceptionWrapper, IterableStop, ResumeIteration
from .dataloader import _BaseIter

_JOIN_TIMEOUT = 2.0  # seconds a worker gets to finish cleanly before it is terminated


class MultiProcessIter(_BaseIter):
    def __init__(self, loader) -> None:
        super().__init__(loader)
        reductions.init_reductions()
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        self._persistent = loader.persistent_workers
        ctx = loader.multiprocessing_context or _mp.get_context()
        self._prefix = f"{reductions.segment_prefix()}_dl{id(self) & 0xFFFFFF:x}"
        self._done_event = ctx.Event()
        self._workers, self._index_queues, self._conns = [], [], []
        self._shutdown = False
        try:
            for worker_id in range(self._num_workers):
                index_queue = ctx.Queue()
                index_queue.cancel_join_thread()
                reader, writer = ctx.Pipe(duplex=False)
                w = ctx.Process(target=_worker.worker_loop, daemon=True, args=(
                    self._dataset_kind, self._dataset, index_queue, writer, self._done_event,
                    self._auto_collation, self._collate_fn, self._drop_last, self._base_seed,
                    loader.worker_init_fn, worker_id, self._num_workers, os.getpid(),
                    self._prefix))
                w.start()
                writer.close()
                self._workers.append(w)
                self._index_queues.append(index_queue)
                self._conns.append(reader)
        except BaseException:
            self._shutdown_workers()
            raise
        self._reset(loader, first_iter=True)

    # ------------------------------------------------------------ epoch bookkeeping
    def _reset(self, loader, first_iter: bool = False) -> None:
        super()._reset(loader, first_iter)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info: dict = {}  # task -> [worker_id] or [worker_id, data]
        self._tasks_outstanding = 0
        self._active = [True] * self._num_workers
        self._worker_cycle = 0
        if not first_iter:
            for q in self._index_queues:
                q.put(ResumeIteration())
            waiting = self._num_workers
            while waiting:
                idx, data = self._get_data(use_timeout=False)
                if isinstance(idx, ResumeIteration):
                    waiting -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self) -> None:
        if self._tasks_outstanding >= self._prefetch_factor * self._num_workers:
            return
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_id = self._worker_cycle
            self._worker_cycle = (worker_id + 1) % self._num_workers
            if self._active[worker_id]:
                break
        else:
            return  # every worker is done (iterable dataset): nothing more to fetch
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = [worker_id]
        self._tasks_outstanding += 1
        self._send_idx += 1

    # ------------------------------------------------------------ receiving
    def _get_data(self, use_timeout: bool = True):
        """The next message from any worker, as (task index, data)."""
        timeout = self._timeout if use_timeout and self._timeout > 0 else None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait_for = self._conns + [w.sentinel for w in self._workers]
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = wait(wait_for, remaining)
            for worker_id, conn in enumerate(self._conns):
                if conn in ready:
                    try:
                        message = conn.recv()
                    except (EOFError, OSError):  # the worker's end closed: it has exited
                        self._worker_died(self._workers[worker_id])
                    return self._decode(message)
            for worker_id, w in enumerate(self._workers):
                # A worker that wrote before exiting is read first (its pipe is ready next time).
                if w.sentinel in ready and not self._conns[worker_id].poll():
                    self._worker_died(w)
            if deadline is not None and time.monotonic() >= deadline and not ready:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")

    def _decode(self, message):
        idx, data, name = message
        if isinstance(data, bytes):
            data = reductions.load_batch(data, name)
        return idx, data

    def _worker_died(self, w) -> None:
        w.join(0.1)
        code = w.exitcode
        self._shutdown_workers()
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            detail = f"is killed by signal: {signal.strsignal(-code) or name}. "
            if -code in (signal.SIGKILL, signal.SIGBUS):
                detail += ("It may have run out of memory (or of shared memory in /dev/shm); "
                           "try a smaller batch_size or fewer workers. ")
        else:
            detail = (f"exited unexpectedly with exit code {code}. Details are lost due to "
                      "multiprocessing. Rerunning with num_workers=0 may give better error trace.")
        raise RuntimeError(f"DataLoader worker (pid {w.pid}) {detail}")

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if self._len_called is not None:
            self._check_length()
        return data

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._active[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)  # its worker has finished
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process(info[1])
            if self._shutdown:
                raise StopIteration
            idx, data = self._get_data()
            if isinstance(idx, ResumeIteration):
                continue
            self._tasks_outstanding -= 1
            if isinstance(data, IterableStop):
                self._active[data.worker_id] = False
                self._try_put_index()
                continue
            if idx == self._rcvd_idx or not self._in_order:
                del self._task_info[idx]
                if idx == self._rcvd_idx:
                    self._rcvd_idx += 1
                return self._process(data)
            self._task_info[idx].append(data)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    # ------------------------------------------------------------ shutdown
    def _shutdown_workers(self) -> None:
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._done_event.set()
            for w, q in zip(self._workers, self._index_queues):
                if w.is_alive():
                    try:
                        q.put(None)
                    except (OSError, ValueError):
                        pass
            deadline = time.monotonic() + _JOIN_TIMEOUT
            while any(w.is_alive() for w in self._workers) and time.monotonic() < deadline:
                self._drain(0.05)
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
            for w in self._workers:
                w.join(1.0)
                if w.is_alive():
                    w.kill()
                    w.join()
            self._drain(0)
            for q in self._index_queues:
                q.close()
            for conn in self._conns:
                conn.close()
        finally:
            reductions.unlink_leftovers(self._prefix.lstrip("/"))

    def _drain(self, timeout: float) -> None:
        """Read and free whatever the workers have sent (their segments included)."""
        open_conns = [c for c in self._conns if not c.closed]
        for conn in wait(open_conns, timeout) if open_conns else []:
            try:
                while conn.poll():
                    _, data, name = conn.recv()
                    if isinstance(data, bytes):
                        reductions.unlink_segment(name)
            except (EOFError, OSError):
                conn.close()

    def __del__(self) -> None:
        try:
            self._shutdown_workers()
        except Exception:
            pass
