"""Shared by the optim tests: the recorded PyTorch fixtures and the tiny network they train."""
from __future__ import annotations

import json
import pathlib

import numpy as np

import ember

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "torch"
META = json.loads((FIXTURES / "optim_cases.json").read_text())
ARRAYS = dict(np.load(FIXTURES / "optim_trajectories.npz"))
CASES = {c["name"]: c for c in META["cases"]}
KEEP = META["keep"]


def make_params():
    return [ember.tensor(ARRAYS[k].copy(), requires_grad=True) for k in ("w1", "b1", "w2", "b2")]


def loss_fn(params):
    w1, b1, w2, b2 = params
    x, y = ember.tensor(ARRAYS["x"]), ember.tensor(ARRAYS["y"])
    h = ember.tanh(x @ w1.t() + b1)
    return ((h @ w2.t() + b2 - y) ** 2).mean()


def groups_for(params, grouping):
    if grouping in ("one", "lr_decay"):
        return params
    if grouping == "frozen":
        params[1].requires_grad_(False)
        return params
    _, extra = grouping
    return [{"params": params[:2]}, dict(extra, params=params[2:])]


def kwargs_of(case):
    kw = dict(case["kwargs"])
    for key in ("betas", "etas", "step_sizes"):
        if key in kw:
            kw[key] = tuple(kw[key])
    return kw


def build(case):
    params = make_params()
    opt = getattr(ember.optim, case["optimizer"])(groups_for(params, case["grouping"]),
                                                  **kwargs_of(case))
    return params, opt


def closure_for(opt, params):
    def closure():
        opt.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        return loss
    return closure


def train(opt, params, steps, grouping="one", start=1):
    """Run ``steps`` steps; returns {step: flat parameters} for the recorded steps."""
    closure = closure_for(opt, params)
    out = {}
    for step in range(start, start + steps):
        opt.step(closure)
        if grouping == "lr_decay":
            for g in opt.param_groups:
                g["lr"] *= 0.9
        out[step] = flat(params)
    return out


def flat(params):
    return np.concatenate([p.detach().numpy().reshape(-1) for p in params])


def max_rel_err(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))
