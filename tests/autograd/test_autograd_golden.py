"""Gradients of representative compositions and seed 003's training loops vs PyTorch's numbers.

The fixtures come from tools/fixtures/autograd.py, which runs the very same functions
(tests/autograd/compositions.py) on PyTorch.
"""
import pathlib
import sys

import numpy as np
import pytest

import ember

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compositions  # noqa: E402

FIXTURES = HERE.parent / "fixtures" / "torch"
GOLDEN = np.load(FIXTURES / "autograd_golden.npz")
SEED003 = np.load(FIXTURES / "autograd_seed003.npz")


@pytest.mark.parametrize("name", sorted(compositions.COMPOSITIONS))
def test_composition_gradients_match_torch(name):
    fn, shapes = compositions.COMPOSITIONS[name]
    inputs = [ember.tensor(GOLDEN[f"{name}/in{i}"], requires_grad=True) for i in range(len(shapes))]
    out = fn(ember, *inputs)
    grads = ember.autograd.grad(out, inputs)
    np.testing.assert_allclose(out.item(), GOLDEN[f"{name}/value"], rtol=1e-10)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g.numpy(), GOLDEN[f"{name}/grad{i}"], rtol=1e-9, atol=1e-12,
                                   err_msg=f"{name}: gradient of input {i}")


def test_hessian_vector_product_matches_torch():
    x = ember.tensor(GOLDEN["hvp/x"], requires_grad=True)
    w = ember.tensor(GOLDEN["hvp/w"], requires_grad=True)
    (g,) = ember.autograd.grad(compositions.hvp_target(ember, x, w), x, create_graph=True)
    hx, hw = ember.autograd.grad((g * ember.tensor(GOLDEN["hvp/v"])).sum(), (x, w))
    np.testing.assert_allclose(hx.numpy(), GOLDEN["hvp/hx"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(hw.numpy(), GOLDEN["hvp/hw"], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("version", sorted(compositions.SEED003))
def test_seed003_two_layer_net_matches_torch(version):
    x, y = ember.tensor(SEED003["x"]), ember.tensor(SEED003["y"])
    w1, w2 = ember.tensor(SEED003["w1"]), ember.tensor(SEED003["w2"])
    if version != "manual":
        w1.requires_grad_()
        w2.requires_grad_()
    losses, w1, w2 = compositions.SEED003[version](ember, x, y, w1, w2, compositions.SEED003_STEPS,
                                                  compositions.SEED003_LR)
    # float32 end to end: summation order differs from PyTorch's, so compare to ~1e-5.
    np.testing.assert_allclose(losses, SEED003[f"{version}/losses"], rtol=2e-5)
    np.testing.assert_allclose(w1.detach().numpy(), SEED003[f"{version}/w1"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(w2.detach().numpy(), SEED003[f"{version}/w2"], rtol=1e-4, atol=1e-5)


def test_composition_with_stale_saved_output_raises_like_torch():
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    z = (x * 2).exp()
    z.sub_(0.5)
    with pytest.raises(RuntimeError, match="output 0 of ExpBackward0, is at version 1; expected "
                                           "version 0"):
        z.sum().backward()
