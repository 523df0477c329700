"""W2 (seed 001's regression): one SGD step of Linear(1,10)-ReLU-Linear(10,1) on 100 points.

Almost all overhead. Target (issue 6): ember at most 0.5x PyTorch.
Run: ``python benchmarks/tiny.py``.
"""
import _harness
from _harness import workload


@workload("W2 tiny: 100x1-10-1, MSE, SGD step", group="optim")
def tiny(torch):
    x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
    y = x.pow(2) + 0.2 * torch.rand(x.size())
    net = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
    loss_func = torch.nn.MSELoss()

    def step():
        prediction = net(x)
        loss = loss_func(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


if __name__ == "__main__":
    _harness.main()
