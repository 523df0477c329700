"""Shape ops (views share memory with their input), joins, and indexing."""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.grad_mode import _state
from ..autograd.graph import Node, apply
from ._prep import broadcast_error

# ---------------------------------------------------------------- views


def _infer_shape(shape, numel: int, op: str):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for i, s in enumerate(shape):
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{_fmt(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{_fmt(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _fmt(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _shape_args(shape):
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


class ViewBackward0(Node):
    is_view = True

    def forward(self, x, shape=()):
        self.shape = x.shape
        out = x.view()
        try:
            out.shape = shape
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None
        return out

    def backward(self, gy):
        return gy.reshape(self.shape)


class UnsafeViewBackward0(Node):
    """reshape that had to copy."""

    def forward(self, x, shape=()):
        self.shape = x.shape
        return np.reshape(x, shape)

    def backward(self, gy):
        return gy.reshape(self.shape)


def view(input, *shape):
    if len(shape) == 1 and isinstance(shape[0], (_dtype.dtype, type)) or (
            len(shape) == 1 and isinstance(shape[0], np.dtype)):
        raise RuntimeError("view(dtype) is not supported by ember; use .to(dtype) to convert values")
    shape = _infer_shape(_shape_args(shape), input._data.size, "view")
    return apply(ViewBackward0, input, shape=shape)


def reshape(input, *shape):
    shape = _infer_shape(_shape_args(shape), input._data.size, "reshape")
    data = input._data
    if data.flags.c_contiguous or _viewable(data, shape):
        return apply(ViewBackward0, input, shape=shape)
    return apply(UnsafeViewBackward0, input, shape=shape)


def _viewable(data: np.ndarray, shape) -> bool:
    probe = data.view()
    try:
        probe.shape = shape
        return True
    except AttributeError:
        return False


def flatten(input, start_dim=0, end_dim=-1):
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, 1)
    s, e = _wrap_dim(start_dim, nd), _wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input._data.shape
    return reshape(input, shape[:s] + (-1,) + shape[e + 1:])


def unflatten(input, dim, sizes):
    d = _wrap_dim(dim, input._data.ndim)
    shape = input._data.shape
    sizes = _infer_shape(tuple(sizes), shape[d], "unflatten")
    return view(input, shape[:d] + tuple(sizes) + shape[d + 1:]) if input._data.flags.c_contiguous \
        else reshape(input, shape[:d] + tuple(sizes) + shape[d + 1:])


class TransposeBackward0(Node):
    is_view = True

    def forward(self, x, dim0=0, dim1=1):
        self.dims = (dim0, dim1)
        return np.swapaxes(x, dim0, dim1)

    def backward(self, gy):
        return gy.transpose(*self.dims)


class TBackward0(Node):
    is_view = True

    def forward(self, x):
        return x.T

    def backward(self, gy):
        return gy.t() if _state.enabled else _make(gy._data.T)


def transpose(input, dim0, dim1):
    nd = input._data.ndim
    return apply(TransposeBackward0, input, dim0=_wrap_dim(dim0, nd), dim1=_wrap_dim(dim1, nd))


swapaxes = swapdims = transpose


def t(input):
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    return apply(TBackward0, input)


class PermuteBackward0(Node):
    is_view = True

    def forward(self, x, dims=()):
        self.dims = dims
        return np.transpose(x, dims)

    def backward(self, gy):
        return gy.permute(*np.argsort(self.dims).tolist())


def permute(input, *dims):
    dims = _shape_args(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not "
                           f"match the length of the desired ordering of dimensions i.e. input.dim() "
                           f"= {nd} is not equal to len(dims) = {len(dims)}")
    wrapped = tuple(_wrap_dim(d, nd) for d in dims)
    if len(set(wrapped)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply(PermuteBackward0, input, dims=wrapped)


def movedim(input, source, destination):
    nd = input._data.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [_wrap_dim(s, nd) for s in src]
    dst = [_wrap_dim(d, nd) for d in dst]
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, *order)


moveaxis = movedim


class ExpandBackward0(Node):
    is_view = True

    def forward(self, x, shape=()):
        self.shape = x.shape
        if x.flags.c_contiguous:
            # Building the zero-stride view directly is 4x cheaper than np.broadcast_to.
            lead = len(shape) - x.ndim
            strides = [0] * lead
            for size, target, stride in zip(x.shape, shape[lead:], x.strides):
                strides.append(0 if size == 1 and target != 1 else stride)
            out = np.ndarray(shape, x.dtype, buffer=x, strides=strides)
        else:
            out = np.broadcast_to(x, shape)
        # Elements that share memory may not be written (PyTorch refuses too); a view that only
        # adds or keeps size-1 dims overlaps nowhere and stays writable, into x.
        if _overlaps(out):
            out.flags.writeable = False
        elif not out.flags.writeable and x.flags.writeable:
            out = np.lib.stride_tricks.as_strided(x, shape, out.strides, writeable=True)
        return out

    def backward(self, gy):
        # The engine sums the broadcast dims back to the input's shape.
        return gy


def expand(input, *sizes):
    sizes = _shape_args(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand({input.type()}{{{list(shape)}}}, size={list(sizes)}): the number "
                           f"of sizes provided ({len(sizes)}) must be greater or equal to the number "
                           f"of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = list(sizes)
    for i, s in enumerate(sizes):
        if s == -1:
            if i < lead:
                raise RuntimeError(f"expand: -1 is not allowed in a leading, non-existing dimension ({i})")
            target[i] = shape[i - lead]
        elif i >= lead and shape[i - lead] != 1 and shape[i - lead] != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                               f"({shape[i - lead]}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shape)}")
    target = tuple(target)
    if target == shape:
        return input
    return apply(ExpandBackward0, input, shape=target)


def expand_as(input, other):
    return expand(input, other.shape)


class SqueezeBackward0(Node):
    is_view = True

    def forward(self, x, axes=None):
        self.shape = x.shape
        return np.squeeze(x, axis=axes) if axes else x.view()

    def backward(self, gy):
        return gy.reshape(self.shape)


def squeeze(input, dim=None):
    shape = input._data.shape
    if dim is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = tuple(sorted({_wrap_dim(d, len(shape)) for d in dims}))
        axes = tuple(a for a in axes if len(shape) and shape[a] == 1)
    return apply(SqueezeBackward0, input, axes=axes)


class UnsqueezeBackward0(Node):
    is_view = True

    def forward(self, x, axis=0):
        self.axis = axis
        return np.expand_dims(x, axis)

    def backward(self, gy):
        return gy.squeeze(self.axis)


def unsqueeze(input, dim):
    nd = input._data.ndim + 1
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], "
                         f"but got {dim})")
    return apply(UnsqueezeBackward0, input, axis=dim % nd)


class AliasBackward0(Node):
    is_view = True

    def forward(self, x):
        return x.view()

    def backward(self, gy):
        return gy


# ---------------------------------------------------------------- copies


class CloneBackward0(Node):
    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy


def clone(input, *, memory_format=None):
    return apply(CloneBackward0, input)


def contiguous(input, memory_format=None):
    if input._data.flags.c_contiguous:
        return input
    return apply(CloneBackward0, input)


class ToCopyBackward0(Node):
    def forward(self, x, dtype=None):
        self.dtype = x.dtype
        return x.astype(dtype)

    def backward(self, gy):
        return gy.to(_dtype.from_numpy_dtype(self.dtype))


def to_dtype(input, dtype, copy=False):
    dt = _dtype.to_dtype(dtype)
    if input._data.dtype == dt.np and not copy:
        return input
    if input._requires_grad and dt.is_floating_point:
        return apply(ToCopyBackward0, input, dtype=dt.np)
    return _make(input._data.astype(dt.np))


class FlipBackward0(Node):
    def forward(self, x, axes=()):
        self.axes = axes
        return np.flip(x, axes).copy()

    def backward(self, gy):
        return gy.flip(self.axes)


def flip(input, *dims):
    dims = _shape_args(dims)
    return apply(FlipBackward0, input, axes=tuple(_wrap_dim(d, input._data.ndim) for d in dims))


def fliplr(input):
    return flip(input, 1)


def flipud(input):
    return flip(input, 0)


class RollBackward0(Node):
    def forward(self, x, shifts=0, axes=None):
        self.shifts, self.axes = shifts, axes
        return np.roll(x, shifts, axes)

    def backward(self, gy):
        neg = tuple(-s for s in self.shifts) if isinstance(self.shifts, tuple) else -self.shifts
        return gy.roll(neg, self.axes)


def roll(input, shifts, dims=None):
    if dims is None:
        flat = input.reshape(-1)
        return apply(RollBackward0, flat, shifts=shifts, axes=0).reshape(input.shape)
    if isinstance(dims, int):
        dims = (dims,)
        shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    return apply(RollBackward0, input, shifts=tuple(shifts),
                 axes=tuple(_wrap_dim(d, input._data.ndim) for d in dims))


class RepeatBackward0(Node):
    def forward(self, x, reps=()):
        self.shape, self.reps = x.shape, reps
        return np.tile(x, reps)

    def backward(self, gy):
        lead = len(self.reps) - len(self.shape)
        shape = (1,) * lead + tuple(self.shape)
        # Split each dim into (repeat, size) and sum the repeats away.
        split = []
        for r, s in zip(self.reps, shape):
            split += [r, s]
        g = gy.reshape(split).sum(dim=tuple(range(0, len(split), 2)))
        return g.reshape(self.shape)


def repeat(input, *sizes):
    sizes = _shape_args(sizes)
    if len(sizes) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    return apply(RepeatBackward0, input, reps=sizes)


def tile(input, dims):
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(dims) < input._data.ndim:
        dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, *dims)


# ---------------------------------------------------------------- joins and splits


class CatBackward0(Node):
    def forward(self, *xs, axis=0):
        self.axis = axis
        self.sizes = [x.shape[axis] for x in xs]
        return np.concatenate(xs, axis=axis)

    def backward(self, gy):
        out, start = [], 0
        for need, n in zip(self.needs_input_grad, self.sizes):
            out.append(gy.narrow(self.axis, start, n) if need else None)
            start += n
        return tuple(out)


def cat(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"cat(): expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    # Legacy: 1-d empty tensors are skipped.
    tensors = [t for t in tensors if not (t._data.ndim == 1 and t._data.size == 0)] or tensors[:1]
    ref = tensors[0]
    nd = ref._data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    axis = _wrap_dim(dim, nd)
    rt = _dtype.result_type(*tensors) if len({t._data.dtype for t in tensors}) > 1 else None
    for i, t in enumerate(tensors):
        if t._data.ndim != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and {t._data.ndim}")
        for d in range(nd):
            if d != axis and t._data.shape[d] != ref._data.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {axis}. Expected "
                                   f"size {ref._data.shape[d]} but got size {t._data.shape[d]} for "
                                   f"tensor number {i} in the list.")
    if rt is not None:
        tensors = [t.to(rt) for t in tensors]
    return apply(CatBackward0, *tensors, axis=axis)


concat = concatenate = cat


class StackBackward0(Node):
    def forward(self, *xs, axis=0):
        self.axis = axis
        return np.stack(xs, axis=axis)

    def backward(self, gy):
        return tuple(gy.select(self.axis, i) if need else None
                     for i, need in enumerate(self.needs_input_grad))


def stack(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"stack(): argument 'tensors' must be tuple of Tensors, not "
                            f"{type(t).__name__}")
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at "
                               f"entry 0 and {list(t._data.shape)} at entry {i}")
    axis = _wrap_dim(dim, len(shape) + 1)
    if len({t._data.dtype for t in tensors}) > 1:
        rt = _dtype.result_type(*tensors)
        tensors = [t.to(rt) for t in tensors]
    return apply(StackBackward0, *tensors, axis=axis)


