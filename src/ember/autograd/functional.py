"""Higher-level differentiation: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp``, ``vhp``.

All are built on reverse mode (``autograd.grad``); ``jvp`` uses the double-vjp trick
(differentiate ``u -> v^T J`` with respect to ``v``), so it needs ``func`` to be twice
differentiable in its graph, as every ember op is.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _make
from .grad_mode import enable_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _prepare(inputs, create_graph: bool):
    """Fresh leaves that require grad (sharing data with ``inputs`` unless create_graph)."""
    out = []
    for x in inputs:
        if not isinstance(x, Tensor):
            raise TypeError(f"The inputs given to the function must be Tensors, got {type(x).__name__}")
        if create_graph and x._requires_grad:
            out.append(x.view_as(x))
        else:
            out.append(x.detach().requires_grad_(True))
    return out


def _grad(outputs, inputs, grad_outputs, create_graph: bool):
    from . import grad
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o._requires_grad]
    if not pairs:
        return [None] * len(inputs)
    return list(grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                     create_graph=create_graph, allow_unused=True))


def _fill(grads, like, create_graph: bool):
    out = []
    for g, x in zip(grads, like):
        if g is None:
            g = _make(np.zeros(x._data.shape, x._data.dtype))
        out.append(g if create_graph else g.detach())
    return out


def _pack(values, single: bool):
    return values[0] if single else tuple(values)


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Return ``(func(inputs), v^T J)``."""
    single = isinstance(inputs, Tensor)
    xs = _prepare(_tuple(inputs), create_graph)
    with enable_grad():
        out = func(*xs)
    outs = _tuple(out)
    if v is None:
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns "
                               "a single Tensor with a single element.")
        v = _make(np.ones(outs[0]._data.shape, outs[0]._data.dtype))
    grads = _fill(_grad(outs, xs, _tuple(v), create_graph), xs, create_graph)
    out_vals = out if create_graph else (out.detach() if isinstance(out, Tensor)
                                         else tuple(o.detach() for o in out))
    return out_vals, _pack(grads, single)


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Return ``(func(inputs), J v)`` via two reverse passes."""
    xs = _prepare(_tuple(inputs), create_graph)
    if v is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        v = _make(np.ones(xs[0]._data.shape, xs[0]._data.dtype))
    with enable_grad():
        out = func(*xs)
        outs = _tuple(out)
        dummies = [_make(np.zeros(o._data.shape, o._data.dtype)).requires_grad_(True) for o in outs]
        g = _grad(outs, xs, dummies, create_graph=True)
        pairs = [(gi, vi) for gi, vi in zip(g, _tuple(v)) if gi is not None and gi._requires_grad]
        if pairs:
            from . import grad
            jv = grad([p for p, _ in pairs], dummies, [q for _, q in pairs],
                      create_graph=create_graph, allow_unused=True)
        else:
            jv = [None] * len(outs)
    jv = _fill(jv, outs, create_graph)
    out_vals = out if create_graph else (out.detach() if isinstance(out, Tensor)
                                         else tuple(o.detach() for o in out))
    return out_vals, _pack(jv, isinstance(out, Tensor))


def jacobian(func, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: shape ``out.shape + in.shape`` per pair."""
    single_in = isinstance(inputs, Tensor)
    xs = _prepare(_tuple(inputs), create_graph)
    with enable_grad():
        out = func(*xs)
    single_out = isinstance(out, Tensor)
    outs = _tuple(out)
    from .._ops.shape import stack
    result = []
    for o in outs:
        rows = []
        flat = o.reshape(-1)
        for k in range(flat.numel()):
            g = _grad([flat[k]], xs, [_make(np.ones((), o._data.dtype))], create_graph)
            rows.append(_fill(g, xs, create_graph))
        per_input = []
        for i, x in enumerate(xs):
            if rows:
                block = stack([r[i] for r in rows]).reshape(tuple(o.shape) + tuple(x.shape))
            else:
                block = _make(np.zeros(tuple(o.shape) + tuple(x.shape), x._data.dtype))
            per_input.append(block)
        result.append(per_input[0] if single_in else tuple(per_input))
    return result[0] if single_out else tuple(result)


def hessian(func, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of scalar ``func`` at ``inputs``."""
    single = isinstance(inputs, Tensor)

    def gradient(*xs):
        with enable_grad():
            out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor with a "
                               "single element")
        g = _fill(_grad([out], list(xs), [_make(np.ones(out._data.shape, out._data.dtype))], True),
                  xs, True)
        return g[0] if single else tuple(g)

    return jacobian(gradient, inputs, create_graph=create_graph)


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Return ``(func(inputs), v^T H)``."""
    single = isinstance(inputs, Tensor)
    xs = _prepare(_tuple(inputs), create_graph)
    with enable_grad():
        out = func(*xs)
        if out.numel() != 1:
            raise RuntimeError("The function given to hvp should return a single Tensor with a "
                               "single element")
        g = _grad([out], xs, [_make(np.ones(out._data.shape, out._data.dtype))], True)
        pairs = [(gi, vi) for gi, vi in zip(g, _tuple(v)) if gi is not None and gi._requires_grad]
        hv = _grad([p for p, _ in pairs], xs, [q for _, q in pairs], create_graph) if pairs \
            else [None] * len(xs)
    hv = _fill(hv, xs, create_graph)
    return (out if create_graph else out.detach()), _pack(hv, single)


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Return ``(func(inputs), H v)``; equal to ``vhp`` since the Hessian is symmetric."""
    return vhp(func, inputs, v, create_graph, strict)
