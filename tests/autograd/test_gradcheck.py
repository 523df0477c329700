"""gradcheck/gradgradcheck catch wrong first and second derivatives, in both modes."""
import numpy as np
import pytest

import ember
from ember.autograd import GradcheckError, gradcheck, gradgradcheck
from ember.autograd.graph import Node, apply


class WrongSin(Node):
    """sin with a 1% wrong derivative."""
    save_inputs = (0,)

    def forward(self, x):
        return np.sin(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * x.cos() * 1.01


class DetachedSin(Node):
    """sin whose backward escapes autograd: right first derivative, zero second derivative."""
    save_inputs = (0,)

    def forward(self, x):
        return np.sin(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * ember.tensor(np.cos(x.detach().numpy()))


def _x(*shape):
    return ember.randn(*shape, dtype=ember.float64, requires_grad=True)


@pytest.mark.parametrize("fast", [False, True])
def test_correct_gradients_pass(fast):
    a, b = _x(3, 4), _x(4)
    assert gradcheck(lambda a, b: (a * b).tanh(), (a, b), fast_mode=fast)
    assert gradgradcheck(lambda a, b: (a * b).tanh(), (a, b), fast_mode=fast)


@pytest.mark.parametrize("fast", [False, True])
def test_wrong_first_derivative_fails(fast):
    x = _x(5)
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradcheck(lambda t: apply(WrongSin, t), (x,), fast_mode=fast)
    assert gradcheck(lambda t: apply(WrongSin, t), (x,), fast_mode=fast,
                     raise_exception=False) is False


@pytest.mark.parametrize("fast", [False, True])
def test_silently_zero_second_derivative_fails(fast):
    x = _x(5)
    assert gradcheck(lambda t: apply(DetachedSin, t), (x,), fast_mode=fast)
    with pytest.raises(GradcheckError):
        gradgradcheck(lambda t: apply(DetachedSin, t), (x,), fast_mode=fast)


def test_mismatch_names_the_input_and_output():
    x, y = _x(3), _x(3)
    with pytest.raises(GradcheckError, match="output 1 with respect to input 1"):
        gradcheck(lambda a, b: (a * 2, apply(WrongSin, b)), (x, y))


def test_several_outputs_constants_and_grad_outputs():
    x = _x(2, 3)
    idx = ember.tensor([2, 0])
    assert gradcheck(lambda t, i, k: (t[:, i] * k, t.sum(0)), (x, idx, 3.0))
    v = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    assert gradgradcheck(lambda t: t.exp(), (x,), (v,))


def test_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(ember.sin, (ember.randn(3, dtype=ember.float64),))


def test_warns_for_single_precision():
    x = ember.randn(3, requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        gradcheck(ember.sin, (x,), atol=1e-2, rtol=1e-2, eps=1e-3)


def test_forward_ad_is_refused_clearly():
    with pytest.raises(NotImplementedError, match="forward-mode AD"):
        gradcheck(ember.sin, (_x(2),), check_forward_ad=True)
