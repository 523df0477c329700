"""Anomaly mode: the first forward op with NaN/inf, and backward ops returning NaN."""
import numpy as np
import pytest

import ember
from ember.autograd import Function, detect_anomaly, set_detect_anomaly
from ember.autograd.anomaly_mode import is_anomaly_enabled

pytestmark = pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning",
                                        "ignore:Anomaly Detection:UserWarning")


def test_first_forward_op_producing_nan_is_reported_with_its_stack():
    x = ember.tensor([-1.0, 4.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = detect_anomaly()
    with mode:
        y = x * 2
        with pytest.raises(RuntimeError, match=r"Function 'LogBackward0' produced nan or inf") as err:
            y.log().exp()
    assert "test_anomaly.py" in str(err.value)
    assert not is_anomaly_enabled()


def test_backward_returning_nan_is_reported():
    class NanGrad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, gy):
            return gy * float("nan")

    x = ember.randn(3, requires_grad=True)
    set_detect_anomaly(True)
    try:
        assert is_anomaly_enabled()
        y = NanGrad.apply(x).sum()
        with pytest.raises(RuntimeError, match=r"Function 'NanGradBackward' returned nan values"):
            y.backward()
    finally:
        set_detect_anomaly(False)
    assert not is_anomaly_enabled()


def test_off_by_default_and_nan_passes_silently():
    x = ember.tensor([-1.0], requires_grad=True)
    y = x.log()
    assert np.isnan(y.item())
    y.sum().backward()


def test_decorator_and_context_restore_state():
    @detect_anomaly()
    def run():
        return is_anomaly_enabled()

    assert run() is True and not is_anomaly_enabled()
    with set_detect_anomaly(True):
        assert is_anomaly_enabled()
    assert not is_anomaly_enabled()


def test_check_nan_false_keeps_going():
    with set_detect_anomaly(True, check_nan=False):
        ember.tensor([-1.0], requires_grad=True).log().sum().backward()
