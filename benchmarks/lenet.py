"""Seed 002's LeNet (issue 5, W3 and W4).

W3: batch 64 of 1x32x32, CrossEntropyLoss, SGD with momentum, one full training step; target
ember at most 1.0x PyTorch. W4: forward only under no_grad, batch 256; target at most 1.0x.
Run: ``python benchmarks/lenet.py``.
"""
import _harness
from _harness import workload


def _lenet(torch):
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return Net()


@workload("W3 lenet train step, batch 64", group="seed workloads")
def lenet_train(torch):
    torch.manual_seed(0)
    net = _lenet(torch)
    x = torch.randn(64, 1, 32, 32)
    y = torch.randint(0, 10, (64,))
    criterion = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        opt.step()
    return step


@workload("W4 lenet-infer, batch 256, no_grad", group="seed workloads")
def lenet_infer(torch):
    torch.manual_seed(0)
    net = _lenet(torch)
    x = torch.randn(256, 1, 32, 32)

    def step():
        with torch.no_grad():
            net(x)
    return step


if __name__ == "__main__":
    _harness.main()
