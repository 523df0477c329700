"""Optimizer bookkeeping: groups, state dicts, hooks, zero_grad and PyTorch's errors."""
import copy
import warnings

import numpy as np
import pytest

import ember
from ember import optim

from ._harness import CASES, build, closure_for, flat, train


@pytest.mark.parametrize("name", sorted(CASES))
def test_state_dict_round_trip_resumes_bit_for_bit(name):
    case = CASES[name]
    params, opt = build(case)
    train(opt, params, 6, case["grouping"])
    saved = copy.deepcopy(opt.state_dict())
    snapshot = [p.detach().clone() for p in params]
    straight = train(opt, params, 6, case["grouping"], start=7)

    params2, opt2 = build(case)
    for p, s in zip(params2, snapshot):
        p.data.copy_(s)
    opt2.load_state_dict(saved)
    resumed = train(opt2, params2, 6, case["grouping"], start=7)
    for step in straight:
        np.testing.assert_array_equal(resumed[step], straight[step])


def test_state_dict_layout_is_torchs():
    params, opt = build(CASES["adam_groups"])
    train(opt, params, 2)
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2, 3]]
    assert sd["param_groups"][1]["lr"] == 0.05
    assert sorted(sd["state"][0]) == ["exp_avg", "exp_avg_sq", "step"]
    step = sd["state"][0]["step"]
    assert step.dtype == ember.float32 and step.shape == () and step.item() == 2.0


def test_state_dict_loads_float32_state_into_float64_params():
    """A state dict recorded elsewhere is cast to the parameters' dtype, except ``step``."""
    w = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    sd = {"state": {0: {"step": ember.tensor(4.0), "exp_avg": ember.ones(3),
                        "exp_avg_sq": ember.ones(3)}},
          "param_groups": [dict(opt.state_dict()["param_groups"][0], lr=0.5)]}
    opt.load_state_dict(sd)
    state = opt.state[w]
    assert state["exp_avg"].dtype == ember.float64
    assert state["step"].dtype == ember.float32
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[0]["params"][0] is w
    state["exp_avg"].add_(1)
    assert sd["state"][0]["exp_avg"].tolist() == [1.0, 1.0, 1.0]


def test_load_state_dict_mismatch_errors():
    params, opt = build(CASES["adam"])
    w = ember.zeros(2, requires_grad=True)
    other = optim.Adam([{"params": [w]}, {"params": [ember.zeros(1, requires_grad=True)]}])
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(other.state_dict())
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.Adam([w]).load_state_dict(opt.state_dict())


