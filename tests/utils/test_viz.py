"""ember.utils.viz.make_dot: the autograd graph as DOT text, rendered when Graphviz is there."""
import shutil
import sys

import pytest

import ember
from ember import nn
from ember.utils import viz
from ember.utils.viz import make_dot


def small_mlp_graph():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    y = model(ember.randn(5, 3)).sum()
    return model, y


def test_nodes_are_grad_fn_names_and_params_are_labelled():
    model, y = small_mlp_graph()
    dot = make_dot(y, params=dict(model.named_parameters()))
    src = dot.source
    assert src.startswith("digraph {") and src.rstrip().endswith("}")
    for name in ("SumBackward0", "AddmmBackward0", "ReluBackward0"):
        assert f'label="{name}' in src
    assert 'label="0.weight\\n(4, 3)"' in src
    assert 'label="2.bias\\n(2)"' in src
    assert 'label="output\\n()"' in src


def test_edges_carry_tensor_shapes():
    model, y = small_mlp_graph()
    src = make_dot(y, params=dict(model.named_parameters())).source
    # relu output (5, 4) feeds the second addmm; the final sum reduces (5, 2).
    assert src.count('[label="(5, 4)"]') >= 2
    assert '[label="(5, 2)"]' in src
    edges = [line for line in src.splitlines() if " -> " in line]
    # 4 parameters + 2 addmm + relu + sum + output edge + the weight transposes.
    assert len(edges) >= 8


def test_shared_nodes_are_drawn_once():
    w = ember.randn(3, requires_grad=True)
    z = w * 2
    y = (z + z).sum()
    src = make_dot(y, params={"w": w}).source
    assert src.count('label="MulBackward0"') == 1
    assert src.count('label="w\\n(3)"') == 1


def test_show_attrs_and_saved():
    x = ember.randn(2, 3, requires_grad=True)
    y = x.sum(dim=1).sum()
    src = make_dot(y, show_attrs=True, show_saved=True).source
    assert "SumBackward" in src
    leaf_only = make_dot(x)
    assert "(2, 3)" in leaf_only.source


def test_save_writes_dot_text(tmp_path):
    _, y = small_mlp_graph()
    path = make_dot(y).save(str(tmp_path / "g.dot"))
    assert open(path).read().startswith("digraph {")


def test_render_without_graphviz_explains(monkeypatch):
    _, y = small_mlp_graph()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(RuntimeError, match="Graphviz's `dot` program"):
        make_dot(y).pipe("svg")
    assert make_dot(y)._repr_svg_() is None


def test_render_uses_dot_when_present(monkeypatch, tmp_path):
    _, y = small_mlp_graph()
    calls = []

    class Done:
        returncode, stdout, stderr = 0, b"<svg/>", b""

    def fake_run(cmd, input, capture_output, check):
        calls.append((cmd, input))
        return Done()

    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(viz.subprocess, "run", fake_run)
    out = make_dot(y).render(str(tmp_path / "graph"), format="svg")
    assert open(out, "rb").read() == b"<svg/>"
    assert calls[0][0] == ["/usr/bin/dot", "-Tsvg"]
    assert calls[0][1].startswith(b"digraph {")
