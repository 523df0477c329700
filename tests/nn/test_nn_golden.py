"""Every layer, activation and loss against PyTorch's outputs and gradients (same weights)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember

from nn_golden import META, case_arrays, env

CASES = META["cases"]


@pytest.fixture
def float64_default():
    old = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    yield
    ember.set_default_dtype(old)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_torch(case, float64_default):
    arrays = case_arrays(case["name"])
    e = env()
    xs = []
    for j, (_, _, rg) in enumerate(case["inputs"]):
        xs.append(ember.tensor(arrays[f"in{j}"], requires_grad=rg))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case["module"]:
            mod = eval(case["code"], e)
            if "RReLU" in case["code"]:
                mod.eval()
            sd = {k[3:]: ember.tensor(v) for k, v in arrays.items() if k.startswith("sd/")}
            mod.load_state_dict(sd)
            out = mod(*xs)
            params = list(mod.named_parameters())
        else:
            out = eval(case["code"], dict(e, **{f"x{j}": x for j, x in enumerate(xs)}))
            params = []
    np.testing.assert_allclose(out.detach().numpy(), arrays["out"], rtol=1e-7, atol=1e-9)
    assert out.dtype == ember.float64
    leaves = [x for x in xs if x.requires_grad] + [p for _, p in params]
    grads = ember.autograd.grad(out, leaves, ember.tensor(arrays["gy"]), allow_unused=True)
    gi = 0
    for j, x in enumerate(xs):
        if x.requires_grad:
            expect = arrays.get(f"gin{j}")
            got = grads[gi]
            if expect is None:
                assert got is None or not np.any(got.numpy())
            else:
                np.testing.assert_allclose(got.numpy(), expect, rtol=1e-6, atol=1e-9,
                                           err_msg=f"grad of input {j}")
            gi += 1
    for k, _ in params:
        np.testing.assert_allclose(grads[gi].numpy(), arrays[f"gp/{k}"], rtol=1e-6, atol=1e-9,
                                   err_msg=f"grad of {k}")
        gi += 1


GRAD_FN_SAME = {"MSELoss_mean", "MSELoss_sum", "MSELoss_none", "Linear2d", "CE_mean", "CE_sum",
                "NLL_mean", "ReLU", "Softmax", "LogSoftmax", "Sigmoid", "Tanh", "GELU",
                "LeakyReLU", "ELU", "Hardtanh", "Softplus", "SiLU", "Hardswish",
                "Hardsigmoid", "LogSigmoid"}


@pytest.mark.parametrize("name", sorted(GRAD_FN_SAME))
def test_grad_fn_names_match_torch(name, float64_default):
    case = next(c for c in CASES if c["name"] == name)
    arrays = case_arrays(name)
    e = env()
    xs = [ember.tensor(arrays[f"in{j}"], requires_grad=rg)
          for j, (_, _, rg) in enumerate(case["inputs"])]
    out = eval(case["code"], e)(*xs)
    assert type(out.grad_fn).__name__ == case["grad_fn"]
