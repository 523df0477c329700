"""ember.nn.init: in place, under no_grad, returning the tensor, with PyTorch's scales."""
from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from ember.nn import init


def _w(*shape):
    return ember.nn.Parameter(ember.empty(*shape))


def test_calculate_gain():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01 ** 2))
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")


def test_fills_are_in_place_and_leave_no_graph():
    w = _w(30, 40)
    for fn, args in [(init.uniform_, (-0.1, 0.1)), (init.normal_, (0.0, 0.02)),
                     (init.constant_, (0.3,)), (init.ones_, ()), (init.zeros_, ()),
                     (init.eye_, ()), (init.xavier_uniform_, ()), (init.xavier_normal_, ()),
                     (init.kaiming_uniform_, ()), (init.kaiming_normal_, ()),
                     (init.trunc_normal_, ()), (init.orthogonal_, ()), (init.sparse_, (0.5,))]:
        out = fn(w, *args)
        assert out is w and w.is_leaf and w.requires_grad and w.grad_fn is None


def test_distributions():
    ember.manual_seed(1)
    w = _w(200, 300)
    init.uniform_(w, -2, 3)
    a = w.detach().numpy()
    assert a.min() >= -2 and a.max() <= 3 and abs(a.mean() - 0.5) < 0.05
    init.normal_(w, 1.0, 0.5)
    assert abs(w.detach().numpy().std() - 0.5) < 0.01
    init.xavier_uniform_(w, gain=2.0)
    assert np.abs(w.detach().numpy()).max() <= 2.0 * math.sqrt(6 / 500)
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(w.detach().numpy().std() - math.sqrt(2 / 200)) < 0.002
    init.kaiming_uniform_(w, a=math.sqrt(5))
    assert np.abs(w.detach().numpy()).max() <= 1 / math.sqrt(300)
    init.trunc_normal_(w, std=1.0, a=-0.5, b=0.5)
    assert np.abs(w.detach().numpy()).max() <= 0.5
    init.constant_(w, 0.25)
    assert np.all(w.detach().numpy() == np.float32(0.25))


def test_eye_dirac_orthogonal_sparse():
    w = _w(3, 4)
    init.eye_(w)
    np.testing.assert_array_equal(w.detach().numpy(), np.eye(3, 4))
    c = _w(4, 2, 3, 3)
    init.dirac_(c, groups=2)
    assert c.detach().numpy().sum() == 4 and c.detach().numpy()[0, 0, 1, 1] == 1
    q = _w(5, 8)
    init.orthogonal_(q)
    qa = q.detach().numpy().astype(np.float64)
    np.testing.assert_allclose(qa @ qa.T, np.eye(5), atol=1e-5)
    s = _w(10, 6)
    init.sparse_(s, 0.3)
    assert np.all((s.detach().numpy() == 0).sum(0) == 3)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        init.xavier_uniform_(_w(5))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        init.eye_(_w(2, 2, 2))


def test_seed004_apply_init():
    net = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 1))

    def init_normal(m):
        if type(m) == ember.nn.Linear:
            init.normal_(m.weight, mean=0, std=0.01)
            init.zeros_(m.bias)

    net.apply(init_normal)
    assert repr(net[0].bias.data[0]) == "tensor(0.)"
    assert np.abs(net[0].weight.detach().numpy()).max() < 0.1