def hstack(tensors):
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    return cat([atleast_2d(t) for t in tensors], 0)


row_stack = vstack


def dstack(tensors):
    return cat([atleast_3d(t) for t in tensors], 2)


def column_stack(tensors):
    return hstack([t.reshape(-1, 1) if t._data.ndim <= 1 else t for t in tensors])


def atleast_1d(t):
    return t.reshape(1) if t._data.ndim == 0 else t


def atleast_2d(t):
    return t.reshape(1, -1) if t._data.ndim < 2 else t


def atleast_3d(t):
    nd = t._data.ndim
    if nd == 0:
        return t.reshape(1, 1, 1)
    if nd == 1:
        return t.reshape(1, -1, 1)
    if nd == 2:
        return t.unsqueeze(-1)
    return t


def narrow(input, dim, start, length):
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    idx = (slice(None),) * d + (slice(start, start + length),)
    return getitem(input, idx)


def select(input, dim, index):
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input._data.shape)} at dimension {d}")
    return getitem(input, (slice(None),) * d + (index,))


def unbind(input, dim=0):
    d = _wrap_dim(dim, input._data.ndim)
    return tuple(select(input, d, i) for i in range(input._data.shape[d]))


def split(input, split_size_or_sections, dim=0):
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                               f"size of {size}")
        sections = [builtin_min(step, size - s) for s in range(0, size, step)] or [0]
    else:
        sections = list(split_size_or_sections)
        if sum_(sections) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input "
                               f"tensor's size at dimension {d}), but got split_sizes={sections}")
    out, start = [], 0
    for n in sections:
        out.append(narrow(input, d, start, n))
        start += n
    return tuple(out)


