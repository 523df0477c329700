"""Norms, differences and statistics built from other ops (plus one node: the 2-norm).

``norm``/``dist``/``diff``/``quantile``... are composites: their gradients come from the ops
they are made of. The Euclidean norm has its own node so its gradient at zero is 0 (as in
PyTorch), not the 0/0 a ``sqrt(sum(x * x))`` composite would give.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.graph import Node, apply
from .reduce import _DTYPE_WORDS

__all__ = ["norm", "vector_norm", "aminmax", "dist", "diff", "logcumsumexp", "nansum", "nanmean", "quantile",
           "nanquantile"]

_INF = math.inf


def _axes(dim, ndim: int):
    from .reduce import _dims
    return _dims(dim, ndim)


class LinalgVectorNormBackward0(Node):
    """Euclidean norm over ``axes``."""

    save_inputs = (0,)
    save_outputs = (0,)

    def forward(self, x, axes=(), keepdim=False):
        self.axes, self.keepdim = axes, keepdim
        return np.sqrt(np.sum(x * x, axis=axes, keepdims=keepdim))

    def backward(self, gy):
        from .elementwise import where
        from .reduce import _expand_back
        x, y = self.saved_tensors
        y = _expand_back(y, x.shape, self.axes, self.keepdim)
        gy = _expand_back(gy, x.shape, self.axes, self.keepdim)
        # Where the norm is 0 every x is 0: the subgradient 0 is what PyTorch returns.
        return gy * x / where(y == 0, 1.0, y)


def _float_input(x: Tensor, op: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype_word(x)} (shape {list(x.shape)}); call .float() first.")


def _dtype_word(x: Tensor) -> str:
    return _DTYPE_WORDS.get(x.dtype.name, x.dtype.name)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """``(sum |x|^ord)^(1/ord)`` over ``dim`` (all elements by default), as torch.linalg.vector_norm."""
    from .reduce import amax, amin, sum
    _float_input(x, "linalg.vector_norm")
    if dtype is not None:
        x = x.to(dtype)
    axes = _axes(dim, x._data.ndim)
    if ord == 2:
        return apply(LinalgVectorNormBackward0, x, axes=axes, keepdim=keepdim)
    if ord == _INF:
        return amax(x.abs(), axes, keepdim)
    if ord == -_INF:
        return amin(x.abs(), axes, keepdim)
    if ord == 0:
        return sum((x != 0).to(x.dtype), axes, keepdim)
    if ord == 1:
        return sum(x.abs(), axes, keepdim)
    return sum(x.abs() ** ord, axes, keepdim) ** (1.0 / ord)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: 'fro' (the 2-norm of all elements or of ``dim``), 'nuc', or a number p."""
    if isinstance(p, str):
        if p == "fro":
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if p == "nuc":
            from ..linalg import matrix_norm
            if dim is not None and (isinstance(dim, int) or len(dim) != 2):
                raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
            return matrix_norm(input, "nuc", (-2, -1) if dim is None else tuple(dim), keepdim)
        raise RuntimeError(f"norm(): unknown p '{p}': expected 'fro', 'nuc' or a number")
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


def aminmax(input, *, dim=None, keepdim=False):
    """``(min, max)`` over ``dim`` (all elements by default) as a named tuple."""
    from .. import return_types
    from .reduce import amax, amin
    dims = () if dim is None else dim
    return return_types.aminmax(amin(input, dims, keepdim), amax(input, dims, keepdim))


def dist(input, other, p=2):
    """The p-norm of ``input - other`` (broadcast)."""
    return vector_norm(input - other, p)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """n-th forward difference along ``dim``; bool tensors give ``!=`` of neighbours."""
    from .shape import cat
    axis = _wrap_dim(dim, input._data.ndim)
    parts = [t for t in (prepend, input, append) if t is not None]
    x = cat(parts, axis) if len(parts) > 1 else input
    for _ in range(n):
        length = x._data.shape[axis]
        if length == 0:
            break
        right, left = x.narrow(axis, 1, length - 1), x.narrow(axis, 0, length - 1)
        x = right != left if x._data.dtype == np.bool_ else right - left
    return x


