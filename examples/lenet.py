"""LeNet (seed 002): define the net, look at its parameters, run a 32x32 input, follow the
loss back through grad_fn, and update the weights by hand and with optim.SGD.

The full training run on MNIST is ``python -m ember.examples.mnist``.
"""
import ember as torch
import ember.nn as nn
import ember.nn.functional as F
import ember.optim as optim


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)     # 1 input channel, 6 outputs, 5x5 kernel
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # a square window can be given as one int
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def num_flat_features(self, x):
        num_features = 1
        for s in x.size()[1:]:   # every dimension except the batch
            num_features *= s
        return num_features


torch.manual_seed(0)
net = Net()
print(net)

params = list(net.parameters())
print("number of parameter tensors:", len(params))
print("conv1.weight size:", params[0].size())

input = torch.randn(1, 1, 32, 32)   # nn layers take mini-batches: (N, C, H, W)
out = net(input)
print(out)

net.zero_grad()
out.backward(torch.randn(1, 10))

output = net(input)
target = torch.randn(10).view(1, -1)   # a dummy target shaped like the output
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)

# The graph, one step at a time: MSE <- linear (addmm) <- its inputs.
print(loss.grad_fn)
print(loss.grad_fn.next_functions[0][0])
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])

net.zero_grad()
print("conv1.bias.grad before backward:", net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward:", net.conv1.bias.grad)

# weight = weight - learning_rate * gradient, by hand ...
learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)

# ... and with torch.optim.
optimizer = optim.SGD(net.parameters(), lr=0.01)
for step in range(3):
    optimizer.zero_grad()
    loss = criterion(net(input), target)
    loss.backward()
    optimizer.step()
    print(f"SGD step {step}: loss {loss.item():.4f}")
