"""Bind the op table to ``Tensor`` as methods and operators, in one readable list.

Operators get a fast path where it pays (``a + b`` on two tensors of one dtype skips promotion);
everything else forwards to the functions in ``ember._ops``.
"""
from __future__ import annotations

import numpy as np

from . import _dtype
from ._creation import LEGACY_TYPES, _legacy_new, type_name_of
from ._device import check_device
from ._ops import elementwise as E
from ._ops import linalg as L
from ._ops import reduce as R
from ._ops import shape as S
from ._tensor import Tensor, _make
from .autograd.graph import apply
from .random import _gen

T = Tensor

# ---------------------------------------------------------------- operators


def _fast_binary(cls, name, fn, float_only=False):
    """The operator for op ``cls``: operands that need no promotion go straight to the op (a
    tensor of the same dtype, or a Python number with a float tensor, which keeps the tensor's
    dtype); everything else takes the checked path ``fn``."""
    def op(self, other):
        kind = other.__class__
        if kind is Tensor:
            dt = self._data.dtype
            if other._data.dtype is dt and (dt.kind == "f" or not float_only):
                try:
                    return apply(cls, self, other)
                except (ValueError, TypeError):
                    pass  # fall through to the checked path for the error message
        elif (kind is float or kind is int) and self._data.dtype.kind == "f":
            return apply(cls, self, _make(np.array(other, self._data.dtype)))
        return fn(self, other)
    op.__name__ = name
    return op


T.__add__ = T.__radd__ = _fast_binary(E.AddBackward0, "__add__", E.add)
T.__sub__ = _fast_binary(E.SubBackward0, "__sub__", E.sub)
T.__mul__ = T.__rmul__ = _fast_binary(E.MulBackward0, "__mul__", E.mul)
# Integer tensors divide after promotion to float: only float operands take the direct path.
T.__truediv__ = _fast_binary(E.DivBackward0, "__truediv__", E.true_divide, float_only=True)
T.__rsub__ = lambda self, other: E.sub(other, self)
T.__rtruediv__ = lambda self, other: E.true_divide(other, self)
T.__floordiv__ = lambda self, other: E.floor_divide(self, other)
T.__rfloordiv__ = lambda self, other: E.floor_divide(other, self)
T.__mod__ = lambda self, other: E.remainder(self, other)
T.__rmod__ = lambda self, other: E.remainder(_make(np.array(other, self._data.dtype)), self)
T.__pow__ = lambda self, exponent: E.pow(self, exponent)
T.__rpow__ = lambda self, base: E.pow(base, self)
T.__matmul__ = L.matmul
T.__rmatmul__ = lambda self, other: L.matmul(other, self)
T.__neg__ = E.neg
T.__pos__ = lambda self: self
T.__abs__ = E.abs
T.__invert__ = E.bitwise_not
T.__and__ = E.bitwise_and
T.__or__ = E.bitwise_or
T.__xor__ = E.bitwise_xor
T.__rand__ = lambda self, other: E.bitwise_and(self, other)
T.__ror__ = lambda self, other: E.bitwise_or(self, other)
T.__rxor__ = lambda self, other: E.bitwise_xor(self, other)
T.__eq__ = E.eq
T.__ne__ = E.ne
T.__lt__ = E.lt
T.__le__ = E.le
T.__gt__ = E.gt
T.__ge__ = E.ge
T.__getitem__ = S.getitem
T.__setitem__ = S.setitem


def _inplace_op(fn, name):
    def method(self, *args, **kwargs):
        return S.inplace(self, fn, *args, op=name, **kwargs)
    method.__name__ = name
    return method


T.__iadd__ = _inplace_op(E.add, "add_")
T.__isub__ = _inplace_op(E.sub, "sub_")
T.__imul__ = _inplace_op(E.mul, "mul_")
T.__itruediv__ = _inplace_op(E.true_divide, "div_")
T.__ifloordiv__ = _inplace_op(E.floor_divide, "floor_divide_")
T.__imod__ = _inplace_op(E.remainder, "remainder_")
T.__ipow__ = _inplace_op(E.pow, "pow_")
T.__imatmul__ = _inplace_op(L.matmul, "matmul_")
T.__iand__ = _inplace_op(E.bitwise_and, "bitwise_and_")
T.__ior__ = _inplace_op(E.bitwise_or, "bitwise_or_")
T.__ixor__ = _inplace_op(E.bitwise_xor, "bitwise_xor_")

