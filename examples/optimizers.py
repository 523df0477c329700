"""SGD, Momentum, RMSprop and Adam train the same net on the same batches; their loss curves
are plotted together (seed 001)."""
import ember as torch
import ember.nn.functional as F
import ember.utils.data as Data

from _common import pyplot, save_figure, steps

torch.manual_seed(1)
LR = 0.01
BATCH_SIZE = 32
EPOCH = steps(12, 1)

x = torch.unsqueeze(torch.linspace(-1, 1, 1000), dim=1)
y = x.pow(2) + 0.1 * torch.normal(torch.zeros(*x.size()))
loader = Data.DataLoader(dataset=Data.TensorDataset(x, y), batch_size=BATCH_SIZE, shuffle=True)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(1, 20)
        self.predict = torch.nn.Linear(20, 1)

    def forward(self, x):
        return self.predict(F.relu(self.hidden(x)))


nets = {name: Net() for name in ("SGD", "Momentum", "RMSprop", "Adam")}
optimizers = {
    "SGD": torch.optim.SGD(nets["SGD"].parameters(), lr=LR),
    "Momentum": torch.optim.SGD(nets["Momentum"].parameters(), lr=LR, momentum=0.8),
    "RMSprop": torch.optim.RMSprop(nets["RMSprop"].parameters(), lr=LR, alpha=0.9),
    "Adam": torch.optim.Adam(nets["Adam"].parameters(), lr=LR, betas=(0.9, 0.99)),
}
loss_func = torch.nn.MSELoss()
history = {name: [] for name in nets}

for epoch in range(EPOCH):
    for b_x, b_y in loader:
        for name, net in nets.items():
            loss = loss_func(net(b_x), b_y)
            optimizers[name].zero_grad()
            loss.backward()
            optimizers[name].step()
            history[name].append(loss.item())
    print(f"epoch {epoch}: " + ", ".join(f"{n} {h[-1]:.4f}" for n, h in history.items()))

plt = pyplot()
if plt is not None:
    for name, losses in history.items():
        plt.plot(losses, label=name)
    plt.legend(loc="best")
    plt.xlabel("Steps")
    plt.ylabel("Loss")
    plt.ylim((0, 0.2))
    save_figure(plt, "optimizers.png")
