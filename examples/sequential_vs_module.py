"""The same net written as a Module class and as nn.Sequential (seed 001).

Sequential lists the activation as a layer; the class calls it inside forward(), where any
Python may run.
"""
import ember as torch
import ember.nn.functional as F


class Net(torch.nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super().__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        return self.predict(x)


torch.manual_seed(0)
net1 = Net(1, 10, 1)
net2 = torch.nn.Sequential(
    torch.nn.Linear(1, 10),
    torch.nn.ReLU(),
    torch.nn.Linear(10, 1),
)
print(net1)
print(net2)

# Copy the weights across: both compute the same function.
net2[0].load_state_dict(net1.hidden.state_dict())
net2[2].load_state_dict(net1.predict.state_dict())
x = torch.linspace(-1, 1, 5).unsqueeze(1)
print("same outputs:", torch.allclose(net1(x), net2(x)))
