"""The backward walk: a topological pass over the graph, with no recursion.

Gradients are summed per (node, output) in a dict; broadcasting and dtype are undone here,
once, so ops never reduce their own gradients. Backward runs under ``no_grad`` unless
``create_graph=True``, in which case every backward op is recorded (double backward).
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _make
from . import graph
from .graph import AccumulateGrad, _edge
from .grad_mode import _state

__all__ = ["run_backward"]


def run_backward(roots, grad_roots, retain_graph: bool, create_graph: bool,
                 inputs=None, accumulate: bool = True, allow_unused: bool = True):
    """Propagate ``grad_roots`` from tensors ``roots`` back through the graph.

    With ``accumulate`` the leaves' ``.grad`` (and retain_grad tensors) are updated, restricted
    to ``inputs`` when given. Returns the gradients of ``inputs`` (``autograd.grad``) or None.
    """
    root_nodes = []
    buffers = {}
    for t, g in zip(roots, grad_roots):
        node, nr = _edge(t)
        if node is None:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        root_nodes.append(node)
        _add(buffers, node, nr, g)

    # Targets whose gradient is captured: (node, output_nr) -> position in inputs.
    targets = None
    if inputs is not None:
        targets = {}
        for i, t in enumerate(inputs):
            if not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            targets[_edge(t)] = i

    deps = _dependencies(root_nodes)
    useful = _useful_nodes(root_nodes, targets) if targets is not None else None
    captured = [None] * (len(inputs) if inputs is not None else 0)
    prev = _state.enabled
    _state.enabled = create_graph
    # The plain case (no create_graph, no anomaly mode, no hooks on the node) calls backward
    # directly; everything else goes through _call_backward.
    plain = not (create_graph or graph._anomaly[0])
    release = not retain_graph
    try:
        ready = [n for n in dict.fromkeys(root_nodes) if n not in deps]
        while ready:
            node = ready.pop()
            gys = buffers.pop(node, None)
            special = node._special
            if gys is not None:
                if special:
                    gys = _run_pre_hooks(node, gys)
                if targets:
                    for nr, g in enumerate(gys):
                        pos = targets.get((node, nr))
                        if pos is not None:
                            captured[pos] = g
            if node.__class__ is AccumulateGrad:
                if gys is not None and accumulate and (targets is None or (node, 0) in targets):
                    _accumulate(node.variable, gys[0], create_graph)
                continue
            gxs = ()
            # Skip the backward when no gradient arrived or nothing below leads to an input.
            if gys is not None and (useful is None or node in useful):
                if plain and not special and node._n_outputs == 1:
                    gxs = node.backward(gys[0])
                    if gxs.__class__ is not tuple:
                        gxs = (gxs,)
                else:
                    gxs = _call_backward(node, gys, create_graph)
                if release and node._saved is not None:
                    node._saved = None
                    node._released = True
            n_gx = len(gxs)
            meta = node._input_meta
            i = 0
            for nxt, nr in node.next_functions:
                if nxt is not None:
                    gx = gxs[i] if i < n_gx else None
                    if gx is not None:
                        shape, dtype = meta[i]
                        data = gx._data
                        if data.shape != shape or data.dtype != dtype:
                            gx = _fit(gx, node, i)
                        slot = buffers.get(nxt)
                        if slot is None:
                            if nxt._n_outputs == 1:
                                buffers[nxt] = [gx]
                            else:
                                slot = buffers[nxt] = [None] * nxt._n_outputs
                                slot[nr] = gx
                        else:
                            prev_g = slot[nr]
                            slot[nr] = gx if prev_g is None else prev_g + gx
                    left = deps[nxt] - 1
                    if left:
                        deps[nxt] = left
                    else:
                        del deps[nxt]
                        ready.append(nxt)
                i += 1
    finally:
        _state.enabled = prev

    if inputs is not None and accumulate:
        # backward(inputs=[non_leaf]) fills the non-leaf's .grad, as PyTorch does.
        for t, g in zip(inputs, captured):
            if g is not None and t.grad_fn is not None:
                _accumulate(t, g, create_graph)
        return None
    if inputs is not None:
        for g in captured:
            if g is None and not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior.")
        return tuple(captured)
    return None


def _dependencies(root_nodes) -> dict:
    """Count each reachable node's incoming edges (iteratively: deep graphs don't recurse)."""
    deps = {}
    seen = set(root_nodes)
    stack = list(seen)
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is None:
                continue
            if nxt in deps:
                deps[nxt] += 1
            else:
                deps[nxt] = 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps


def _useful_nodes(root_nodes, targets) -> set:
    """Nodes from which a target is reachable (iterative post-order)."""
    target_nodes = {n for n, _ in targets}
    useful = set()
    visited = set()
    stack = [(n, False) for n in root_nodes]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if node in target_nodes or any(n in useful for n, _ in node.next_functions if n is not None):
                useful.add(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in visited:
                stack.append((nxt, False))
    return useful


def _add(buffers, node, nr, g):
    slot = buffers.get(node)
    if slot is None:
        slot = buffers[node] = [None] * node._n_outputs
    prev = slot[nr]
    slot[nr] = g if prev is None else prev + g


def _run_pre_hooks(node, gys):
    if node._out_hooks:
        gys = list(gys)
        for nr, hooks in node._out_hooks.items():
            if gys[nr] is None:
                continue
            for hook in list(hooks.values()):
                new = hook(gys[nr])
                if new is not None:
                    gys[nr] = new
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            new = hook(tuple(gys))
            if new is not None:
                gys = list(new)
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            if t is not None and gys[nr] is not None:
                if t._grad is None:
                    # A copy of its own, as PyTorch's retain_grad makes: the gradient flowing
                    # past may be a read-only broadcast or be shared with another tensor.
                    g = gys[nr]
                    t._grad = g.clone() if _state.enabled else \
                        _make(np.array(g._data, copy=True, order="C"))
                else:
                    t._grad = t._grad + (gys[nr] if _state.enabled else gys[nr].detach())
    return gys


def _call_backward(node, gys, create_graph):
    if create_graph and node.once_differentiable:
        for g in gys:
            if g is not None and g._requires_grad:
                raise RuntimeError(
                    f"{type(node).__name__} is not differentiable twice: its backward is "
                    "implemented once-differentiable. Use create_graph=False, or write the op from "
                    "differentiable primitives.")
    if node._n_outputs > 1:
        if node._materialize_grads:
            gys = [g if g is not None else _make(np.zeros(shape, dtype))
                   for g, (shape, dtype) in zip(gys, node._output_meta)]
        gxs = node.backward(*gys)
    else:
        gxs = node.backward(gys[0])
    if gxs.__class__ is not tuple:
        gxs = (gxs,)
    if node._hooks:
        for hook in list(node._hooks.values()):
            new = hook(gxs, tuple(gys))
            if new is not None:
                gxs = tuple(new)
    if graph._anomaly[0]:
        _anomaly_check_backward(node, gxs)
    return gxs


def _fit(gx, node, i):
    """Make gradient ``gx`` match input ``i``'s shape (undoing broadcasting) and dtype."""
    shape, dtype = node._input_meta[i]
    if not isinstance(gx, Tensor):
        raise TypeError(f"{type(node).__name__}.backward returned {type(gx).__name__} for input {i}; "
                        "expected a Tensor or None")
    gshape = gx._data.shape
    if gshape != shape:
        gx = _sum_to(gx, shape, node, i)
    if gx._data.dtype != dtype:
        gx = gx.to(graph_dtype(dtype))
    return gx


