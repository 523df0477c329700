"""retain_grad, tensor hooks, node hooks, .data, detach, inputs= and grad accumulation."""
import numpy as np

import ember


def test_retain_grad_on_intermediate():
    x = ember.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    assert h.retains_grad
    (h * h).sum().backward()
    assert h.grad.tolist() == (2 * h.detach()).tolist()
    assert x.grad.tolist() == (8 * x.detach()).tolist()


def test_retained_grads_are_writable_and_not_shared():
    # The gradient reaching y is sum()'s read-only broadcast and reaches z as the same tensor
    # (add passes it to both inputs); each retained .grad must be a writable copy of its own.
    x = ember.ones(3, requires_grad=True)
    y, z = x * 2, x * 3
    y.retain_grad()
    z.retain_grad()
    (y + z).sum().backward()
    y.grad.zero_()
    assert y.grad.tolist() == [0.0] * 3
    assert z.grad.tolist() == [1.0] * 3
    y.grad.add_(5)
    assert y.grad.tolist() == [5.0] * 3


def test_tensor_hook_on_non_leaf_changes_the_gradient():
    x = ember.ones(3, requires_grad=True)
    h = x * 2
    handle = h.register_hook(lambda g: g * 10)
    h.sum().backward()
    assert x.grad.tolist() == [20.0] * 3
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0] * 3


def test_leaf_hook_sees_the_gradient_before_accumulation():
    x = ember.ones(2, requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    (x * 3).sum().backward()
    assert seen == [[3.0, 3.0]] and x.grad.tolist() == [3.0, 3.0]


def test_node_hooks():
    x = ember.ones(2, requires_grad=True)
    y = x * 4
    calls = []
    y.grad_fn.register_prehook(lambda gys: calls.append("pre"))
    y.grad_fn.register_hook(lambda gxs, gys: calls.append("post"))
    y.sum().backward()
    assert calls == ["pre", "post"]


def test_accumulation_across_calls_and_zero():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        (x * x).sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0]


def test_seed_gradient_is_not_aliased():
    x = ember.ones(2, requires_grad=True)
    g = ember.ones(2)
    (x * 1).backward(g)
    x.grad.add_(5)
    assert g.tolist() == [1.0, 1.0]


def test_broadcast_gradient_is_reduced_once():
    w = ember.ones(1, 3, requires_grad=True)
    b = ember.ones(3, requires_grad=True)
    (ember.ones(4, 3) * w + b).sum().backward()
    assert w.grad.shape == (1, 3) and w.grad.tolist() == [[4.0] * 3]
    assert b.grad.tolist() == [4.0] * 3


def test_backward_inputs_restricts_accumulation():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    (a * b * 3).sum().backward(inputs=[a])
    assert a.grad.tolist() == [3.0, 3.0] and b.grad is None


def test_data_and_detach_share_storage_outside_the_graph():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf
    d[0] = 5.0
    assert x.tolist()[0] == 5.0
    x.data.mul_(2)
    assert x.tolist() == [10.0, 4.0] and x.requires_grad
    y = x * 1
    y.detach_()
    assert y.grad_fn is None and not y.requires_grad


def test_variable_legacy_wrapper():
    from ember.autograd import Variable
    t = ember.FloatTensor([[1, 2], [3, 4]])
    v = Variable(t, requires_grad=True)
    assert isinstance(v, ember.Tensor) and v.requires_grad and v.is_leaf
    out = ember.mean(v * v)
    out.backward()
    assert np.allclose(v.grad.numpy(), t.numpy() / 2)


def test_grad_fn_walk_as_in_the_seeds():
    x = ember.randn(4, 3, requires_grad=True)
    w = ember.randn(2, 3, requires_grad=True)
    loss = ((x @ w.t()).relu() - 1).pow(2).mean()
    names = []
    node = loss.grad_fn
    while node is not None and node.next_functions:
        names.append(type(node).__name__)
        node = node.next_functions[0][0]
    assert names == ["MeanBackward0", "PowBackward0", "SubBackward0", "ReluBackward0", "MmBackward0"]
    assert type(node).__name__ == "AccumulateGrad" and node.variable is x


def test_backward_inputs_non_leaf_fills_its_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    (y * y).sum().backward(inputs=[y])
    assert y._grad.tolist() == [6.0, 12.0] and x.grad is None


def test_leaf_grad_is_contiguous_even_from_a_transposed_gradient():
    x = ember.ones(2, 3, requires_grad=True)
    (x.t() * ember.ones(3, 2)).sum().backward()
    assert x.grad.is_contiguous()
