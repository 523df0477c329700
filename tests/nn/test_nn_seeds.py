"""The nn parts of the seed programs run on ember and print what PyTorch prints (values aside)."""
from __future__ import annotations

import re
import textwrap

import ember


def run(src: str, capsys) -> list:
    exec(textwrap.dedent(src), {"torch": ember, "__name__": "seed"})
    return capsys.readouterr().out.splitlines()


def _mask_numbers(line: str) -> str:
    return re.sub(r"-?\d+\.\d+(e[-+]\d+)?", "#", line)


def test_seed000_sequential_mse_adam(capsys):
    out = run("""
        from collections import OrderedDict
        batch_n, hidden_layer, input_data, output_data = 100, 100, 1000, 10
        x = torch.randn(batch_n, input_data)
        y = torch.randn(batch_n, output_data)
        models = torch.nn.Sequential(OrderedDict([
            ("Line1", torch.nn.Linear(input_data, hidden_layer)),
            ("Relu1", torch.nn.ReLU()),
            ("Line2", torch.nn.Linear(hidden_layer, output_data))]))
        print(models)
        loss_fn = torch.nn.MSELoss()
        optimzer = torch.optim.Adam(models.parameters(), lr=1e-4)
        for epoch in range(20):
            y_pred = models(x)
            loss = loss_fn(y_pred, y)
            print("Epoch:{}, Loss:{:.4f}".format(epoch, loss.item()))
            optimzer.zero_grad()
            loss.backward()
            optimzer.step()
        loss_f = torch.nn.MSELoss()
        print(loss_f(torch.randn(100, 100), torch.randn(100, 100)).data)
        print(torch.nn.L1Loss()(torch.randn(100, 100), torch.randn(100, 100)).data)
        print(torch.nn.CrossEntropyLoss()(torch.randn(3, 5), torch.LongTensor(3).random_(5)).data)
    """, capsys)
    assert out[:5] == ["Sequential(",
                       "  (Line1): Linear(in_features=1000, out_features=100, bias=True)",
                       "  (Relu1): ReLU()",
                       "  (Line2): Linear(in_features=100, out_features=10, bias=True)", ")"]
    losses = [float(line.split(":")[-1]) for line in out[5:25]]
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert [_mask_numbers(line) for line in out[25:]] == ["tensor(#)"] * 3


def test_seed002_net_prints_and_grad_fn_chain(capsys):
    out = run("""
nn = torch.nn
F = torch.nn.functional

class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16*5*5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]
        num_features = 1
        for s in size:
            num_features *= s
        return num_features

net = Net()
print(net)
params = list(net.parameters())
print(len(params))
print(params[0].size())
input = torch.randn(1, 1, 32, 32)
out = net(input)
net.zero_grad()
out.backward(torch.randn(1, 10))
output = net(input)
target = torch.randn(10)
target = target.view(1, -1)
criterion = nn.MSELoss()
loss = criterion(output, target)
print(type(loss.grad_fn).__name__)
print(type(loss.grad_fn.next_functions[0][0]).__name__)
print(type(loss.grad_fn.next_functions[0][0].next_functions[0][0]).__name__)
net.zero_grad()
print(net.conv1.bias.grad)
loss.backward()
print(net.conv1.bias.grad.shape)
learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
""", capsys)
    assert out[:7] == [
        "Net(",
        "  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))",
        "  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))",
        "  (fc1): Linear(in_features=400, out_features=120, bias=True)",
        "  (fc2): Linear(in_features=120, out_features=84, bias=True)",
        "  (fc3): Linear(in_features=84, out_features=10, bias=True)", ")"]
    assert out[7:] == ["10", "ember.Size([6, 1, 5, 5])", "MseLossBackward0", "AddmmBackward0",
                       "AccumulateGrad", "None", "ember.Size([6])"]