# ---------------------------------------------------------------- math methods and in-place forms

_MATH = {
    "add": E.add, "sub": E.sub, "subtract": E.sub, "mul": E.mul, "multiply": E.mul, "div": E.div,
    "divide": E.div, "true_divide": E.true_divide, "floor_divide": E.floor_divide, "pow": E.pow,
    "neg": E.neg, "negative": E.neg, "exp": E.exp, "expm1": E.expm1, "log": E.log, "log2": E.log2,
    "log10": E.log10, "log1p": E.log1p, "sqrt": E.sqrt, "rsqrt": E.rsqrt, "square": E.square,
    "reciprocal": E.reciprocal, "sin": E.sin, "cos": E.cos, "tan": E.tan, "asin": E.asin,
    "acos": E.acos, "atan": E.atan, "arcsin": E.asin, "arccos": E.acos, "arctan": E.atan,
    "atan2": E.atan2, "arctan2": E.atan2, "sinh": E.sinh, "cosh": E.cosh, "tanh": E.tanh,
    "sigmoid": E.sigmoid, "relu": E.relu, "abs": E.abs, "absolute": E.abs, "sign": E.sign,
    "floor": E.floor, "ceil": E.ceil, "round": E.round, "trunc": E.trunc, "fix": E.trunc,
    "frac": E.frac, "clamp": E.clamp, "clip": E.clamp, "maximum": E.maximum, "minimum": E.minimum,
    "fmax": E.fmax, "fmin": E.fmin, "lerp": E.lerp, "erf": E.erf, "erfc": E.erfc,
    "fmod": E.fmod, "remainder": E.remainder, "nan_to_num": E.nan_to_num,
    "eq": E.eq, "ne": E.ne, "lt": E.lt, "le": E.le, "gt": E.gt, "ge": E.ge, "not_equal": E.ne,
    "less": E.lt, "less_equal": E.le, "greater": E.gt, "greater_equal": E.ge,
    "logical_not": E.logical_not, "logical_and": E.logical_and, "logical_or": E.logical_or,
    "logical_xor": E.logical_xor, "bitwise_not": E.bitwise_not, "bitwise_and": E.bitwise_and,
    "bitwise_or": E.bitwise_or, "bitwise_xor": E.bitwise_xor,
    "masked_fill": S.masked_fill, "scatter": S.scatter, "scatter_add": S.scatter_add,
    "index_add": S.index_add,
    "index_put": S.index_put, "tril": S.tril, "triu": S.triu,
}
_NO_INPLACE = {"eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater",
               "greater_equal", "logical_not", "logical_and", "logical_or", "logical_xor"}

for _name, _fn in _MATH.items():
    setattr(T, _name, _fn)
    if _name not in ("negative", "absolute", "arcsin", "arccos", "arctan", "arctan2"):
        setattr(T, _name + "_", _inplace_op(_fn, _name + "_"))

T.isnan, T.isinf, T.isfinite = E.isnan, E.isinf, E.isfinite
T.isposinf, T.isneginf = E.isposinf, E.isneginf
T.isclose, T.allclose, T.equal = E.isclose, E.allclose, E.equal
T.where = lambda self, condition, other: E.where(condition, self, other)

# ---------------------------------------------------------------- reductions

for _name in ("sum", "mean", "prod", "cumsum", "cumprod", "amax", "amin", "max", "min", "argmax",
              "argmin", "var", "std", "logsumexp", "all", "any", "count_nonzero"):
    setattr(T, _name, getattr(R, _name))
T.nansum = lambda self, dim=None, keepdim=False, *, dtype=None: R.sum(
    E.where(E.isnan(self), 0.0, self), dim, keepdim, dtype=dtype)

# ---------------------------------------------------------------- shapes, joins, indexing

