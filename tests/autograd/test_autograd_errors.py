"""PyTorch's autograd errors and warnings: same type, same message."""
import warnings

import pytest

import ember


def test_second_backward_without_retain_graph():
    x = ember.randn(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"Trying to backward through the graph a second time.*"
                                           r"retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward_and_accumulates():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_implicit_grad_of_non_scalar():
    x = ember.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(ember.ones(3))
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_gradient_shape_mismatch():
    x = ember.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\]"):
        (x * 2).backward(ember.ones(2))


def test_in_place_on_leaf_that_requires_grad():
    x = ember.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an "
                                           "in-place operation"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x[0] = 1.0
    with ember.no_grad():
        x.mul_(0)
        x[1] = 2.0
    assert x.tolist() == [0.0, 2.0, 0.0] and x.is_leaf and x.requires_grad


def test_version_counter_error_names_op_and_versions():
    a = ember.randn(3, requires_grad=True)
    b = a.sigmoid()
    b.mul_(2)
    with pytest.raises(RuntimeError, match=r"one of the variables needed for gradient computation has "
                                           r"been modified by an inplace operation: "
                                           r"\[torch.FloatTensor \[3\]\], which is output 0 of "
                                           r"SigmoidBackward0, is at version 1; expected version 0"):
        b.sum().backward()


def test_version_counter_error_on_saved_input():
    a = ember.randn(3, requires_grad=True)
    b = a * 1
    c = b * b
    b.add_(1)
    with pytest.raises(RuntimeError, match=r"input 0 of MulBackward0, is at version 1; expected "
                                           r"version 0"):
        c.sum().backward()


def test_in_place_on_unsaved_tensor_is_fine():
    a = ember.randn(3, requires_grad=True)
    b = a + 1          # AddBackward0 saves nothing
    b.mul_(3)
    b.sum().backward()
    assert a.grad.tolist() == [3.0, 3.0, 3.0]


def test_requires_grad_on_integer_tensor():
    msg = "only Tensors of floating point and complex dtype can require gradients"
    with pytest.raises(RuntimeError, match=msg):
        ember.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match=msg):
        ember.zeros(2, dtype=ember.int64, requires_grad=True)
    with pytest.raises(RuntimeError, match=msg):
        ember.tensor([1, 2]).requires_grad = True


def test_requires_grad_false_on_non_leaf():
    y = ember.randn(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad = False


def test_non_leaf_grad_access_warns():
    y = ember.randn(2, requires_grad=True) * 2
    with pytest.warns(UserWarning, match="The .grad attribute of a Tensor that is not a leaf Tensor "
                                         "is being accessed"):
        assert y.grad is None
    y.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad is None


def test_backward_of_tensor_without_grad():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not "
                                           "have a grad_fn"):
        ember.ones(2).sum().backward()


def test_grad_of_unused_input():
    x, z = ember.randn(2, requires_grad=True), ember.randn(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph. Set "
                                           "allow_unused=True"):
        ember.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = ember.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None and gx.tolist() == [2.0, 2.0]
    _, gz = ember.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    assert gz.tolist() == [0.0, 0.0]


def test_grad_wrt_tensor_without_grad():
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
        x = ember.randn(2, requires_grad=True)
        ember.autograd.grad((x * 2).sum(), ember.ones(2))


def test_numpy_of_tensor_requiring_grad():
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        ember.randn(2, requires_grad=True).numpy()


def test_view_of_leaf_in_place():
    x = ember.randn(4, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being "
                                           "used in an in-place operation"):
        x[:2].mul_(2)


def test_assigning_grad_of_wrong_size():
    x = ember.randn(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"attempting to assign a gradient of size '\[3\]' to a "
                                           r"tensor of size '\[2\]'"):
        x.grad = ember.ones(3)
