# Seed 000 (torch.nn and torch.optim notes), its programs in order.
# Typos fixed: loss.data[0] -> loss.data.item() (indexing a 0-dim tensor fails in PyTorch >= 0.5).
import torch
from torch.autograd import Variable
batch_n = 100
hidden_layer = 100
input_data = 1000
output_data = 10

x = Variable(torch.randn(batch_n, input_data), requires_grad=False)
y = Variable(torch.randn(batch_n, output_data), requires_grad=False)

models = torch.nn.Sequential(
    torch.nn.Linear(input_data, hidden_layer),
    torch.nn.ReLU(),
    torch.nn.Linear(hidden_layer, output_data)
)

from collections import OrderedDict
models = torch.nn.Sequential(OrderedDict([
    ("Line1", torch.nn.Linear(input_data, hidden_layer)),
    ("Relu1", torch.nn.ReLU()),
    ("Line2", torch.nn.Linear(hidden_layer, output_data))])
)
print(models)

epoch_n = 10000
learning_rate = 1e-4
loss_fn = torch.nn.MSELoss()

loss_f = torch.nn.MSELoss()
x1 = Variable(torch.randn(100, 100))
y1 = Variable(torch.randn(100, 100))
loss = loss_f(x1, y1)
print(loss.data)

for epoch in range(epoch_n):
    y_pred = models(x)
    loss = loss_fn(y_pred, y)
    if epoch % 1000 == 0:
        print("Epoch:{}, Loss:{:.4f}".format(epoch, loss.data.item()))
    models.zero_grad()

    loss.backward()

    for param in models.parameters():
        param.data -= param.grad.data * learning_rate

models = torch.nn.Sequential(
    torch.nn.Linear(input_data, hidden_layer),
    torch.nn.ReLU(),
    torch.nn.Linear(hidden_layer, output_data)
)

epoch_n = 20
learning_rate = 1e-4
loss_fn = torch.nn.MSELoss()

optimzer = torch.optim.Adam(models.parameters(), lr=learning_rate)

for epoch in range(epoch_n):
    y_pred = models(x)
    loss = loss_fn(y_pred, y)
    print("Epoch:{}, Loss:{:.4f}".format(epoch, loss.data.item()))
    optimzer.zero_grad()

    loss.backward()
    optimzer.step()
