"""Save a trained net two ways and restore it (seed 001): the whole module, and its
state_dict into a fresh net. The three nets' fits are plotted side by side."""
import os

import ember as torch

from _common import out_path, pyplot, save_figure, steps

torch.manual_seed(1)
x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
y = x.pow(2) + 0.2 * torch.rand(x.size())


def make_net():
    return torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))


def save(net_path, params_path):
    net1 = make_net()
    optimizer = torch.optim.SGD(net1.parameters(), lr=0.02)
    loss_func = torch.nn.MSELoss()
    for _ in range(steps(2000, 100)):
        loss = loss_func(net1(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"trained: loss {loss.item():.4f}")
    torch.save(net1, net_path)                  # the entire module (needs weights_only=False)
    torch.save(net1.state_dict(), params_path)  # parameters only: smaller, and safe to load
    return net1


def restore_net(net_path):
    return torch.load(net_path, weights_only=False)


def restore_params(params_path):
    net3 = make_net()
    net3.load_state_dict(torch.load(params_path))
    return net3


net_path, params_path = out_path("net.pkl"), out_path("net_params.pkl")
nets = {"Net1": save(net_path, params_path), "Net2": restore_net(net_path),
        "Net3": restore_params(params_path)}
print(f"checkpoint sizes: whole net {os.path.getsize(net_path)} bytes, "
      f"state_dict {os.path.getsize(params_path)} bytes")
with torch.no_grad():
    predictions = {name: net(x) for name, net in nets.items()}
print("restored nets agree:", all(torch.equal(predictions["Net1"], p) for p in predictions.values()))

plt = pyplot()
if plt is not None:
    plt.figure(1, figsize=(10, 3))
    for i, (name, prediction) in enumerate(predictions.items()):
        plt.subplot(131 + i)
        plt.title(name)
        plt.scatter(x.numpy(), y.numpy())
        plt.plot(x.numpy(), prediction.numpy(), "r-", lw=5)
    save_figure(plt, "save_restore.png")
