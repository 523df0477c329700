"""W6 (issue 5): LSTM(32, 128) over 50 steps, batch 32, a Linear head, MSELoss, Adam, one
training step. Target: ember at most 1.5x PyTorch. Run: ``python benchmarks/lstm.py``.
"""
import _harness
from _harness import workload


@workload("W6 lstm train step, seq 50, batch 32", group="seed workloads", target_s=0.2)
def lstm_train(torch):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(32, 128)
    head = torch.nn.Linear(128, 1)
    params = list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.randn(50, 32, 32)
    y = torch.randn(50, 32, 1)
    criterion = torch.nn.MSELoss()

    def step():
        opt.zero_grad()
        out, _ = lstm(x)
        loss = criterion(head(out), y)
        loss.backward()
        opt.step()
    return step


if __name__ == "__main__":
    _harness.main()
