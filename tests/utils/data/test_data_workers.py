"""DataLoader with worker processes: order, seeding, worker info, failures and shutdown."""
import gc
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import ember
from ember.multiprocessing import reductions
from ember.utils.data import (DataLoader, Dataset, IterableDataset, TensorDataset,
                              get_worker_info)

METHODS = ["fork", "spawn"]


class Squares(Dataset):
    def __init__(self, n=20):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return ember.tensor([float(i * i)]), i


class WhoAmI(Dataset):
    """Each sample reports the worker that made it and that worker's random draws."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return {"worker": info.id, "num_workers": info.num_workers, "seed": info.seed,
                "rand": ember.rand(1).item(), "np": float(np.random.rand())}


class Failing(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == 7:
            raise ValueError(f"bad sample {i}")
        return i


class Suicidal(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == 4:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class Slow(Dataset):
    def __init__(self, delay):
        self.delay = delay

    def __len__(self):
        return 100

    def __getitem__(self, i):
        time.sleep(self.delay)
        return i


class Stream(IterableDataset):
    """0..n-1, split between workers with get_worker_info()."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


class Big(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return ember.full((64, 64), float(i))


def _children():
    """Live child processes of this process, from the process table.

    Garbage is collected first: a test that kept a worker's exception (``pytest.raises(...) as
    e``) holds its iterator in a frame <-> traceback cycle, whose workers stop only when the
    cycle is collected, at a moment that would otherwise depend on the test order.
    """
    gc.collect()
    out = subprocess.run(["ps", "-o", "pid=,stat=", "--ppid", str(os.getpid())],
                         capture_output=True, text=True).stdout.split("\n")
    pids = []
    for line in out:
        parts = line.split()
        if len(parts) == 2 and parts[1][0] != "Z" and int(parts[0]) != 0:
            pids.append(int(parts[0]))
    return [p for p in pids if _is_worker(p)]


def _is_worker(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read()
    except OSError:
        return False
    # multiprocessing's own helpers (resource tracker, fork server) are not DataLoader workers
    return cmd[:3] != b"ps\x00" and b"resource_tracker" not in cmd and b"forkserver" not in cmd


def _segments(prefix):
    return [n for n in os.listdir("/dev/shm") if n.startswith(prefix)]


@pytest.mark.parametrize("method", METHODS)
def test_order_and_values_match_single_process(method):
    ds = Squares(23)
    ref = list(DataLoader(ds, batch_size=4))
    got = list(DataLoader(ds, batch_size=4, num_workers=2, multiprocessing_context=method))
    assert len(got) == len(ref) == 6
    for (a, b), (c, d) in zip(ref, got):
        assert np.array_equal(a.numpy(), c.numpy()) and np.array_equal(b.numpy(), d.numpy())
    assert _children() == []


def test_shuffle_is_the_same_with_and_without_workers():
    ds = TensorDataset(ember.arange(30), ember.arange(30) * 2)
    ember.manual_seed(5)
    ref = [x.tolist() for x, _ in DataLoader(ds, batch_size=7, shuffle=True)]
    ember.manual_seed(5)
    got = [x.tolist() for x, _ in DataLoader(ds, batch_size=7, shuffle=True, num_workers=2)]
    assert got == ref


def test_large_batches_travel_through_shared_memory(monkeypatch):
    calls = []
    real = reductions.load_batch

    def spy(payload, name):
        calls.append((len(payload), name))
        return real(payload, name)

    monkeypatch.setattr(reductions, "load_batch", spy)
    batches = list(DataLoader(Big(), batch_size=3, num_workers=2))
    assert [b[:, 0, 0].tolist() for b in batches] == [[0, 1, 2], [3, 4, 5]]
    assert all(name is not None and size < 1000 for size, name in calls)  # 48 KiB batches
    assert _segments(reductions.segment_prefix()) == []
    batches[0].add_(1)  # writable memory of its own
    assert batches[0][0, 0, 0].item() == 1


@pytest.mark.parametrize("method", METHODS)
def test_worker_info_and_seeds(method):
    ember.manual_seed(3)
    loader = DataLoader(WhoAmI(), batch_size=2, num_workers=2, multiprocessing_context=method)
    first = list(loader)
    workers = [int(w) for b in first for w in b["worker"]]
    assert workers == [0, 0, 1, 1, 0, 0, 1, 1]  # round-robin, in order
    seeds = {int(b["worker"][0]): int(b["seed"][0]) for b in first}
    assert seeds[1] == seeds[0] + 1
    rand = [r for b in first for r in b["rand"].tolist()]
    assert rand[0] != rand[2]  # the two workers draw different numbers
    ember.manual_seed(3)
    again = list(loader)
    assert [r for b in again for r in b["rand"].tolist()] == rand
    assert [r for b in again for r in b["np"].tolist()] == [r for b in first for r in
                                                             b["np"].tolist()]
    assert get_worker_info() is None


def _init_fn(worker_id):
    np.random.seed(100 + worker_id)


def test_worker_init_fn_runs_in_each_worker():
    got = list(DataLoader(WhoAmI(), batch_size=4, num_workers=2, worker_init_fn=_init_fn))
    expect0 = np.random.RandomState(100).rand()
    assert got[0]["np"][0].item() == pytest.approx(expect0)


@pytest.mark.parametrize("method", METHODS)
def test_iterable_dataset_split_by_worker_info(method):
    loader = DataLoader(Stream(10), batch_size=2, num_workers=2, multiprocessing_context=method)
    out = [b.tolist() for b in loader]
    assert sorted(x for b in out for x in b) == list(range(10))
    assert out[0] == [0, 2] and out[1] == [1, 3]


def test_exception_names_worker_index_and_traceback():
    loader = DataLoader(Failing(), batch_size=2, num_workers=2)
    with pytest.raises(ValueError) as info:
        list(loader)
    msg = str(info.value)
    assert "Caught ValueError in DataLoader worker process 1" in msg
    assert "[6, 7]" in msg and "bad sample 7" in msg and "Traceback" in msg
    assert "__getitem__" in msg
    del info  # its traceback holds the iterator; once it goes, the workers go
    assert _children() == []


def test_exception_in_main_process_names_the_indices():
    with pytest.raises(ValueError, match="bad sample 7") as info:
        list(DataLoader(Failing(), batch_size=2))
    notes = getattr(info.value, "__notes__", ["[6, 7]"])
    assert "[6, 7]" in notes[0]


def test_dead_worker_raises_instead_of_hanging():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid \d+\) is killed by signal"):
        list(DataLoader(Suicidal(), batch_size=2, num_workers=2))
    assert time.monotonic() - start < 5
    assert _children() == []
    assert _segments(reductions.segment_prefix()) == []


def test_timeout_raises():
    loader = DataLoader(Slow(0.5), batch_size=2, num_workers=1, timeout=0.2)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.2 seconds"):
        next(iter(loader))
    assert time.monotonic() - start < 3
    time.sleep(0.05)
    assert _children() == []


def test_break_shuts_workers_down():
    loader = DataLoader(Squares(200), batch_size=2, num_workers=2)
    for i, _ in enumerate(loader):
        if i == 0:
            assert len(_children()) == 2
            break
    assert _children() == []
    assert _segments(reductions.segment_prefix()) == []


def test_persistent_workers_keep_processes_between_epochs():
    loader = DataLoader(Squares(9), batch_size=2, num_workers=2, persistent_workers=True)
    it = iter(loader)
    pids = [w.pid for w in it._workers]
    first = [b.tolist() for _, b in it]
    second = [b.tolist() for _, b in loader]
    assert first == second == [[0, 1], [2, 3], [4, 5], [6, 7], [8]]
    assert [w.pid for w in loader._iterator._workers] == pids
    next(iter(loader))  # a half-read epoch, then a full one
    assert [b.tolist() for _, b in loader] == first
    loader._iterator._shutdown_workers()
    assert _children() == []


def test_in_order_false_returns_every_batch():
    got = [b.tolist() for _, b in DataLoader(Squares(12), batch_size=3, num_workers=2,
                                            in_order=False)]
    assert sorted(got) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]