def test_seed003_nn_variants_run(capsys):
    out = run("""
        import random
        N, D_in, H, D_out = 16, 100, 20, 5
        x = torch.randn(N, D_in)
        y = torch.randn(N, D_out)
        model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(),
                                    torch.nn.Linear(H, D_out))
        loss_fn = torch.nn.MSELoss(reduction='sum')
        for i in range(5):
            loss = loss_fn(model(x), y)
            print(i, loss.item())
            model.zero_grad()
            loss.backward()
            with torch.no_grad():
                for param in model.parameters():
                    param -= 1e-4 * param.grad

        class DynamicNet(torch.nn.Module):
            def __init__(self, D_in, H, D_out):
                super(DynamicNet, self).__init__()
                self.input_linear = torch.nn.Linear(D_in, H)
                self.middle_linear = torch.nn.Linear(H, H)
                self.output_linear = torch.nn.Linear(H, D_out)

            def forward(self, x):
                h_relu = self.input_linear(x).clamp(min=0)
                for _ in range(random.randint(0, 3)):
                    h_relu = self.middle_linear(h_relu).clamp(min=0)
                return self.output_linear(h_relu)

        model = DynamicNet(D_in, H, D_out)
        criterion = torch.nn.MSELoss(reduction='sum')
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
        for i in range(5):
            loss = criterion(model(x), y)
            print(i, loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    """, capsys)
    assert [line.split()[0] for line in out] == [str(i) for i in range(5)] * 2
    assert all(float(line.split()[1]) > 0 for line in out)


def test_seed004_blocks_params_and_custom_layers(capsys):
    out = run("""
nn = torch.nn
F = torch.nn.functional
net = nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
print(net(torch.rand(2, 20)).shape)

class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.rand_weight = torch.rand((20, 20), requires_grad=False)
        self.linear = nn.Linear(20, 20)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(torch.mm(X, self.rand_weight + 1))
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()

class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(self.net(X))

chimear = nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
print(repr(chimear(torch.rand(2, 20))).split("grad_fn=")[1])

net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
X = torch.rand(size=(2, 4))
net(X)
print(list(net[2].state_dict().keys()))
print(type(net[2].bias))
print(str(net[2].bias).splitlines()[0])
print(net[2].weight.grad == None)
print(*[(name, param.shape) for name, param in net[0].named_parameters()])
print(*[(name, param.shape) for name, param in net.named_parameters()])
print(net.state_dict()['2.bias'].data.shape)

def my_init(m):
    if type(m) == nn.Linear:
        print("Init", *[(name, param.shape) for name, param in m.named_parameters()][0])
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.data *= m.weight.data.abs() >= 5

net.apply(my_init)
print(repr(net[0].weight[:2]).split("grad_fn=")[1])
net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
print(net[0].weight.data[0][0])

class CenteredLayer(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, X):
        return X - X.mean()

print(CenteredLayer()(torch.FloatTensor([1, 2, 3, 4, 5])))

class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units,))

    def forward(self, X):
        linear = torch.matmul(X, self.weight.data) + self.bias.data
        return F.relu(linear)

dense = MyLinear(5, 3)
print(str(dense.weight).splitlines()[0])
print(dense(torch.rand(2, 5)).shape)
net = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
print(net(torch.rand(2, 64)).shape)
""", capsys)
    assert out == [
        "ember.Size([2, 10])",
        "<SumBackward0>)",
        "['weight', 'bias']",
        "<class 'ember.nn.parameter.Parameter'>",
        "Parameter containing:",
        "True",
        "('weight', ember.Size([8, 4])) ('bias', ember.Size([8]))",
        "('0.weight', ember.Size([8, 4])) ('0.bias', ember.Size([8])) "
        "('2.weight', ember.Size([1, 8])) ('2.bias', ember.Size([1]))",
        "ember.Size([1])",
        "Init weight ember.Size([8, 4])",
        "Init weight ember.Size([1, 8])",
        "<SliceBackward0>)",
        "tensor(42.)",
        "tensor([-2., -1.,  0.,  1.,  2.])",
        "Parameter containing:",
        "ember.Size([2, 3])",
        "ember.Size([2, 1])",
    ]
