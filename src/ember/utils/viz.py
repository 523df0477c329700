"""Draw the autograd graph behind a tensor (what the ``torchviz`` package does for PyTorch).

``make_dot(y, params=dict(model.named_parameters()))`` walks ``y.grad_fn`` through
``next_functions`` and returns a ``DotGraph``: its ``source`` is Graphviz DOT text (always
available), and ``render()`` / ``pipe()`` make SVG or PNG when the optional ``graphviz``
Python package or Graphviz's ``dot`` program is installed.

Nodes are named as ``grad_fn`` classes (``AddmmBackward0``); leaves show the parameter's name
and shape; every edge is labelled with the shape of the tensor that flows along it.
"""
from __future__ import annotations

import os
import shutil
import subprocess

from .._tensor import Tensor

__all__ = ["make_dot", "DotGraph"]

_STYLE = {
    "output": 'shape=box style=filled fillcolor="darkolivegreen1"',
    "param": 'shape=box style=filled fillcolor="lightblue"',
    "op": 'shape=box style=filled fillcolor="lightgrey"',
}


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dims(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


class DotGraph:
    """A graph as Graphviz DOT text, rendered by Graphviz when it is installed."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"DotGraph({self.source.count(' -> ')} edges)"

    def save(self, filename: str) -> str:
        """Write the DOT text to ``filename``; returns the path."""
        with open(filename, "w", encoding="utf-8") as f:
            f.write(self.source)
        return filename

    def pipe(self, format: str = "svg") -> bytes:
        """The rendered graph as bytes (``format``: svg, png, pdf...)."""
        try:
            import graphviz
        except ImportError:
            graphviz = None
        if graphviz is not None:
            try:
                return graphviz.Source(self.source).pipe(format=format)
            except graphviz.ExecutableNotFound:
                pass
        dot = shutil.which("dot")
        if dot is None:
            raise RuntimeError("make_dot(): rendering needs Graphviz's `dot` program (e.g. "
                               "`apt-get install graphviz` or `conda install graphviz`); the DOT "
                               "text is in .source and .save() writes it without Graphviz.")
        done = subprocess.run([dot, f"-T{format}"], input=self.source.encode(),
                              capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout

    def render(self, filename: str = "graph", format: str = "svg", cleanup: bool = False) -> str:
        """Write ``filename`` (the DOT text, unless ``cleanup``) and ``filename.format``; returns the latter."""
        out = f"{filename}.{format}"
        data = self.pipe(format)
        if not cleanup:
            self.save(filename)
        with open(out, "wb") as f:
            f.write(data)
        return os.fspath(out)

    def _repr_svg_(self):
        try:
            return self.pipe("svg").decode("utf-8")
        except RuntimeError:
            return None


def _node_attrs(node, max_attr_chars: int) -> str:
    lines = []
    for key, value in sorted(vars(node).items()):
        if key.startswith("_") or key in ("next_functions", "needs_input_grad", "variable"):
            continue
        if callable(value):
            continue
        text = repr(value)
        if len(text) > max_attr_chars:
            text = text[:max_attr_chars - 3] + "..."
        lines.append(f"{key}: {text}")
    return "\n".join(lines)


def make_dot(var, params=None, show_attrs: bool = False, show_saved: bool = False,
             max_attr_chars: int = 50) -> DotGraph:
    """The autograd graph that produced ``var`` (a tensor or a tuple of tensors).

    Args:
        var: output tensor(s) with a ``grad_fn``.
        params: ``{name: tensor}`` to label the leaves, e.g. ``dict(model.named_parameters())``.
        show_attrs: list each node's non-tensor attributes (axes, shapes, flags).
        show_saved: list the shapes of the tensors each node kept for backward.
        max_attr_chars: cut long attribute values to this many characters.

    Example::

        >>> import ember
        >>> w = ember.randn(3, 2, requires_grad=True)
        >>> y = (ember.ones(4, 3) @ w).relu().sum()
        >>> print(make_dot(y, params={"w": w}).source.splitlines()[0])
        digraph {
    """
    outputs = (var,) if isinstance(var, Tensor) else tuple(var)
    names = {id(t): name for name, t in (params or {}).items()}
    lines = ["digraph {", '\tgraph [rankdir=TB]', '\tnode [fontname="monospace" fontsize=10]',
             '\tedge [fontname="monospace" fontsize=9]']
    seen = set()

    def add_node(node) -> str:
        key = f"n{id(node)}"
        if id(node) in seen:
            return key
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if variable is not None:
            name = names.get(id(variable), "")
            label = f"{name}\n{_dims(variable.shape)}" if name else _dims(variable.shape)
            lines.append(f"\t{key} [label={_quote(label)} {_STYLE['param']}]")
            return key
        label = type(node).__name__
        if show_attrs:
            extra = _node_attrs(node, max_attr_chars)
            label += "\n" + extra if extra else ""
        if show_saved and getattr(node, "_saved", None):
            shapes = [_dims(getattr(entry[0], "shape", ())) for entry in node._saved]
            label += "\nsaved: " + ", ".join(shapes)
        lines.append(f"\t{key} [label={_quote(label)} {_STYLE['op']}]")
        return key

    stack = []
    for i, out in enumerate(outputs):
        out_key = f"out{i}"
        label = names.get(id(out), "output" if len(outputs) == 1 else f"output {i}")
        lines.append(f"\t{out_key} [label={_quote(label + chr(10) + _dims(out.shape))} "
                     f"{_STYLE['output']}]")
        fn = out.grad_fn
        if fn is None and out.requires_grad:
            from ..autograd.graph import _grad_accumulator
            fn = _grad_accumulator(out)
        if fn is not None:
            lines.append(f"\t{add_node(fn)} -> {out_key} [label={_quote(_dims(out.shape))}]")
            stack.append(fn)
    visited = set()
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        metas = getattr(node, "_input_meta", ())
        for k, (child, _) in enumerate(getattr(node, "next_functions", ())):
            if child is None:
                continue
            edge = f" [label={_quote(_dims(metas[k][0]))}]" if k < len(metas) else ""
            lines.append(f"\t{add_node(child)} -> {add_node(node)}{edge}")
            stack.append(child)
    lines.append("}")
    return DotGraph("\n".join(lines) + "\n")
