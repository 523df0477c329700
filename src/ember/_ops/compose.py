"""Pointwise ops written with other ops (no nodes of their own): addcmul, hypot, logit, ...

Gradients come from the ops they are made of, so each is differentiable to any order.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _make

__all__ = ["addcmul", "addcdiv", "hypot", "logaddexp", "logaddexp2", "logit", "xlogy",
           "float_power", "positive", "signbit", "take", "sum_to_size"]


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``."""
    prod = tensor1 * tensor2
    return input + (prod if value == 1 else value * prod)


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2`` (integer tensors are refused, as in PyTorch)."""
    if tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub":
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future "
                           "release addcdiv will perform a true division of tensor1 and tensor2. "
                           "Use addcmul(input, tensor1, 1 / tensor2) or cast to float first.")
    quot = tensor1 / tensor2
    return input + (quot if value == 1 else value * quot)


def hypot(input, other):
    """``sqrt(input**2 + other**2)``."""
    return (input * input + other * other).sqrt()


def logaddexp(input, other):
    """``log(exp(a) + exp(b))`` without overflow: ``max + log1p(exp(-|a - b|))``."""
    from .elementwise import maximum
    m = maximum(input, other)
    return m + (-(input - other).abs()).exp().log1p()


def logaddexp2(input, other):
    """``log2(2**a + 2**b)`` without overflow."""
    from .elementwise import maximum
    m = maximum(input, other)
    return m + (1 + 2 ** (-(input - other).abs())).log2()


def logit(input, eps=None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given."""
    x = input if input._data.dtype.kind == "f" else input.to(_dtype.get_default_dtype())
    if eps is not None:
        x = x.clamp(eps, 1 - eps)
    return (x / (1 - x)).log()


def xlogy(input, other):
    """``input * log(other)``, and 0 where ``input`` is 0 (even if ``other`` is 0 or inf)."""
    from .elementwise import where
    if not isinstance(input, Tensor):
        input = _make(np.array(input, dtype=_dtype.result_type(other, input).np))
    x = input if input._data.dtype.kind == "f" else input.to(_dtype.get_default_dtype())
    y = other if isinstance(other, Tensor) else _make(np.array(other, dtype=x._data.dtype))
    if y._data.dtype.kind != "f":
        y = y.to(x.dtype)
    safe_y = where(x == 0, 1.0, y)
    return where(y.isnan(), y, x * safe_y.log())


def float_power(input, exponent):
    """``input ** exponent`` computed in float64, as PyTorch's float_power."""
    x = input.double() if isinstance(input, Tensor) else input
    e = exponent.double() if isinstance(exponent, Tensor) else exponent
    return x ** e


def positive(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def signbit(input):
    return _make(np.signbit(input._data))


def take(input, index):
    """Elements of the flattened ``input`` at ``index`` (the result has ``index``'s shape)."""
    n = input._data.size
    idx = index._data
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError(f"take(): index {int(idx.max() if idx.max() >= n else idx.min())} out of "
                         f"range for tensor of size {list(input.shape)} ({n} elements)")
    return input.reshape(-1)[index.reshape(-1) % n if n else index.reshape(-1)].reshape(index.shape)


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (which it must broadcast from)."""
    from .._creation import _size
    shape = _size(size)
    lead = input._data.ndim - len(shape)
    if lead < 0 or any(s != 1 and s != d for s, d in zip(shape, input._data.shape[lead:])):
        raise RuntimeError(f"size {list(shape)} is not expandable to size {list(input.shape)}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and input._data.shape[lead + i] != 1)
    out = input.sum(dims, keepdim=True) if dims else input
    return out.reshape(shape)