_INTERRUPT_SCRIPT = r"""
import os, sys, time, signal, threading
import ember
from ember.utils.data import DataLoader, Dataset

class Slow(Dataset):
    def __len__(self): return 1000
    def __getitem__(self, i):
        time.sleep(0.01)
        return i

loader = DataLoader(Slow(), batch_size=4, num_workers=2)
it = iter(loader)
next(it)
print(" ".join(str(w.pid) for w in it._workers), flush=True)
threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
try:
    for _ in it:
        pass
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_keyboard_interrupt_leaves_no_orphans():
    proc = subprocess.run([sys.executable, "-c", _INTERRUPT_SCRIPT], capture_output=True,
                          text=True, timeout=30)
    lines = proc.stdout.split("\n")
    assert "interrupted" in lines[1], proc.stderr
    for pid in map(int, lines[0].split()):
        assert not os.path.exists(f"/proc/{pid}"), f"worker {pid} outlived the main process"


class MissingKey(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return {}["missing"]


class Ragged(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return ember.zeros(i + 1)


def _failing_init(worker_id):
    raise OSError("cannot open the shard")


def test_key_error_and_stack_error_from_workers():
    with pytest.raises(KeyError) as info:
        next(iter(DataLoader(MissingKey(), batch_size=2, num_workers=1)))
    assert "Caught KeyError in DataLoader worker process 0" in str(info.value)
    assert "\n" in str(info.value)  # the traceback keeps its line breaks
    del info
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got "
                                           r"\[1\] at entry 0 and \[2\] at entry 1"):
        next(iter(DataLoader(Ragged(), batch_size=2, num_workers=1)))


def test_worker_init_fn_error_is_reraised():
    with pytest.raises(OSError, match="cannot open the shard") as info:
        list(DataLoader(Squares(4), batch_size=2, num_workers=1, worker_init_fn=_failing_init))
    assert "Caught OSError in DataLoader worker process 0" in str(info.value)


def test_persistent_workers_restart_iterable_datasets():
    loader = DataLoader(Stream(6), batch_size=2, num_workers=2, persistent_workers=True)
    first = sorted(x for b in loader for x in b.tolist())
    second = sorted(x for b in loader for x in b.tolist())
    assert first == second == list(range(6))
    loader._iterator._shutdown_workers()


def test_batches_from_workers_are_shared_tensors():
    batch = next(iter(DataLoader(Big(), batch_size=2, num_workers=1)))
    assert batch.is_shared() and batch.shape == (2, 64, 64)


class Exits(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        os._exit(2)


def test_worker_exit_code_is_reported():
    with pytest.raises(RuntimeError, match=r"exited unexpectedly with exit code 2"):
        list(DataLoader(Exits(), batch_size=2, num_workers=1))
    assert _children() == []
