"""Autograd overhead: forward + backward of small graphs, and of a graph of 1M-element tensors.

Targets (issue 3): ember at most 0.5x PyTorch's time on the small graphs, at most 1.1x on the
large one. Run: ``python benchmarks/autograd.py``.
"""
import _harness
from _harness import workload


@workload("(a*b).sum().backward(), 10 elements", group="autograd")
def small_graph(torch):
    a = torch.randn(10, requires_grad=True)
    b = torch.randn(10, requires_grad=True)

    def step():
        (a * b).sum().backward()
    return step


def _chain(x, w):
    # 10 recorded ops.
    y = x * w
    y = y + 1.0
    y = y.tanh()
    y = y * x
    y = y.exp()
    y = y - w
    y = y.sigmoid()
    y = y / 2.0
    y = y.relu()
    return y.sum()


@workload("10-op chain, 10 elements", group="autograd")
def chain_small(torch):
    x = torch.randn(10, requires_grad=True)
    w = torch.randn(10, requires_grad=True)

    def step():
        _chain(x, w).backward()
    return step


@workload("10-op chain, 1M elements", group="autograd", repeat=5, target_s=0.3)
def chain_large(torch):
    x = torch.randn(1_000_000, requires_grad=True)
    w = torch.randn(1_000_000, requires_grad=True)

    def step():
        x.grad = None
        w.grad = None
        _chain(x, w).backward()
    return step


@workload("double backward (Hessian-vector product), 10 elements", group="autograd")
def hvp_small(torch):
    x = torch.randn(10, requires_grad=True)
    v = torch.randn(10)

    def step():
        (g,) = torch.autograd.grad((x.sin() * x).sum(), x, create_graph=True)
        torch.autograd.grad((g * v).sum(), x)
    return step


if __name__ == "__main__":
    _harness.main()