for _name in ("view", "reshape", "flatten", "unflatten", "transpose", "swapaxes", "swapdims", "t",
              "permute", "movedim", "moveaxis", "expand", "expand_as", "squeeze", "unsqueeze",
              "clone", "contiguous", "flip", "fliplr", "flipud", "roll", "repeat", "tile", "narrow",
              "select", "unbind", "split", "chunk", "tensor_split", "gather", "index_select",
              "masked_select", "nonzero", "argwhere", "diagonal", "diag", "diag_embed",
              "repeat_interleave"):
    setattr(T, _name, getattr(S, _name))
T.view_as = lambda self, other: S.view(self, other.shape)
T.reshape_as = lambda self, other: S.reshape(self, other.shape)
T.T = property(lambda self: self.permute(*range(self._data.ndim - 1, -1, -1)) if self._data.ndim > 1 else self)


def _mT(self):
    if self._data.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return self.transpose(-2, -1)


T.mT = property(_mT)
T.H = T.T
T.mH = T.mT


def _squeeze_(self, dim=None):
    self._data = S.squeeze(self.detach(), dim)._data
    return self


def _unsqueeze_(self, dim):
    self._data = S.unsqueeze(self.detach(), dim)._data
    return self


def _t_(self):
    self._data = self._data.T
    return self


def _transpose_(self, dim0, dim1):
    self._data = S.transpose(self.detach(), dim0, dim1)._data
    return self


T.squeeze_, T.unsqueeze_, T.t_, T.transpose_ = _squeeze_, _unsqueeze_, _t_, _transpose_

# ---------------------------------------------------------------- linear algebra

for _name in ("matmul", "mm", "bmm", "mv", "dot", "inner", "outer", "ger", "addmm", "addmv",
              "addbmm", "baddbmm"):
    setattr(T, _name, getattr(L, _name))

# ---------------------------------------------------------------- dtype, device, conversion


def _to(self, *args, **kwargs):
    """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; returns self when nothing changes."""
    dtype = kwargs.get("dtype")
    device = kwargs.get("device")
    copy = kwargs.get("copy", False)
    for a in args:
        if isinstance(a, _dtype.dtype) or a is None:
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, (str,)) or type(a).__name__ == "device":
            device = a
        else:
            dtype = _dtype.to_dtype(a)
    check_device(device)
    out = S.to_dtype(self, dtype, copy=copy) if dtype is not None else self
    if copy and out is self:
        out = self.clone()
    return out


T.to = _to
T.cpu = lambda self, memory_format=None: self


def _cuda(self, *args, **kwargs):
    check_device("cuda")


T.cuda = _cuda
T.float = lambda self, memory_format=None: S.to_dtype(self, _dtype.float32)
T.double = lambda self, memory_format=None: S.to_dtype(self, _dtype.float64)
T.half = lambda self, memory_format=None: S.to_dtype(self, _dtype.float16)
T.long = lambda self, memory_format=None: S.to_dtype(self, _dtype.int64)
T.int = lambda self, memory_format=None: S.to_dtype(self, _dtype.int32)
T.short = lambda self, memory_format=None: S.to_dtype(self, _dtype.int16)
T.char = lambda self, memory_format=None: S.to_dtype(self, _dtype.int8)
T.byte = lambda self, memory_format=None: S.to_dtype(self, _dtype.uint8)
T.bool = lambda self, memory_format=None: S.to_dtype(self, _dtype.bool)


def _type(self, dtype=None, non_blocking=False, **kwargs):
    """``t.type()`` gives ``'torch.FloatTensor'``; ``t.type(ember.LongTensor)`` converts."""
    if dtype is None:
        return "torch." + type_name_of(self.dtype)
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1]
        if name not in LEGACY_TYPES:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = LEGACY_TYPES[name]
    if isinstance(dtype, type) and dtype.__name__ in LEGACY_TYPES:
        dtype = dtype._dtype
    return S.to_dtype(self, dtype)


T.type = _type
T.type_as = lambda self, other: S.to_dtype(self, other.dtype)

# ---------------------------------------------------------------- in-place fills and random fills


