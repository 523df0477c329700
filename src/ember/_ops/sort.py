"""Order statistics: sort, argsort, topk, kthvalue, median, mode, unique, cummax/cummin.

Each op finds indices with NumPy (stable sorts, so ties keep their order as in PyTorch) and
returns the values picked at those indices. The differentiable ones share one backward: the
incoming gradient is scattered back to the picked positions.
"""
from __future__ import annotations

import numpy as np

from .. import return_types as rt
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.graph import Node, apply
from .shape import zeros_scatter

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode", "unique",
           "unique_consecutive", "cummax", "cummin"]


class _PickAlong(Node):
    """values = x taken at ``self.idx`` along ``self.axis``; indices are output 1 (no grad)."""

    nondiff_outputs = (1,)

    def _finish(self, x, idx, axis, keepdim=True):
        self.shape, self.axis, self.keepdim, self.idx = x.shape, axis, keepdim, idx
        values = np.take_along_axis(x, idx, axis) if x.ndim else x.copy()
        if not keepdim and x.ndim:
            values, idx = values.squeeze(axis), idx.squeeze(axis)
        return values, idx.astype(np.int64, copy=False)

    def backward(self, gy, gidx=None):
        if not self.shape:
            return gy
        if not self.keepdim:
            gy = gy.unsqueeze(self.axis)
        return zeros_scatter(gy, self.shape, self.axis, _make(self.idx))


def _order(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable ordering indices; NaN sorts last ascending and first descending, as in PyTorch."""
    if x.ndim == 0:
        return np.zeros((), np.int64)
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    # Sorting the reversed array and reversing the answer keeps ties in their original order.
    n = x.shape[axis]
    rev = np.flip(np.argsort(np.flip(x, axis), axis=axis, kind="stable"), axis)
    return n - 1 - rev


class SortBackward0(_PickAlong):
    def forward(self, x, axis=-1, descending=False):
        return self._finish(x, _order(x, axis, descending), axis)


def _dim(input: Tensor, dim) -> int:
    return _wrap_dim(dim, input._data.ndim)


def _tensor_arg(input, op: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """Values sorted along ``dim`` and their indices; ties keep their order (always stable)."""
    _tensor_arg(input, "sort")
    if isinstance(dim, bool):  # sort(x, stable=...) spelled positionally: sort(x, True)
        dim = -1
    return rt.sort(*apply(SortBackward0, input, axis=_dim(input, dim), descending=bool(descending)))


def argsort(input, dim=-1, descending=False, *, stable=False):
    _tensor_arg(input, "argsort")
    return _make(_order(input._data, _dim(input, dim), bool(descending)).astype(np.int64, copy=False))


def msort(input):
    return sort(input, 0).values


class TopkBackward0(_PickAlong):
    def forward(self, x, k=1, axis=-1, largest=True):
        idx = _order(x, axis, descending=largest)
        if x.ndim:
            idx = np.take(idx, np.arange(k), axis=axis)
        return self._finish(x, idx, axis)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (or smallest) elements along ``dim``, in order, with their indices."""
    _tensor_arg(input, "topk")
    axis = _dim(input, dim)
    size = input._data.shape[axis] if input._data.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"selected index k out of range: topk(k={k}) along dim {axis} of a "
                           f"tensor with shape {list(input.shape)} (size {size})")
    return rt.topk(*apply(TopkBackward0, input, k=int(k), axis=axis, largest=bool(largest)))


class KthvalueBackward0(_PickAlong):
    def forward(self, x, k=1, axis=-1, keepdim=False):
        idx = _order(x, axis, False)
        if x.ndim:
            idx = np.take(idx, [k - 1], axis=axis)
        return self._finish(x, idx, axis, keepdim)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The ``k``-th smallest element (1-based) along ``dim`` and its index."""
    _tensor_arg(input, "kthvalue")
    axis = _dim(input, dim)
    size = input._data.shape[axis] if input._data.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}: "
                           f"k={k} but the size is {size} (shape {list(input.shape)})")
    return rt.kthvalue(*apply(KthvalueBackward0, input, k=int(k), axis=axis, keepdim=keepdim))


def _median_index(x: np.ndarray, axis: int, ignore_nan: bool) -> np.ndarray:
    """Index (keepdims) of the lower median along ``axis``; NaN wins unless ``ignore_nan``."""
    order = np.argsort(x, axis=axis, kind="stable")  # NaN last
    n = x.shape[axis]
    if x.dtype.kind == "f":
        nans = np.isnan(x)
        count = n - nans.sum(axis=axis, keepdims=True)
        pos = np.maximum(count - 1, 0) // 2
        idx = np.take_along_axis(order, pos, axis)
        if not ignore_nan:
            has_nan = count < n
            first_nan = np.argmax(nans, axis=axis, keepdims=True)
            idx = np.where(has_nan, first_nan, idx)
        return idx
    return np.take(order, [(n - 1) // 2], axis=axis)


class MedianBackward1(_PickAlong):
    def forward(self, x, axis=0, keepdim=False, ignore_nan=False):
        if x.ndim == 0:
            return self._finish(x, np.zeros((), np.int64), axis, keepdim)
        return self._finish(x, _median_index(x, axis, ignore_nan), axis, keepdim)


class MedianBackward0(Node):
    """median of all elements: the gradient goes to the one element picked."""

    def forward(self, x, ignore_nan=False):
        flat = x.reshape(-1)
        self.shape, self.flat_index = x.shape, int(_median_index(flat, 0, ignore_nan)[0])
        return flat[self.flat_index].copy()

    def backward(self, gy):
        index = _make(np.array([self.flat_index]))
        return zeros_scatter(gy.reshape(1), (int(np.prod(self.shape)),), 0, index).reshape(self.shape)


class NanmedianBackward0(MedianBackward0):
    pass


class NanmedianBackward1(MedianBackward1):
    pass


def _check_kernel(input: Tensor, name: str) -> None:
    if input._data.dtype == np.bool_:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")


def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median (not the mean of the two middle values); NaN if any element is NaN."""
    return _median(input, dim, keepdim, "median", rt.median, MedianBackward0, MedianBackward1)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """median() that ignores NaN (NaN only where a whole slice is NaN)."""
    return _median(input, dim, keepdim, "nanmedian", rt.nanmedian, NanmedianBackward0,
                   NanmedianBackward1)


