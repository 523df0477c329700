"""The seeds' autograd programs, as written (only sizes and step counts trimmed where noted)."""
import numpy as np

import ember as torch
from ember.autograd import Variable


def test_seed001_variable_example(capsys):
    tensor = torch.FloatTensor([[1, 2], [3, 4]])
    variable = Variable(tensor, requires_grad=True)
    t_out = torch.mean(tensor * tensor)
    v_out = torch.mean(variable * variable)
    print(t_out)
    print(v_out)
    v_out.backward()
    print("variable.grad: ", variable.grad)
    print(variable)
    print(variable.data)
    print(variable.data.numpy())
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "tensor(7.5000)"
    assert out[1] == "tensor(7.5000, grad_fn=<MeanBackward0>)"
    assert out[2] == "variable.grad:  tensor([[0.5000, 1.0000],"
    assert out[3] == "        [1.5000, 2.0000]])"
    assert out[4] == "tensor([[1., 2.],"
    assert out[5] == "        [3., 4.]], requires_grad=True)"
    assert out[6:8] == ["tensor([[1., 2.],", "        [3., 4.]])"]
    assert out[8:] == ["[[1. 2.]", " [3. 4.]]"]


def _two_layer_data():
    dtype = torch.float
    device = torch.device("cpu")
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = torch.randn(N, D_in, device=device, dtype=dtype)
    y = torch.randn(N, D_out, device=device, dtype=dtype)
    return x, y, dtype, device, D_in, H, D_out


def test_seed003_tensors_and_autograd_runs_and_learns():
    x, y, dtype, device, D_in, H, D_out = _two_layer_data()
    w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
    w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)
    learning_rate = 1e-6
    losses = []
    for i in range(50):   # the seed runs 500 steps
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    assert losses[-1] < 0.2 * losses[0]
    assert w1.is_leaf and w1.requires_grad


def test_seed003_custom_function_matches_builtin_relu():
    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    x, y, dtype, device, D_in, H, D_out = _two_layer_data()
    w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
    w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)
    v1 = w1.detach().clone().requires_grad_()
    v2 = w2.detach().clone().requires_grad_()
    learning_rate = 1e-6
    for i in range(20):
        relu = MyReLU.apply
        y_pred = relu(x.mm(w1)).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        ref = (x.mm(v1).clamp(min=0).mm(v2) - y).pow(2).sum()
        ref.backward()
        assert np.isclose(loss.item(), ref.item(), rtol=1e-6)
        with torch.no_grad():
            for w in (w1, w2, v1, v2):
                w -= learning_rate * w.grad
                w.grad.zero_()
    assert np.allclose(w1.detach().numpy(), v1.detach().numpy())
