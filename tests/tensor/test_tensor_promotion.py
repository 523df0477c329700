"""Type promotion equals PyTorch's for every pair of dtypes x {tensor, 0-dim tensor, Python scalar}."""
import pytest

import ember

from ._golden import load

PROMO = load("promotion")
SCALARS = {"py_bool": True, "py_int": 3, "py_float": 2.5}


def operand(name):
    if name in SCALARS:
        return SCALARS[name]
    kind, dt = name.split("_", 1)
    return ember.ones(2 if kind == "t" else (), dtype=getattr(ember, dt))


BINARY = {
    "add": lambda a, b: ember.add(a, b) if isinstance(a, ember.Tensor) else a + b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "pow": lambda a, b: a ** b,
    "where": lambda a, b: ember.where(ember.tensor([True, False]), a, b),
    "maximum": lambda a, b: ember.maximum(a, b),
    "eq": lambda a, b: a == b,
    "sub": lambda a, b: a - b,
}


def outcome(fn):
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001 (the exception type is what we compare)
        return "error:" + type(e).__name__
    if isinstance(out, ember.Tensor):
        return out.dtype.name
    return "py:" + type(out).__name__


def unary(op, x):
    if op == "neg":
        return -x
    if op == "clamp_min0":
        return ember.clamp(x, min=0)
    if op in ("cumsum", "cumprod", "logsumexp"):
        return getattr(ember, op)(x, 0)
    if op == "sort_values":
        return ember.sort(x).values
    if op == "float":
        return x.float()
    return getattr(ember, op)(x)


PAIRS = sorted(PROMO["result_type"])


@pytest.mark.parametrize("pair", PAIRS)
def test_result_type(pair):
    a, b = (operand(n) for n in pair.split(","))
    assert outcome(lambda: ember.ones(1, dtype=ember.result_type(a, b))) == PROMO["result_type"][pair]


@pytest.mark.parametrize("pair", PAIRS)
def test_binary_op_dtypes(pair):
    a, b = (operand(n) for n in pair.split(","))
    got = {op: outcome(lambda f=f: f(a, b)) for op, f in BINARY.items()}
    assert got == PROMO["binary"][pair]


@pytest.mark.parametrize("dtype", sorted(PROMO["unary"]))
def test_unary_op_dtypes(dtype):
    x = ember.tensor([1, 0, 1], dtype=getattr(ember, dtype))
    got = {op: outcome(lambda op=op: unary(op, x)) for op in PROMO["unary"][dtype]}
    assert got == PROMO["unary"][dtype]