def graph_dtype(np_dtype):
    from .._dtype import from_numpy_dtype
    return from_numpy_dtype(np_dtype)


def _sum_to(g: Tensor, shape, node, i) -> Tensor:
    gshape = g._data.shape
    lead = len(gshape) - len(shape)
    ok = lead >= 0 and all(s == 1 or s == gs for s, gs in zip(shape, gshape[lead:]))
    if not ok:
        if int(np.prod(gshape)) == int(np.prod(shape)) and len(shape) == 0:
            return g.reshape(shape)
        raise RuntimeError(f"Function {type(node).__name__} returned an invalid gradient at index {i} "
                           f"- got {list(gshape)} but expected shape compatible with {list(shape)}")
    dims = tuple(range(lead)) + tuple(lead + k for k, s in enumerate(shape)
                                      if s == 1 and gshape[lead + k] != 1)
    if not _state.enabled:
        # Nothing is recorded (no create_graph): reduce the array directly, skipping two ops.
        data = g._data
        if dims:
            data = np.add.reduce(data, axis=dims, keepdims=True)
        return _make(data.reshape(shape) if lead else data)
    if dims:
        g = g.sum(dim=dims, keepdim=True)
    if lead:
        g = g.reshape(shape)
    return g


def _accumulate(var: Tensor, g: Tensor, create_graph: bool) -> None:
    if var._backward_hooks:
        for hook in list(var._backward_hooks.values()):
            new = hook(g)
            if new is not None:
                g = new
    if not create_graph:
        g = g.detach() if g._requires_grad else g
    old = var._grad
    if old is None:
        # Own the buffer: a gradient that aliases another tensor (e.g. the seed) must not be
        # modified later by in-place accumulation or zero_().
        var._grad = g if create_graph else _make(np.array(g._data, copy=True, order="C"))
    elif create_graph or old._requires_grad:
        var._grad = old + g
    else:
        old._data += g._data
        old._bump_version()


def _anomaly_check_backward(node, gxs):
    for k, g in enumerate(gxs):
        if g is not None and g._data.dtype.kind == "f" and not np.all(np.isfinite(g._data)):
            trace = "".join(node._trace) if node._trace else "(no forward trace recorded)"
            raise RuntimeError(f"Function '{type(node).__name__}' returned nan values in its "
                               f"{k}th output. The forward call that created it:\n{trace}")