def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0")
    size = input._data.shape[_wrap_dim(dim, input._data.ndim)]
    step = -(-size // chunks) if size else 1
    return split(input, step, dim)


def tensor_split(input, indices_or_sections, dim=0):
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        bounds = [i * (size // n) + builtin_min(i, size % n) for i in range(n + 1)]
    else:
        bounds = [0] + list(indices_or_sections) + [size]
    return tuple(narrow(input, d, a, builtin_max(b - a, 0)) for a, b in zip(bounds, bounds[1:]))


# ---------------------------------------------------------------- indexing


def _index_key(key, ndim: int):
    """Turn a user's index into a NumPy key; returns (key, is_basic)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    basic = True
    for k in key:
        if isinstance(k, Tensor):
            arr = k._data
            if arr.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if arr.ndim == 0 and arr.dtype.kind in "iu":
                out.append(int(arr))
                continue
            out.append(arr if arr.dtype != np.uint8 else arr.astype(bool))
            basic = False
        elif isinstance(k, (list, np.ndarray)):
            arr = np.asarray(k)
            if arr.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(arr)
            basic = False
        elif isinstance(k, (bool, np.bool_)):
            out.append(bool(k))
            basic = False
        elif k is None or k is Ellipsis or isinstance(k, (int, np.integer, slice)):
            out.append(k)
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                             "Variables are valid indices (got " + type(k).__name__ + ")")
    return tuple(out), basic


def _check_bounds(key, shape):
    dim = 0
    n_specified = sum_(1 for k in key if k is not None and k is not Ellipsis and not isinstance(k, (bool,)))
    for k in key:
        if k is Ellipsis:
            dim += len(shape) - n_specified
            continue
        if k is None or isinstance(k, bool):
            continue
        if dim >= len(shape):
            raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
        if isinstance(k, (int, np.integer)):
            if not -shape[dim] <= k < shape[dim]:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {shape[dim]}")
        elif isinstance(k, np.ndarray):
            if k.dtype == np.bool_:
                for j, (ms, ts) in enumerate(zip(k.shape, shape[dim:])):
                    if ms != ts:
                        raise IndexError(f"The shape of the mask {list(k.shape)} at index {j} does not "
                                         f"match the shape of the indexed tensor {list(shape)} at index "
                                         f"{dim + j}")
                dim += k.ndim
                continue
            if k.size and (k.max() >= shape[dim] or k.min() < -shape[dim]):
                bad = k.max() if k.max() >= shape[dim] else k.min()
                raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {shape[dim]}")
        dim += 1


class SelectBackward0(Node):
    """Basic indexing (ints, slices, None, ...): a view. Named after its most common use."""
    is_view = True

    def forward(self, x, key=()):
        self.shape, self.dtype, self.key = x.shape, x.dtype, key
        return x[key]

    def backward(self, gy):
        return zeros_index_put(gy, self.shape, self.key, accumulate=False)


class SliceBackward0(SelectBackward0):
    pass


class IndexBackward0(Node):
    """Advanced indexing (integer arrays, masks): a copy."""

    def forward(self, x, key=()):
        self.shape, self.key = x.shape, key
        return x[key]

    def backward(self, gy):
        return zeros_index_put(gy, self.shape, self.key, accumulate=True)


def getitem(input, key):
    npkey, basic = _index_key(key, input._data.ndim)
    _check_bounds(npkey, input._data.shape)
    if basic:
        cls = SelectBackward0 if any(isinstance(k, (int, np.integer)) for k in npkey) else SliceBackward0
        if input._data.ndim == 0 and npkey in ((), (Ellipsis,)):
            return apply(AliasBackward0, input)
        return apply(cls, input, key=npkey)
    return apply(IndexBackward0, input, key=npkey)


class IndexPutBackward0(Node):
    """out = x with out[key] set to (or, with accumulate, increased by) values."""

    def forward(self, x, values, key=(), accumulate=False):
        self.key, self.accumulate = key, accumulate
        out = x.copy()
        if accumulate:
            np.add.at(out, key, values)
        else:
            out[key] = values
        return out

    def backward(self, gy):
        need_x, need_v = self.needs_input_grad
        gx = gv = None
        if need_x:
            gx = gy if self.accumulate else gy.index_put(self.key, gy.new_zeros(()))
        if need_v:
            gv = gy[self.key]
        return gx, gv


class ZerosIndexPutBackward0(Node):
    """The gradient of indexing: zeros of the input's shape with gy placed (or added) at key."""

    def forward(self, g, shape=(), key=(), accumulate=False):
        self.key = key
        out = np.zeros(shape, dtype=g.dtype)
        if accumulate:
            np.add.at(out, key, g)
        else:
            out[key] = g
        return out

    def backward(self, ggx):
        return ggx[self.key]


def zeros_index_put(g: Tensor, shape, key, accumulate: bool) -> Tensor:
    return apply(ZerosIndexPutBackward0, g, shape=shape, key=key, accumulate=accumulate)


def index_put(input, indices, values, accumulate=False):
    key = indices if isinstance(indices, tuple) else (indices,)
    npkey, _ = _index_key(key, input._data.ndim)
    values = _value_tensor(values, input)
    try:
        return apply(IndexPutBackward0, input, values, key=npkey, accumulate=accumulate)
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(values._data.shape)} cannot be broadcast "
            f"to indexing result of shape {list(np.shape(input._data[npkey]))}") from None


def _value_tensor(values, like: Tensor) -> Tensor:
    if isinstance(values, Tensor):
        if values._data.dtype != like._data.dtype:
            values = values.to(like.dtype)
        return values
    return _make(np.asarray(values, dtype=like._data.dtype))


def setitem(input, key, value):
    """``t[key] = value``: in place, and recorded in the graph when it has to be."""
    check_writable(input, "index_put_")
    npkey, _ = _index_key(key, input._data.ndim)
    _check_bounds(npkey, input._data.shape)
    value = _value_tensor(value, input)
    recording = _state.enabled and (input._requires_grad or value._requires_grad)
    if recording and _through_view(input):
        _copy_slices(input, lambda old, v: apply(IndexPutBackward0, old, v, key=npkey,
                                                  accumulate=False), (value,), {}, "index_put_")
        return
    if recording:
        check_inplace(input, "index_put_")
        old = _snapshot(input)
        result = apply(IndexPutBackward0, old, value, key=npkey, accumulate=False)
        input._data[...] = result._data
        _rebase(input, result)
    else:
        try:
            input._data[npkey] = value._data
        except ValueError:
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(value._data.shape)} cannot be broadcast "
                f"to indexing result of shape {list(np.shape(input._data[npkey]))}") from None
    input._bump_version()


