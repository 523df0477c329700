"""Errors and warnings: PyTorch's types and texts, plus ember's friendlier layer errors."""
from __future__ import annotations

import warnings

import pytest

import ember
import ember.nn.functional as F
from ember import nn


class LeNetHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def test_linear_wrong_features_names_layer_path_and_shapes():
    with pytest.raises(RuntimeError) as err:
        LeNetHead()(ember.randn(1, 256))
    msg = str(err.value)
    assert "Linear(in_features=400, out_features=120, bias=True)" in msg
    assert "module 'fc1'" in msg
    assert "expects 400 input features" in msg and "got 256" in msg
    assert "(1, 256)" in msg
    assert "mat1 and mat2 shapes cannot be multiplied (1x256 and 400x120)" in msg


def test_nested_module_path():
    net = nn.Sequential(nn.Sequential(nn.Linear(3, 4), nn.ReLU()), nn.Linear(5, 2))
    with pytest.raises(RuntimeError, match=r"module '1'.*expects 5 input features but got 4"):
        net(ember.randn(2, 3))
    with pytest.raises(RuntimeError,
                       match=r"^Linear\(in_features=3, out_features=4, bias=True\) expects 3 "):
        net[0][0](ember.randn(2, 7))


def test_functional_linear_error():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and "
                                           r"5x4\).*weight \(shape \(4, 5\)\) expects 5"):
        F.linear(ember.randn(2, 3), ember.randn(4, 5))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.linear(ember.randn(2, 5, dtype=ember.float64), ember.randn(4, 5))


@pytest.mark.parametrize("target, exc, text", [
    ([1, 10, 2], IndexError, "Target 10 is out of bounds."),
    ([1, -3, 2], IndexError, "Target -3 is out of bounds."),
    ([1, 2], ValueError, r"Expected input batch_size \(3\) to match target batch_size \(2\)."),
])
def test_cross_entropy_target_errors(target, exc, text):
    with pytest.raises(exc, match=text):
        F.cross_entropy(ember.randn(3, 5), ember.tensor(target))


def test_cross_entropy_dtype_and_shape_errors():
    x = ember.randn(3, 5)
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got "
                                           "Float"):
        F.cross_entropy(x, ember.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="but got Int"):
        F.cross_entropy(x, ember.tensor([1, 2, 3], dtype=ember.int32))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 2\]"):
        F.cross_entropy(ember.randn(2, 3, 4), ember.tensor([[1, 2], [0, 1]]))
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 5 "
                                           "classes"):
        F.cross_entropy(x, ember.tensor([1, 2, 3]), weight=ember.ones(3))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(x, ember.tensor([1, 2, 3]), label_smoothing=1.5)
    with pytest.raises(IndexError, match="Target 5 is out of bounds."):
        F.nll_loss(x, ember.tensor([1, 5, 2]))


def test_cross_entropy_does_not_overflow():
    loss = F.cross_entropy(ember.tensor([[1e4, -1e4, 0.0]]), ember.tensor([1]))
    assert loss.item() == 20000.0
    x = ember.tensor([[1e4, -1e4, 0.0]], requires_grad=True)
    F.cross_entropy(x, ember.tensor([0])).backward()
    assert ember.isfinite(x.grad).all()


def test_target_broadcast_warns():
    with pytest.warns(UserWarning, match=r"Using a target size \(ember.Size\(\[4\]\)\) that is "
                                         r"different to the input size"):
        F.mse_loss(ember.randn(4, 1), ember.randn(4))
    with pytest.warns(UserWarning, match="different to the input size"):
        nn.L1Loss()(ember.randn(4, 1), ember.randn(4))
    with pytest.raises(RuntimeError, match="must match the size of tensor b"), \
            pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(ember.randn(4, 3), ember.randn(5))
    with pytest.raises(ValueError, match="is deprecated. Please ensure they have the same size"):
        F.binary_cross_entropy(ember.tensor([0.5, 0.2]), ember.tensor([[1.0, 0.0]]))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(ember.tensor([1.5]), ember.tensor([1.0]))


def test_softmax_without_dim_warns_and_picks_torch_dim():
    x = ember.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = F.softmax(x)
    assert ember.allclose(y.sum(1), ember.ones(2))
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        nn.LogSoftmax()(x)
    with pytest.warns(UserWarning):
        y1 = F.softmax(ember.randn(2, 3, 4))
    assert ember.allclose(y1.sum(0), ember.ones(3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.softmax(x, dim=1)


def test_misc_option_errors():
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.mse_loss(ember.ones(2), ember.ones(2), reduction="avg")
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 is "
                                           "size 5"):
        F.glu(ember.randn(3, 5))
    with pytest.raises(AssertionError, match=r"max_val \(1\) must be greater than min_val \(2\)"):
        nn.Hardtanh(2, 1)
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(ember.ones(1), approximate="fast")
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel"):
        nn.PReLU(3)(ember.randn(2, 4))
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        nn.MultiMarginLoss(p=3)
