"""W1 (seed 003): one training step of a 1000-100-10 MLP with Adam.

N=64, D_in=1000, H=100, D_out=10; Sequential(Linear, ReLU, Linear), MSELoss(reduction='sum'),
Adam lr 1e-4; zero_grad, forward, backward, step. Target (issue 6): ember at most 0.8x PyTorch.
Run: ``python benchmarks/mlp.py``.
"""
import _harness
from _harness import workload


@workload("W1 mlp: 64x1000-100-10, MSE(sum), Adam step", group="optim")
def mlp(torch):
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = torch.randn(N, D_in)
    y = torch.randn(N, D_out)
    model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(),
                                torch.nn.Linear(H, D_out))
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

    def step():
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


if __name__ == "__main__":
    _harness.main()