# ---------------------------------------------------------------- in-place bookkeeping


def _overlaps(a: np.ndarray) -> bool:
    """Whether several elements of ``a`` share one memory location (a broadcast dimension)."""
    return any(stride == 0 and size > 1 for stride, size in zip(a.strides, a.shape))


def check_writable(t: Tensor, op: str) -> None:
    """Refuse to write into memory NumPy marks read-only, with PyTorch's error, not NumPy's."""
    data = t._data
    if data.flags.writeable:
        return
    if _overlaps(data):
        raise RuntimeError(
            f"{op}: unsupported operation: more than one element of the written-to tensor refers "
            "to a single memory location (it is an expand()ed or broadcast view). Please clone() "
            "the tensor before performing the operation.")
    raise RuntimeError(f"{op}: the tensor's memory is read-only (it wraps a read-only NumPy "
                       "array). clone() it first, or build it from a writable array.")


def check_inplace(t: Tensor, op: str) -> None:
    """Refuse in-place changes PyTorch refuses while recording a graph."""
    if t.grad_fn is None and t._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    base = t._base
    if base is not None and (base._requires_grad or t._requires_grad) and t.grad_fn is not None:
        if base.grad_fn is None and base._requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        raise RuntimeError(
            f"{op}: ember cannot record this in-place change made through a view (shape "
            f"{list(t._data.shape)}) of a tensor that requires grad. Apply it to the base tensor "
            "(for example with index assignment base[idx] = ...) or to a clone().")


