"""Linear, Bilinear, LazyLinear, Identity, Flatten: graph, initialisation, shapes."""
from __future__ import annotations

import math

import numpy as np

import ember
from ember import nn


def test_linear_graph_matches_torch():
    lin = nn.Linear(4, 3)
    out = lin(ember.randn(2, 4))
    fn = out.grad_fn
    assert type(fn).__name__ == "AddmmBackward0"
    names = [type(n).__name__ for n, _ in fn.next_functions]
    assert names == ["AccumulateGrad", "NoneType", "TBackward0"]
    assert type(fn.next_functions[2][0].next_functions[0][0]).__name__ == "AccumulateGrad"
    out3 = lin(ember.randn(5, 2, 4))
    assert out3.shape == (5, 2, 3)
    assert nn.Linear(4, 3, bias=False)(ember.randn(2, 4)).grad_fn.__class__.__name__ == \
        "MmBackward0"


def test_seed002_loss_graph_prints():
    net = nn.Sequential(nn.Linear(10, 10), nn.ReLU())
    loss = nn.MSELoss()(net(ember.randn(1, 10)), ember.randn(1, 10))
    assert repr(loss).endswith("grad_fn=<MseLossBackward0>)")
    first = loss.grad_fn.next_functions[0][0]
    assert type(first).__name__ == "ReluBackward0"
    assert type(first.next_functions[0][0]).__name__ == "AddmmBackward0"


def test_linear_default_init_bounds():
    ember.manual_seed(0)
    lin = nn.Linear(400, 50)
    bound = 1 / math.sqrt(400)  # kaiming_uniform_(a=sqrt(5)) gives the same bound as the bias
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert np.abs(b).max() <= bound and w.std() > 0.5 * bound / math.sqrt(3)
    assert lin.weight.dtype == ember.float32
    assert nn.Linear(2, 2, dtype=ember.float64).weight.dtype == ember.float64


def test_linear_no_bias_and_reset():
    lin = nn.Linear(3, 2, bias=False)
    assert lin.bias is None and list(lin.state_dict()) == ["weight"]
    assert repr(lin) == "Linear(in_features=3, out_features=2, bias=False)"


def test_lazy_linear_becomes_linear():
    lazy = nn.LazyLinear(4)
    assert repr(lazy) == "LazyLinear(in_features=0, out_features=4, bias=True)"
    out = lazy(ember.randn(2, 7))
    assert out.shape == (2, 4)
    assert type(lazy) is nn.Linear and lazy.in_features == 7
    assert type(lazy.weight) is nn.Parameter and lazy.weight.shape == (4, 7)
    assert repr(lazy) == "Linear(in_features=7, out_features=4, bias=True)"


def test_bilinear_identity_flatten_unflatten():
    bil = nn.Bilinear(3, 2, 4)
    assert bil(ember.randn(5, 3), ember.randn(5, 2)).shape == (5, 4)
    x = ember.randn(2, 3, 4)
    assert nn.Identity(1, 2, k=3)(x) is x
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Unflatten(2, (2, 2))(x).shape == (2, 3, 2, 2)


def test_linear_float64_module_gradients():
    lin = nn.Linear(3, 2).double()
    x = ember.randn(4, 3, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda x, w, b: nn.functional.linear(x, w, b),
                                    (x, lin.weight, lin.bias))
