"""Seed 003's two-layer net trains with PyTorch's loss curve when started from the same weights."""
from __future__ import annotations

import numpy as np

import ember
from ember import nn

from nn_golden import ARRAYS, env


def _data():
    # The same NumPy draws as tools/fixtures/nn.py's train003_data().
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 1000)).astype(np.float32)
    y = rng.standard_normal((64, 10)).astype(np.float32)
    init = {}
    for name, (fan_out, fan_in) in (("linear1", (100, 1000)), ("linear2", (10, 100))):
        bound = 1 / np.sqrt(fan_in)
        init[name + ".weight"] = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        init[name + ".bias"] = rng.uniform(-bound, bound, (fan_out,)).astype(np.float32)
    return ember.tensor(x), ember.tensor(y), {k: ember.tensor(v) for k, v in init.items()}


def _model(init):
    model = env()["TwoLayerNet"](1000, 100, 10)
    model.load_state_dict(init)
    return model


def _check(losses, model):
    expected = ARRAYS["train003/losses"]
    np.testing.assert_allclose(losses, expected, rtol=2e-4)
    np.testing.assert_allclose(model.linear2.bias.detach().numpy(),
                               ARRAYS["train003/final/linear2.bias"], rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(model.linear2.weight.detach().numpy(),
                               ARRAYS["train003/final/linear2.weight"], rtol=1e-3, atol=1e-5)


def test_manual_sgd_matches_torch_curve():
    x, y, init = _data()
    model = _model(init)
    loss_fn = nn.MSELoss(reduction="sum")
    losses = []
    for _ in range(50):
        loss = loss_fn(model(x), y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with ember.no_grad():
            for param in model.parameters():
                param -= 1e-4 * param.grad
    _check(losses, model)


def test_optim_sgd_matches_torch_curve():
    x, y, init = _data()
    model = _model(init)
    criterion = nn.MSELoss(reduction="sum")
    optimizer = ember.optim.SGD(model.parameters(), lr=1e-4)
    losses = []
    for _ in range(50):
        loss = criterion(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    _check(losses, model)