def _snapshot(t: Tensor) -> Tensor:
    """The tensor's current value as a separate graph tensor (same node), before an in-place op."""
    old = _make(t._data.copy())
    old._requires_grad, old.grad_fn, old._output_nr = t._requires_grad, t.grad_fn, t._output_nr
    return old


def _rebase(t: Tensor, result: Tensor) -> None:
    """Make ``t`` (whose storage now holds ``result``'s values) the output of result's node."""
    t.grad_fn, t._output_nr, t._requires_grad = result.grad_fn, result._output_nr, result._requires_grad
    if result.grad_fn is not None and result.grad_fn._saved:
        # A node that kept its own output must see t's version counter from now on.
        saved = list(result.grad_fn._saved)
        for k, entry in enumerate(saved):
            if len(entry) == 4:
                if t._vc is None:
                    t._vc = [0]
                saved[k] = (t._data, t._vc[0] + 1, t._vc, entry[3])
        result.grad_fn._saved = tuple(saved)


def _through_view(t: Tensor) -> bool:
    """Whether an in-place change of ``t`` must also rewrite its base's history (CopySlices)."""
    base = t._base
    if base is None or (t.grad_fn is None and t._requires_grad):
        return False
    if base._requires_grad:
        # A view of a leaf is refused by check_inplace; a view that does not require grad while
        # its base does (detach(), or taken under no_grad) is outside the base's graph.
        return base.grad_fn is not None and t._requires_grad
    return True


