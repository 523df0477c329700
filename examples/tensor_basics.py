"""Tensors next to NumPy, and gradients through a mean (seed 001)."""
import numpy as np

import ember as torch
from ember.autograd import Variable

np_data = np.arange(6).reshape((2, 3))
torch_data = torch.from_numpy(np_data)
tensor2array = torch_data.numpy()
print("numpy array:\n", np_data, "\nember tensor:\n", torch_data, "\nback to numpy:\n", tensor2array)
print("sin agrees with NumPy:", np.allclose(np.sin(np_data), torch.sin(torch_data).numpy()))

data = [[1, 2], [3, 4]]
tensor = torch.FloatTensor(data)
print("\nmatrix multiplication (matmul)",
      "\nnumpy", np.matmul(data, data),
      "\nember", torch.mm(tensor, tensor))

variable = Variable(tensor, requires_grad=True)
t_out = torch.mean(tensor * tensor)
v_out = torch.mean(variable * variable)
print(t_out)
print(v_out)

# v_out = 1/4 * sum(variable^2), so d(v_out)/d(variable) = variable / 2.
v_out.backward()
print("variable.grad:", variable.grad)
print(variable)
print(variable.data)
print(variable.data.numpy())