def _check_plain_inplace(self, op):
    from .autograd.grad_mode import _state
    if _state.enabled and self._requires_grad:
        S.check_inplace(self, op)


def _fill_array(self, values, op):
    """Overwrite every element (no graph: fills replace the value entirely)."""
    from .autograd.grad_mode import _state
    S.check_writable(self, op)
    _check_plain_inplace(self, op)
    self._data[...] = values
    self._bump_version()
    if _state.enabled and self.grad_fn is not None:
        # The old history no longer explains this tensor's value.
        self.grad_fn = None
        self._requires_grad = False
    return self


def _zero_(self):
    return _fill_array(self, 0, "zero_")


def _fill_(self, value):
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        value = value.item()
    return _fill_array(self, value, "fill_")


def _copy_(self, src, non_blocking=False):
    from .autograd.grad_mode import _state
    S.check_writable(self, "copy_")
    if not isinstance(src, Tensor):
        src = _make(np.asarray(src))
    if _state.enabled and (self._requires_grad or src._requires_grad):
        return S.inplace(self, lambda old, s: S.to_dtype(s, self.dtype).expand(self.shape) + old * 0,
                         src, op="copy_")
    try:
        np.copyto(self._data, np.broadcast_to(src._data, self._data.shape), casting="unsafe")
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self._data.shape[-1] if self._data.ndim else 1}) "
                           f"must match the size of tensor b ({src._data.shape[-1] if src._data.ndim else 1}) "
                           f"(copy_ from shape {list(src._data.shape)} into {list(self._data.shape)})") from None
    self._bump_version()
    return self


def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    return _fill_array(self, _gen(generator).uniform(a, b, self._data.shape), "uniform_")


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    return _fill_array(self, mean + std * _gen(generator).standard_normal(self._data.shape), "normal_")


def _bernoulli_(self, p=0.5, *, generator=None):
    probs = p._data if isinstance(p, Tensor) else p
    return _fill_array(self, _gen(generator).random(self._data.shape) < probs, "bernoulli_")


def _random_(self, from_=0, to=None, *, generator=None):
    if to is None:
        from_, to = 0, from_ if from_ else 2 ** 24
    return _fill_array(self, _gen(generator).integers(from_, to, self._data.shape), "random_")


def _exponential_(self, lambd=1.0, *, generator=None):
    return _fill_array(self, _gen(generator).exponential(1.0 / lambd, self._data.shape), "exponential_")


T.zero_, T.fill_, T.copy_ = _zero_, _fill_, _copy_
T.uniform_, T.normal_, T.bernoulli_ = _uniform_, _normal_, _bernoulli_
T.random_, T.exponential_ = _random_, _exponential_


def _masked_fill_(self, mask, value):
    return S.inplace(self, S.masked_fill, mask, value, op="masked_fill_")


def _index_put_(self, indices, values, accumulate=False):
    return S.inplace(self, S.index_put, indices, values, accumulate, op="index_put_")


T.masked_fill_, T.index_put_ = _masked_fill_, _index_put_


def _resize_(self, *sizes):
    from ._creation import _size
    shape = _size(sizes)
    flat = self._data.reshape(-1)
    n = int(np.prod(shape))
    new = np.zeros(n, self._data.dtype)
    new[: min(n, flat.size)] = flat[: min(n, flat.size)]
    self._data = new.reshape(shape)
    return self


T.resize_ = _resize_

# ---------------------------------------------------------------- new_* factories


def _new_factory(np_fn):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        from ._creation import _size
        check_device(device)
        dt = _dtype.to_dtype(dtype).np if dtype is not None else self._data.dtype
        t = _make(np_fn(_size(size), dt))
        return t.requires_grad_() if requires_grad else t
    return method


T.new_zeros = _new_factory(np.zeros)
T.new_ones = _new_factory(np.ones)
T.new_empty = _new_factory(np.empty)


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    check_device(device)
    dt = _dtype.to_dtype(dtype).np if dtype is not None else self._data.dtype
    return _make(np.full(tuple(size), fill_value, dt)).requires_grad_(requires_grad)


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    from ._creation import tensor
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def _new(self, *args, **kwargs):
    return _make(_legacy_new(self.dtype, args, kwargs))


