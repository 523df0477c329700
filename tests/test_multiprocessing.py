"""ember.multiprocessing: tensors cross process boundaries through shared memory."""
import os

import numpy as np
import pytest

import ember
import ember.multiprocessing as mp
from ember.multiprocessing import reductions

METHODS = ["fork", "spawn"]


def _add_one(q_in, q_out):
    t = q_in.get()
    t.add_(1)  # writes into memory the parent also maps
    q_out.put((t.is_shared(), t.sum().item()))


def _fill(rank, t):
    t[rank] = rank + 1


def _boom(rank):
    if rank == 1:
        raise ValueError("rank one failed")


def _exit_code(rank):
    os._exit(3)


@pytest.fixture(params=["file_descriptor", "file_system"])
def strategy(request):
    old = mp.get_sharing_strategy()
    mp.set_sharing_strategy(request.param)
    yield request.param
    mp.set_sharing_strategy(old)


def test_reexports_and_strategies():
    assert mp.Process is not None and mp.get_context("spawn") is not None
    assert mp.get_all_sharing_strategies() == {"file_descriptor", "file_system"}
    assert mp.get_sharing_strategy() == "file_descriptor"
    with pytest.raises(AssertionError, match="sharing strategy must be one of"):
        mp.set_sharing_strategy("nope")


def test_share_memory_moves_data_in_place():
    t = ember.arange(6.0).reshape(2, 3)
    assert not t.is_shared()
    assert t.share_memory_() is t and t.is_shared()
    assert t.tolist() == [[0, 1, 2], [3, 4, 5]]
    t.share_memory_()  # a second call keeps the same memory
    assert t.is_shared()


@pytest.mark.parametrize("method", METHODS)
def test_queue_shares_tensor_memory(method, strategy):
    ctx = mp.get_context(method)
    q_in, q_out = ctx.Queue(), ctx.Queue()
    t = ember.zeros(1000)
    p = ctx.Process(target=_add_one, args=(q_in, q_out))
    p.start()
    q_in.put(t)
    shared, total = q_out.get(timeout=30)
    p.join(10)
    assert p.exitcode == 0 and shared and total == 1000.0
    assert t.is_shared() and t.sum().item() == 1000.0  # the child's write is visible here


def test_views_and_parameters_keep_their_layout():
    from ember.nn import Parameter
    reductions.init_reductions()
    base = ember.arange(12.0).reshape(3, 4)
    view = base.t()
    from multiprocessing.reduction import ForkingPickler
    back = ForkingPickler.loads(ForkingPickler.dumps(view))
    assert back.tolist() == view.tolist() and back.stride() == view.stride()
    p = Parameter(ember.ones(2))
    q = ForkingPickler.loads(ForkingPickler.dumps(p))
    assert isinstance(q, Parameter) and q.requires_grad and q.is_shared()


def test_non_leaf_requiring_grad_is_refused():
    from multiprocessing.reduction import ForkingPickler
    x = ember.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        ForkingPickler.dumps(x)


def test_spawn_runs_every_rank_on_shared_tensor():
    t = ember.zeros(3).share_memory_()
    mp.spawn(_fill, args=(t,), nprocs=3, start_method="fork")
    assert t.tolist() == [1.0, 2.0, 3.0]


def test_spawn_reports_the_childs_traceback():
    with pytest.raises(mp.ProcessRaisedException, match="rank one failed") as info:
        mp.spawn(_boom, nprocs=2, start_method="fork")
    assert "-- Process 1 terminated with the following error" in str(info.value)
    with pytest.raises(mp.ProcessExitedException, match="terminated with exit code 3"):
        mp.spawn(_exit_code, nprocs=1, start_method="fork")


def test_spawn_without_join_returns_context():
    ctx = mp.start_processes(_fill, args=(ember.zeros(2).share_memory_(),), nprocs=2,
                             join=False, start_method="fork")
    while not ctx.join(timeout=5):
        pass
    assert len(ctx.pids()) == 2


def test_batches_round_trip_through_one_segment():
    big = ember.arange(5000.0)
    payload, name = reductions.dump_batch({"x": big, "y": [np.ones(3000), "s", 1]})
    assert name is not None and len(payload) < 1000
    out = reductions.load_batch(payload, name)
    assert np.array_equal(out["x"].numpy(), big.numpy()) and out["y"][1:] == ["s", 1]
    assert isinstance(out["y"][0], np.ndarray) and out["y"][0].sum() == 3000
    assert not os.path.exists("/dev/shm" + name)  # unlinked on load; alive while mapped
    small_payload, no_name = reductions.dump_batch(ember.ones(3))
    assert no_name is None and reductions.load_batch(small_payload, None).tolist() == [1, 1, 1]
