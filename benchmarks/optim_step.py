"""The optimizer step alone over W5's 1.9M parameters: Adam, and SGD with momentum.

Gradients are fixed; only ``optimizer.step()`` is timed. Target (issue 6): at most 1.0x PyTorch.
Run: ``python benchmarks/optim_step.py``.
"""
import _harness
from _harness import workload

SHAPES = [(1024, 784), (1024,), (1024, 1024), (1024,), (10, 1024), (10,)]


def _params(torch):
    params = [torch.randn(*s, requires_grad=True) for s in SHAPES]
    for p in params:
        p.grad = torch.randn(*p.shape) * 1e-3
    return params


@workload("Adam step, 1.9M params (W5)", group="optim", repeat=7, target_s=0.2)
def adam_step(torch):
    optimizer = torch.optim.Adam(_params(torch), lr=1e-3)
    return optimizer.step


@workload("SGD momentum step, 1.9M params (W5)", group="optim", repeat=7, target_s=0.2)
def sgd_step(torch):
    optimizer = torch.optim.SGD(_params(torch), lr=1e-3, momentum=0.9)
    return optimizer.step


@workload("Adam step, 4 tiny params (W2)", group="optim", repeat=7)
def adam_tiny(torch):
    params = [torch.randn(*s, requires_grad=True) for s in [(10, 1), (10,), (1, 10), (1,)]]
    for p in params:
        p.grad = torch.randn(*p.shape)
    optimizer = torch.optim.Adam(params, lr=1e-3)
    return optimizer.step


@workload("SGD step, 4 tiny params (W2)", group="optim", repeat=7)
def sgd_tiny(torch):
    params = [torch.randn(*s, requires_grad=True) for s in [(10, 1), (10,), (1, 10), (1,)]]
    for p in params:
        p.grad = torch.randn(*p.shape)
    optimizer = torch.optim.SGD(params, lr=1e-3)
    return optimizer.step


if __name__ == "__main__":
    _harness.main()
