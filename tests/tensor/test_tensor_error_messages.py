"""Error messages name the op, the shapes or dtypes involved, and the fix where there is one."""
import numpy as np
import pytest

import ember


@pytest.mark.parametrize("fn, exc, pattern", [
    (lambda: ember.ones(2, 3) + ember.ones(4), RuntimeError, r"size of tensor a \(3\).*tensor b \(4\).*add of shapes \[2, 3\] and \[4\]"),
    (lambda: ember.mm(ember.ones(64, 1000), ember.ones(100, 10)), RuntimeError, r"mat1 and mat2 shapes cannot be multiplied \(64x1000 and 100x10\)"),
    (lambda: ember.ones(2, 3) @ ember.ones(2, 3), RuntimeError, r"\(2x3 and 2x3\)"),
    (lambda: ember.bmm(ember.ones(2, 2, 3), ember.ones(3, 2)), RuntimeError, r"batch2 must be a 3D tensor.*\[3, 2\]"),
    (lambda: ember.ones(2, 3).view(4), RuntimeError, r"shape '\[4\]' is invalid for input of size 6"),
    (lambda: ember.ones(2, 3).t().view(6), RuntimeError, r"Use \.reshape\(\.\.\.\) instead"),
    (lambda: ember.ones(2, 3)[2], IndexError, r"index 2 is out of bounds for dimension 0 with size 2"),
    (lambda: ember.ones(2, 3).sum(2), IndexError, r"expected to be in range of \[-2, 1\], but got 2"),
    (lambda: ember.ones(2, 3).item(), RuntimeError, r"a Tensor with 6 elements cannot be converted to Scalar"),
    (lambda: bool(ember.ones(2)), RuntimeError, r"more than one value is ambiguous"),
    (lambda: float(ember.ones(2)), ValueError, r"only one element tensors"),
    (lambda: ember.ones(2, requires_grad=True).numpy(), RuntimeError, r"Use tensor\.detach\(\)\.numpy\(\) instead"),
    (lambda: ember.tensor([1, 2]).mean(), RuntimeError, r"mean\(\).*Got: Long.*\.float\(\)"),
    (lambda: ember.tensor([[1, 2], [3]]), ValueError, r"expected sequence of length 2 at dim 1 \(got 1\)"),
    (lambda: ember.zeros(2, device="cuda"), AssertionError, r"no 'cuda' backend.*ember\.cuda\.is_available\(\) is False"),
    (lambda: ember.zeros(2).to("cuda"), AssertionError, r"device='cpu'"),
    (lambda: ember.ones(3).topk(4), RuntimeError, r"selected index k out of range.*shape \[3\]"),
    (lambda: ember.ones(3).kthvalue(4), RuntimeError, r"kthvalue\(\): selected number k out of range for dimension 0"),
    (lambda: ember.ones(2, 3).median(dim=2), IndexError, r"but got 2"),
    (lambda: ember.ones(0).median(), RuntimeError, r"median\(\) input tensor cannot be empty"),
    (lambda: ember.tensor([True]).median(), NotImplementedError, r"median_cpu.*Bool"),
    (lambda: ember.tensor([1, 2]).norm(), RuntimeError, r"linalg\.vector_norm.*floating point.*Got Long.*\.float\(\)"),
    (lambda: ember.ones(2, 3).norm(p="nuc", dim=0), RuntimeError, r"matrix_norm: dim must be a 2-tuple"),
    (lambda: ember.tensor([1, 2]).var(), RuntimeError, r"var\(\).*floating point.*int64"),
    (lambda: ember.quantile(ember.ones(3), 1.5), RuntimeError, r"q values must be in the range \[0, 1\]"),
    (lambda: ember.quantile(ember.tensor([1, 2]), 0.5), RuntimeError, r"float or double"),
    (lambda: ember.tensor([True]) - ember.tensor([True]), RuntimeError, r"two bool tensors.*logical_xor"),
    (lambda: ember.ones(2) - True, RuntimeError, r"with a bool tensor.*logical_not"),
    (lambda: -ember.tensor([True]), RuntimeError, r"Negation.*bool tensor"),
    (lambda: ember.ones(2).bitwise_and(ember.ones(2)), NotImplementedError, r"bitwise_and_cpu.*'Float'"),
    (lambda: ember.tensor([True]) // ember.tensor([True]), NotImplementedError, r"div_floor_cpu.*'Bool'"),
    (lambda: ember.tensor([True]).abs(), NotImplementedError, r"abs_cpu.*'Bool'"),
    (lambda: ember.tensor([True]).relu(), RuntimeError, r"Boolean inputs not supported for relu"),
    (lambda: ember.tensor([True]).argmax(), RuntimeError, r"argmax\(\): does not support bool input"),
    (lambda: ember.maximum(ember.ones(2), 2), TypeError, r"maximum\(\): argument 'other' \(position 2\) must be Tensor, not int"),
    (lambda: ember.ones(2, 3).diagonal(0, 0, 0), RuntimeError, r"diagonal dimensions cannot be identical 0, 0"),
    (lambda: ember.cat([]), ValueError, r"expected a non-empty list of Tensors"),
    (lambda: ember.linspace(0, 1, -1), RuntimeError, r"number of steps must be non-negative"),
    (lambda: ember.addcdiv(ember.ones(2), ember.tensor([1, 2]), ember.tensor([1, 2])), RuntimeError, r"Integer division with addcdiv"),
    (lambda: ember.take(ember.ones(2, 2), ember.tensor([4])), IndexError, r"take\(\): index 4 out of range.*\[2, 2\]"),
    (lambda: ember.ones(2, 3).sum_to_size(2), RuntimeError, r"size \[2\] is not expandable to size \[2, 3\]"),
    (lambda: ember.where(ember.ones(2, 3) > 0, ember.ones(2, 3), ember.ones(4, 5)), RuntimeError, r"size of tensor a \(3\) must match the size of tensor b \(5\) at non-singleton dimension 1"),
    (lambda: ember.zeros(2, 3).scatter(1, ember.tensor([[7]]), 1.0), RuntimeError, r"index 7 is out of bounds for dimension 1 with size 3"),
    (lambda: ember.zeros(2, 3).scatter_add(1, ember.tensor([[-1]]), ember.ones(1, 1)), RuntimeError, r"index -1 is out of bounds for dimension 1 with size 3"),
    (lambda: ember.outer(ember.ones(2, 3), ember.ones(3)), RuntimeError, r"outer: Expected 1-D argument self, but got 2-D"),
    (lambda: ember.ones(3).tril(), RuntimeError, r"tril: input tensor must have at least 2 dimensions"),
    (lambda: ember.ones(3).triu(), RuntimeError, r"triu: input tensor must have at least 2 dimensions"),
    (lambda: ember.nn.functional.unfold(ember.ones(1, 1, 2, 2), 3), RuntimeError, r"sliding blocks as \(0, 0\), but its components must be at least one"),
    (lambda: ember.nn.functional.interpolate(ember.ones(2, 3), scale_factor=2), NotImplementedError, r"Only 3D, 4D and 5D input Tensors supported \(got 2D\)"),
])
def test_error_message(fn, exc, pattern):
    with pytest.raises(exc, match=pattern):
        fn()


def test_no_numpy_warning_text_in_errors():
    with pytest.raises(RuntimeError) as info:
        ember.ones(2, 3) * ember.ones(3, 2)
    assert "operands could not be broadcast" not in str(info.value)
    assert "mul of shapes [2, 3] and [3, 2]" in str(info.value)
    with pytest.raises(ValueError) as info:
        ember.tensor([[1.0], [2.0, 3.0]])
    assert "inhomogeneous" not in str(info.value)
    np.testing.assert_equal(ember.ones(1).numpy(), [1.0])


@pytest.mark.parametrize("write", [
    lambda t: t.zero_(), lambda t: t.fill_(2.0), lambda t: t.copy_(ember.ones(3, 4)),
    lambda t: t.__setitem__(0, 5.0), lambda t: t.mul_(2), lambda t: t.__iadd__(1),
    lambda t: t.clamp_(0, 1), lambda t: t.relu_(),
], ids=["zero_", "fill_", "copy_", "setitem", "mul_", "iadd", "clamp_", "relu_"])
def test_writing_into_an_expanded_view_is_refused_as_pytorch_does(write):
    # NumPy marks such views read-only; the error must be PyTorch's, not NumPy's ValueError.
    with pytest.raises(RuntimeError, match=r"more than one element of the written-to tensor "
                                           r"refers to a single memory location.*clone\(\)"):
        write(ember.ones(1, 4).expand(3, 4))


def test_writing_into_read_only_numpy_memory_says_so():
    a = np.ones(3)
    a.flags.writeable = False
    with pytest.raises(RuntimeError, match=r"add_: the tensor's memory is read-only.*clone\(\)"):
        ember.from_numpy(a).add_(1)


def test_an_expand_that_broadcasts_nothing_stays_a_writable_view():
    x = ember.zeros(1, 4)
    x.expand(1, 4).add_(1)
    w = ember.zeros(4)
    w.expand(1, 4)[0, 1] = 7.0
    assert x.tolist() == [[1.0] * 4] and w.tolist() == [0.0, 7.0, 0.0, 0.0]


@pytest.mark.parametrize("fn, exc, pattern", [
    (lambda: ember.nn.functional.nll_loss(ember.tensor([[1, 2]]), ember.tensor([0])), NotImplementedError, r"not implemented for 'Long'"),
    (lambda: ember.nn.EmbeddingBag(5, 2)(ember.tensor([1, 2]), ember.tensor([1, 0])), RuntimeError, r"offsets\[0\] has to be 0.*got 1"),
    (lambda: ember.nn.EmbeddingBag(5, 2)(ember.tensor([1, 2]), ember.tensor([0, 3])), RuntimeError, r"offsets\[-1\] can not be greater than input's length 2"),
])
def test_nn_error_message(fn, exc, pattern):
    with pytest.raises(exc, match=pattern):
        fn()


@pytest.mark.parametrize("fn, exc, pattern", [
    (lambda: ember.randn(2, "a"), TypeError, r"sequence of integers or a single integer as the size"),
    (lambda: ember.zeros(2, 1.5), TypeError, r"sequence of integers or a single integer as the size"),
    (lambda: ember.full((2,), "x"), TypeError, r"full\(\): argument 'fill_value' \(position 2\) must be Number, not str"),
    (lambda: ember.linspace(0, 1, 2.5), TypeError, r"linspace\(\): argument 'steps' must be int, not float"),
    (lambda: ember.ones(0).argmax(), IndexError, r"argmax\(\): Expected reduction dim to be specified for input.numel\(\) == 0"),
    (lambda: ember.ones(0).argmin(), IndexError, r"argmin\(\): Expected reduction dim"),
    (lambda: ember.ones(2, 3).masked_select(ember.ones(4, dtype=ember.bool)), RuntimeError, r"size of tensor a \(3\) must match the size of tensor b \(4\)"),
    (lambda: ember.ones(2).repeat_interleave(-1), RuntimeError, r"Repeats must be non-negative"),
    (lambda: ember.repeat_interleave(ember.tensor([1, -1])), RuntimeError, r"repeats can not be negative"),
    (lambda: ember.ones(3).repeat_interleave(ember.tensor([1, 2])), RuntimeError, r"repeats must have the same size as input along dim"),
    (lambda: ember.ones(3).index_put_((ember.tensor([0, 1]),), ember.ones(3)), RuntimeError, r"shape mismatch: value tensor of shape \[3\] cannot be broadcast to indexing result of shape \[2\]"),
    (lambda: ember.ones(2).mT, RuntimeError, r"tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor"),
    (lambda: ember.allclose(ember.ones(3), ember.ones(2)), RuntimeError, r"size of tensor a \(3\) must match the size of tensor b \(2\)"),
    (lambda: ember.einsum("ij->k", ember.ones(2, 2)), RuntimeError, r"output subscript k does not appear in the equation for any input operand"),
    (lambda: ember.einsum("ij->ii", ember.ones(2, 2)), RuntimeError, r"output subscript i appears more than once"),
])
def test_creation_and_reduction_error_message(fn, exc, pattern):
    with pytest.raises(exc, match=pattern):
        fn()


def test_adaptive_pooling_to_size_zero_is_empty_as_in_pytorch():
    x = ember.randn(1, 2, 4, 4, requires_grad=True)
    assert ember.nn.functional.adaptive_avg_pool2d(x, 0).shape == (1, 2, 0, 0)
    out, idx = ember.nn.functional.adaptive_max_pool2d(x, (0, 3), return_indices=True)
    assert out.shape == (1, 2, 0, 3) and idx.dtype == ember.int64
    out.sum().backward()
    assert x.grad.abs().sum().item() == 0
