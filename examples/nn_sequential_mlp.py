"""torch.nn and torch.optim (seed 000): a Sequential MLP, named layers, MSELoss, manual
updates over model.parameters(), then the same net trained by Adam."""
from collections import OrderedDict

import ember as torch
from ember.autograd import Variable

from _common import steps

torch.manual_seed(0)
batch_n, hidden_layer, input_data, output_data = 100, 100, 1000, 10

x = Variable(torch.randn(batch_n, input_data), requires_grad=False)
y = Variable(torch.randn(batch_n, output_data), requires_grad=False)

# Layers named through an OrderedDict instead of 0, 1, 2.
models = torch.nn.Sequential(OrderedDict([
    ("Line1", torch.nn.Linear(input_data, hidden_layer)),
    ("Relu1", torch.nn.ReLU()),
    ("Line2", torch.nn.Linear(hidden_layer, output_data)),
]))
print(models)

loss_f = torch.nn.MSELoss()
print("MSELoss of two random (100, 100) tensors:",
      loss_f(torch.randn(100, 100), torch.randn(100, 100)).data)

# Plain gradient descent, updating each parameter by hand.
epoch_n = steps(10000, 200)
learning_rate = 1e-4
loss_fn = torch.nn.MSELoss()
for epoch in range(epoch_n):
    y_pred = models(x)
    loss = loss_fn(y_pred, y)
    if epoch % (epoch_n // 10) == 0:
        print("Epoch:{}, Loss:{:.4f}".format(epoch, loss.item()))
    models.zero_grad()
    loss.backward()
    for param in models.parameters():
        param.data -= param.grad.data * learning_rate

# The same model with Adam: 20 steps go further than thousands of plain ones.
models = torch.nn.Sequential(
    torch.nn.Linear(input_data, hidden_layer),
    torch.nn.ReLU(),
    torch.nn.Linear(hidden_layer, output_data),
)
optimizer = torch.optim.Adam(models.parameters(), lr=learning_rate)
for epoch in range(20):
    y_pred = models(x)
    loss = loss_fn(y_pred, y)
    print("Epoch:{}, Loss:{:.4f}".format(epoch, loss.item()))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
