"""Custom layers (seed 004, d2l): one without parameters, one with its own Parameters."""
import ember as torch
import ember.nn.functional as F
from ember import nn

torch.manual_seed(0)


class CenteredLayer(nn.Module):
    """Subtracts the mean: no parameters at all."""

    def forward(self, X):
        return X - X.mean()


layer = CenteredLayer()
print(layer(torch.FloatTensor([1, 2, 3, 4, 5])))

net = nn.Sequential(nn.Linear(8, 128), CenteredLayer())
Y = net(torch.rand(4, 8))
print("mean after centring (zero up to rounding):", Y.mean())


class MyLinear(nn.Module):
    """A dense layer with ReLU; nn.Parameter registers the tensors as trainable."""

    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))

    def forward(self, X):
        linear = torch.matmul(X, self.weight) + self.bias
        return F.relu(linear)


dense = MyLinear(5, 3)
print(dense.weight)
print(dense(torch.rand(2, 5)))
net = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
print(net(torch.rand(2, 64)))
print("parameters:", [name for name, _ in net.named_parameters()])
