"""Graphs are freed when unreferenced, and memory stays flat over many training steps."""
import gc
import weakref

import ember


def test_graph_freed_without_garbage_collector():
    x = ember.randn(10, requires_grad=True)
    gc.disable()
    try:
        y = (x * 2).exp().sin()
        z = y.sum()
        refs = [weakref.ref(z.grad_fn), weakref.ref(y.grad_fn)]
        del y, z
        assert all(r() is None for r in refs)
        # Also after backward, and with saved outputs (ExpBackward0 keeps its result).
        y = (x * 2).exp()
        y.sum().backward()
        ref = weakref.ref(y.grad_fn)
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_leaf_does_not_keep_graph_alive():
    x = ember.randn(10, requires_grad=True)
    gc.disable()
    try:
        loss = (x * x).sum()
        loss.backward()
        ref = weakref.ref(loss.grad_fn)
        del loss
        assert ref() is None
    finally:
        gc.enable()


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_rss_flat_over_10000_steps():
    ember.manual_seed(0)
    x = ember.randn(32, 8)
    y = ember.randn(32, 1)
    w1 = ember.randn(8, 16, requires_grad=True)
    w2 = ember.randn(16, 1, requires_grad=True)

    def step():
        loss = ((x @ w1).relu() @ w2 - y).pow(2).mean()
        loss.backward()
        with ember.no_grad():
            for p in (w1, w2):
                p -= 1e-3 * p.grad
                p.grad.zero_()

    for _ in range(300):
        step()
    gc.collect()
    before = _rss_kib()
    gc.disable()
    try:
        for _ in range(10_000):
            step()
    finally:
        gc.enable()
    growth = _rss_kib() - before
    assert growth < 2048, f"RSS grew by {growth} KiB over 10,000 steps"