def test_param_groups_fill_defaults():
    a, b = ember.zeros(2, requires_grad=True), ember.zeros(2, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.1
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0.9
    assert opt.param_groups[1]["params"] == [b]
    c = ember.zeros(1, requires_grad=True)
    opt.add_param_group({"params": [c], "momentum": 0.0})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.0


def test_named_parameters_keep_names():
    a = ember.zeros(2, requires_grad=True)
    opt = optim.SGD([("a", a)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["a"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["a"]


def test_errors_match_torch():
    w = ember.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -1.0"):
        optim.SGD([w], lr=-1.0)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts, but got "
                                        "ember.Tensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the "
                                        "params is int"):
        optim.SGD([1], lr=0.1)
    with pytest.raises(TypeError, match="ordering of tensors in sets"):
        optim.SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Invalid epsilon value: -1"):
        optim.RMSprop([w], eps=-1)
    with pytest.raises(ValueError, match="Invalid momentum value: -0.5"):
        optim.SGD([w], momentum=-0.5)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero "
                                         "dampening"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid rho value: 2"):
        optim.Adadelta([w], rho=2)
    with pytest.raises(ValueError, match="Invalid eta values: 1.5, 1.2"):
        optim.Rprop([w], etas=(1.5, 1.2))
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        optim.LBFGS([{"params": [w]}, {"params": [ember.zeros(1, requires_grad=True)]}])
    with pytest.raises(ValueError, match="parameter group didn't specify a value of required "
                                         "optimization parameter lr"):
        _Required([w])


class _Required(optim.Optimizer):
    def __init__(self, params):
        super().__init__(params, {"lr": optim.optimizer.required})


def test_duplicate_parameters_warn():
    w = ember.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([w, w], lr=0.1)


def test_parameter_without_grad_is_skipped():
    w = ember.ones(2, requires_grad=True)
    frozen = ember.ones(2)
    opt = optim.Adam([w, frozen], lr=0.1)
    (w * frozen).sum().backward()
    opt.step()
    assert frozen.tolist() == [1.0, 1.0]
    assert frozen not in opt.state and w in opt.state


def test_zero_grad():
    w = ember.ones(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    w.sum().backward()
    g = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is g and w.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None


def test_step_hooks_run_in_order_and_can_be_removed():
    w = ember.ones(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    post = opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))
    glob = optim.register_optimizer_step_pre_hook(lambda o, a, k: calls.append(("global", 1)))
    w.sum().backward()
    opt.step()
    assert calls == [("global", 1), ("pre", True), ("post", True)]
    pre.remove(), post.remove(), glob.remove()
    opt.step()
    assert len(calls) == 3


def test_closure_runs_with_grad_enabled_and_returns_loss():
    w = ember.ones(2, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 2.0


def test_lr_as_tensor_and_changed_in_groups():
    w = ember.ones(2, requires_grad=True)
    opt = optim.SGD([w], lr=ember.tensor(0.5))
    w.sum().backward()
    opt.step()
    opt.param_groups[0]["lr"] = 0.25
    opt.step()
    assert w.tolist() == [0.25, 0.25]


def test_repr_lists_group_options():
    opt = optim.SGD([ember.zeros(1, requires_grad=True)], lr=0.1)
    text = repr(opt)
    assert text.startswith("SGD (\nParameter Group 0\n    dampening: 0\n")
    assert "    lr: 0.1\n" in text and text.endswith(")")


def test_float32_params_update_in_float32():
    w = ember.ones(3, requires_grad=True)
    for cls in (optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad, optim.NAdam):
        opt = cls([w], lr=0.01)
        w.sum().backward()
        opt.step()
        assert w.dtype == ember.float32
        assert all(v.dtype in (ember.float32,) for v in opt.state[w].values())
        w.grad = None


def test_float64_default_dtype_makes_float64_step():
    prev = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    try:
        w = ember.ones(2, requires_grad=True)
        opt = optim.Adam([w])
        w.sum().backward()
        opt.step()
        assert opt.state[w]["step"].dtype == ember.float64
    finally:
        ember.set_default_dtype(prev)


def test_lbfgs_converges_on_a_quadratic():
    target = np.array([1.0, -2.0, 3.0])
    w = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    opt = optim.LBFGS([w], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((w - ember.tensor(target)) ** 2 * ember.tensor([1.0, 10.0, 100.0])).sum()
        loss.backward()
        return loss

    opt.step(closure)
    # PyTorch stops at the same point (default tolerance_change), after 10 evaluations.
    np.testing.assert_allclose(w.detach().numpy(), target, atol=1e-6)
    assert opt.state[w]["func_evals"] == 10
    w.data.fill_(0.0)
    opt = optim.LBFGS([w], line_search_fn="backtracking")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


def test_differentiable_is_reported_as_missing():
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        optim.Adam([ember.zeros(1, requires_grad=True)], differentiable=True)


def test_update_allocates_nothing_per_step():
    """The in-place path reuses its scratch buffers: the parameter storage never moves."""
    w = ember.randn(50, 20, requires_grad=True)
    for cls, kw in ((optim.SGD, {"momentum": 0.9, "lr": 0.1}), (optim.Adam, {})):
        opt = cls([w], **kw)
        w.sum().backward()
        opt.step()
        ptr = w.data_ptr()
        scratch = dict(opt._scratch._bufs)
        opt.step()
        assert w.data_ptr() == ptr and dict(opt._scratch._bufs) == scratch
        w.grad = None


@pytest.mark.parametrize("cls,kw", [(optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True,
                                                 "weight_decay": 0.01}),
                                    (optim.SGD, {"lr": 0.1, "dampening": 0.2, "momentum": 0.5}),
                                    (optim.Adam, {"amsgrad": True, "weight_decay": 0.1}),
                                    (optim.AdamW, {"maximize": True})])
def test_blocked_update_equals_whole_array_update(cls, kw, monkeypatch):
    """Large tensors are updated block by block; the numbers must not change."""
    from ember.optim import _common
    rng = np.random.default_rng(0)
    start = rng.standard_normal(_common.BLOCKED_FROM + 3 * _common.BLOCK + 17).astype(np.float32)
    grads = [rng.standard_normal(start.size).astype(np.float32) for _ in range(3)]
    results = []
    for block in (_common.BLOCKED_FROM, 10 ** 9):
        monkeypatch.setattr(_common, "BLOCKED_FROM", block)
        w = ember.tensor(start.copy(), requires_grad=True)
        opt = cls([w], **kw)
        for g in grads:
            w.grad = ember.tensor(g)
            opt.step()
        results.append(w.detach().numpy().copy())
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("kw", [{}, {"amsgrad": True, "maximize": True}, {"betas": (0.6, 0.9)}])
def test_multi_tensor_path_equals_per_tensor_loop(kw):
    """foreach=None/True (one flat update per group) and foreach=False give the same numbers."""
    results = []
    for foreach in (False, True, None):
        params = [ember.tensor(np.linspace(-1, 1, 12).reshape(3, 4) * k, requires_grad=True)
                  for k in (1.0, 2.0)]
        opt = optim.Adam(params, lr=0.01, foreach=foreach, **kw)
        for i in range(5):
            loss = sum(((p - 0.1 * i) ** 2).sum() for p in params)
            opt.zero_grad()
            loss.backward()
            opt.step()
        results.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
        state = opt.state_dict()["state"]
        assert state[0]["step"].item() == 5.0 and state[1]["exp_avg"].shape == (3, 4)
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])


def test_multi_tensor_path_follows_state_replaced_by_the_user():
    params = [ember.ones(3, requires_grad=True), ember.ones(2, requires_grad=True)]
    opt = optim.Adam(params, lr=0.1)
    for p in params:
        p.grad = ember.ones(p.shape)
    opt.step()
    opt.state[params[0]]["exp_avg"] = ember.zeros(3)
    opt.step()
    assert opt.state[params[0]]["exp_avg"].tolist() == pytest.approx([0.1, 0.1, 0.1])
