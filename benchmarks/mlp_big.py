"""W5: one Adam training step of a 784-1024-1024-10 ReLU MLP, batch 256, cross-entropy.

Compute-bound. Target (issue 6): ember at most 1.0x PyTorch.
Run: ``python benchmarks/mlp_big.py``.
"""
import _harness
from _harness import workload


@workload("W5 mlp-big: 256x784-1024-1024-10, CE, Adam step", group="optim", repeat=5,
          target_s=0.3)
def mlp_big(torch):
    x = torch.randn(256, 784)
    target = torch.randint(0, 10, (256,))
    model = torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.ReLU(),
                                torch.nn.Linear(1024, 1024), torch.nn.ReLU(),
                                torch.nn.Linear(1024, 10))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()
    return step


if __name__ == "__main__":
    _harness.main()
