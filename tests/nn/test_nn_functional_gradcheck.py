"""float64 gradcheck and gradgradcheck of every nn.functional op ember defines (part 1)."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck


def _x(*shape, low=None, high=None, seed=0):
    rng = np.random.default_rng(seed)
    if low is None:
        a = rng.standard_normal(shape)
        a = a + np.sign(a) * 0.05  # keep away from kinks at 0
    else:
        a = rng.uniform(low, high, shape)
    return ember.tensor(a, dtype=ember.float64, requires_grad=True)


def _long(*shape, n, seed=1):
    return ember.tensor(np.random.default_rng(seed).integers(0, n, shape))


UNARY = {
    "relu": lambda x: F.relu(x),
    "relu6": lambda x: F.relu6(x * 4),
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
    "elu": lambda x: F.elu(x, 0.7),
    "selu": lambda x: F.selu(x),
    "celu": lambda x: F.celu(x, 1.5),
    "gelu": lambda x: F.gelu(x),
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": lambda x: F.silu(x),
    "mish": lambda x: F.mish(x),
    "hardtanh": lambda x: F.hardtanh(x, -0.5, 0.5),
    "hardsigmoid": lambda x: F.hardsigmoid(x * 4),
    "hardswish": lambda x: F.hardswish(x * 4),
    "softplus": lambda x: F.softplus(x, beta=2.0, threshold=1.0),
    "softsign": lambda x: F.softsign(x),
    "softmax": lambda x: F.softmax(x, dim=1),
    "log_softmax": lambda x: F.log_softmax(x, dim=0),
    "softmin": lambda x: F.softmin(x, dim=-1),
    "threshold": lambda x: F.threshold(x, 0.1, 2.0),
    "logsigmoid": lambda x: F.logsigmoid(x),
    "tanhshrink": lambda x: F.tanhshrink(x),
    "hardshrink": lambda x: F.hardshrink(x, 0.3),
    "softshrink": lambda x: F.softshrink(x, 0.3),
    "glu": lambda x: F.glu(x, dim=1),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_activation_gradcheck(name):
    x = _x(3, 4)
    fn = UNARY[name]
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_prelu_gradcheck():
    x, w = _x(2, 3, 4), _x(3, seed=5)
    assert gradcheck(F.prelu, (x, w))
    assert gradgradcheck(F.prelu, (x, w))


def test_linear_and_bilinear_gradcheck():
    x, w, b = _x(4, 5), _x(3, 5, seed=2), _x(3, seed=3)
    assert gradcheck(F.linear, (x, w, b))
    assert gradgradcheck(F.linear, (x, w, b))
    x3 = _x(2, 4, 5, seed=4)
    assert gradcheck(F.linear, (x3, w, b))
    x1, x2, wb = _x(4, 3), _x(4, 2, seed=6), _x(5, 3, 2, seed=7)
    assert gradcheck(F.bilinear, (x1, x2, wb, _x(5, seed=8)))


LOSSES = {
    "mse_mean": lambda x, t: F.mse_loss(x, t),
    "mse_sum": lambda x, t: F.mse_loss(x, t, reduction="sum"),
    "mse_none": lambda x, t: F.mse_loss(x, t, reduction="none"),
    "l1": lambda x, t: F.l1_loss(x, t),
    "smooth_l1": lambda x, t: F.smooth_l1_loss(x, t, beta=0.5),
    "huber": lambda x, t: F.huber_loss(x, t, delta=0.5),
    "kl_div_log_target": lambda x, t: F.kl_div(x, t, reduction="batchmean", log_target=True),
    "gaussian_nll": lambda x, t: F.gaussian_nll_loss(x, t, t * t + 0.5),
    "soft_margin": lambda x, t: F.soft_margin_loss(x, t),
    "triplet": lambda x, t: F.triplet_margin_loss(x, t, t * 0.5 - x),
    "cosine_emb": lambda x, t: F.cosine_embedding_loss(
        x, t, ember.tensor([1.0, -1.0, 1.0], dtype=ember.float64), margin=-0.5),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_pointwise_loss_gradcheck(name):
    x, t = _x(3, 4), _x(3, 4, seed=9)
    assert gradcheck(LOSSES[name], (x, t))
    assert gradgradcheck(LOSSES[name], (x, t))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("options", [{}, {"label_smoothing": 0.3},
                                     {"ignore_index": 2, "weighted": True},
                                     {"weighted": True, "label_smoothing": 0.1}])
def test_cross_entropy_fused_gradgradcheck(reduction, options):
    opts = dict(options)
    weight = ember.tensor([0.3, 1.0, 2.0, 0.7], dtype=ember.float64) \
        if opts.pop("weighted", False) else None
    x, t = _x(5, 4), _long(5, n=4)
    fn = lambda x: F.cross_entropy(x, t, weight=weight, reduction=reduction, **opts)  # noqa: E731
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_cross_entropy_nd_and_probabilities_gradcheck():
    x, t = _x(2, 3, 4), _long(2, 4, n=3)
    assert gradgradcheck(lambda x: F.cross_entropy(x, t), (x,))
    p = ember.tensor(np.random.default_rng(0).dirichlet(np.ones(4), 5), requires_grad=True)
    x2 = _x(5, 4)
    assert gradcheck(lambda x, p: F.cross_entropy(x, p, label_smoothing=0.2), (x2, p))
    assert gradgradcheck(lambda x, p: F.cross_entropy(x, p), (x2, p))


def test_nll_and_binary_losses_gradcheck():
    x, t = _x(5, 4), _long(5, n=4)
    w = ember.tensor([0.3, 1.0, 2.0, 0.7], dtype=ember.float64)
    assert gradgradcheck(lambda x: F.nll_loss(x, t, weight=w, ignore_index=1), (x,))
    p = _x(3, 4, low=0.1, high=0.9)
    y = ember.tensor(np.random.default_rng(2).uniform(0, 1, (3, 4)))
    assert gradgradcheck(lambda p: F.binary_cross_entropy(p, y), (p,))
    z = _x(3, 4)
    pw = ember.tensor([1.0, 2.0, 0.5, 3.0], dtype=ember.float64)
    assert gradgradcheck(lambda z: F.binary_cross_entropy_with_logits(z, y, pos_weight=pw), (z,))
    assert gradgradcheck(lambda z: F.multilabel_soft_margin_loss(z, (y > 0.5).double()), (z,))
    assert gradcheck(lambda z: F.poisson_nll_loss(z, y), (z,))
    assert gradcheck(lambda z: F.multi_margin_loss(z, _long(3, n=4), p=2), (z,))
    assert gradcheck(lambda z: F.hinge_embedding_loss(z, ember.sign(y - 0.5)), (z,))
    a, b = _x(6), _x(6, seed=4)
    s = ember.tensor([1.0, -1.0, 1.0, 1.0, -1.0, -1.0], dtype=ember.float64)
    assert gradcheck(lambda a, b: F.margin_ranking_loss(a, b, s, margin=0.1), (a, b))


def test_cross_entropy_fast_path_matches_general_path():
    # Unweighted (N, C) targets take a fused fast path; compare it with the general formulation.
    x = _x(6, 5)
    t = ember.tensor([0, 4, 2, 2, 1, 3])
    for red in ("mean", "sum"):
        fast = F.cross_entropy(x, t, reduction=red)
        general = F.nll_loss(F.log_softmax(x, 1), t, reduction=red)
        assert ember.allclose(fast, general)
        gf, = ember.autograd.grad(fast, x)
        gg, = ember.autograd.grad(general, x)
        assert ember.allclose(gf, gg)
    # An ignored target inside the fast path's input falls back to the general path.
    ti = ember.tensor([0, -100, 2, 2, 1, -100])
    loss = F.cross_entropy(x, ti)
    keep = [0, 2, 3, 4]
    assert ember.allclose(loss, F.cross_entropy(x[keep], ti[keep]))
    assert gradgradcheck(lambda x: F.cross_entropy(x, ti), (x,))
    ti2 = ember.tensor([0, 3, 2, 2, 1, 3])
    assert ember.allclose(F.cross_entropy(x, ti2, ignore_index=3),
                          F.cross_entropy(x[[0, 2, 3, 4]], ti2[[0, 2, 3, 4]]))


def test_softmax_family_stable_on_wide_rows():
    x = ember.tensor([[1e4, 0.0, -1e4], [1.0, 2.0, 3.0]], dtype=ember.float64)
    ls = F.log_softmax(x, 1)
    assert ls[0].tolist() == [0.0, -1e4, -2e4]
    assert ember.allclose(ls[1], ember.log(F.softmax(x[1:], 1))[0])
    assert ember.isfinite(F.softmax(x, 1)).all()
    assert F.softplus(ember.tensor([1e4, -1e4])).tolist() == [1e4, 0.0]
    assert F.logsigmoid(ember.tensor([-1e4, 1e4])).tolist() == [-1e4, 0.0]


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim", [((), 0), ((4,), 0), ((2, 3, 4), 1), ((2, 3, 4), -1)])
def test_softmax_grads_every_rank_to_second_order(fn, shape, dim):
    # Their backwards are fused grad ops (SoftmaxBackwardDataBackward0 and the log form), whose
    # own backwards give the second derivative; a 0-d input must stay an array throughout.
    x = _x(*shape)
    assert gradcheck(lambda t: fn(t, dim=dim), (x,))
    assert gradgradcheck(lambda t: fn(t, dim=dim), (x,))
    (g,) = ember.autograd.grad(fn(x, dim=dim).sum() if shape else fn(x, dim=dim), x,
                               create_graph=True)
    prefix = "Log" if fn is F.log_softmax else ""
    assert type(g.grad_fn).__name__ == prefix + "SoftmaxBackwardDataBackward0"
