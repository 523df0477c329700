"""Custom autograd Functions: ctx API, several outputs, in-place, errors, double backward."""
import numpy as np
import pytest

import ember
from ember.autograd import Function, gradcheck, gradgradcheck
from ember.autograd.function import once_differentiable


class MyReLU(Function):
    # Seed 003's custom ReLU, unchanged.
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * 3 * x ** 2


def test_myrelu_matches_builtin_relu():
    x = ember.randn(4, 5, requires_grad=True)
    MyReLU.apply(x).sum().backward()
    want = (x.detach() > 0).float()
    assert np.array_equal(x.grad.numpy(), want.numpy())


def test_grad_fn_name_repr_and_next_functions():
    x = ember.randn(3, requires_grad=True)
    y = MyReLU.apply(x * 2)
    assert type(y.grad_fn).__name__ == "MyReLUBackward"
    assert repr(y.grad_fn).startswith("<MyReLUBackward object at 0x")
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "MulBackward0"
    assert not y.is_leaf and y.requires_grad


def test_no_record_without_grad():
    x = ember.randn(3)
    assert MyReLU.apply(x).grad_fn is None
    with ember.no_grad():
        assert MyReLU.apply(ember.randn(3, requires_grad=True)).grad_fn is None


def test_forward_runs_without_grad():
    seen = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            seen.append(ember.is_grad_enabled())
            return x * 2

        @staticmethod
        def backward(ctx, gy):
            return gy * 2

    Probe.apply(ember.randn(2, requires_grad=True))
    assert seen == [False]


def test_gradcheck_and_double_backward_of_custom_function():
    x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(Cube.apply, (x,))
    assert gradgradcheck(Cube.apply, (x,))


def test_non_tensor_args_needs_input_grad_and_ctx_attributes():
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, factor, w):
            ctx.factor = factor
            ctx.flags = ctx.needs_input_grad
            return x * factor * w

        @staticmethod
        def backward(ctx, gy):
            assert ctx.needs_input_grad == (True, False, False)
            return gy * ctx.factor, None, None

    x = ember.randn(3, requires_grad=True)
    w = ember.randn(3)
    y = Scale.apply(x, 2.5, w)
    assert y.grad_fn.flags == (True, False, False)
    assert len(y.grad_fn.next_functions) == 2
    y.sum().backward()
    assert np.allclose(x.grad.numpy(), 2.5)


def test_several_outputs_and_materialized_grads():
    class SinCos(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin(), x.cos()

        @staticmethod
        def backward(ctx, gs, gc):
            (x,) = ctx.saved_tensors
            return gs * x.cos() - gc * x.sin()

    x = ember.randn(4, dtype=ember.float64, requires_grad=True)
    s, c = SinCos.apply(x)
    assert s.grad_fn is c.grad_fn
    s.sum().backward()        # gc arrives as zeros
    assert np.allclose(x.grad.numpy(), np.cos(x.detach().numpy()))
    assert gradcheck(lambda t: SinCos.apply(t), (x,))
    assert gradgradcheck(lambda t: SinCos.apply(t), (x,))


def test_set_materialize_grads_false_passes_none():
    got = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 1, x * 2

        @staticmethod
        def backward(ctx, g1, g2):
            got.append((g1 is None, g2 is None))
            return g1 if g2 is None else g1 + 2 * g2

    x = ember.randn(3, requires_grad=True)
    a, _ = Two.apply(x)
    a.sum().backward()
    assert got == [(False, True)]


def test_mark_non_differentiable():
    class SortVals(Function):
        @staticmethod
        def forward(ctx, x):
            idx = ember.tensor(np.argsort(x.detach().numpy()))
            values = x[idx]
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            ctx.n = x.shape[0]
            return values, idx

        @staticmethod
        def backward(ctx, gv, gi):
            (idx,) = ctx.saved_tensors
            gx = ember.zeros(ctx.n, dtype=gv.dtype)
            gx[idx] = gv
            return gx

    x = ember.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, idx = SortVals.apply(x)
    assert not idx.requires_grad and values.requires_grad
    (values * ember.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 1.0, 10.0]


def test_mark_dirty_in_place_function():
    class AddOneInPlace(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, gy):
            return gy * 1

    a = ember.randn(3, requires_grad=True)
    y = a * 2
    out = AddOneInPlace.apply(y)
    assert out is y and type(y.grad_fn).__name__ == "AddOneInPlaceBackward"
    (y * y).sum().backward()
    want = 2 * (2 * a.detach().numpy() + 1) * 2
    assert np.allclose(a.grad.numpy(), want)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        AddOneInPlace.apply(ember.randn(3, requires_grad=True))


def test_input_returned_unchanged_is_a_new_tensor():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, gy):
            return gy

    x = ember.randn(3, requires_grad=True)
    y = Identity.apply(x)
    assert y is not x and x.is_leaf and y.grad_fn is not None
    y.sum().backward()
    assert np.allclose(x.grad.numpy(), 1.0)


def test_setup_context_form():
    class Mul(Function):
        @staticmethod
        def forward(a, b):
            return a * b

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, gy):
            a, b = ctx.saved_tensors
            return gy * b, gy * a

    a = ember.randn(3, dtype=ember.float64, requires_grad=True)
    b = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(Mul.apply, (a, b))
    assert gradgradcheck(Mul.apply, (a, b))


def test_saved_output_has_no_reference_cycle():
    import gc
    import weakref

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, gy):
            (y,) = ctx.saved_tensors
            return gy * y

    x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(Exp.apply, (x,)) and gradgradcheck(Exp.apply, (x,))
    gc.disable()
    try:
        y = Exp.apply(x)
        ref = weakref.ref(y.grad_fn)
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_wrong_shape_gradient_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum(1)

        @staticmethod
        def backward(ctx, gy):
            return ember.ones(3)

    x = ember.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Function BadBackward returned an invalid gradient at "
                                           r"index 0 - got \[3\] but expected shape compatible with "
                                           r"\[2, 3\]"):
        Bad.apply(x).sum().backward()


def test_wrong_number_of_gradients_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, gy):
            return gy

    x = ember.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"returned an incorrect number of gradients \(expected 2, got 1\)"):
        Bad.apply(x, x).sum().backward()


def test_gradient_for_non_tensor_input_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, gy):
            return gy, gy

    x = ember.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="not a Variable"):
        Bad.apply(x, 2.0).sum().backward()


def test_saved_tensor_modified_in_place_raises():
    y = ember.randn(3, requires_grad=True) * 1
    out = Cube.apply(y)
    with ember.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_second_backward_through_function_needs_retain_graph():
    x = ember.randn(3, requires_grad=True)
    y = Cube.apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_once_differentiable_first_order_works_second_raises():
    class OnceSquare(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return ember.tensor(2 * x.detach().numpy() * gy.detach().numpy())

    x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(OnceSquare.apply, (x,))
    (g,) = ember.autograd.grad(OnceSquare.apply(x).sum(), x, create_graph=True)
    assert np.allclose(g.detach().numpy(), 2 * x.detach().numpy())
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()


def test_legacy_instance_call_raises():
    with pytest.raises(RuntimeError, match="non-static forward method"):
        MyReLU()(ember.randn(2))
