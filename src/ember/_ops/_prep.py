"""Operand preparation shared by the ops: scalars to tensors, dtype promotion, error text."""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _make

_BY_NP = _dtype._BY_NP
_FLOAT_KINDS = "f"


def type_error_name(x) -> str:
    return type(x).__name__


def as_tensor_arg(x, op: str, like: Tensor | None = None) -> Tensor:
    """A Tensor for ``x`` (Tensor, Python scalar or array-like) or a TypeError naming ``op``."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float, bool, np.number, np.bool_)):
        dt = _dtype.result_type(like, x) if like is not None else _dtype._weak_dtype(x)
        return _make(np.array(x, dtype=dt.np))
    if isinstance(x, np.ndarray):
        return _make(x)
    raise TypeError(f"{op}(): argument 'other' must be Tensor or Number, not {type_error_name(x)}")


def binary_operands(a, b, op: str):
    """Promote ``a`` (a Tensor) and ``b`` to one dtype as PyTorch does; returns two Tensors."""
    cls = b.__class__
    if cls is float or cls is int or cls is bool:
        # A Python number never changes a tensor's dtype within its category (int8 + 1000 stays
        # int8, float16 * 2.5 stays float16); a higher category gives the default dtype.
        dt = a._data.dtype
        kind = dt.kind
        if cls is bool or kind == "f" or (cls is int and kind != "b"):
            return a, _make(np.array(b, dt))
        rt = _dtype.get_default_dtype() if cls is float else _dtype.int64
        return a.to(rt), _make(np.array(b, rt.np))
    if cls is Tensor or isinstance(b, Tensor):
        da, db = a._data.dtype, b._data.dtype
        if da is db or da == db:
            return a, b
        rt = _dtype.result_type(a, b)
        return (a if da == rt.np else a.to(rt)), (b if db == rt.np else b.to(rt))
    if not isinstance(b, (int, float, bool, np.number, np.bool_)):
        if isinstance(b, np.ndarray):
            return binary_operands(a, _make(b), op)
        raise TypeError(f"unsupported operand type(s) for {op}: 'Tensor' and '{type_error_name(b)}'")
    rt = _dtype.result_type(a, b)
    if a._data.dtype != rt.np:
        a = a.to(rt)
    return a, _make(np.array(b, dtype=rt.np))


def float_operand(x: Tensor) -> Tensor:
    """Integer and bool inputs of float-valued ops (exp, sqrt, ...) become the default dtype."""
    if x._data.dtype.kind == "f":
        return x
    return x.to(_dtype.get_default_dtype())


def broadcast_error(op: str, sa: tuple, sb: tuple) -> RuntimeError:
    """PyTorch's broadcast error for shapes ``sa`` and ``sb``, naming ``op``."""
    nd = max(len(sa), len(sb))
    pa, pb = (1,) * (nd - len(sa)) + tuple(sa), (1,) * (nd - len(sb)) + tuple(sb)
    for dim in range(nd - 1, -1, -1):
        x, y = pa[dim], pb[dim]
        if x != y and x != 1 and y != 1:
            return RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                f"dimension {dim} ({op} of shapes {list(sa)} and {list(sb)})")
    return RuntimeError(f"{op}: shapes {list(sa)} and {list(sb)} cannot be broadcast together")