def _flat_view_index(base: np.ndarray, view: np.ndarray):
    """Positions in ``base.reshape(-1)`` of every element of ``view`` (None if not expressible)."""
    item = base.itemsize
    if not base.flags.c_contiguous or view.itemsize != item or base.size == 0:
        return None
    offset = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if offset % item or any(st % item for st in view.strides):
        return None
    idx = np.full(view.shape, offset // item, dtype=np.int64)
    for axis, (n, st) in enumerate(zip(view.shape, view.strides)):
        shape = [1] * view.ndim
        shape[axis] = n
        idx = idx + (np.arange(n, dtype=np.int64) * (st // item)).reshape(shape)
    if idx.size and (idx.min() < 0 or idx.max() >= base.size):
        return None
    return idx


def _copy_slices(t: Tensor, fn, args, kw, op: str) -> Tensor:
    """In-place ``fn`` on view ``t``: the base's history becomes "old base with t's region
    replaced by fn(old region)", and t's history becomes that region of the new base."""
    base = t._base
    idx = _flat_view_index(base._data, t._data)
    if idx is None:
        raise RuntimeError(
            f"{op}: ember cannot differentiate this in-place change through a view (shape "
            f"{list(t._data.shape)}) of a tensor of shape {list(base._data.shape)} whose memory is "
            "not contiguous. Apply the change to a clone() or to the base tensor.")
    if np.unique(idx).size != idx.size:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor "
                           "refers to a single memory location. Please clone() the tensor before "
                           "performing the operation.")
    key = _make(idx)
    old_flat = _snapshot(base).reshape(-1)
    result = fn(getitem(old_flat, key), *args, **kw)
    if result._data.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast "
                           f"shape {list(result._data.shape)}")
    new_base = index_put(old_flat, (key,), result).reshape(base._data.shape)
    np.copyto(t._data, result._data, casting="unsafe")
    _rebase(base, new_base)
    base._bump_version()     # t shares the base's version counter
    region = getitem(new_base.reshape(-1), key)
    t.grad_fn, t._output_nr, t._requires_grad = region.grad_fn, region._output_nr, True
    return t


def inplace(t: Tensor, fn, *args, op: str = "", **kw) -> Tensor:
    """Run out-of-place ``fn(t, *args)`` and write the result into ``t``'s storage."""
    check_writable(t, op)
    recording = _state.enabled and (t._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    if not recording:
        result = fn(t, *args, **kw)
        if result._data.dtype != t._data.dtype and not np.can_cast(result._data.dtype, t._data.dtype,
                                                                     "same_kind"):
            raise RuntimeError(f"result type {result.dtype.name.capitalize()} can't be cast to the "
                               f"desired output type {t.dtype.name.capitalize()}")
        if result._data.shape != t._data.shape:
            raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast "
                               f"shape {list(result._data.shape)}")
        np.copyto(t._data, result._data, casting="unsafe")
        t._bump_version()
        return t
    if _through_view(t):
        return _copy_slices(t, fn, args, kw, op)
    check_inplace(t, op)
    old = _snapshot(t)
    result = fn(old, *args, **kw)
    if result._data.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast "
                           f"shape {list(result._data.shape)}")
    np.copyto(t._data, result._data, casting="unsafe")
    _rebase(t, result)   # before the bump: _rebase records the version the bump will make
    t._bump_version()
    return t


# ---------------------------------------------------------------- gather / scatter family


class GatherBackward0(Node):
    def forward(self, x, index, axis=0):
        self.shape, self.axis, self.index = x.shape, axis, index
        return np.take_along_axis(x, index, axis)

    def backward(self, gy, *rest):
        return zeros_scatter(gy, self.shape, self.axis, _make(self.index)), None


def _check_index(index: Tensor, op: str):
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        got = index.dtype if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"{op}(): Expected dtype int64 for index, got {got}")


def _check_index_range(idx: np.ndarray, size: int, axis: int) -> None:
    """gather/scatter indices must lie in [0, size): PyTorch's error names the first bad one."""
    if idx.size and (idx.max() >= size or idx.min() < 0):
        bad = int(idx.max()) if idx.max() >= size else int(idx.min())
        raise RuntimeError(f"index {bad} is out of bounds for dimension {axis} with size {size}")


def gather(input, dim, index, *, sparse_grad=False):
    _check_index(index, "gather")
    axis = _wrap_dim(dim, input._data.ndim)
    if index._data.ndim != input._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    idx = index._data
    _check_index_range(idx, input._data.shape[axis], axis)
    # take_along_axis broadcasts; PyTorch instead reads a smaller window: slice the input.
    window = tuple(slice(0, s) if d != axis else slice(None) for d, s in enumerate(idx.shape))
    src = input if input._data.shape[:axis] + input._data.shape[axis + 1:] == \
        idx.shape[:axis] + idx.shape[axis + 1:] else getitem(input, window)
    return apply(GatherBackward0, src, index, axis=axis)


