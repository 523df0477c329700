"""Separate two Gaussian clusters with a small net; plot the predictions and the accuracy (seed 001)."""
import ember as torch
import ember.nn.functional as F

from _common import pyplot, save_figure, steps


class Net(torch.nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super().__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        return self.predict(x)


torch.manual_seed(1)
n_data = torch.ones((100, 2))
x0 = torch.normal(2 * n_data, 1)     # class 0 around (2, 2)
y0 = torch.zeros((100,))
x1 = torch.normal(-2 * n_data, 1)    # class 1 around (-2, -2)
y1 = torch.ones((100,))
x = torch.cat((x0, x1), 0).type(torch.FloatTensor)
y = torch.cat((y0, y1)).type(torch.LongTensor)   # class indices, not one-hot

net = Net(n_feature=2, n_hidden=10, n_output=2)
print(net)
optimizer = torch.optim.SGD(net.parameters(), lr=0.02)
loss_func = torch.nn.CrossEntropyLoss()
for t in range(steps(100, 20)):
    out = net(x)
    loss = loss_func(out, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

prediction = torch.max(F.softmax(out, dim=1), 1)[1]
pred_y = prediction.numpy()
target_y = y.numpy()
accuracy = float((pred_y == target_y).sum()) / len(target_y)
print(f"loss {loss.item():.4f}  accuracy {accuracy:.2f}")

plt = pyplot()
if plt is not None:
    plt.scatter(x.numpy()[:, 0], x.numpy()[:, 1], c=pred_y, s=100, lw=0, cmap="RdYlGn")
    plt.text(1.5, -4, "Accuracy=%.2f" % accuracy, fontdict={"size": 20, "color": "red"})
    save_figure(plt, "classification.png")
