"""Fit y = x^2 + noise with a one-hidden-layer net and plot the fit (seed 001)."""
import ember as torch
import ember.nn.functional as F

from _common import pyplot, save_figure, steps


class Net(torch.nn.Module):
    def __init__(self, n_features, n_hidden, n_output):
        super().__init__()
        self.hidden = torch.nn.Linear(n_features, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        return self.predict(x)  # no activation on a regression output


torch.manual_seed(1)
x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)   # (100, 1)
y = x.pow(2) + 0.2 * torch.rand(x.size())                  # noisy (100, 1)

net = Net(n_features=1, n_hidden=10, n_output=1)
print(net)
optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
loss_func = torch.nn.MSELoss()
for t in range(steps(200, 20)):
    prediction = net(x)
    loss = loss_func(prediction, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if t % 50 == 0:
        print(f"step {t:3d}  loss {loss.item():.4f}")
print(f"final loss {loss.item():.4f}")

plt = pyplot()
if plt is not None:
    plt.scatter(x.numpy(), y.numpy())
    plt.plot(x.numpy(), prediction.detach().numpy(), "r-", lw=5)
    plt.text(0.5, 0, "Loss=%.4f" % loss.item(), fontdict={"size": 20, "color": "red"})
    save_figure(plt, "regression.png")
