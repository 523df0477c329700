"""Activation functions.

Hot or numerically touchy activations are one op each (a fused NumPy forward, a backward written
with ember Tensor ops so double backward works); the rest are short compositions. Masks taken
from an input's values are constants in backward: they are the derivative of a piecewise-linear
piece, whose own derivative is zero.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..._ops import elementwise as E
from ..._ops import shape as S
from ..._ops._prep import float_operand
from ..._tensor import Tensor, _make
from ...autograd.graph import Node, apply

__all__ = ["relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_",
           "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "sigmoid",
           "tanh", "hardtanh", "hardtanh_", "hardsigmoid", "hardswish", "softplus", "softsign",
           "softmax", "log_softmax", "softmin", "threshold", "threshold_", "logsigmoid",
           "tanhshrink", "hardshrink", "softshrink", "glu"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _const(x: Tensor, array) -> Tensor:
    """A constant tensor (no graph) in ``x``'s dtype."""
    return _make(np.asarray(array, dtype=x._data.dtype))


def _maybe_inplace(input: Tensor, fn, inplace: bool, name: str, *args):
    if inplace:
        return S.inplace(input, fn, *args, op=name)
    return fn(input, *args)


# ---------------------------------------------------------------- fused ops


class LeakyReluBackward0(Node):
    save_inputs = (0,)

    def forward(self, x, negative_slope=0.01):
        self.slope = negative_slope
        return np.where(x > 0, x, x * x.dtype.type(negative_slope))

    def backward(self, gy):
        (x,) = self.saved_tensors
        d = x._data
        return gy * _const(x, np.where(d > 0, 1.0, self.slope))


class EluBackward0(Node):
    """scale * (x if x > 0 else alpha * (exp(x * input_scale) - 1)): elu, selu and celu."""
    save_inputs = (0,)

    def forward(self, x, alpha=1.0, scale=1.0, input_scale=1.0):
        self.alpha, self.scale, self.input_scale = alpha, scale, input_scale
        neg = np.expm1(np.minimum(x, 0) * input_scale) * alpha
        out = np.where(x > 0, x, neg)
        if scale != 1.0:
            out *= scale
        return out.astype(x.dtype, copy=False)

    def backward(self, gy):
        (x,) = self.saved_tensors
        pos = x._data > 0
        neg_part = E.exp(x.clamp(max=0) * self.input_scale) * (
            self.scale * self.alpha * self.input_scale)
        return gy * (neg_part * _const(x, ~pos) + _const(x, pos * self.scale))


class GeluBackward0(Node):
    save_inputs = (0,)

    def forward(self, x, approximate="none"):
        self.approximate = approximate
        if approximate == "tanh":
            inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
            return (0.5 * x * (1 + np.tanh(inner))).astype(x.dtype, copy=False)
        return (x * _np_phi_cdf(x)).astype(x.dtype, copy=False)

    def backward(self, gy):
        (x,) = self.saved_tensors
        if self.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            t = E.tanh((x + x * x * x * 0.044715) * k)
            dinner = (x * x * (3 * 0.044715) + 1) * k
            return gy * ((t + 1) * 0.5 + x * 0.5 * (1 - t * t) * dinner)
        cdf = (E.erf(x * (1 / math.sqrt(2))) + 1) * 0.5
        pdf = E.exp(x * x * -0.5) * (1 / math.sqrt(2 * math.pi))
        return gy * (cdf + x * pdf)


def _np_phi_cdf(x):
    from ..._ops.elementwise import _erf
    return 0.5 * (1 + _erf(x / math.sqrt(2)))


class SiluBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return x * _np_sigmoid(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        s = E.sigmoid(x)
        return gy * (s * (x * (1 - s) + 1))


def _np_sigmoid(x):
    return E.SigmoidBackward0().forward(x)


class SoftplusBackward0(Node):
    save_inputs = (0,)

    def forward(self, x, beta=1.0, threshold=20.0):
        self.beta, self.threshold = beta, threshold
        bx = x * beta
        # log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)) never overflows.
        soft = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
        return np.where(bx > threshold, x, soft).astype(x.dtype, copy=False)

    def backward(self, gy):
        (x,) = self.saved_tensors
        lin = x._data * self.beta > self.threshold
        return gy * (E.sigmoid(x * self.beta) * _const(x, ~lin) + _const(x, lin))


class LogSigmoidBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * E.sigmoid(-x)


class HardtanhBackward0(Node):
    save_inputs = (0,)

    def forward(self, x, min_val=-1.0, max_val=1.0):
        self.lo, self.hi = min_val, max_val
        return np.clip(x, min_val, max_val).astype(x.dtype, copy=False)

    def backward(self, gy):
        (x,) = self.saved_tensors
        d = x._data
        return gy * _const(x, (d > self.lo) & (d < self.hi))


class HardsigmoidBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return (np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)

    def backward(self, gy):
        (x,) = self.saved_tensors
        d = x._data
        return gy * _const(x, ((d > -3) & (d < 3)) / 6.0)


class HardswishBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return (x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)

    def backward(self, gy):
        (x,) = self.saved_tensors
        d = x._data
        mid = (d >= -3) & (d <= 3)
        return gy * ((x * (1 / 3) + 0.5) * _const(x, mid) + _const(x, d > 3))


# exp(x - shift) must neither overflow nor underflow every element of a row. Shifting by the
# global max is enough when the whole array spans less than this (exp(-span) stays normal), and
# costs one reduction instead of a per-row one (NumPy's short-axis reductions are slow).
_SPAN = {2: 8.0, 4: 60.0, 8: 600.0}


def _exp_shift(x, axis):
    if x.size:
        hi, lo = x.max(), x.min()
        if hi - lo < _SPAN.get(x.dtype.itemsize, 60.0):
            return hi
    # Rows holding +inf or only -inf come out nan, as in PyTorch.
    return x.max(axis=axis, keepdims=True) if x.size else np.zeros((), x.dtype)


def _sum_keepdims(e, axis):
    if e.ndim == 2 and (axis == 1 or axis == -1) and e.flags.c_contiguous:
        return (e @ np.ones(e.shape[1], e.dtype))[:, None]  # BLAS beats a short-axis reduce
    return e.sum(axis=axis, keepdims=True)


class SoftmaxBackward0(Node):
    save_outputs = (0,)

    def forward(self, x, dim=-1):
        self.dim = dim
        e = np.exp(x - _exp_shift(x, dim))
        e /= _sum_keepdims(e, dim)
        return e

    def backward(self, gy):
        (y,) = self.saved_tensors
        return apply(SoftmaxBackwardDataBackward0, gy, y, dim=self.dim)


class SoftmaxBackwardDataBackward0(Node):
    """softmax's gradient ``y * (gy - sum(gy * y))`` as one op (PyTorch's
    _softmax_backward_data): one node instead of four ops."""
    save_inputs = (0, 1)

    def forward(self, gy, y, dim=-1):
        self.dim = dim
        gyy = np.multiply(gy, y)
        out = np.multiply(y, _sum_keepdims(gyy, dim), out=np.empty_like(y))  # 0-d stays an array
        return np.subtract(gyy, out, out=out)

    def backward(self, ggx):
        gy, y = self.saved_tensors
        need_gy, need_y = self.needs_input_grad
        # gx is linear in gy through the same Jacobian (symmetric): the same op on ggx.
        g_gy = apply(SoftmaxBackwardDataBackward0, ggx, y, dim=self.dim) if need_gy else None
        g_y = None
        if need_y:
            s = (gy * y).sum(self.dim, keepdim=True)
            g_y = ggx * (gy - s) - gy * (ggx * y).sum(self.dim, keepdim=True)
        return g_gy, g_y


class LogSoftmaxBackward0(Node):
    save_outputs = (0,)

    def forward(self, x, dim=-1):
        self.dim = dim
        shifted = x - _exp_shift(x, dim)
        shifted -= np.log(_sum_keepdims(np.exp(shifted), dim))
        return shifted

    def backward(self, gy):
        (y,) = self.saved_tensors
        return apply(LogSoftmaxBackwardDataBackward0, gy, y, dim=self.dim)


class LogSoftmaxBackwardDataBackward0(Node):
    """log_softmax's gradient ``gy - exp(y) * sum(gy)`` as one op (PyTorch's
    _log_softmax_backward_data): one node and one temporary instead of four ops."""
    save_inputs = (0, 1)

    def forward(self, gy, y, dim=-1):
        self.dim = dim
        out = np.exp(y, out=np.empty_like(y))   # an array even for 0-d inputs
        out *= _sum_keepdims(gy, dim)
        return np.subtract(gy, out, out=out)

    def backward(self, ggx):
        gy, y = self.saved_tensors
        need_gy, need_y = self.needs_input_grad
        p = E.exp(y)
        g_gy = ggx - (ggx * p).sum(self.dim, keepdim=True) if need_gy else None
        g_y = -ggx * p * gy.sum(self.dim, keepdim=True) if need_y else None
        return g_gy, g_y


# ---------------------------------------------------------------- public functions


def _fl(input: Tensor, name: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return float_operand(input)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0)."""
    if inplace:
        return S.inplace(input, E.relu, op="relu_")
    return apply(E.ReluBackward0, input)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    fn = lambda t: apply(HardtanhBackward0, _fl(t, "hardtanh"), min_val=min_val,  # noqa: E731
                         max_val=max_val)
    return _maybe_inplace(input, fn, inplace, "hardtanh_")


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope * x."""
    fn = lambda t: apply(LeakyReluBackward0, _fl(t, "leaky_relu"),  # noqa: E731
                         negative_slope=negative_slope)
    return _maybe_inplace(input, fn, inplace, "leaky_relu_")


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else weight * x, with one weight or one per channel (dim 1)."""
    if weight.numel() != 1:
        channels = input.shape[1] if input.dim() >= 2 else input.shape[0]
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {weight.numel()} and channel size = "
                               f"{channels}.")
        if input.dim() >= 2:
            weight = weight.reshape((channels,) + (1,) * (input.dim() - 2))
    pos = _const(input, input._data > 0)
    return input * pos + weight * input * (1 - pos)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Leaky ReLU with a random slope U(lower, upper) in training, (lower+upper)/2 in eval."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    from ...random import _gen
    slope = _gen(None).uniform(lower, upper, input._data.shape)
    d = input._data
    factor = _const(input, np.where(d >= 0, 1.0, slope))
    return _maybe_inplace(input, lambda t: t * factor, inplace, "rrelu_")


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x) - 1)."""
    fn = lambda t: apply(EluBackward0, _fl(t, "elu"), alpha=alpha)  # noqa: E731
    return _maybe_inplace(input, fn, inplace, "elu_")


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants."""
    fn = lambda t: apply(EluBackward0, _fl(t, "selu"), alpha=_SELU_ALPHA,  # noqa: E731
                         scale=_SELU_SCALE)
    return _maybe_inplace(input, fn, inplace, "selu_")


def selu_(input: Tensor) -> Tensor:
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: celu() alpha must not be 0")
    fn = lambda t: apply(EluBackward0, _fl(t, "celu"), alpha=alpha,  # noqa: E731
                         input_scale=1.0 / alpha)
    return _maybe_inplace(input, fn, inplace, "celu_")


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (``approximate='tanh'``: the tanh approximation)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got "
                           f"'{approximate}'")
    return apply(GeluBackward0, _fl(input, "gelu"), approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x)."""
    fn = lambda t: apply(SiluBackward0, _fl(t, "silu"))  # noqa: E731
    return _maybe_inplace(input, fn, inplace, "silu_")


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    return _maybe_inplace(input, lambda t: t * E.tanh(softplus(t)), inplace, "mish_")


def sigmoid(input: Tensor) -> Tensor:
    return E.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return E.tanh(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""
    fn = lambda t: apply(HardsigmoidBackward0, _fl(t, "hardsigmoid"))  # noqa: E731
    return _maybe_inplace(input, fn, inplace, "hardsigmoid_")


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    fn = lambda t: apply(HardswishBackward0, _fl(t, "hardswish"))  # noqa: E731
    return _maybe_inplace(input, fn, inplace, "hardswish_")


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    return apply(SoftplusBackward0, _fl(input, "softplus"), beta=beta, threshold=threshold)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (E.abs(input) + 1)


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _prep_softmax(input: Tensor, dim, dtype, name: str):
    if dim is None:
        dim = _softmax_dim(name, input.dim(), 4)
    if dtype is not None:
        input = input.to(dtype)
    else:
        input = _fl(input, name)
    from ..._tensor import _wrap_dim
    return input, _wrap_dim(dim, input._data.ndim)


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``."""
    input, dim = _prep_softmax(input, dim, dtype, "softmax")
    return apply(SoftmaxBackward0, input, dim=dim)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """x - logsumexp(x) along ``dim``, computed without overflow."""
    input, dim = _prep_softmax(input, dim, dtype, "log_softmax")
    return apply(LogSoftmaxBackward0, input, dim=dim)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """softmax(-x) along ``dim``."""
    input, dim = _prep_softmax(input, dim, dtype, "softmin")
    return apply(SoftmaxBackward0, -input, dim=dim)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x if x > threshold else value."""
    def fn(t):
        keep = t._data > threshold
        return t * _const(t, keep) + _const(t, np.where(keep, 0, value))
    return _maybe_inplace(input, fn, inplace, "threshold_")


def threshold_(input: Tensor, threshold_value: float, value: float) -> Tensor:
    return threshold(input, threshold_value, value, inplace=True)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), stable for large |x|."""
    return apply(LogSigmoidBackward0, _fl(input, "logsigmoid"))


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - E.tanh(input)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    return input * _const(input, np.abs(input._data) > lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd if x > lambd, x + lambd if x < -lambd, else 0."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    d = input._data
    keep = np.abs(d) > lambd
    return input * _const(input, keep) - _const(input, np.sign(d) * keep * lambd)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b) where a, b are the two halves of ``input`` along ``dim``."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.dim()} is "
                           f"size {input.shape[dim]}")
    a, b = input.chunk(2, dim)
    return a * E.sigmoid(b)
