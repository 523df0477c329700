"""The table-driven op test: forward vs NumPy, gradcheck and gradgradcheck for every spec.

The specs live in op_specs.py (and op_specs_<area>.py files beside it). An ember Node subclass
that no spec reaches makes ``test_every_node_has_a_spec`` fail.
"""
from __future__ import annotations

import importlib
import pathlib
import pkgutil
import sys
import zlib

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.autograd.function import BackwardCFunction, DelayedError
from ember.autograd.graph import AccumulateGrad, Node

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import op_specs  # noqa: E402

for _path in sorted(HERE.glob("op_specs_*.py")):
    importlib.import_module(_path.stem)

SPECS = op_specs.SPECS
IDS = [s.name for s in SPECS]

# Graph machinery, not ops: the leaf accumulator, custom Function nodes (tested in
# test_function.py) and the marker of once-differentiable results.
EXEMPT = (AccumulateGrad, BackwardCFunction, DelayedError)


def _make_args(s):
    rng = np.random.default_rng(zlib.crc32(s.name.encode()))
    return [a.make(rng) for a in s.args]


def _outputs(out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, ember.Tensor)]


@pytest.mark.parametrize("s", SPECS, ids=IDS)
def test_forward_matches_numpy(s):
    args = _make_args(s)
    got = _outputs(s.fn(*args))
    want = s.ref(*[op_specs.to_numpy(a) for a in args])
    want = list(want) if isinstance(want, (tuple, list)) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert tuple(g.shape) == np.shape(w), f"{s.name}: shape {tuple(g.shape)} vs {np.shape(w)}"
        np.testing.assert_allclose(g.detach().numpy(), w, rtol=1e-7, atol=s.ref_atol)


@pytest.mark.parametrize("s", SPECS, ids=IDS)
def test_gradcheck(s):
    args = _make_args(s)
    assert gradcheck(s.fn, tuple(args), eps=s.eps, atol=s.atol, rtol=s.rtol)


@pytest.mark.parametrize("s", [s for s in SPECS if s.gradgrad], ids=[s.name for s in SPECS if s.gradgrad])
def test_gradgradcheck(s):
    args = _make_args(s)
    assert gradgradcheck(s.fn, tuple(args), eps=s.eps, atol=s.atol, rtol=s.rtol, fast_mode=True)


def _import_all_ember_modules():
    for info in pkgutil.walk_packages(ember.__path__, "ember."):
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - a broken module is its own tests' failure, not ours
            continue


def _all_node_classes():
    found, stack = set(), list(Node.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls in found:
            continue
        found.add(cls)
        stack.extend(cls.__subclasses__())
    # A private base class with subclasses (``_ZeroGrad``) is not an op itself.
    return {c for c in found if c.__module__.startswith("ember.") and not issubclass(c, EXEMPT)
            and not (c.__name__.startswith("_") and c.__subclasses__())}


def _walk(tensors, seen: set) -> None:
    stack = [t.grad_fn for t in tensors if t.grad_fn is not None]
    visited = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in visited:
            continue
        visited.add(id(node))
        seen.add(type(node))
        stack.extend(n for n, _ in node.next_functions)


def _covered_classes():
    seen = set()
    for s in SPECS:
        args = _make_args(s)
        outs = [o for o in _outputs(s.fn(*args)) if o.requires_grad]
        _walk(outs, seen)
        diff = [a for a in args if isinstance(a, ember.Tensor) and a.requires_grad]
        if not outs or not diff:
            continue
        # Ops used only inside backward (or double backward) show up in the graphs of the
        # first and second derivatives.
        vs = [ember.ones_like(o).requires_grad_() for o in outs]
        grads = ember.autograd.grad(outs, diff, vs, create_graph=True, allow_unused=True)
        grads = [g for g in grads if g is not None and g.requires_grad]
        _walk(grads, seen)
        if grads:
            second = ember.autograd.grad(grads, diff + vs,
                                         [ember.ones_like(g).requires_grad_() for g in grads],
                                         create_graph=True, allow_unused=True)
            _walk([g for g in second if g is not None], seen)
    return seen


def test_every_node_has_a_spec():
    _import_all_ember_modules()
    missing = _all_node_classes() - _covered_classes()
    names = sorted(f"{c.__module__}.{c.__name__}" for c in missing)
    assert not names, ("these differentiable ops have no spec in tests/autograd/op_specs*.py "
                       f"(add one; see op_specs.py's docstring): {names}")


def test_spec_names_are_unique_and_args_known():
    assert len(set(IDS)) == len(IDS)
    kinds = (op_specs.T, op_specs.F, op_specs.I, op_specs.M, op_specs.C)
    for s in SPECS:
        assert all(isinstance(a, kinds) for a in s.args), s.name
        assert s.gradgrad or s.why, f"{s.name}: say why second order is not checked"