T.new_full, T.new_tensor, T.new = _new_full, _new_tensor, _new


def _apply_(self, fn):
    self._data[...] = np.vectorize(fn, otypes=[self._data.dtype])(self._data)
    return self


def _map_(self, other, fn):
    self._data[...] = np.vectorize(fn, otypes=[self._data.dtype])(self._data, other._data)
    return self


T.apply_, T.map_ = _apply_, _map_


def _share_memory_(self):
    from .multiprocessing.reductions import share_memory_
    return share_memory_(self)


def _is_shared(self) -> bool:
    from .multiprocessing.reductions import is_shared
    return is_shared(self)


T.share_memory_, T.is_shared = _share_memory_, _is_shared
T.pin_memory = lambda self: self
T.is_pinned = lambda self: False

# ---------------------------------------------------------------- order statistics and norms

from ._ops import sort as _sort  # noqa: E402
from ._ops import stats as _stats  # noqa: E402

for _name in ("sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
              "unique", "unique_consecutive", "cummax", "cummin"):
    setattr(T, _name, getattr(_sort, _name))
for _name in ("norm", "aminmax", "dist", "diff", "logcumsumexp", "nansum", "nanmean", "quantile",
              "nanquantile"):
    setattr(T, _name, getattr(_stats, _name))

from ._ops import compose as _compose  # noqa: E402

for _name in ("addcmul", "addcdiv", "hypot", "logaddexp", "logaddexp2", "logit", "xlogy",
              "float_power", "positive", "signbit", "take", "sum_to_size"):
    setattr(T, _name, getattr(_compose, _name))
for _name in ("addcmul", "addcdiv", "hypot", "logit", "xlogy", "float_power"):
    setattr(T, _name + "_", _inplace_op(getattr(_compose, _name), _name + "_"))


def _softmax(self, dim=None, dtype=None):
    from .nn.functional import softmax
    return softmax(self, dim, dtype=dtype)


def _log_softmax(self, dim=None, dtype=None):
    from .nn.functional import log_softmax
    return log_softmax(self, dim, dtype=dtype)


def _multinomial(self, num_samples, replacement=False, *, generator=None):
    from ._creation import multinomial
    return multinomial(self, num_samples, replacement, generator=generator)


def _bernoulli(self, p=None, *, generator=None):
    from ._creation import bernoulli
    return bernoulli(self, p, generator=generator)


T.softmax, T.log_softmax = _softmax, _log_softmax
T.multinomial, T.bernoulli = _multinomial, _bernoulli

# ---------------------------------------------------------------- in-place arithmetic fast path

from .autograd.grad_mode import _state as _grad_state  # noqa: E402


def _fast_inplace(ufunc, generic):
    """``t.add_(other)`` etc. on float tensors with nothing to record: one ufunc with ``out=``.

    Anything unusual (alpha=, another dtype, a tensor that needs grad, a read-only or
    non-broadcastable destination) takes the checked path, which also gives the errors.
    """
    def method(self, other, *args, **kwargs):
        data = self._data
        if not args and not kwargs and data.dtype.kind == "f":
            cls = other.__class__
            if cls is Tensor:
                arr = other._data
                ok = arr.dtype is data.dtype and not (
                    _grad_state.enabled and (self._requires_grad or other._requires_grad))
            elif cls is float or cls is int:
                arr, ok = other, not (_grad_state.enabled and self._requires_grad)
            else:
                ok = False
            if ok:
                try:
                    ufunc(data, arr, out=data)
                except ValueError:
                    pass
                else:
                    vc = self._vc
                    if vc is None:
                        self._vc = [1]
                    else:
                        vc[0] += 1
                    return self
        return generic(self, other, *args, **kwargs)
    method.__name__ = generic.__name__
    return method


T.add_ = T.__iadd__ = _fast_inplace(np.add, T.add_)
T.sub_ = T.__isub__ = _fast_inplace(np.subtract, T.sub_)
T.mul_ = T.__imul__ = _fast_inplace(np.multiply, T.mul_)
T.div_ = T.__itruediv__ = _fast_inplace(np.true_divide, T.div_)