class ScatterAddBackward0(Node):
    """out = x, then out[index] += src along axis (zeros_scatter when x is zeros)."""

    def forward(self, x, src, index, axis=0, reduce="add"):
        self.axis, self.index, self.reduce = axis, index, reduce
        out = x.copy()
        _scatter_into(out, index, src, axis, add=(reduce == "add"))
        return out

    def backward(self, gy):
        need_x, need_src, _ = self.needs_input_grad
        idx = _make(self.index)
        gx = gsrc = None
        if need_x:
            gx = gy if self.reduce == "add" else gy.scatter(self.axis, idx, 0.0)
        if need_src:
            gsrc = gy.gather(self.axis, idx)
        return gx, gsrc, None


def _scatter_into(out, index, src, axis, add):
    idx = list(np.indices(index.shape, sparse=True))
    idx[axis] = index
    src = np.broadcast_to(src, index.shape) if np.ndim(src) == 0 else \
        src[tuple(slice(0, s) for s in index.shape)]
    if add:
        np.add.at(out, tuple(idx), src)
    else:
        out[tuple(idx)] = src


def zeros_scatter(g: Tensor, shape, axis: int, index: Tensor) -> Tensor:
    """Zeros of ``shape`` with ``g`` added at ``index`` along ``axis`` (differentiable in g)."""
    zeros = _make(np.zeros(shape, dtype=g._data.dtype))
    return apply(ScatterAddBackward0, zeros, g, index, axis=axis, reduce="add")


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if src is None:
        src = value
    _check_index(index, "scatter")
    axis = _wrap_dim(dim, input._data.ndim)
    _check_index_range(index._data, input._data.shape[axis], axis)
    src_t = src if isinstance(src, Tensor) else _make(np.array(src, dtype=input._data.dtype))
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if reduce == "multiply":
        out = input._data.copy()
        idx = list(np.indices(index._data.shape, sparse=True))
        idx[axis] = index._data
        np.multiply.at(out, tuple(idx), np.broadcast_to(src_t._data, index._data.shape))
        return _make(out)
    return apply(ScatterAddBackward0, input, src_t.to(input.dtype), index, axis=axis,
                 reduce="add" if reduce == "add" else "set")


def scatter_add(input, dim, index, src):
    _check_index(index, "scatter_add")
    axis = _wrap_dim(dim, input._data.ndim)
    _check_index_range(index._data, input._data.shape[axis], axis)
    return apply(ScatterAddBackward0, input, src, index, axis=axis, reduce="add")


def index_select(input, dim, index):
    if not isinstance(index, Tensor) or index._data.dtype.kind not in "iu":
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = _wrap_dim(dim, input._data.ndim)
    return getitem(input, (slice(None),) * d + (index.reshape(-1),))


class IndexAddBackward0(Node):
    """``x`` with ``alpha * source`` added at ``index`` along ``axis`` (repeated indices add up)."""

    def forward(self, x, source, axis=0, index=None, alpha=1):
        self.axis, self.index, self.alpha = axis, index, alpha
        out = x.copy()
        np.add.at(out, (slice(None),) * axis + (index,), source if alpha == 1 else source * alpha)
        return out

    def backward(self, gy):
        need_x, need_source = self.needs_input_grad
        g_source = None
        if need_source:
            g_source = index_select(gy, self.axis, _make(self.index))
            if self.alpha != 1:
                g_source = g_source * self.alpha
        return (gy if need_x else None), g_source


def index_add(input, dim, index, source, *, alpha=1):
    """``input`` with ``alpha * source[..., i, ...]`` added to ``input[..., index[i], ...]``
    along ``dim``; repeated indices accumulate."""
    from .reduce import _DTYPE_WORDS
    axis = _wrap_dim(dim, input._data.ndim)
    idx = index._data if isinstance(index, Tensor) else np.asarray(index)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{_DTYPE_WORDS.get(idx.dtype.name, idx.dtype.name.capitalize())}")
    if idx.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: "
                         f"{idx.ndim} with type: {_DTYPE_WORDS.get(idx.dtype.name)} and size: "
                         f"{list(idx.shape)}")
    idx = idx.reshape(-1)
    shape, src_shape = input._data.shape, source._data.shape
    if len(src_shape) != len(shape) or any(a != b for d, (a, b) in enumerate(zip(shape, src_shape))
                                           if d != axis):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(shape)} source.shape = "
                           f"{list(src_shape)}")
    if idx.size != (src_shape[axis] if src_shape else 1):
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({src_shape[axis]}), for dim: {axis}")
    if source._data.dtype != input._data.dtype:
        words = [_DTYPE_WORDS.get(t.dtype.name, t.dtype.name.capitalize())
                 for t in (input, source)]
        raise RuntimeError(f"index_add_(): self ({words[0]}) and source ({words[1]}) must have "
                           "the same scalar type")
    _check_index_range(idx, shape[axis] if shape else 1, axis)
    return apply(IndexAddBackward0, input, source, axis=axis, index=idx.astype(np.int64),
                 alpha=alpha)


