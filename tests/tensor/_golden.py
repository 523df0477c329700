"""Load the tensor fixtures recorded from PyTorch and compare ember's answers with them."""
from __future__ import annotations

import json
import math
import pathlib

import numpy as np

import ember

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "torch"


def load(name: str) -> list:
    with open(FIXTURES / f"tensor_{name}.json") as f:
        return json.load(f)["cases"]


def evaluate(expr: str):
    """Evaluate a recorded case with ``torch`` bound to ember (statements: return their ``r``)."""
    if expr.startswith("meta:"):  # random draws: the recorder kept dtype and shape only
        expr = expr[5:]
    scope = {"torch": ember, "np": np}
    if "; " in expr:
        exec(expr.replace("; ", "\n"), scope)
        return scope["r"]
    return eval(expr, scope)


def describe(x):
    """The same plain description the recorder wrote for torch's result."""
    if isinstance(x, ember.Tensor):
        return {"kind": "tensor", "dtype": x.dtype.name, "shape": list(x.shape),
                "values": x.detach().numpy().tolist()}
    if isinstance(x, tuple):
        return {"kind": "tuple", "items": [describe(v) for v in x], "type": type(x).__name__}
    if isinstance(x, list):
        return {"kind": "list", "items": [describe(v) for v in x]}
    if isinstance(x, np.ndarray):
        return {"kind": "ndarray", "dtype": x.dtype.name, "values": x.tolist()}
    if isinstance(x, ember.dtype):
        return {"kind": "dtype", "name": x.name}
    if isinstance(x, ember.Size):
        return {"kind": "size", "values": list(x)}
    if isinstance(x, (bool, int, float, str)):
        return {"kind": type(x).__name__, "value": x}
    raise TypeError(f"cannot describe {type(x)}")


def _close(a, b, rtol: float) -> bool:
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_close(x, y, rtol) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=rtol, abs_tol=rtol)


def assert_same(got: dict, want: dict, expr: str, rtol: float = 1e-6) -> None:
    """Kinds, dtypes and shapes must agree exactly; float values to ``rtol``."""
    assert got["kind"] == want["kind"], f"{expr}: kind {got['kind']} != torch's {want['kind']}"
    if want["kind"] in ("tuple", "list"):
        assert len(got["items"]) == len(want["items"]), f"{expr}: {len(got['items'])} items"
        for g, w in zip(got["items"], want["items"]):
            assert_same(g, w, expr, rtol)
        return
    for key in ("dtype", "shape", "name"):
        if key in want:
            assert got[key] == want[key], f"{expr}: {key} {got[key]} != torch's {want[key]}"
    key = "values" if "values" in want else "value" if "value" in want else None
    if key is not None:
        assert _close(want[key], got[key], rtol), f"{expr}: {got[key]} != torch's {want[key]}"
