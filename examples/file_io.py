"""Reading and writing files (seed 004, d2l): tensors, lists and dicts of tensors, and a
model's parameters, saved with ember.save and read back with ember.load."""
import ember as torch
from ember import nn
from ember.nn import functional as F

from _common import out_path

torch.manual_seed(0)
x = torch.arange(4)
torch.save(x, out_path("x-file"))
print(torch.load(out_path("x-file")))

y = torch.zeros(4)
torch.save([x, y], out_path("x-files"))
x2, y2 = torch.load(out_path("x-files"))
print((x2, y2))

mydict = {"x": x, "y": y}
torch.save(mydict, out_path("mydict"))
print(torch.load(out_path("mydict")))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(20, 256)
        self.output = nn.Linear(256, 10)

    def forward(self, x):
        return self.output(F.relu(self.hidden(x)))


net = MLP()
X = torch.randn(size=(2, 20))
Y = net(X)
torch.save(net.state_dict(), out_path("mlp.params"))

clone = MLP()   # same architecture, fresh random weights ...
clone.load_state_dict(torch.load(out_path("mlp.params")))   # ... replaced by the saved ones
print(clone.eval())
Y_clone = clone(X)
print(Y_clone == Y)
print("identical outputs:", bool((Y_clone == Y).all()))
