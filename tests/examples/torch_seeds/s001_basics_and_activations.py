# Seed 001: Torch or NumPy, Variable, activation functions.
# Typos fixed: np.sin(data) == torch.sin(data) used undefined names; print(Variable.data) ->
# print(variable.data); torch.nn.funcational -> functional; torch.linespace -> linspace.
import torch
import numpy as np
np_data = np.arange(6).reshape((2, 3))
torch_data = torch.from_numpy(np_data)
tensor2array = torch_data.numpy()

np.sin(np_data) == torch.sin(torch_data)

data = [[1, 2], [3, 4]]
tensor = torch.FloatTensor(data)
print(
    "\nmatrix multiplication (matmul)",
    "\nnumpy", np.matmul(data, data),
    "\ntorch", torch.mm(tensor, tensor)
)

from torch.autograd import Variable
tensor = torch.FloatTensor([[1, 2], [3, 4]])
variable = Variable(tensor, requires_grad=True)
print(tensor)

t_out = torch.mean(tensor * tensor)
v_out = torch.mean(variable * variable)
print(t_out)
print(v_out)

v_out.backward()
print("variable.grad: ", variable.grad)

print(variable)
print(variable.data)
print(variable.data.numpy())

import torch.nn.functional as F
x = torch.linspace(-5, 5, 200)
x = Variable(x)
x_np = x.data.numpy()
y_relu = F.relu(x).data.numpy()
y_sigmoid = F.sigmoid(x).data.numpy()
y_tanh = F.tanh(x).data.numpy()
y_softplus = F.softplus(x).data.numpy()

import matplotlib.pyplot as plt

plt.figure(1, figsize=(8, 6))
plt.subplot(221)
plt.plot(x_np, y_relu, c='red', label="relu")
plt.ylim((-1, 5))
plt.legend(loc="best")
plt.subplot(223)
plt.plot(x_np, y_sigmoid, c="blue", label="sigmoid")
plt.ylim((-0.1, 1.2))
plt.legend(loc="best")
plt.subplot(222)
plt.plot(x_np, y_tanh, c="orange", label="tanh")
plt.ylim((-1.1, 1.1))
plt.legend(loc="best")
plt.subplot(224)
plt.plot(x_np, y_softplus, c="yellow", label="softplus")
plt.ylim((-1, 5))
plt.legend(loc="best")
plt.show()