def _median(input, dim, keepdim, name, result, all_cls, dim_cls):
    _tensor_arg(input, name)
    _check_kernel(input, name)
    ignore = name == "nanmedian"
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(f"{name}() input tensor cannot be empty (shape {list(input.shape)})")
        return apply(all_cls, input, ignore_nan=ignore)
    axis = _dim(input, dim)
    if input._data.ndim and input._data.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
    return result(*apply(dim_cls, input, axis=axis, keepdim=keepdim, ignore_nan=ignore))


def _mode_rows(rows: np.ndarray):
    """Most frequent value of each row (smallest on ties) and the index of its last occurrence."""
    values = np.empty(rows.shape[0], rows.dtype)
    index = np.empty(rows.shape[0], np.int64)
    n = rows.shape[1]
    for r, row in enumerate(rows):
        uniq, counts = np.unique(row, return_counts=True)
        v = uniq[np.argmax(counts)]
        values[r] = v
        index[r] = n - 1 - int(np.argmax(row[::-1] == v))
    return values, index


class ModeBackward0(_PickAlong):
    def forward(self, x, axis=-1, keepdim=False):
        if x.ndim == 0:
            return self._finish(x, np.zeros((), np.int64), axis, keepdim)
        moved = np.moveaxis(x, axis, -1)
        _, index = _mode_rows(moved.reshape(-1, moved.shape[-1]))
        idx = np.moveaxis(index.reshape(moved.shape[:-1] + (1,)), -1, axis)
        return self._finish(x, idx, axis, keepdim)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along ``dim`` (the smallest one on ties) and its last index."""
    _tensor_arg(input, "mode")
    axis = _dim(input, dim)
    if input._data.ndim and input._data.shape[axis] == 0:
        raise IndexError(f"mode(): Expected reduction dim {axis} to have non-zero size.")
    return rt.mode(*apply(ModeBackward0, input, axis=axis, keepdim=keepdim))


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements (or slices along ``dim``) in ascending order.

    Differences from PyTorch: the result is always sorted (``sorted=False`` allows any order).
    """
    _tensor_arg(input, "unique")
    a = input._data
    if dim is None:
        uniq, inverse, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inverse = inverse.reshape(a.shape)
    else:
        axis = _dim(input, dim)
        uniq, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
        inverse = inverse.reshape(-1)
    return _unique_result(uniq, inverse, counts, return_inverse, return_counts)


def _unique_result(uniq, inverse, counts, return_inverse, return_counts):
    out = [_make(uniq)]
    if return_inverse:
        out.append(_make(inverse.astype(np.int64, copy=False)))
    if return_counts:
        out.append(_make(counts.astype(np.int64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``) to one."""
    _tensor_arg(input, "unique_consecutive")
    a = input._data
    axis = 0 if dim is None else _dim(input, dim)
    moved = a.reshape(-1) if dim is None else np.moveaxis(a, axis, 0)
    n = moved.shape[0]
    if n == 0:
        starts = np.zeros(0, bool)
    else:
        rows = moved.reshape(n, -1)
        changed = np.any(rows[1:] != rows[:-1], axis=1)
        starts = np.concatenate([[True], changed])
    run = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    uniq = moved[first]
    if dim is not None:
        uniq = np.moveaxis(uniq, 0, axis)
    counts = np.diff(np.append(first, n))
    inverse = run.reshape(a.shape) if dim is None else run
    return _unique_result(uniq, inverse, counts, return_inverse, return_counts)


class CummaxBackward0(Node):
    """Running max/min: each output took its value from one input; gradients add up there."""

    nondiff_outputs = (1,)

    def forward(self, x, axis=0, fn=np.maximum):
        self.shape, self.axis = x.shape, axis
        if x.ndim == 0:
            self.idx = np.zeros((), np.int64)
            return x.copy(), self.idx
        values = fn.accumulate(x, axis=axis)
        # The index moves to the newest position that reaches the running extremum.
        hits = x == values
        if x.dtype.kind == "f":
            hits |= np.isnan(x)
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        positions = np.where(hits, np.arange(x.shape[axis]).reshape(shape), 0)
        self.idx = np.maximum.accumulate(positions, axis=axis).astype(np.int64)
        return values, self.idx

    def backward(self, gy, gidx=None):
        if not self.shape:
            return gy
        return zeros_scatter(gy, self.shape, self.axis, _make(self.idx))


class CumminBackward0(CummaxBackward0):
    pass


def cummax(input, dim):
    _tensor_arg(input, "cummax")
    return rt.cummax(*apply(CummaxBackward0, input, axis=_dim(input, dim), fn=np.maximum))


def cummin(input, dim):
    _tensor_arg(input, "cummin")
    return rt.cummin(*apply(CumminBackward0, input, axis=_dim(input, dim), fn=np.minimum))
