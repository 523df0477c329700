"""Reductions: sum, mean, extrema, variance, log-sum-exp, cumulative ops."""
from __future__ import annotations

import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.grad_mode import _state
from ..autograd.graph import Node, apply

# What max(dim=...) and friends return: named tuples as PyTorch's torch.return_types.
max_result = return_types.max
min_result = return_types.min


def _dims(dim, ndim: int):
    """Normalise ``dim`` (None, int, or a sequence) to a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (_wrap_dim(int(dim), ndim),)
    dims = tuple(_wrap_dim(int(d), ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if dims else tuple(range(ndim))


_add_reduce = np.add.reduce  # np.sum's Python wrapper costs more than the sum of 10 floats


def _expand_back(gy: Tensor, shape, axes, keepdim: bool) -> Tensor:
    """Broadcast a reduced gradient back over the reduced axes."""
    if not keepdim:
        kept = list(shape)
        for a in axes:
            kept[a] = 1
        gy = gy.reshape(kept)
    return gy.expand(shape)


class SumBackward0(Node):
    """sum over all elements."""

    def forward(self, x, dtype=None):
        self.shape = x.shape
        return _add_reduce(x, None, dtype=dtype)

    def backward(self, gy):
        if not _state.enabled:    # nothing is recorded: the broadcast view, without a node
            return _make(ExpandBackward0().forward(gy._data, shape=self.shape))
        return apply(ExpandBackward0, gy, shape=self.shape)


class SumBackward1(Node):
    """sum over given dims."""

    def forward(self, x, axes=(), keepdim=False, dtype=None):
        self.shape, self.axes, self.keepdim = x.shape, axes, keepdim
        return _add_reduce(x, axes, dtype=dtype, keepdims=keepdim)

    def backward(self, gy):
        return _expand_back(gy, self.shape, self.axes, self.keepdim)


# PyTorch's C++ scalar-type names, used in its error messages.
_DTYPE_WORDS = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool", "float16": "Half", "float32": "Float", "float64": "Double"}


def _sum_dtype(x: Tensor, dtype):
    if dtype is not None:
        return _dtype.to_dtype(dtype).np
    return np.int64 if x._data.dtype.kind in "iub" else None


def sum(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None and dtype is None and not keepdim and input._data.dtype.kind == "f":
        return apply(SumBackward0, input)
    dt = _sum_dtype(input, dtype)
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        if keepdim and input._data.ndim:
            return apply(SumBackward1, input, axes=tuple(range(input._data.ndim)), keepdim=True, dtype=dt)
        return apply(SumBackward0, input, dtype=dt)
    axes = _dims(dim, input._data.ndim)
    if input._data.ndim == 0:
        return apply(SumBackward0, input, dtype=dt)
    return apply(SumBackward1, input, axes=axes, keepdim=keepdim, dtype=dt)


class MeanBackward0(Node):
    def forward(self, x, dtype=None):
        self.shape, self.n = x.shape, x.size
        if dtype is not None:
            x = x.astype(dtype)
        return _add_reduce(x, None) / x.dtype.type(x.size)

    def backward(self, gy):
        if not _state.enabled:
            return _make(ExpandBackward0().forward(gy._data / self.n, shape=self.shape))
        return apply(ExpandBackward0, gy / self.n, shape=self.shape)


class MeanBackward1(Node):
    def forward(self, x, axes=(), keepdim=False, dtype=None):
        self.shape, self.axes, self.keepdim = x.shape, axes, keepdim
        n = 1
        for a in axes:
            n *= x.shape[a]
        self.n = n
        if dtype is not None:
            x = x.astype(dtype)
        return _add_reduce(x, axes, keepdims=keepdim) / x.dtype.type(n)

    def backward(self, gy):
        return _expand_back(gy / self.n, self.shape, self.axes, self.keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is None and input._data.dtype.kind not in "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {_DTYPE_WORDS.get(input.dtype.name, input.dtype.name)}. Hint: "
            "call .float() first.")
    dt = _dtype.to_dtype(dtype).np if dtype is not None else None
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0) or input._data.ndim == 0:
        if keepdim and input._data.ndim:
            return apply(MeanBackward1, input, axes=tuple(range(input._data.ndim)), keepdim=True, dtype=dt)
        return apply(MeanBackward0, input, dtype=dt)
    return apply(MeanBackward1, input, axes=_dims(dim, input._data.ndim), keepdim=keepdim, dtype=dt)


class ProdBackward0(Node):
    save_inputs = (0,)

    def forward(self, x, axis=None, keepdim=False, dtype=None):
        self.axis, self.keepdim = axis, keepdim
        return np.prod(x, axis=axis, keepdims=keepdim, dtype=dtype)

    def backward(self, gy):
        (x,) = self.saved_tensors
        axis = self.axis
        if axis is None:
            flat = x.reshape(-1)
            return (gy * _prod_others(flat, 0)).reshape(x.shape)
        if not self.keepdim:
            gy = gy.unsqueeze(axis)
        return gy * _prod_others(x, axis)


class ProdBackward1(ProdBackward0):
    """prod along one dim (PyTorch's name)."""


def _prod_others(x: Tensor, axis: int) -> Tensor:
    """Product of all other elements along ``axis``, safe with zeros (exclusive cumprods)."""
    n = x.shape[axis]
    ones = x.narrow(axis, 0, 1) * 0 + 1
    left = cat([ones, x.narrow(axis, 0, n - 1).cumprod(axis)], axis) if n > 1 else ones
    rev = x.flip(axis)
    right = cat([ones, rev.narrow(axis, 0, n - 1).cumprod(axis)], axis).flip(axis) if n > 1 else ones
    return left * right


def prod(input, dim=None, keepdim=False, *, dtype=None):
    dt = _sum_dtype(input, dtype)
    if dim is None:
        return apply(ProdBackward0, input, dtype=dt)
    return apply(ProdBackward1, input, axis=_wrap_dim(dim, input._data.ndim), keepdim=keepdim, dtype=dt)


class CumsumBackward0(Node):
    def forward(self, x, axis=0, dtype=None):
        self.axis = axis
        return np.cumsum(x, axis=axis, dtype=dtype)

    def backward(self, gy):
        return gy.flip(self.axis).cumsum(self.axis).flip(self.axis)


def cumsum(input, dim, *, dtype=None):
    return apply(CumsumBackward0, input, axis=_wrap_dim(dim, input._data.ndim),
                 dtype=_sum_dtype(input, dtype))


class CumprodBackward0(Node):
    save_inputs = (0,)
    save_outputs = (0,)

    def forward(self, x, axis=0, dtype=None):
        self.axis = axis
        return np.cumprod(x, axis=axis, dtype=dtype)

    def backward(self, gy):
        x, y = self.saved_tensors
        a = self.axis
        if not bool((x == 0).any()):
            return (gy * y).flip(a).cumsum(a).flip(a) / x
        # With zeros, dividing by x is undefined: use d y_k / d x_i = prod_{j<=k, j!=i} x_j,
        # one column i at a time (x_i replaced by 1), summed against gy over k >= i.
        n = x.shape[a]
        xm, gm = x.movedim(a, -1), gy.movedim(a, -1)
        cols = []
        for i in range(n):
            hole = _make(np.arange(n) == i)
            cp = where(hole, xm * 0 + 1, xm).cumprod(-1)
            cols.append((gm.narrow(-1, i, n - i) * cp.narrow(-1, i, n - i)).sum(-1))
        return stack(cols, -1).movedim(-1, a)


def cumprod(input, dim, *, dtype=None):
    return apply(CumprodBackward0, input, axis=_wrap_dim(dim, input._data.ndim),
                 dtype=_sum_dtype(input, dtype))


class AmaxBackward0(Node):
    """amax/amin: the gradient is shared evenly among tied extrema."""
    save_inputs = (0,)
    save_outputs = (0,)

    def forward(self, x, axes=(), keepdim=False, fn=np.max):
        self.axes, self.keepdim = axes, keepdim
        return fn(x, axis=axes, keepdims=keepdim)

    def backward(self, gy):
        x, y = self.saved_tensors
        y = _expand_back(y, x.shape, self.axes, self.keepdim)
        mask = (x == y)
        count = mask.sum(dim=self.axes, keepdim=True)
        return _expand_back(gy, x.shape, self.axes, self.keepdim) * mask / count


class AminBackward0(AmaxBackward0):
    pass


def _check_nonempty(input, name, dims):
    for d in dims:
        if input._data.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if input._data.size == 0 and not dims:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")


def amax(input, dim=(), keepdim=False):
    axes = _dims(dim, input._data.ndim)
    _check_nonempty(input, "amax", axes)
    return apply(AmaxBackward0, input, axes=axes, keepdim=keepdim, fn=np.max)


def amin(input, dim=(), keepdim=False):
    axes = _dims(dim, input._data.ndim)
    _check_nonempty(input, "amin", axes)
    return apply(AminBackward0, input, axes=axes, keepdim=keepdim, fn=np.min)


# PyTorch's names: MaxBackward1 is max() of all elements, MaxBackward0 is max(dim).
class MaxBackward1(Node):
    """max/min of all elements: the gradient goes evenly to the tied extrema."""
    save_inputs = (0,)
    save_outputs = (0,)

    def forward(self, x, fn=np.max):
        return fn(x)

    def backward(self, gy):
        x, y = self.saved_tensors
        mask = x == y
        return gy * mask / mask.sum()


class MinBackward1(MaxBackward1):
    pass


class MaxBackward0(Node):
    """max/min along a dim: values and indices; the gradient goes to the index picked."""
    nondiff_outputs = (1,)

    def forward(self, x, axis=0, keepdim=False, arg=np.argmax):
        self.shape, self.axis, self.keepdim = x.shape, axis, keepdim
        idx = arg(x, axis=axis, keepdims=True)
        values = np.take_along_axis(x, idx, axis)
        if not keepdim:
            values, idx = values.squeeze(axis), idx.squeeze(axis)
        self.idx = idx
        return values, idx.astype(np.int64, copy=False)

    def backward(self, gy, gidx=None):
        idx = _make(self.idx)
        if not self.keepdim:
            gy, idx = gy.unsqueeze(self.axis), idx.unsqueeze(self.axis)
        from .shape import zeros_scatter
        return zeros_scatter(gy, self.shape, self.axis, idx)


class MinBackward0(MaxBackward0):
    pass


def max(input, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        from .elementwise import maximum
        return maximum(input, dim)
    if dim is None:
        _check_nonempty(input, "max", ())
        return apply(MaxBackward1, input, fn=np.max)
    axis = _wrap_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        return max_result(input.clone(), _make(np.array(0)))
    _check_nonempty(input, "max", (axis,))
    return max_result(*apply(MaxBackward0, input, axis=axis, keepdim=keepdim, arg=np.argmax))


def min(input, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        from .elementwise import minimum
        return minimum(input, dim)
    if dim is None:
        _check_nonempty(input, "min", ())
        return apply(MinBackward1, input, fn=np.min)
    axis = _wrap_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        return min_result(input.clone(), _make(np.array(0)))
    _check_nonempty(input, "min", (axis,))
    return min_result(*apply(MinBackward0, input, axis=axis, keepdim=keepdim, arg=np.argmin))


def _no_bool_arg(input, op: str) -> None:
    if input._data.dtype == np.bool_:
        raise RuntimeError(f"{op}(): does not support bool input (shape {list(input.shape)}); "
                           "convert it with .long() or .float() first")


def argmax(input, dim=None, keepdim=False):
    _no_bool_arg(input, "argmax")
    if dim is None:
        if input._data.size == 0:
            raise IndexError("argmax(): Expected reduction dim to be specified for input.numel() "
                             "== 0.")
        return _make(np.array(np.argmax(input._data), dtype=np.int64))
    axis = _wrap_dim(dim, input._data.ndim)
    return _make(np.argmax(input._data, axis=axis, keepdims=keepdim).astype(np.int64))


def argmin(input, dim=None, keepdim=False):
    _no_bool_arg(input, "argmin")
    if dim is None:
        if input._data.size == 0:
            raise IndexError("argmin(): Expected reduction dim to be specified for input.numel() "
                             "== 0.")
        return _make(np.array(np.argmin(input._data), dtype=np.int64))
    axis = _wrap_dim(dim, input._data.ndim)
    return _make(np.argmin(input._data, axis=axis, keepdims=keepdim).astype(np.int64))


class VarBackward0(Node):
    """Variance over ``axes`` with ``correction`` (Bessel's is 1), from the centred values."""

    save_inputs = (0,)

    def forward(self, x, axes=(), correction=1, keepdim=False):
        self.axes, self.keepdim = axes, keepdim
        n = 1
        for a in axes:
            n *= x.shape[a]
        self.denom = builtin_max(n - correction, 0)
        d = x - np.mean(x, axis=axes, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sum(d * d, axis=axes, keepdims=keepdim) / x.dtype.type(self.denom)

    def backward(self, gy):
        (x,) = self.saved_tensors
        gy = _expand_back(gy, x.shape, self.axes, self.keepdim)
        return gy * (2.0 / self.denom) * (x - x.mean(self.axes, keepdim=True))


class StdBackward0(VarBackward0):
    save_outputs = (0,)

    def forward(self, x, axes=(), correction=1, keepdim=False):
        return np.sqrt(VarBackward0.forward(self, x, axes, correction, keepdim))

    def backward(self, gy):
        x, y = self.saved_tensors
        gy = _expand_back(gy, x.shape, self.axes, self.keepdim)
        y = _expand_back(y, x.shape, self.axes, self.keepdim)
        return gy * (x - x.mean(self.axes, keepdim=True)) / (y * self.denom)


def _var_args(input, dim, unbiased, correction, op):
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{op}(): std and var only support floating point and complex dtypes, "
                           f"got {input.dtype} (shape {list(input.shape)}); call .float() first")
    if isinstance(dim, bool):  # var(x, False): the old positional 'unbiased'
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    return _dims(dim, input._data.ndim), correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    axes, correction = _var_args(input, dim, unbiased, correction, "var")
    return apply(VarBackward0, input, axes=axes, correction=correction, keepdim=keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    axes, correction = _var_args(input, dim, unbiased, correction, "std")
    return apply(StdBackward0, input, axes=axes, correction=correction, keepdim=keepdim)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


class LogsumexpBackward0(Node):
    """``log(sum(exp(x)))`` over ``axes``, shifted by the maximum so it cannot overflow."""

    save_inputs = (0,)
    save_outputs = (0,)

    def forward(self, x, axes=(), keepdim=False):
        self.axes, self.keepdim = axes, keepdim
        if x.size == 0:
            return np.log(np.sum(np.exp(x), axis=axes, keepdims=keepdim))
        m = np.max(x, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype, copy=False)
        out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
        return out if keepdim else np.squeeze(out, axis=axes)

    def backward(self, gy):
        x, y = self.saved_tensors
        gy = _expand_back(gy, x.shape, self.axes, self.keepdim)
        y = _expand_back(y, x.shape, self.axes, self.keepdim)
        return gy * (x - y).exp()


def logsumexp(input, dim, keepdim=False):
    if input._data.dtype.kind != "f":
        input = input.to(_dtype.get_default_dtype())
    return apply(LogsumexpBackward0, input, axes=_dims(dim, input._data.ndim), keepdim=keepdim)


def _logical_reduce(fn, input, dim, keepdim):
    a = input._data
    axes = None if dim is None else _dims(dim, a.ndim)
    out = np.asarray(fn(a, axis=axes, keepdims=keepdim and dim is not None))
    # uint8 in, uint8 out: PyTorch keeps the byte dtype for all()/any().
    return _make(out.astype(np.uint8) if a.dtype == np.uint8 else out)


def all(input, dim=None, keepdim=False):
    return _logical_reduce(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False):
    return _logical_reduce(np.any, input, dim, keepdim)


def count_nonzero(input, dim=None):
    if dim is None:
        return _make(np.array(np.count_nonzero(input._data), dtype=np.int64))
    return _make(np.count_nonzero(input._data, axis=_dims(dim, input._data.ndim)).astype(np.int64))


import builtins as _builtins  # noqa: E402

builtin_max = _builtins.max

from .shape import ExpandBackward0, cat, stack  # noqa: E402  (shape imports nothing from here at load time)
from .elementwise import where  # noqa: E402
