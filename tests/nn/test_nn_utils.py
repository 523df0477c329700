"""ember.nn.utils: gradient clipping and parameter vectors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from ember import nn
from ember.nn.utils import (clip_grad_norm_, clip_grad_value_, parameters_to_vector,
                            vector_to_parameters)


def _params_with_grads():
    a = nn.Parameter(ember.zeros(2))
    b = nn.Parameter(ember.zeros(2, 2))
    a.grad = ember.tensor([3.0, 4.0])
    b.grad = ember.tensor([[0.0, 12.0], [0.0, 0.0]])
    return [a, b]


def test_clip_grad_norm_scales_and_returns_total():
    ps = _params_with_grads()
    total = clip_grad_norm_(ps, max_norm=1.0)
    assert isinstance(total, ember.Tensor) and total.item() == pytest.approx(13.0)
    new = math.sqrt(sum(float((p.grad * p.grad).sum()) for p in ps))
    assert new == pytest.approx(1.0, rel=1e-5)
    ps = _params_with_grads()
    assert clip_grad_norm_(ps, 100.0).item() == pytest.approx(13.0)
    assert ps[0].grad.tolist() == [3.0, 4.0]


def test_clip_grad_norm_other_norms():
    ps = _params_with_grads()
    assert clip_grad_norm_(ps, 6.0, norm_type=math.inf).item() == 12.0
    np.testing.assert_allclose(ps[1].grad.numpy(), [[0, 12 * 6 / (12 + 1e-6)], [0, 0]],
                               rtol=1e-6)
    ps = _params_with_grads()
    assert clip_grad_norm_(ps, 100.0, norm_type=1).item() == pytest.approx(19.0)
    assert clip_grad_norm_(ps[0], 100.0).item() == pytest.approx(5.0)


def test_clip_grad_norm_nonfinite():
    ps = _params_with_grads()
    ps[0].grad = ember.tensor([float("inf"), 0.0])
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    assert math.isinf(clip_grad_norm_(ps, 1.0).item())


def test_clip_grad_value():
    ps = _params_with_grads()
    clip_grad_value_(ps, 3.5)
    assert ps[0].grad.tolist() == [3.0, 3.5] and ps[1].grad.tolist() == [[0, 3.5], [0, 0]]


def test_parameter_vector_round_trip():
    lin = nn.Linear(3, 2)
    vec = parameters_to_vector(lin.parameters())
    assert vec.shape == (8,) and vec.requires_grad
    new = ember.arange(8, dtype=ember.float32)
    w = lin.weight
    vector_to_parameters(new, lin.parameters())
    assert lin.weight is w
    assert lin.weight.tolist() == [[0, 1, 2], [3, 4, 5]] and lin.bias.tolist() == [6, 7]
    with pytest.raises(RuntimeError, match="vec has 3 elements but the parameters hold 8"):
        vector_to_parameters(ember.zeros(3), lin.parameters())
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        vector_to_parameters([1.0], lin.parameters())