def logcumsumexp(input, dim):
    """``log(cumsum(exp(x)))`` along ``dim``, shifted by the slice's maximum so it cannot overflow."""
    from .reduce import amax
    if input._data.dtype.kind != "f":
        input = input.to(_dtype.get_default_dtype())
    axis = _wrap_dim(dim, input._data.ndim)
    if input._data.size == 0:
        return input.clone()
    m = amax(input, axis, keepdim=True).detach()
    m = m.masked_fill(~m.isfinite(), 0.0)
    return (input - m).exp().cumsum(axis).log() + m


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    from .elementwise import where
    from .reduce import sum
    x = where(input.isnan(), 0.0, input) if input._data.dtype.kind == "f" else input
    return sum(x, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"nanmean(): expected input to have floating point dtype but got "
                           f"{input.dtype}")
    count = (~input.isnan()).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles along ``dim``; a 1-D ``q`` adds a leading dimension of len(q)."""
    return _quantile(input, q, dim, keepdim, interpolation, "quantile", ignore_nan=False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, "nanquantile", ignore_nan=True)


def _quantile(input, q, dim, keepdim, interpolation, op, ignore_nan):
    from .shape import stack
    from .sort import sort
    if input._data.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype, got "
                           f"{input.dtype}")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{op}() interpolation must be one of {', '.join(_INTERPOLATIONS)}. "
                         f"Got {interpolation}")
    scalar_q = not isinstance(q, Tensor)
    qs = np.atleast_1d(np.asarray(q._data if isinstance(q, Tensor) else q, dtype=np.float64))
    if qs.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor, got shape {list(qs.shape)}")
    if np.any((qs < 0) | (qs > 1)):
        raise RuntimeError(f"{op}() q values must be in the range [0, 1], got {qs.tolist()}")
    x = input.reshape(-1) if dim is None else input
    axis = 0 if dim is None else _wrap_dim(dim, input._data.ndim)
    if x._data.ndim == 0:
        x, axis = x.reshape(1), 0
    n = x._data.shape[axis]
    if n == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    values = sort(x, axis).values                                   # NaN last
    count = n - x.isnan().sum(axis, keepdim=True)._data if ignore_nan else np.full(1, n)
    outs = [_pick(values, axis, qk * (np.maximum(count, 1) - 1), interpolation) for qk in qs]
    result = stack(outs, 0)                                         # (len(q), ..., 1, ...)
    if not ignore_nan and x._data.dtype.kind == "f":
        has_nan = x.isnan().any(axis, keepdim=True)
        result = result.masked_fill(has_nan.unsqueeze(0), math.nan)
    elif ignore_nan:
        result = result.masked_fill(_make(np.asarray(count == 0)).unsqueeze(0), math.nan)
    result = _shape_quantile(result, input, dim, axis + 1, keepdim)
    return result.squeeze(0) if scalar_q else result


def _pick(values: Tensor, axis: int, pos, interpolation: str) -> Tensor:
    """Interpolated value at fractional sorted position ``pos`` (an array broadcast on ``axis``)."""
    pos = np.asarray(pos, dtype=np.float64)
    lo = np.floor(pos).astype(np.int64)
    hi = np.ceil(pos).astype(np.int64)
    shape = list(values._data.shape)
    shape[axis] = 1
    lo, hi = np.broadcast_to(lo, shape), np.broadcast_to(hi, shape)
    v_lo, v_hi = values.gather(axis, _make(np.ascontiguousarray(lo))), values.gather(
        axis, _make(np.ascontiguousarray(hi)))
    frac = np.broadcast_to(pos - np.floor(pos), shape)
    if interpolation == "lower":
        return v_lo
    if interpolation == "higher":
        return v_hi
    if interpolation == "nearest":
        return values.gather(axis, _make(np.ascontiguousarray(np.broadcast_to(
            np.round(pos).astype(np.int64), shape))))
    w = 0.5 if interpolation == "midpoint" else _make(frac.astype(values._data.dtype))
    return v_lo.lerp(v_hi, w)


def _shape_quantile(result: Tensor, input: Tensor, dim, axis: int, keepdim: bool) -> Tensor:
    """(len(q), reduced dims...): drop the reduced dim, or keep size-1 dims when ``keepdim``."""
    if dim is None:
        if keepdim:
            return result.reshape((result.shape[0],) + (1,) * input._data.ndim)
        return result.reshape(result.shape[0])
    return result if keepdim else result.squeeze(axis)
