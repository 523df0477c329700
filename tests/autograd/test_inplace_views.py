"""In-place changes of non-leaf tensors and of views: the base's history is rebased (CopySlices)."""
import numpy as np
import pytest

import ember
from ember.autograd import gradcheck, gradgradcheck


def _x(*shape):
    return ember.randn(*shape, dtype=ember.float64, requires_grad=True)


def test_clone_mask_assign_as_in_the_issue():
    x = ember.tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
    y = x.clone()
    y[y < 0] = 0
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0, 1.0]


def test_in_place_through_slice_and_view_of_view():
    def f(x, w):
        y = x * 1
        y[1:3].mul_(w)
        y.view(2, 3)[0].add_(w[0])
        return (y * y).sum()

    args = (_x(6), _x(2))
    assert gradcheck(f, args) and gradgradcheck(f, args)
    x, w = args
    y = x * 1
    v = y[1:3]
    v.mul_(w)
    assert type(y.grad_fn).__name__ == "ViewBackward0"
    assert np.allclose(y.detach().numpy()[1:3], x.detach().numpy()[1:3] * w.detach().numpy())


def test_base_without_grad_gets_history_from_view_write():
    def f(x, w):
        buf = ember.zeros(3, 4, dtype=ember.float64)
        buf[:, 1].add_(w)
        buf.t()[2].copy_(x)
        return (buf.exp() * 2).sum()

    assert gradcheck(f, (_x(3), _x(3)))


def test_setitem_and_activation_in_place_on_view():
    def f(x):
        y = x.clone()
        v = y[0]
        v[v < 0] = 0
        v.relu_()
        return y.sum() + (v * 3).sum()

    assert gradcheck(f, (_x(2, 3),))


def test_view_of_leaf_still_refused():
    x = ember.randn(4, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[:2].mul_(2)


def test_detached_alias_is_outside_the_graph():
    x = ember.randn(3, requires_grad=True)
    y = x * 1
    d = y.detach()
    d.add_(1)
    assert d.grad_fn is None and type(y.grad_fn).__name__ == "MulBackward0"


def test_overlapping_view_write_is_refused():
    y = ember.randn(1, requires_grad=True) * 1
    e = y.expand(3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers "
                                           "to a single memory location"):
        e.mul_(ember.ones(3, requires_grad=True))


def test_fill_on_view_of_non_leaf_raises_clearly():
    y = ember.randn(4, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="zero_"):
        y[:2].zero_()


def test_saved_base_detects_view_write():
    x = ember.randn(4, requires_grad=True)
    y = x * 1
    z = y * y           # saves y
    y[:2].mul_(3)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
