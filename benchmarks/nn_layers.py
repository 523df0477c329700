"""nn part 1 hot paths: Linear forward, MLP forward+backward, cross entropy, softmax, MSE.

Run: ``python benchmarks/nn_layers.py`` (times ember and, when installed, torch; one thread).
"""
import _harness
from _harness import workload


@workload("nn Linear(1000,100) forward, batch 64, no grad", group="nn")
def linear_forward(torch):
    lin = torch.nn.Linear(1000, 100)
    x = torch.randn(64, 1000)

    def step():
        with torch.no_grad():
            lin(x)
    return step


@workload("nn tiny Sequential forward+backward (100x1-10-1, MSE)", group="nn")
def tiny_fwd_bwd(torch):
    x = torch.randn(100, 1)
    y = torch.randn(100, 1)
    net = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))
    loss_fn = torch.nn.MSELoss()

    def step():
        loss_fn(net(x), y).backward()
    return step


@workload("nn cross_entropy fwd+bwd, 256x10 logits", group="nn")
def cross_entropy(torch):
    x = torch.randn(256, 10, requires_grad=True)
    t = torch.randint(0, 10, (256,))

    def step():
        torch.nn.functional.cross_entropy(x, t).backward()
    return step


@workload("nn log_softmax fwd+bwd, 256x1000", group="nn")
def log_softmax(torch):
    x = torch.randn(256, 1000, requires_grad=True)

    def step():
        torch.nn.functional.log_softmax(x, dim=1).sum().backward()
    return step


@workload("nn MLP 784-128-10 CE fwd+bwd, batch 64", group="nn")
def mlp_ce(torch):
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(),
                              torch.nn.Linear(128, 10))
    x = torch.randn(64, 1, 28, 28)
    t = torch.randint(0, 10, (64,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        net.zero_grad()
        loss_fn(net(x), t).backward()
    return step


if __name__ == "__main__":
    _harness.main()
