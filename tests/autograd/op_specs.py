"""THE table of differentiable ops: one entry per use case, checked by test_op_table.py.

Every Node subclass in ember must be reached by at least one spec (in the forward graph of its
output or in the graph of its gradient); ``test_op_table.py::test_every_node_has_a_spec`` fails
otherwise. Coverage is measured by walking the graphs, so a spec never has to name its nodes.

Adding an op (for example in nn): append ``spec(...)`` calls here, or put them in a new file
``tests/autograd/op_specs_<area>.py`` that does ``from op_specs import spec, T, C, I, M, F``;
test_op_table imports every ``op_specs*.py`` in this folder. A spec is::

    spec("name", fn, [arg, ...], ref)

- ``fn(*args)`` calls ember; ``ref(*args)`` computes the same with NumPy (tensors arrive as
  float64/int64 arrays, constants as they are).
- Args: ``T(*shape, low=-2, high=2)`` a float64 tensor that requires grad; domains
  ``T(..., domain="pos")`` (0.5..2), ``"unit"`` (-0.9..0.9), ``"away0"`` (|x| in 0.3..2),
  ``"nonint"`` (values at least 0.2 away from integers); ``F(maker)`` a float tensor from
  ``maker(rng)``; ``I(*shape, high=n)`` an int64 index tensor; ``M(*shape)`` a bool mask;
  ``C(value)`` any constant (passed as is).
- Keywords: ``gradgrad=False`` skips the second-order check (say why in ``why``),
  ``atol``/``rtol``/``eps`` loosen the comparisons.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

import ember

SPECS: list = []


@dataclasses.dataclass
class OpSpec:
    name: str
    fn: Callable
    args: list
    ref: Callable
    gradgrad: bool = True
    why: str = ""
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6
    ref_atol: float = 1e-10


def spec(name, fn, args, ref, **kw) -> OpSpec:
    if any(s.name == name for s in SPECS):
        raise ValueError(f"duplicate op spec name {name!r}")
    s = OpSpec(name, fn, list(args), ref, **kw)
    SPECS.append(s)
    return s


# ---------------------------------------------------------------- argument makers


@dataclasses.dataclass
class T:
    """A float64 leaf tensor that requires grad, drawn from a domain."""
    shape: tuple
    domain: str = "real"
    low: float = -2.0
    high: float = 2.0

    def __init__(self, *shape, domain="real", low=-2.0, high=2.0):
        self.shape, self.domain, self.low, self.high = shape, domain, low, high

    def make(self, rng):
        s = self.shape
        if self.domain == "real":
            a = rng.uniform(self.low, self.high, s)
        elif self.domain == "pos":
            a = rng.uniform(0.5, 2.0, s)
        elif self.domain == "unit":
            a = rng.uniform(-0.9, 0.9, s)
        elif self.domain == "away0":
            a = rng.uniform(0.3, 2.0, s) * rng.choice([-1.0, 1.0], s)
        elif self.domain == "nonint":
            a = rng.integers(-3, 3, s) + rng.uniform(0.2, 0.8, s)
        else:
            raise ValueError(f"unknown domain {self.domain!r}")
        return ember.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


@dataclasses.dataclass
class F:
    """A float64 leaf tensor that requires grad, from ``maker(rng) -> ndarray``."""
    maker: Callable

    def make(self, rng):
        return ember.tensor(np.asarray(self.maker(rng), dtype=np.float64), requires_grad=True)


@dataclasses.dataclass
class I:
    """An int64 index tensor with values in [0, high)."""
    shape: tuple
    high: int

    def __init__(self, *shape, high):
        self.shape, self.high = shape, high

    def make(self, rng):
        return ember.tensor(rng.integers(0, self.high, self.shape), dtype=ember.int64)


@dataclasses.dataclass
class M:
    """A bool mask tensor."""
    shape: tuple

    def __init__(self, *shape):
        self.shape = shape

    def make(self, rng):
        return ember.tensor(rng.uniform(size=self.shape) < 0.5)


@dataclasses.dataclass
class C:
    """A constant argument, passed unchanged."""
    value: object

    def make(self, rng):
        return self.value


def to_numpy(x):
    if isinstance(x, ember.Tensor):
        return np.array(x.detach().numpy())
    return x


# ---------------------------------------------------------------- elementwise

E = ember
spec("add", lambda a, b: a + b, [T(3, 4), T(3, 4)], np.add)
spec("add_broadcast", lambda a, b: a + b, [T(2, 3, 4), T(4)], np.add)
spec("add_broadcast_keep", lambda a, b: E.add(a, b, alpha=2), [T(3, 1), T(1, 4)],
     lambda a, b: a + 2 * b)
spec("add_scalar", lambda a: a + 1.5, [T(3)], lambda a: a + 1.5)
spec("sub", lambda a, b: a - b, [T(3, 4), T(4)], np.subtract)
spec("rsub", lambda a: 2.0 - a, [T(3)], lambda a: 2.0 - a)
spec("mul", lambda a, b: a * b, [T(3, 4), T(3, 4)], np.multiply)
spec("mul_broadcast", lambda a, b: a * b, [T(3, 1), T(1, 4)], np.multiply)
spec("mul_scalar_0d", lambda a, b: a * b, [T(3, 2), T()], np.multiply)
spec("div", lambda a, b: a / b, [T(3, 4), T(4, domain="away0")], np.divide)
spec("neg", lambda a: -a, [T(5)], np.negative)
spec("pow_scalar", lambda a: a ** 3, [T(2, 3)], lambda a: a ** 3)
spec("pow_fractional", lambda a: a ** 2.5, [T(2, 3, domain="pos")], lambda a: a ** 2.5)
spec("pow_zero", lambda a: a ** 0, [T(3)], lambda a: a ** 0)
spec("pow_tensor", lambda a, b: a ** b, [T(2, 3, domain="pos"), T(3)], np.power)
spec("rpow", lambda b: 2.0 ** b, [T(3)], lambda b: 2.0 ** b)
spec("square", E.square, [T(4)], np.square)
for _name, _fn, _ref, _dom in [
        ("exp", E.exp, np.exp, "real"), ("expm1", E.expm1, np.expm1, "real"),
        ("log", E.log, np.log, "pos"), ("log2", E.log2, np.log2, "pos"),
        ("log10", E.log10, np.log10, "pos"), ("log1p", E.log1p, np.log1p, "pos"),
        ("sqrt", E.sqrt, np.sqrt, "pos"), ("rsqrt", E.rsqrt, lambda x: 1 / np.sqrt(x), "pos"),
        ("reciprocal", E.reciprocal, np.reciprocal, "away0"), ("sin", E.sin, np.sin, "real"),
        ("cos", E.cos, np.cos, "real"), ("tan", E.tan, np.tan, "unit"),
        ("asin", E.asin, np.arcsin, "unit"), ("acos", E.acos, np.arccos, "unit"),
        ("atan", E.atan, np.arctan, "real"), ("sinh", E.sinh, np.sinh, "real"),
        ("cosh", E.cosh, np.cosh, "real"), ("tanh", E.tanh, np.tanh, "real"),
        ("sigmoid", E.sigmoid, lambda x: 1 / (1 + np.exp(-x)), "real"),
        ("relu", E.relu, lambda x: np.maximum(x, 0), "away0"),
        ("abs", E.abs, np.abs, "away0"),
        ("sign", E.sign, np.sign, "away0"), ("floor", E.floor, np.floor, "nonint"),
        ("ceil", E.ceil, np.ceil, "nonint"), ("round", E.round, np.round, "nonint"),
        ("trunc", E.trunc, np.trunc, "nonint"), ("frac", E.frac, lambda x: x - np.trunc(x), "nonint")]:
    spec(_name, _fn, [T(3, 4, domain=_dom)], _ref)


def _erf_ref(x):
    import math
    return np.vectorize(math.erf)(x)


spec("erf", E.erf, [T(3, 4)], _erf_ref)
spec("erfc", E.erfc, [T(3, 4)], lambda x: 1 - _erf_ref(x))
spec("atan2", E.atan2, [T(3, 4), T(3, 4, domain="away0")], np.arctan2)
spec("clamp_min", lambda x: x.clamp(min=0.25), [F(lambda r: r.choice([-1, 1], (3, 4)) * r.uniform(
    0.5, 2, (3, 4)))], lambda x: np.maximum(x, 0.25))
spec("clamp_both", lambda x: E.clamp(x, -1.0, 1.0), [F(lambda r: r.choice([-1.5, 0.0, 1.5], (3, 4))
                                                       + r.uniform(-0.3, 0.3, (3, 4)))],
     lambda x: np.clip(x, -1, 1))
spec("maximum", E.maximum, [T(3, 4), T(4)], np.maximum)
spec("minimum", E.minimum, [T(3, 4), T(3, 4)], np.minimum)
spec("where", lambda m, a, b: E.where(m, a, b), [M(3, 4), T(3, 4), T(4)], np.where)
spec("masked_fill", lambda x, m: x.masked_fill(m, 0.5), [T(3, 4), M(3, 4)],
     lambda x, m: np.where(m, 0.5, x))
spec("lerp", lambda a, b: E.lerp(a, b, 0.3), [T(4), T(4)], lambda a, b: a + 0.3 * (b - a))


def _fmod_args(r):
    b = r.uniform(1.5, 2.0, (3, 4)) * r.choice([-1, 1], (3, 4))
    return b * (r.integers(-3, 3, (3, 4)) + r.uniform(0.2, 0.8, (3, 4)))


spec("fmod", E.fmod, [F(_fmod_args), F(lambda r: np.full((3, 4), 1.7))], np.fmod)
spec("remainder", E.remainder, [F(_fmod_args), F(lambda r: np.full((3, 4), 1.7))], np.mod)

# ---------------------------------------------------------------- reductions

spec("sum", lambda x: x.sum(), [T(3, 4)], np.sum)
spec("sum_dim", lambda x: x.sum(1), [T(3, 4)], lambda x: x.sum(1))
spec("sum_dims_keepdim", lambda x: x.sum((0, 2), keepdim=True), [T(2, 3, 4)],
     lambda x: x.sum((0, 2), keepdims=True))
spec("mean", lambda x: x.mean(), [T(3, 4)], np.mean)
spec("mean_dim", lambda x: x.mean(-1, keepdim=True), [T(3, 4)], lambda x: x.mean(-1, keepdims=True))
spec("prod", lambda x: x.prod(), [T(2, 3, domain="away0")], np.prod)
spec("prod_dim", lambda x: x.prod(1), [T(2, 3, domain="away0")], lambda x: x.prod(1))
spec("cumsum", lambda x: x.cumsum(1), [T(3, 4)], lambda x: np.cumsum(x, 1))
spec("cumprod", lambda x: x.cumprod(0), [T(4, 2, domain="away0")], lambda x: np.cumprod(x, 0))
spec("amax", lambda x: x.amax(1), [T(3, 4)], lambda x: x.max(1))
spec("amin", lambda x: x.amin((0, 1)), [T(3, 4)], lambda x: x.min((0, 1)))
spec("max_all", lambda x: x.max(), [T(3, 4)], np.max)
spec("min_all", lambda x: x.min(), [T(3, 4)], np.min)
spec("max_dim", lambda x: x.max(1).values, [T(3, 4)], lambda x: x.max(1))
spec("min_dim_keepdim", lambda x: x.min(0, keepdim=True)[0], [T(3, 4)],
     lambda x: x.min(0, keepdims=True))
spec("var", lambda x: x.var(1), [T(3, 4)], lambda x: x.var(1, ddof=1))
spec("std", lambda x: x.std(), [T(3, 4)], lambda x: x.std(ddof=1))
spec("logsumexp", lambda x: x.logsumexp(1), [T(3, 4)],
     lambda x: np.log(np.exp(x).sum(1)))
spec("norm", lambda x: ember.linalg.vector_norm(x, dim=1), [T(3, 4)],
     lambda x: np.linalg.norm(x, axis=1))

# ---------------------------------------------------------------- shapes and views

spec("view", lambda x: x.view(4, 3), [T(3, 4)], lambda x: x.reshape(4, 3))
spec("reshape_copy", lambda x: x.t().reshape(-1), [T(3, 4)], lambda x: x.T.reshape(-1))
spec("flatten", lambda x: x.flatten(1), [T(2, 3, 4)], lambda x: x.reshape(2, 12))
spec("transpose", lambda x: x.transpose(0, 2), [T(2, 3, 4)], lambda x: x.transpose(2, 1, 0))
spec("t", lambda x: x.t(), [T(3, 4)], lambda x: x.T)
spec("mT", lambda x: x.mT, [T(2, 3, 4)], lambda x: np.swapaxes(x, -1, -2))
spec("permute", lambda x: x.permute(1, 2, 0), [T(2, 3, 4)], lambda x: x.transpose(1, 2, 0))
spec("expand", lambda x: x.expand(2, 3, 4), [T(3, 1)], lambda x: np.broadcast_to(x, (2, 3, 4)))
spec("squeeze", lambda x: x.squeeze(1), [T(3, 1, 2)], lambda x: x.squeeze(1))
spec("unsqueeze", lambda x: x.unsqueeze(-1), [T(3, 2)], lambda x: x[..., None])
spec("alias_0d", lambda x: x[...], [T()], lambda x: x)
spec("clone", lambda x: x.clone(), [T(3)], np.copy)
spec("to_float32", lambda x: x.to(ember.float32).to(ember.float64), [T(3)],
     lambda x: x.astype(np.float32).astype(np.float64), eps=1e-2, atol=1e-4, ref_atol=1e-6)
spec("flip", lambda x: x.flip(0, 1), [T(3, 4)], lambda x: x[::-1, ::-1])
spec("roll", lambda x: x.roll(1, 1), [T(3, 4)], lambda x: np.roll(x, 1, 1))
spec("repeat", lambda x: x.repeat(2, 1, 3), [T(3, 2)], lambda x: np.tile(x, (2, 1, 3)))
spec("cat", lambda a, b: E.cat([a, b], 1), [T(2, 3), T(2, 2)],
     lambda a, b: np.concatenate([a, b], 1))
spec("stack", lambda a, b: E.stack([a, b], -1), [T(2, 3), T(2, 3)],
     lambda a, b: np.stack([a, b], -1))
spec("split", lambda x: E.split(x, 2, 1)[1], [T(3, 4)], lambda x: x[:, 2:4])
spec("select", lambda x: x[1], [T(3, 4)], lambda x: x[1])
spec("select_neg_dim", lambda x: x.select(-1, 2), [T(3, 4)], lambda x: x[:, 2])
spec("slice", lambda x: x[1:, ::2], [T(3, 4)], lambda x: x[1:, ::2])
spec("index_int_tensor", lambda x, i: x[i], [T(4, 3), I(5, high=4)], lambda x, i: x[i])
spec("index_negative_none_ellipsis", lambda x: x[-1, None, ..., 1:],
     [T(3, 2, 4)], lambda x: x[-1, None, ..., 1:])
spec("index_mixed_basic_advanced", lambda x, i: x[1:, i, ::2], [T(3, 4, 5), I(2, high=4)],
     lambda x, i: x[1:, i, ::2])
spec("index_mask", lambda x, m: x[m], [T(3, 4), M(3, 4)], lambda x, m: x[m])
spec("index_select", lambda x, i: x.index_select(1, i), [T(3, 4), I(3, high=4)],
     lambda x, i: x[:, i])
spec("index_put", lambda x, v: x.index_put((ember.tensor([0, 2]),), v), [T(3, 4), T(4)],
     lambda x, v: np.concatenate([v[None], x[1:2], v[None]]))


def _setitem(x, v):
    y = x * 1.0
    y[y < 0] = 0
    y[0, 1:3] = v
    return y


def _setitem_ref(x, v):
    y = x.copy()
    y[y < 0] = 0
    y[0, 1:3] = v
    return y


spec("setitem_nonleaf", _setitem, [T(3, 4, domain="away0"), T(2)], _setitem_ref)
spec("gather", lambda x, i: x.gather(1, i), [T(3, 4), I(3, 2, high=4)],
     lambda x, i: np.take_along_axis(x, i, 1))


def _scatter_ref(x, i, s, add):
    out = x.copy()
    for r in range(i.shape[0]):
        for c in range(i.shape[1]):
            if add:
                out[r, i[r, c]] += s[r, c]
            else:
                out[r, i[r, c]] = s[r, c]
    return out


spec("scatter_add", lambda x, i, s: x.scatter_add(1, i, s),
     [T(3, 4), I(3, 2, high=4), T(3, 2)], lambda x, i, s: _scatter_ref(x, i, s, True))
spec("scatter", lambda x, s: x.scatter(1, ember.tensor([[0, 2], [1, 3], [3, 0]]), s),
     [T(3, 4), T(3, 2)],
     lambda x, s: _scatter_ref(x, np.array([[0, 2], [1, 3], [3, 0]]), s, False))
def _index_add_ref(x, s):
    out = x.copy()
    for j, i in enumerate([2, 0, 2]):
        out[:, i] += 1.5 * s[:, j]
    return out


spec("index_add", lambda x, s: x.index_add(1, ember.tensor([2, 0, 2]), s, alpha=1.5),
     [T(3, 4), T(3, 3)], _index_add_ref)
spec("tril", lambda x: x.tril(), [T(3, 3)], np.tril)
spec("triu", lambda x: x.triu(1), [T(3, 4)], lambda x: np.triu(x, 1))
spec("diagonal", lambda x: x.diagonal(), [T(3, 4)], lambda x: np.diagonal(x).copy())
spec("diag_1d", lambda x: E.diag(x, 1), [T(3)], lambda x: np.diag(x, 1))
spec("diag_embed", lambda x: E.diag_embed(x), [T(2, 3)],
     lambda x: np.stack([np.diag(r) for r in x]))
spec("masked_select", lambda x, m: x.masked_select(m), [T(3, 4), M(4)],
     lambda x, m: x[np.broadcast_to(m, (3, 4))])

# ---------------------------------------------------------------- matrix products

spec("mm", E.mm, [T(3, 4), T(4, 2)], np.matmul)
spec("matmul_2d", lambda a, b: a @ b, [T(3, 4), T(4, 2)], np.matmul)
spec("matmul_1d_1d", lambda a, b: a @ b, [T(4), T(4)], np.matmul)
spec("matmul_1d_2d", lambda a, b: a @ b, [T(4), T(4, 2)], np.matmul)
spec("matmul_2d_1d", lambda a, b: a @ b, [T(3, 4), T(4)], np.matmul)
spec("matmul_batched", lambda a, b: a @ b, [T(2, 3, 4), T(2, 4, 2)], np.matmul)
spec("matmul_broadcast", lambda a, b: a @ b, [T(2, 1, 3, 4), T(3, 4, 2)], np.matmul)
spec("matmul_3d_2d", lambda a, b: a @ b, [T(2, 3, 4), T(4, 2)], np.matmul)
spec("matmul_1d_3d", lambda a, b: a @ b, [T(4), T(2, 4, 3)], np.matmul)
spec("matmul_2d_3d", lambda a, b: a @ b, [T(3, 4), T(2, 4, 2)], np.matmul)
spec("matmul_3d_1d", lambda a, b: a @ b, [T(2, 3, 4), T(4)], np.matmul)
spec("addmm", lambda c, a, b: E.addmm(c, a, b, beta=0.5, alpha=2.0), [T(3, 2), T(3, 4), T(4, 2)],
     lambda c, a, b: 0.5 * c + 2.0 * a @ b)
spec("addmm_broadcast_bias", E.addmm, [T(2), T(3, 4), T(4, 2)], lambda c, a, b: c + a @ b)
spec("bmm", E.bmm, [T(2, 3, 4), T(2, 4, 2)], np.matmul)
spec("dot", E.dot, [T(4), T(4)], np.dot)
spec("mv", E.mv, [T(3, 4), T(4)], np.matmul)
spec("outer", E.outer, [T(3), T(4)], np.outer)
spec("einsum", lambda a, b: E.einsum("ij,jk->ik", a, b), [T(3, 4), T(4, 2)], np.matmul)
spec("einsum_trace_batch", lambda a: E.einsum("bii->b", a), [T(2, 3, 3)],
     lambda a: np.einsum("bii->b", a))
spec("tensordot", lambda a, b: E.tensordot(a, b, 1), [T(2, 3), T(3, 2)], np.matmul)


def _well_conditioned(r):
    return np.eye(3) * 3 + r.uniform(-1, 1, (3, 3))


spec("linalg_inv", ember.linalg.inv, [F(_well_conditioned)], np.linalg.inv)
spec("linalg_det", ember.linalg.det, [F(_well_conditioned)], np.linalg.det)
spec("linalg_solve", ember.linalg.solve, [F(_well_conditioned), T(3, 2)], np.linalg.solve)

# ---------------------------------------------------------------- sorting and selection

if hasattr(ember, "sort"):
    spec("sort", lambda x: ember.sort(x, 1)[0], [T(3, 4)], lambda x: np.sort(x, 1))
    spec("sort_descending", lambda x: ember.sort(x, 0, descending=True).values, [T(3, 4)],
         lambda x: -np.sort(-x, 0))
    spec("topk", lambda x: x.topk(2).values, [T(3, 4)], lambda x: -np.sort(-x, 1)[:, :2])
    spec("kthvalue", lambda x: x.kthvalue(2, 1).values, [T(3, 4)], lambda x: np.sort(x, 1)[:, 1])
    spec("median_all", lambda x: x.median(), [T(3, 4)], lambda x: np.sort(x.ravel())[5])
    spec("median_dim", lambda x: x.median(1).values, [T(3, 4)], lambda x: np.sort(x, 1)[:, 1])
    spec("nanmedian_all", lambda x: x.nanmedian(), [T(3, 3)], np.median)
    spec("nanmedian_dim", lambda x: x.nanmedian(0).values, [T(3, 4)], lambda x: np.median(x, 0))
    # All values distinct: the mode is the smallest value, as in PyTorch.
    spec("mode", lambda x: x.mode(1).values, [T(3, 4)], lambda x: x.min(1))
    spec("cummax", lambda x: x.cummax(1).values, [T(3, 4)], lambda x: np.maximum.accumulate(x, 1))
    spec("cummin", lambda x: x.cummin(0).values, [T(3, 4)], lambda x: np.minimum.accumulate(x, 0))
