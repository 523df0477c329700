"""Module: registration, iteration, modes, dtype moves, state_dict, hooks, repr."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember import nn

from nn_golden import META, env


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(3, 2)
        self.register_buffer("steps", ember.zeros(1))
        self.register_buffer("scratch", ember.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def test_registration_order_and_kinds():
    net = Net()
    assert list(net._modules) == ["fc1", "act", "fc2"]
    assert [k for k, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight",
                                                       "fc2.bias"]
    assert [k for k, _ in net.named_buffers()] == ["steps", "scratch"]
    assert list(net.state_dict()) == ["steps", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert isinstance(net.fc1.weight, nn.Parameter) and net.fc1.weight.requires_grad
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "fc2"]


def test_assignment_none_delattr_and_retyping():
    net = Net()
    net.fc1 = None
    assert net.fc1 is None and "fc1" in net._modules
    del net.fc2
    assert "fc2" not in net._modules
    with pytest.raises(AttributeError, match="fc2"):
        net.fc2
    net.extra = nn.Parameter(ember.ones(2))
    assert "extra" in net._parameters
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as parameter 'extra'"):
        net.extra = ember.ones(2)
    with pytest.raises(TypeError, match="child module 'act'"):
        net.act = 3
    net.steps = ember.ones(1)
    assert net._buffers["steps"].item() == 1


def test_init_not_called_errors():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ember.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_missing_forward():
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(ember.ones(1))


def test_seed004_mysequential_writes_modules_directly(capsys):
    class MySequential(nn.Module):
        def __init__(self, *args):
            super().__init__()
            for block in args:
                self._modules[block] = block

        def forward(self, X):
            for block in self._modules.values():
                print(block)
                X = block(X)
            return X

    net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
    out = net(ember.rand(2, 20))
    assert out.shape == (2, 10) and type(out.grad_fn).__name__ == "AddmmBackward0"
    assert capsys.readouterr().out.splitlines() == [
        "Linear(in_features=20, out_features=256, bias=True)", "ReLU()",
        "Linear(in_features=256, out_features=10, bias=True)"]


def test_register_functions_and_lookup():
    m = nn.Module()
    m.register_parameter("w", nn.Parameter(ember.ones(2)))
    m.register_parameter("nothing", None)
    m.add_module("child", nn.Linear(2, 2))
    m.register_module("child2", nn.Sequential(nn.Linear(2, 2)))
    assert m.get_submodule("child2.0") is m.child2[0]
    assert m.get_parameter("child2.0.bias") is m.child2[0].bias
    assert m.get_submodule("") is m
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        m.get_submodule("nope")
    with pytest.raises(KeyError, match="contain"):
        m.register_buffer("a.b", ember.ones(1))
    with pytest.raises(KeyError, match="already exists"):
        m.register_parameter("child", nn.Parameter(ember.ones(1)))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("x", 3)
    assert nn.Parameter(ember.ones(1, requires_grad=True) * 2).is_leaf
    assert [k for k, _ in m.named_parameters()] == ["w", "child.weight", "child.bias",
                                                     "child2.0.weight", "child2.0.bias"]


def test_shared_parameters_listed_once():
    lin = nn.Linear(2, 2)
    net = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(net.parameters())) == 2
    assert len(list(net.named_parameters(remove_duplicate=False))) == 4
    assert len(list(net.modules())) == 3
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_train_eval_apply_requires_grad_zero_grad():
    net = Net()
    assert net.training and net.fc1.training
    net.eval()
    assert not net.training and not net.fc1.training
    net.train()
    assert net.fc2.training
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "ReLU", "Linear", "Net"]
    net(ember.ones(5, 4)).sum().backward()
    assert net.fc1.weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert np.all(net.fc1.weight.grad.numpy() == 0)
    net.zero_grad()
    assert net.fc1.weight.grad is None
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_dtype_moves_keep_parameter_objects():
    net = Net()
    w = net.fc1.weight
    assert net.double() is net
    assert net.fc1.weight is w and w.dtype == ember.float64
    assert net._buffers["steps"].dtype == ember.float64
    net.to(ember.float32)
    assert w.dtype == ember.float32
    assert net.to("cpu") is net and net.cpu() is net
    net.half()
    assert w.dtype == ember.float16
    net.float()
    with pytest.raises(TypeError, match="floating point"):
        net.to(ember.int64)
    out = net(ember.ones(2, 4))
    assert out.dtype == ember.float32


def test_state_dict_values_detached_and_keep_vars():
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert not sd["fc1.weight"].requires_grad
    assert np.shares_memory(sd["fc1.weight"].numpy(), net.fc1.weight.detach().numpy())
    assert net.state_dict(keep_vars=True)["fc1.weight"] is net.fc1.weight
    assert list(net.fc1.state_dict(prefix="p.")) == ["p.weight", "p.bias"]


def test_load_state_dict_copies_in_place_and_reports():
    a, b = Net(), Net()
    w = b.fc1.weight
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert b.fc1.weight is w
    np.testing.assert_array_equal(w.detach().numpy(), a.fc1.weight.detach().numpy())
    sd = a.state_dict()
    sd["fc1.weight"] = ember.zeros(3, 5)
    sd["bogus"] = ember.zeros(1)
    del sd["fc2.bias"]
    with pytest.raises(RuntimeError) as err:
        b.load_state_dict(sd)
    assert str(err.value) == (
        'Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: "fc2.bias". '
        '\n\tUnexpected key(s) in state_dict: "bogus". \n\tsize mismatch for fc1.weight: copying '
        "a param with shape ember.Size([3, 5]) from checkpoint, the shape in current model is "
        "ember.Size([3, 4]).")
    del sd["fc1.weight"]
    missing, unexpected = b.load_state_dict(sd, strict=False)
    assert missing == ["fc1.weight", "fc2.bias"] and unexpected == ["bogus"]


def test_reprs_match_torch():
    e = env()
    old = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)  # the reprs were recorded under float64
    try:
        for code, expected in META["reprs"].items():
            got = repr(eval(code, e))
            assert got == expected.replace("torch.float", "ember.float"), code
    finally:
        ember.set_default_dtype(old)


@pytest.mark.parametrize("key", sorted(META["seeds"]))
def test_seed_models_state_dict_keys_and_repr(key):
    seed = META["seeds"][key]
    m = eval(seed["code"], env())
    assert list(m.state_dict()) == seed["keys"]
    assert repr(m) == seed["repr"]
    assert [[k, list(p.shape)] for k, p in m.named_parameters()] == seed["named_parameters"]


def test_forward_hooks_modify_and_remove():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape))
    out = lin(ember.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(), np.broadcast_to(lin.bias.detach().numpy(),
                                                                      (3, 2)))
    assert calls == [(3, 2)]
    h1.remove()
    h2.remove()
    assert not lin._forward_pre_hooks and not lin._forward_hooks
    with lin.register_forward_hook(lambda m, a, o: o + 1):
        assert lin(ember.zeros(1, 2)).detach().numpy().tolist() == \
            (lin.bias.detach() + 1).numpy()[None].tolist()
    assert not lin._forward_hooks


def test_forward_hook_with_kwargs_and_prepend():
    order = []
    m = nn.Identity()
    m.register_forward_hook(lambda mod, args, out: order.append("a"))
    m.register_forward_hook(lambda mod, args, out: order.append("b"), prepend=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: order.append(("k", kwargs)),
                            with_kwargs=True)
    m(ember.ones(1))
    assert order == ["b", "a", ("k", {})]


def test_full_backward_hook_sees_and_replaces_grads():
    lin = nn.Linear(3, 2)
    seen = {}

    def hook(mod, gin, gout):
        seen["gin"], seen["gout"] = gin, gout
        return (gin[0] * 0 + 7,)

    lin.register_full_backward_hook(hook)
    x = ember.ones(1, 3, requires_grad=True)
    lin(x).sum().backward()
    np.testing.assert_allclose(seen["gout"][0].numpy(), [[1.0, 1.0]])
    np.testing.assert_allclose(seen["gin"][0].numpy(),
                               lin.weight.detach().numpy().sum(0, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), [[7.0, 7.0, 7.0]])
    assert lin.weight.grad is not None


def test_full_backward_hook_when_input_needs_no_grad():
    lin = nn.Linear(3, 2)
    seen = []
    lin.register_full_backward_hook(lambda m, gin, gout: seen.append((gin, len(gout))))
    lin(ember.ones(2, 3)).sum().backward()
    assert seen == [((None,), 1)]


def test_backward_pre_hook():
    lin = nn.Linear(3, 2)
    lin.register_full_backward_pre_hook(lambda m, gout: (gout[0] * 2,))
    x = ember.ones(1, 3, requires_grad=True)
    lin(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * lin.weight.detach().numpy().sum(0,
                                                                                   keepdims=True),
                               rtol=1e-6)


def test_dir_lists_registered_names():
    names = dir(Net())
    assert {"fc1", "act", "steps", "forward"} <= set(names)
