"""Scheduler learning rates (and cycled momenta) equal PyTorch's recorded sequences."""
import copy
import warnings

import numpy as np
import pytest

import ember
from ember.optim import lr_scheduler

from ._harness import META

SCHEDS = META["schedulers"]


def _make(opt, name, kwargs):
    kwargs = dict(kwargs)
    if "lr_lambda" in kwargs:
        kwargs["lr_lambda"] = eval(kwargs["lr_lambda"])  # our own literal strings
    if "schedulers" in kwargs:
        children = [getattr(lr_scheduler, n)(opt, **k) for n, k in kwargs.pop("schedulers")]
        if name == "ChainedScheduler":
            return lr_scheduler.ChainedScheduler(children)
        kwargs["schedulers"] = children
    return getattr(lr_scheduler, name)(opt, **kwargs)


def _optimizer():
    w = ember.zeros(2, requires_grad=True)
    v = ember.zeros(2, requires_grad=True)
    return ember.optim.SGD([{"params": [w]}, {"params": [v], "lr": 0.05}], lr=0.1, momentum=0.9)


def _run(opt, sched, name, epochs, start=0):
    lrs, moms = [], []
    for epoch in range(start, start + epochs):
        opt.step()
        if name == "ReduceLROnPlateau":
            sched.step(META["plateau_metrics"][epoch])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append([g["momentum"] for g in opt.param_groups])
    return lrs, moms


def _ids():
    return [f"{i}-{s['name']}" for i, s in enumerate(SCHEDS)]


@pytest.mark.parametrize("rec", SCHEDS, ids=_ids())
def test_lr_sequence_matches_torch(rec):
    opt = _optimizer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = _make(opt, rec["name"], rec["kwargs"])
    first = [[g["lr"] for g in opt.param_groups]]
    lrs, moms = _run(opt, sched, rec["name"], len(rec["lrs"]) - 1)
    np.testing.assert_allclose(first + lrs, rec["lrs"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(moms, rec["momentums"][1:], rtol=1e-12, atol=0)
    assert sched.get_last_lr() == lrs[-1]


@pytest.mark.parametrize("rec", SCHEDS, ids=_ids())
def test_state_dict_resumes_identically(rec):
    """Save optimizer and scheduler halfway, load them into fresh ones, finish identically."""
    name = rec["name"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = _optimizer()
        sched = _make(opt, name, rec["kwargs"])
        _run(opt, sched, name, 10)
        saved_opt = copy.deepcopy(opt.state_dict())
        saved_sched = copy.deepcopy(sched.state_dict())
        rest, _ = _run(opt, sched, name, 15, start=10)
        opt2 = _optimizer()
        sched2 = _make(opt2, name, rec["kwargs"])
        opt2.load_state_dict(saved_opt)
        sched2.load_state_dict(saved_sched)
        rest2, _ = _run(opt2, sched2, name, 15, start=10)
    assert rest2 == rest


def test_warns_when_scheduler_steps_before_optimizer():
    opt = _optimizer()
    sched = lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match=r"lr_scheduler.step\(\)` before `optimizer.step\(\)"):
        sched.step()


def test_no_warning_in_the_right_order():
    opt = _optimizer()
    sched = lr_scheduler.StepLR(opt, step_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()


def test_epoch_argument_uses_closed_form_and_warns():
    opt = _optimizer()
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.step()
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(3)
    assert sched.get_last_lr() == [0.1 * 0.5 ** 3, 0.05 * 0.5 ** 3]


def test_get_lr_outside_step_warns():
    sched = lr_scheduler.StepLR(_optimizer(), step_size=2)
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_scheduler_errors():
    opt = _optimizer()
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(ValueError, match="Constant multiplicative factor"):
        lr_scheduler.ConstantLR(opt, factor=2.0)
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.5)
    with pytest.raises(ValueError, match="mode bad is unknown!"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="bad")
    with pytest.raises(ValueError, match="You must define either total_steps"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(_optimizer(), step_size=1, last_epoch=3)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched.step()
        sched.step()
        with pytest.raises(ValueError, match="Tried to step 3 times"):
            sched.step()


def test_one_cycle_with_adam_cycles_beta1():
    w = ember.zeros(2, requires_grad=True)
    opt = ember.optim.Adam([w], lr=0.1)
    lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    assert opt.param_groups[0]["betas"] == (0.95, 0.999)
