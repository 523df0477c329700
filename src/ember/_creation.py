"""Tensor factories: tensor(), zeros(), arange(), randn(), ... and the legacy typed constructors."""
from __future__ import annotations

import math

import numpy as np

from . import _dtype
from ._device import check_device
from ._tensor import Tensor, _make
from .random import _gen

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "empty", "full", "eye", "arange",
    "range", "linspace", "logspace", "zeros_like", "ones_like", "empty_like", "full_like", "rand_like",
    "randn_like", "randint_like", "rand", "randn", "randint", "randperm", "normal", "bernoulli",
    "multinomial", "poisson", "empty_strided", "scalar_tensor", "tril_indices", "triu_indices",
    "meshgrid", "complex",
]

_builtin_range = range


def _finish(array: np.ndarray, requires_grad: bool = False) -> Tensor:
    t = _make(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _from_array(array: np.ndarray) -> Tensor:
    return _make(array)


def _infer_dtype(data, arr: np.ndarray) -> np.dtype:
    """The dtype PyTorch infers: Python floats -> default dtype, ints -> int64, NumPy keeps its own."""
    kind = arr.dtype.kind
    if isinstance(data, (np.ndarray, np.generic)):
        if kind in "fiub":
            return arr.dtype
    if kind == "f":
        return _dtype.get_default_dtype().np
    if kind in "iu":
        return np.dtype(np.int64)
    if kind == "b":
        return np.dtype(np.bool_)
    if kind == "c":
        raise TypeError("ember has no complex dtypes")
    if kind == "O" or kind in "USV":
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    return arr.dtype


def _to_array(data, op: str) -> np.ndarray:
    if isinstance(data, Tensor):
        return data._data
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(_ragged_message(data) or f"{op}(): could not build a tensor: {e}") from None
    if arr.dtype == object:
        raise TypeError(f"{op}(): could not infer dtype of {type(data).__name__}: expected numbers, "
                        "tensors, or nested sequences of them")
    return arr


def _ragged_message(data, dim: int = 0):
    """PyTorch's text for a ragged nested list: 'expected sequence of length 2 at dim 1 (got 1)'."""
    if not isinstance(data, (list, tuple)) or not data:
        return None
    lengths = [len(x) if isinstance(x, (list, tuple)) else None for x in data]
    first = lengths[0]
    for n in lengths[1:]:
        if n != first:
            if first is None or n is None:
                return f"expected sequence of length {first} at dim {dim + 1} (got {n})" \
                    if first is not None else "expected a number, got a sequence"
            return f"expected sequence of length {first} at dim {dim + 1} (got {n})"
    for x in data:
        msg = _ragged_message(x, dim + 1)
        if msg:
            return msg
    return None


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor that copies ``data`` (numbers, nested lists, NumPy arrays, tensors)."""
    check_device(device)
    arr = _to_array(data, "tensor")
    dt = _dtype.to_dtype(dtype).np if dtype is not None else (
        arr.dtype if isinstance(data, Tensor) else _infer_dtype(data, arr))
    return _finish(np.array(arr, dtype=dt, copy=True), requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Share memory with ``data`` when it is a tensor or array of the right dtype, else copy."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        if dtype is None and data.dtype.kind in "fiub":
            _dtype.from_numpy_dtype(data.dtype)
            return _make(data)
        if dtype is not None and _dtype.to_dtype(dtype).np == data.dtype:
            return _make(data)
    return tensor(data, dtype=dtype)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False) -> Tensor:
    t = as_tensor(obj, dtype=dtype, device=device) if not copy else tensor(obj, dtype=dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray`` (changes show on both sides)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    if not ndarray.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. "
                         "Conversion between byte orders is currently not supported.")
    return _make(ndarray)


def _index_int(s) -> int:
    """An integer size: ints, NumPy integers and 0-d integer tensors; not floats or strings."""
    if isinstance(s, (int, np.integer)) and not isinstance(s, bool):
        return int(s)
    if isinstance(s, Tensor) and s._data.ndim == 0 and s._data.dtype.kind in "iu":
        return int(s._data)
    raise TypeError


def _size(size) -> tuple:
    if len(size) == 1 and not isinstance(size[0], (int, np.integer)):
        size = size[0]
    try:
        out = tuple(_index_int(s) for s in size)
    except TypeError:
        raise TypeError(f"expected a sequence of integers or a single integer as the size, got "
                        f"{size!r}") from None
    for s in out:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(out)}")
    return out


def _size_keyword(fn):
    """Let ``fn(*size, ...)`` also take ``size=(2, 3)`` as a keyword, as PyTorch's factories do."""
    def factory(*size, **kwargs):
        if "size" in kwargs:
            if size:
                raise TypeError(f"{fn.__name__}() got multiple values for argument 'size'")
            size = (kwargs.pop("size"),)
        return fn(*size, **kwargs)
    factory.__name__, factory.__qualname__, factory.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    factory.__wrapped__ = fn
    return factory


def _float_dtype(dtype) -> np.dtype:
    return (_dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()).np


@_size_keyword
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    check_device(device)
    return _finish(np.zeros(_size(size), _float_dtype(dtype)), requires_grad)


@_size_keyword
def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    check_device(device)
    return _finish(np.ones(_size(size), _float_dtype(dtype)), requires_grad)


@_size_keyword
def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None) -> Tensor:
    check_device(device)
    return _finish(np.empty(_size(size), _float_dtype(dtype)), requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    check_device(device)
    if not isinstance(fill_value, (int, float, bool, np.number, np.bool_, Tensor)):
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(fill_value).__name__}")
    if dtype is None:
        dt = _dtype._weak_dtype(fill_value).np
    else:
        dt = _dtype.to_dtype(dtype).np
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _finish(np.full(_size((size,)), fill_value, dt), requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    check_device(device)
    return _finish(np.array(s, _float_dtype(dtype)), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    check_device(device)
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    check_device(device)
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is not None:
        dt = _dtype.to_dtype(dtype).np
    elif all(isinstance(v, (int, np.integer)) for v in vals):
        dt = np.dtype(np.int64)
    else:
        dt = _dtype.get_default_dtype().np
    n = max(0, math.ceil((end - start) / step))
    # Compute in float64/int64 then cast, as PyTorch does, so float32 endpoints stay exact.
    data = start + step * np.arange(n, dtype=np.float64 if dt.kind == "f" else np.int64)
    return _finish(data.astype(dt), requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Deprecated in PyTorch: includes ``end``."""
    check_device(device)
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    data = start + step * np.arange(n, dtype=np.float64)
    return _finish(data.astype(_float_dtype(dtype)), requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    check_device(device)
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    dt = _float_dtype(dtype)
    if dt.kind != "f":
        data = _linspace_values(start, end, steps, np.dtype(np.float64))
        return _finish(np.trunc(data).astype(dt), requires_grad)
    return _finish(_linspace_values(start, end, steps, dt), requires_grad)


def _linspace_values(start, end, steps: int, dt: np.dtype) -> np.ndarray:
    """PyTorch's values bit for bit: the first half counts up from ``start``, the second half
    down from ``end``, each ``a + step * i`` rounded once (PyTorch's kernel uses fused
    multiply-add)."""
    if steps <= 1:
        return np.full(steps, start, dt)
    T = dt.type
    s, e = T(start), T(end)
    step = (e - s) / T(steps - 1)
    i = np.arange(steps, dtype=np.float64)
    if dt == np.float64:
        lo = _fma64(np.float64(step), i, s)
        hi = _fma64(-np.float64(step), steps - 1 - i, e)
    else:
        # float32/16 products are exact in float64, so one float64 add then rounding is fused.
        lo = (np.float64(s) + np.float64(step) * i).astype(dt)
        hi = (np.float64(e) - np.float64(step) * (steps - 1 - i)).astype(dt)
    return np.where(i < steps // 2, lo, hi).astype(dt, copy=False)


def _fma64(a, b: np.ndarray, c) -> np.ndarray:
    """``a * b + c`` with one rounding, from error-free float64 transformations (Dekker/Knuth)."""
    p = a * b
    # Split both factors into 26-bit halves so the product's rounding error is exact.
    ca, cb = 134217729.0 * a, 134217729.0 * b
    ah, bh = ca - (ca - a), cb - (cb - b)
    al, bl = a - ah, b - bh
    p_err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = c + p
    bb = s - c
    s_err = (c - (s - bb)) + (p - bb)
    return s + (s_err + p_err)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    check_device(device)
    data = np.power(base, np.linspace(start, end, steps, dtype=np.float64))
    return _finish(data.astype(_float_dtype(dtype)), requires_grad)


def _like_dtype(input: Tensor, dtype, device=None) -> np.dtype:
    check_device(device)
    return _dtype.to_dtype(dtype).np if dtype is not None else input._data.dtype


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    return _finish(np.zeros(input._data.shape, _like_dtype(input, dtype, device)), requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    return _finish(np.ones(input._data.shape, _like_dtype(input, dtype, device)), requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    return _finish(np.empty(input._data.shape, _like_dtype(input, dtype, device)), requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    return _finish(np.full(input._data.shape, fill_value, _like_dtype(input, dtype, device)),
                   requires_grad)


def _float_like(input: Tensor, dtype, op: str, device=None) -> np.dtype:
    dt = _like_dtype(input, dtype, device)
    if dt.kind != "f":
        raise RuntimeError(f"\"{op}\" not implemented for '{_dtype.from_numpy_dtype(dt).name.capitalize()}'")
    return dt


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, generator=None) -> Tensor:
    return rand(input.shape, dtype=_dtype.from_numpy_dtype(_float_like(input, dtype, "check_uniform_bounds", device)),
                requires_grad=requires_grad, generator=generator)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None, generator=None) -> Tensor:
    return randn(input.shape, dtype=_dtype.from_numpy_dtype(_float_like(input, dtype, "normal_kernel_cpu", device)),
                 requires_grad=requires_grad, generator=generator)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None, generator=None) -> Tensor:
    if high is None:
        low, high = 0, low
    dt = _dtype.from_numpy_dtype(_like_dtype(input, dtype, device))
    return randint(low, high, input.shape, dtype=dt, generator=generator,
                   requires_grad=requires_grad)


def _draw_float(draw, shape, dt: np.dtype) -> np.ndarray:
    if dt == np.float16:
        return draw(shape, dtype=np.float32).astype(np.float16)
    return draw(shape, dtype=dt)


@_size_keyword
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False) -> Tensor:
    check_device(device)
    dt = _float_dtype(dtype)
    if dt.kind != "f":
        raise RuntimeError(f"\"check_uniform_bounds\" not implemented for '{_dtype.from_numpy_dtype(dt).name.capitalize()}'")
    return _finish(_draw_float(_gen(generator).random, _size(size), dt), requires_grad)


@_size_keyword
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False) -> Tensor:
    check_device(device)
    dt = _float_dtype(dtype)
    if dt.kind != "f":
        raise RuntimeError(f"\"normal_kernel_cpu\" not implemented for '{_dtype.from_numpy_dtype(dt).name.capitalize()}'")
    return _finish(_draw_float(_gen(generator).standard_normal, _size(size), dt), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False) -> Tensor:
    check_device(device)
    if size is None:
        # randint(high, size)
        if high is None:
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = _dtype.to_dtype(dtype).np if dtype is not None else np.dtype(np.int64)
    data = _gen(generator).integers(low, high, size=_size((size,)), dtype=np.int64).astype(dt)
    return _finish(data, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False) -> Tensor:
    check_device(device)
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    dt = _dtype.to_dtype(dtype).np if dtype is not None else np.dtype(np.int64)
    return _finish(_gen(generator).permutation(n).astype(dt), requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False) -> Tensor:
    """All four overloads: (Tensor, Tensor), (Tensor, float), (float, Tensor), (float, float, size)."""
    check_device(device)
    g = _gen(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if st and bool((std._data < 0).any()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not st and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if mt or st:
        m = mean._data if mt else mean
        s = std._data if st else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        ref = mean if mt else std
        if ref._data.dtype.kind != "f":
            raise RuntimeError(f"\"normal_kernel_cpu\" not implemented for '{ref.dtype.name.capitalize()}'")
        dt = ref._data.dtype
        noise = _draw_float(g.standard_normal, shape, dt)
        return _finish((m + s * noise).astype(dt, copy=False))
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments: with float mean and "
                        "std, give a size: normal(mean, std, size)")
    dt = _float_dtype(dtype)
    noise = _draw_float(g.standard_normal, _size((size,)), dt)
    return _finish((mean + std * noise).astype(dt, copy=False), requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    probs = input._data if p is None else np.full(input._data.shape, p)
    if np.any((probs < 0) | (probs > 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    draw = _gen(generator).random(input._data.shape)
    return _make((draw < probs).astype(input._data.dtype))


def poisson(input, generator=None) -> Tensor:
    return _make(_gen(generator).poisson(input._data).astype(input._data.dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    probs = input._data.astype(np.float64)
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if np.any(probs < 0) or not np.all(np.isfinite(probs)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    g = _gen(generator)
    out = np.empty((rows.shape[0], num_samples), dtype=np.int64)
    for r, row in enumerate(rows):
        total = row.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if replacement:
            out[r] = g.choice(row.size, size=num_samples, replace=True, p=row / total)
        else:
            # Sequential draws without replacement (Gumbel top-k gives the same distribution).
            keys = np.log(g.random(row.size)) / np.where(row > 0, row, np.nan)
            keys = np.where(row > 0, keys, -np.inf)
            out[r] = np.argsort(-keys, kind="stable")[:num_samples]
    return _make(out.reshape(probs.shape[:-1] + (num_samples,)))


def tril_indices(row, col, offset=0, *, dtype=None, device=None) -> Tensor:
    check_device(device)
    r, c = np.tril_indices(row, offset, col)
    return _make(np.stack([r, c]).astype(_index_dtype(dtype)))


def triu_indices(row, col, offset=0, *, dtype=None, device=None) -> Tensor:
    check_device(device)
    r, c = np.triu_indices(row, offset, col)
    return _make(np.stack([r, c]).astype(_index_dtype(dtype)))


def _index_dtype(dtype) -> np.dtype:
    return _dtype.to_dtype(dtype).np if dtype is not None else np.dtype(np.int64)


def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    n = len(tensors)
    indexing = indexing or "ij"
    shape = [t.numel() for t in tensors]
    if indexing == "xy" and n >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, t in enumerate(tensors):
        view = [1] * n
        k = i
        if indexing == "xy" and n >= 2 and i < 2:
            k = 1 - i
        view[k] = -1
        out.append(t.reshape(view).expand(shape))
    return tuple(out)


def complex(real, imag):
    raise TypeError("ember has no complex dtypes (complex tensors are not supported)")


# ---------------------------------------------------------------- legacy typed constructors


def _legacy_new(dt, args, kwargs) -> np.ndarray:
    """The array behind ``FloatTensor(2, 3)``, ``FloatTensor([1, 2])`` or ``FloatTensor()``."""
    if kwargs.get("device") is not None:
        check_device(kwargs["device"])
    if not args:
        return np.zeros((0,), dt.np)
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        data = args[0]
        if isinstance(data, Tensor):
            return data._data.astype(dt.np)
        if hasattr(data, "__iter__") or isinstance(data, (float, int)):
            return np.array(_to_array(data, type_name_of(dt)), dtype=dt.np)
    # Integers (or a torch.Size): a shape. PyTorch leaves memory uninitialised; zeros are safer.
    return np.zeros(_size(args), dt.np)


def type_name_of(dt) -> str:
    return _LEGACY_NAMES[dt.name]


_LEGACY_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
                 "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
                 "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._data.dtype == cls._dtype.np


def _legacy_type(name: str, dt):
    def __new__(cls, *args, **kwargs):
        return _make(_legacy_new(dt, args, kwargs))
    return _LegacyMeta(name, (), {"__new__": __new__, "_dtype": dt, "dtype": dt,
                                  "__doc__": f"Legacy constructor of {dt} tensors."})


FloatTensor = _legacy_type("FloatTensor", _dtype.float32)
DoubleTensor = _legacy_type("DoubleTensor", _dtype.float64)
HalfTensor = _legacy_type("HalfTensor", _dtype.float16)
LongTensor = _legacy_type("LongTensor", _dtype.int64)
IntTensor = _legacy_type("IntTensor", _dtype.int32)
ShortTensor = _legacy_type("ShortTensor", _dtype.int16)
CharTensor = _legacy_type("CharTensor", _dtype.int8)
ByteTensor = _legacy_type("ByteTensor", _dtype.uint8)
BoolTensor = _legacy_type("BoolTensor", _dtype.bool)

LEGACY_TYPES = {t.__name__: t for t in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor,
                                        ShortTensor, CharTensor, ByteTensor, BoolTensor)}