def masked_fill(input, mask, value):
    if not isinstance(mask, Tensor) or mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype if isinstance(mask, Tensor) else type(mask).__name__}")
    from .elementwise import where
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        value = value.to(input.dtype)
    else:
        value = _make(np.array(value, dtype=input._data.dtype))
    return where(mask, value, input)


def masked_select(input, mask):
    try:
        shape = np.broadcast_shapes(input._data.shape, mask._data.shape)
    except ValueError:
        raise broadcast_error("masked_select", input._data.shape, mask._data.shape) from None
    return getitem(input.expand(shape), mask.expand(shape))


def nonzero(input, *, as_tuple=False):
    idx = np.nonzero(input._data)
    if as_tuple:
        return tuple(_make(i.astype(np.int64)) for i in idx)
    return _make(np.stack(idx, axis=1).astype(np.int64) if idx else np.zeros((0, 0), np.int64))


def argwhere(input):
    return nonzero(input)


class TrilBackward0(Node):
    def forward(self, x, k=0, upper=False):
        self.k, self.upper = k, upper
        return np.triu(x, k) if upper else np.tril(x, k)

    def backward(self, gy):
        return gy.triu(self.k) if self.upper else gy.tril(self.k)


class TriuBackward0(TrilBackward0):
    pass


def tril(input, diagonal=0):
    if input._data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply(TrilBackward0, input, k=diagonal, upper=False)


def triu(input, diagonal=0):
    if input._data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply(TriuBackward0, input, k=diagonal, upper=True)


class DiagonalBackward0(Node):
    is_view = True

    def forward(self, x, offset=0, a1=0, a2=1):
        self.shape, self.args = x.shape, (offset, a1, a2)
        d = np.diagonal(x, offset, a1, a2)
        # NumPy hands out diagonals read-only; PyTorch's diagonal is a writable view.
        d.flags.writeable = x.flags.writeable
        return d

    def backward(self, gy):
        return _diag_embed(gy, self.shape, *self.args)


class DiagEmbedBackward0(Node):
    def forward(self, g, shape=(), offset=0, a1=0, a2=1):
        self.args = (offset, a1, a2)
        out = np.zeros(shape, g.dtype)
        view = np.diagonal(out, offset, a1, a2)
        view.flags.writeable = True
        view[...] = g
        return out

    def backward(self, ggx):
        return ggx.diagonal(*self.args)


def _diag_embed(g, shape, offset, a1, a2):
    return apply(DiagEmbedBackward0, g, shape=shape, offset=offset, a1=a1, a2=a2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    nd = input._data.ndim
    if _wrap_dim(dim1, nd) == _wrap_dim(dim2, nd):
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2} (input shape "
                           f"{list(input.shape)})")
    return apply(DiagonalBackward0, input, offset=offset, a1=_wrap_dim(dim1, nd), a2=_wrap_dim(dim2, nd))


_diagonal = diagonal


def diag(input, diagonal=0):
    if input._data.ndim == 1:
        n = input._data.shape[0] + builtins_abs(diagonal)
        return _diag_embed(input, (n, n), diagonal, 0, 1)
    if input._data.ndim == 2:
        return _diagonal(input, diagonal).clone()
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input._data.ndim}D")


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    n = input._data.shape[-1] + builtins_abs(offset)
    shape = input._data.shape[:-1] + (n, n)
    nd = len(shape)
    return _diag_embed(input.movedim(-1, -1), shape, offset, _wrap_dim(dim1, nd), _wrap_dim(dim2, nd))


import builtins as _builtins  # noqa: E402

builtin_min, builtin_max, sum_, builtins_abs = _builtins.min, _builtins.max, _builtins.sum, _builtins.abs


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # repeat_interleave(repeats_tensor): indices repeated
        counts = input._data
        if counts.size and counts.min() < 0:
            raise RuntimeError("repeats can not be negative")
        return _make(np.repeat(np.arange(counts.size), counts).astype(np.int64))
    if dim is None:
        input, dim = input.reshape(-1), 0
    d = _wrap_dim(dim, input._data.ndim)
    reps = repeats._data if isinstance(repeats, Tensor) else repeats
    if np.min(reps, initial=0) < 0:
        raise RuntimeError("Repeats must be non-negative")
    if np.ndim(reps) and np.size(reps) not in (1, input._data.shape[d]):
        raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                           f"repeats.size(0) = {np.size(reps)} and input.size({d}) = "
                           f"{input._data.shape[d]}")
    index = np.repeat(np.arange(input._data.shape[d]), reps)
    return index_select(input, d, _make(index.astype(np.int64)))
