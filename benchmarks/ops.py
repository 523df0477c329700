"""Per-op cost of ember's Tensor against PyTorch: small (10 elements) and large (1M) elementwise
ops, reductions and matmuls, forward only, no autograd recording.

Targets (issue 2): small ops at most 1.5x PyTorch's time, large ones at most 1.2x.
Run: ``python benchmarks/ops.py`` (one BLAS/OpenMP thread for both frameworks).
"""
import _harness
from _harness import workload

SMALL, LARGE = 10, 1_000_000


def _pair(torch, n, dtype_name="float32"):
    g = torch.Generator().manual_seed(0)
    dt = getattr(torch, dtype_name)
    a = torch.rand(n, generator=g, dtype=dt) + 0.5
    b = torch.rand(n, generator=g, dtype=dt) + 0.5
    return a, b


def _elementwise(label, fn, n, group):
    @workload(f"{label} ({n:,} float32)", group=group)
    def factory(torch):
        a, b = _pair(torch, n)
        return lambda: fn(torch, a, b)
    return factory


for _n, _group in ((SMALL, "small elementwise (10)"), (LARGE, "large elementwise (1M)")):
    _elementwise("a + b", lambda torch, a, b: a + b, _n, _group)
    _elementwise("a * b", lambda torch, a, b: a * b, _n, _group)
    _elementwise("a / b", lambda torch, a, b: a / b, _n, _group)
    _elementwise("a * 2.5", lambda torch, a, b: a * 2.5, _n, _group)
    _elementwise("a > b", lambda torch, a, b: a > b, _n, _group)
    _elementwise("torch.exp(a)", lambda torch, a, b: torch.exp(a), _n, _group)
    _elementwise("torch.relu(a)", lambda torch, a, b: torch.relu(a), _n, _group)
    _elementwise("a.add_(b)", lambda torch, a, b: a.add_(b).sub_(b), _n, _group)


@workload("a.sum() (10)", group="reductions")
def sum_small(torch):
    a, _ = _pair(torch, SMALL)
    return lambda: a.sum()


@workload("a.sum() (1M)", group="reductions")
def sum_large(torch):
    a, _ = _pair(torch, LARGE)
    return lambda: a.sum()


@workload("x.mean(dim=1) (1000x1000)", group="reductions")
def mean_rows(torch):
    a, _ = _pair(torch, LARGE)
    x = a.reshape(1000, 1000)
    return lambda: x.mean(dim=1)


@workload("x.max(dim=1) (1000x1000)", group="reductions")
def max_rows(torch):
    a, _ = _pair(torch, LARGE)
    x = a.reshape(1000, 1000)
    return lambda: x.max(dim=1)


@workload("matmul 4x4 @ 4x4", group="matmul")
def matmul_small(torch):
    a, b = _pair(torch, 16)
    x, y = a.reshape(4, 4), b.reshape(4, 4)
    return lambda: x @ y


@workload("matmul 256x256 @ 256x256", group="matmul")
def matmul_mid(torch):
    a, b = _pair(torch, 256 * 256)
    x, y = a.reshape(256, 256), b.reshape(256, 256)
    return lambda: x @ y


@workload("matmul 64x1000 @ 1000x100", group="matmul")
def matmul_seed(torch):
    a, b = _pair(torch, 100_000)
    x, y = a[:64_000].reshape(64, 1000), b.reshape(1000, 100)
    return lambda: x @ y


if __name__ == "__main__":
    _harness.main()
