"""Elementwise primitives: arithmetic, powers, exponentials, trigonometry, comparisons."""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _make
from ..autograd.grad_mode import _state
from ..autograd.graph import Node, apply
from ._prep import binary_operands, broadcast_error, float_operand

# ---------------------------------------------------------------- arithmetic


class AddBackward0(Node):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, gy


class SubBackward0(Node):
    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        return gy, (-gy if _state.enabled else _make(-gy._data))


# The backwards below compute on the arrays when nothing is recorded (no create_graph): the
# same arithmetic without an op dispatch per product, about 1 us per node.

class MulBackward0(Node):
    save_inputs = (0, 1)

    def forward(self, a, b):
        return a * b

    def backward(self, gy):
        a, b = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        if not _state.enabled:
            g = gy._data
            return (_make(g * b._data) if need_a else None), (_make(g * a._data) if need_b else None)
        return (gy * b if need_a else None), (gy * a if need_b else None)


class DivBackward0(Node):
    save_inputs = (0, 1)

    def forward(self, a, b):
        return a / b

    def backward(self, gy):
        a, b = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        if not _state.enabled:
            g, ad, bd = gy._data, a._data, b._data
            return (_make(g / bd) if need_a else None), \
                (_make(-g * ad / (bd * bd)) if need_b else None)
        ga = gy / b if need_a else None
        gb = -gy * a / (b * b) if need_b else None
        return ga, gb


class RsubBackward1(SubBackward0):
    """``number - tensor`` (PyTorch's name for a subtraction with the number on the left)."""


class NegBackward0(Node):
    def forward(self, x):
        return np.negative(x)

    def backward(self, gy):
        return -gy if _state.enabled else _make(-gy._data)


class PowBackward0(Node):
    """x ** c for a Python number c."""
    save_inputs = (0,)

    def forward(self, x, exponent):
        self.exponent = exponent
        return np.power(x, exponent)

    def backward(self, gy):
        (x,) = self.saved_tensors
        c = self.exponent
        if c == 0:
            return gy * 0.0
        return gy * c * x ** (c - 1)


class PowBackward1(Node):
    """a ** b for two tensors."""
    save_inputs = (0, 1)
    save_outputs = (0,)

    def forward(self, a, b):
        return np.power(a, b)

    def backward(self, gy):
        a, b, y = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        ga = gb = None
        if need_a:
            ga = gy * b * a ** (b - 1)
        if need_b:
            # d/db a^b = a^b log a; define it as 0 where a == 0 (as PyTorch does).
            ga_log = where(a == 0, 0.0, log(where(a == 0, 1.0, a)))
            gb = gy * y * ga_log
        return ga, gb


class PowBackward2(PowBackward1):
    """number ** tensor (PyTorch's name when the base is a Python number)."""


# ---------------------------------------------------------------- unary math


class ExpBackward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * y if _state.enabled else _make(gy._data * y._data)


class Expm1Backward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        return np.expm1(x)

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * (y + 1)


class LogBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.log(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / x


class Log2Backward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.log2(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (x * math.log(2.0))


class Log10Backward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.log10(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (x * math.log(10.0))


class Log1PBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.log1p(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (x + 1)


class SqrtBackward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        return np.sqrt(x)

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy / (2 * y)


class RsqrtBackward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        return 1 / np.sqrt(x)

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * -0.5 * y * y * y


class ReciprocalBackward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        return np.reciprocal(x)

    def backward(self, gy):
        (y,) = self.saved_tensors
        return -gy * y * y


class SinBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.sin(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * cos(x)


class CosBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.cos(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return -gy * sin(x)


class TanBackward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        return np.tan(x)

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy * (1 + y * y)


class AsinBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.arcsin(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * rsqrt(1 - x * x)


class AcosBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.arccos(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return -gy * rsqrt(1 - x * x)


class AtanBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.arctan(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy / (1 + x * x)


class Atan2Backward0(Node):
    save_inputs = (0, 1)

    def forward(self, a, b):
        return np.arctan2(a, b)

    def backward(self, gy):
        a, b = self.saved_tensors
        denom = a * a + b * b
        return gy * b / denom, -gy * a / denom


class SinhBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.sinh(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * cosh(x)


class CoshBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.cosh(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * sinh(x)


class TanhBackward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        return np.tanh(x)

    def backward(self, gy):
        (y,) = self.saved_tensors
        return apply(TanhBackwardBackward0, gy, y)


class TanhBackwardBackward0(Node):
    """tanh's gradient ``gy * (1 - y * y)`` as one op (PyTorch's tanh_backward): one node and
    one temporary instead of three ops and three temporaries."""
    save_inputs = (0, 1)

    def forward(self, gy, y):
        out = np.multiply(y, y)
        np.subtract(1, out, out=out)
        return _times_grad(out, gy)

    def backward(self, ggx):
        gy, y = self.saved_tensors
        need_gy, need_y = self.needs_input_grad
        return (ggx * (1 - y * y) if need_gy else None), (-2 * ggx * gy * y if need_y else None)


def _times_grad(factor, gy):
    """``gy * factor``, written into ``factor`` (a fresh temporary) when the shapes allow."""
    if factor.shape == gy.shape and factor.dtype == gy.dtype:
        return np.multiply(gy, factor, out=factor)
    return gy * factor


class SigmoidBackward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        # 1 / (1 + exp(-x)) in one buffer; exp(-x) overflowing to inf gives the right 0.
        # (Masked ``where=`` ufuncs by sign were 8x slower on large tensors.)
        out = np.negative(x, out=np.empty_like(x))
        with np.errstate(over="ignore"):
            np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)

    def backward(self, gy):
        (y,) = self.saved_tensors
        return apply(SigmoidBackwardBackward0, gy, y)


class SigmoidBackwardBackward0(Node):
    """sigmoid's gradient ``gy * (1 - y) * y`` as one op (PyTorch's sigmoid_backward, in its
    order of rounding)."""
    save_inputs = (0, 1)

    def forward(self, gy, y):
        out = np.subtract(1, y)
        out = _times_grad(out, gy)
        out *= y
        return out

    def backward(self, ggx):
        gy, y = self.saved_tensors
        need_gy, need_y = self.needs_input_grad
        return ((ggx * (1 - y) * y if need_gy else None),
                (ggx * gy * (1 - 2 * y) if need_y else None))


class ReluBackward0(Node):
    save_outputs = (0,)

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, gy):
        (y,) = self.saved_tensors
        if not _state.enabled:    # nothing is recorded: the product on the arrays
            return _make(gy._data * (y._data > 0))
        return apply(ThresholdBackwardBackward0, gy, y)


class ThresholdBackwardBackward0(Node):
    """relu's gradient as one op, ``gy`` where ``y > 0`` else 0 (PyTorch's threshold_backward).

    One node instead of a comparison, a dtype cast and a product: three ops fewer per ReLU in
    every backward, and one pass less over large tensors.
    """
    save_inputs = (1,)

    def forward(self, gy, y):
        return gy * (y > 0)

    def backward(self, ggx):
        # Linear in gy with the same mask; y only selects, so it gets no gradient.
        (y,) = self.saved_tensors
        return apply(ThresholdBackwardBackward0, ggx, y), None


class AbsBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return np.abs(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * sign(x)


class ErfBackward0(Node):
    save_inputs = (0,)

    def forward(self, x):
        return _erf(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * (2.0 / math.sqrt(math.pi)) * exp(-x * x)


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz-Stegun 7.1.26 is too coarse for float64 gradchecks; use math.erf per element
    # for small arrays and a vectorised rational approximation (max error 1.2e-7) otherwise.
    if x.size <= 4096 or x.dtype == np.float64:
        return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else x.copy()
    t = 1.0 / (1.0 + 0.5 * np.abs(x))
    poly = -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    y = 1.0 - t * np.exp(poly)
    return np.where(x >= 0, y, -y).astype(x.dtype, copy=False)


class _ZeroGrad(Node):
    """Piecewise-constant ops: the gradient is zero almost everywhere."""

    def backward(self, gy):
        return gy * 0


class SignBackward0(_ZeroGrad):
    def forward(self, x):
        return np.sign(x)


class FloorBackward0(_ZeroGrad):
    def forward(self, x):
        return np.floor(x)


class CeilBackward0(_ZeroGrad):
    def forward(self, x):
        return np.ceil(x)


class RoundBackward0(_ZeroGrad):
    def forward(self, x, decimals=0):
        return np.round(x, decimals)


class TruncBackward0(_ZeroGrad):
    def forward(self, x):
        return np.trunc(x)


class FracBackward0(Node):
    def forward(self, x):
        return x - np.trunc(x)

    def backward(self, gy):
        return gy


class ClampBackward1(Node):
    """clamp with scalar bounds."""
    save_inputs = (0,)

    def forward(self, x, min=None, max=None):
        self.min, self.max = min, max
        return np.clip(x, min, max)

    def backward(self, gy):
        (x,) = self.saved_tensors
        mask = None
        if self.min is not None:
            mask = x >= self.min
        if self.max is not None:
            upper = x <= self.max
            mask = upper if mask is None else mask & upper
        return gy * mask


class MaximumBackward0(Node):
    save_inputs = (0, 1)

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, gy):
        a, b = self.saved_tensors
        # Ties split the gradient evenly, as PyTorch does.
        w = (a > b) + (a == b) * 0.5
        return gy * w, gy * (1 - w)


class MinimumBackward0(Node):
    save_inputs = (0, 1)

    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, gy):
        a, b = self.saved_tensors
        w = (a < b) + (a == b) * 0.5
        return gy * w, gy * (1 - w)


class WhereBackward0(Node):
    """where(cond, a, b); the condition is a constant (input 0)."""
    save_inputs = (0,)

    def forward(self, cond, a, b):
        return np.where(cond, a, b)

    def backward(self, gy):
        (cond,) = self.saved_tensors
        _, need_a, need_b = self.needs_input_grad
        zero = gy * 0
        return None, (where(cond, gy, zero) if need_a else None), (where(cond, zero, gy) if need_b else None)


class FmodBackward0(Node):
    """fmod(a, b) = a - trunc(a / b) * b."""
    save_inputs = (0, 1)

    def forward(self, a, b):
        return np.fmod(a, b)

    def backward(self, gy):
        a, b = self.saved_tensors
        return gy, -gy * trunc(a / b)


class RemainderBackward0(Node):
    """remainder(a, b) = a - floor(a / b) * b (Python's %)."""
    save_inputs = (0, 1)

    def forward(self, a, b):
        return np.mod(a, b)

    def backward(self, gy):
        a, b = self.saved_tensors
        return gy, -gy * floor(a / b)


# ---------------------------------------------------------------- public functions


def _binary(cls, a, b, name: str):
    if not isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(a).__name__}")
        # A number on the left (``2 - t``): promote as if it were on the right, keep the order.
        b, a = binary_operands(b, a, name)
    else:
        a, b = binary_operands(a, b, name)
    try:
        return apply(cls, a, b)
    except ValueError as e:
        if "broadcast" in str(e):
            raise broadcast_error(name, a._data.shape, b._data.shape) from None
        raise


def add(input, other, *, alpha=1, out=None):
    if alpha != 1:
        other = other * alpha
    return _out(_binary(AddBackward0, input, other, "add"), out)


def _is_bool(x) -> bool:
    if isinstance(x, Tensor):
        return x._data.dtype == np.bool_
    return isinstance(x, (bool, np.bool_))


def sub(input, other, *, alpha=1, out=None):
    if isinstance(input, Tensor) and isinstance(other, Tensor) and _is_bool(input) and _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.")
    if alpha != 1:
        other = other * alpha
    cls = RsubBackward1 if not isinstance(input, Tensor) else SubBackward0
    return _out(_binary(cls, input, other, "sub"), out)


def rsub(input, other, *, alpha=1):
    return sub(other, input, alpha=alpha) if isinstance(other, Tensor) else _binary(
        SubBackward0, other, input if alpha == 1 else mul(input, alpha), "rsub")


def mul(input, other, *, out=None):
    return _out(_binary(MulBackward0, input, other, "mul"), out)


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is not None:
        if rounding_mode == "floor":
            return _out(floor_divide(input, other), out)
        if rounding_mode == "trunc":
            return _out(trunc(true_divide(input, other)).to(_result_dtype(input, other)), out)
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found '{rounding_mode}'")
    return _out(true_divide(input, other), out)


def true_divide(input, other):
    if isinstance(input, Tensor):
        a, b = binary_operands(input, other, "div")
    else:
        b, a = binary_operands(other, input, "div")
    if a._data.dtype.kind != "f":
        # Integer division is true division in the default float dtype.
        a, b = float_operand(a), float_operand(b)
    try:
        return apply(DivBackward0, a, b)
    except ValueError:
        raise broadcast_error("div", a._data.shape, b._data.shape) from None


def _result_dtype(a, b):
    return _dtype.result_type(*(x for x in (a, b)))


def floor_divide(input, other):
    a, b = binary_operands(input, other, "floor_divide") if isinstance(input, Tensor) else \
        binary_operands(other, input, "floor_divide")[::-1]
    if a._data.dtype == np.bool_:
        raise NotImplementedError("\"div_floor_cpu\" not implemented for 'Bool'")
    if a._data.dtype.kind in "iub" and np.any(b._data == 0):
        raise RuntimeError("ZeroDivisionError")
    return _make(np.floor_divide(a._data, b._data))


def neg(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return apply(NegBackward0, input)


def pow(input, exponent):
    if not isinstance(input, Tensor):
        # number ** tensor
        base = _make(np.array(input, dtype=_dtype.result_type(exponent, input).np))
        if base._data.dtype == np.bool_:
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        exponent = exponent.to(base.dtype) if exponent.dtype != base.dtype else exponent
        return apply(PowBackward2, base, exponent)
    if isinstance(exponent, Tensor):
        a, b = binary_operands(input, exponent, "pow")
        if a._data.dtype == np.bool_:
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        return apply(PowBackward1, a, b)
    rt = _dtype.result_type(input, exponent)
    x = input if input._data.dtype == rt.np else input.to(rt)
    if rt is _dtype.bool:
        # x ** True is x and x ** False is all True, as in PyTorch.
        return input.clone() if exponent else _make(np.ones(input._data.shape, np.bool_))
    if rt.is_floating_point is False and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return apply(PowBackward0, x, exponent=exponent)


def square(input):
    return pow(input, 2)


def _unary(cls):
    def fn(input, *, out=None):
        if not isinstance(input, Tensor):
            raise TypeError(f"{cls.__name__[:-9].lower()}(): argument 'input' (position 1) must be "
                            f"Tensor, not {type(input).__name__}")
        return _out(apply(cls, float_operand(input)), out)
    return fn


exp = _unary(ExpBackward0)
expm1 = _unary(Expm1Backward0)
log = _unary(LogBackward0)
log2 = _unary(Log2Backward0)
log10 = _unary(Log10Backward0)
log1p = _unary(Log1PBackward0)
sqrt = _unary(SqrtBackward0)
rsqrt = _unary(RsqrtBackward0)
reciprocal = _unary(ReciprocalBackward0)
sin = _unary(SinBackward0)
cos = _unary(CosBackward0)
tan = _unary(TanBackward0)
asin = arcsin = _unary(AsinBackward0)
acos = arccos = _unary(AcosBackward0)
atan = arctan = _unary(AtanBackward0)
sinh = _unary(SinhBackward0)
cosh = _unary(CoshBackward0)
tanh = _unary(TanhBackward0)
sigmoid = _unary(SigmoidBackward0)
erf = _unary(ErfBackward0)


def erfc(input):
    return 1 - erf(input)


def atan2(input, other):
    a, b = binary_operands(float_operand(input), other, "atan2")
    return apply(Atan2Backward0, float_operand(a), float_operand(b))


arctan2 = atan2


def _no_bool(input, kernel: str) -> None:
    if input._data.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def relu(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return apply(ReluBackward0, input)


def abs(input):
    _no_bool(input, "abs_cpu")
    return apply(AbsBackward0, input)


absolute = abs


def sign(input):
    if input._data.dtype == np.bool_:
        return input.clone()
    return apply(SignBackward0, input)


def _integer_identity(cls, kernel):
    def fn(input, **kw):
        _no_bool(input, kernel)
        if input._data.dtype.kind in "iu":
            return input.clone()
        return apply(cls, input, **kw)
    return fn


floor = _integer_identity(FloorBackward0, "floor_vml_cpu")
ceil = _integer_identity(CeilBackward0, "ceil_vml_cpu")
trunc = fix = _integer_identity(TruncBackward0, "trunc_vml_cpu")


def round(input, *, decimals=0):
    _no_bool(input, "round_cpu")
    if input._data.dtype.kind in "iu":
        return input.clone()
    return apply(RoundBackward0, input, decimals=decimals)


def frac(input):
    return apply(FracBackward0, input)


def clamp(input, min=None, max=None, *, out=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        result = input
        if min is not None:
            result = maximum(result, min if isinstance(min, Tensor) else _scalar_like(min, input))
        if max is not None:
            result = minimum(result, max if isinstance(max, Tensor) else _scalar_like(max, input))
        return _out(result, out)
    rt = _dtype.result_type(input, *(v for v in (min, max) if v is not None))
    x = input if input._data.dtype == rt.np else input.to(rt)
    return _out(apply(ClampBackward1, x, min=min, max=max), out)


clip = clamp


def _scalar_like(v, like: Tensor) -> Tensor:
    return _make(np.array(v, dtype=like._data.dtype))


def _require_tensors(input, other, name: str) -> None:
    for pos, (arg, x) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                            f"{type(x).__name__}")


def maximum(input, other):
    _require_tensors(input, other, "maximum")
    return _binary(MaximumBackward0, input, other, "maximum")


def minimum(input, other):
    _require_tensors(input, other, "minimum")
    return _binary(MinimumBackward0, input, other, "minimum")


def fmax(input, other):
    return maximum(input, other)


def fmin(input, other):
    return minimum(input, other)


def where(condition, input=None, other=None):
    if input is None and other is None:
        from .shape import nonzero
        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        condition = _make(np.asarray(condition))
    if condition._data.dtype != np.bool_:
        if condition._data.dtype == np.uint8:
            condition = _make(condition._data.astype(bool))
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                               f"with dtype {condition.dtype}")
    if isinstance(input, Tensor):
        a, b = binary_operands(input, other, "where")
    elif isinstance(other, Tensor):
        b, a = binary_operands(other, input, "where")
    else:
        dt = _dtype.result_type(input, other)
        a, b = _make(np.array(input, dt.np)), _make(np.array(other, dt.np))
    try:
        return apply(WhereBackward0, condition, a, b)
    except ValueError:
        try:
            values = np.broadcast_shapes(a._data.shape, b._data.shape)
        except ValueError:
            raise broadcast_error("where", a._data.shape, b._data.shape) from None
        raise broadcast_error("where", condition._data.shape, values) from None


class LerpBackward0(Node):
    """lerp with a number as weight: ``start + weight * (end - start)``."""

    def forward(self, start, end, weight=0.5):
        self.weight = weight
        return _lerp(start, end, weight)

    def backward(self, gy):
        return gy * (1 - self.weight), gy * self.weight


class LerpBackward1(Node):
    """lerp with a tensor weight."""

    save_inputs = (0, 1, 2)

    def forward(self, start, end, weight):
        return _lerp(start, end, weight)

    def backward(self, gy):
        start, end, weight = self.saved_tensors
        need_s, need_e, need_w = self.needs_input_grad
        return (gy * (1 - weight) if need_s else None), (gy * weight if need_e else None), \
            (gy * (end - start) if need_w else None)


def _lerp(start, end, weight):
    # PyTorch's two-sided formula: exact at both ends (weight 0 gives start, 1 gives end).
    diff = end - start
    return np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))


def lerp(input, end, weight):
    a, b = binary_operands(input, end, "lerp")
    if a._data.dtype.kind != "f":
        raise RuntimeError(f"lerp(): expected floating point tensors, got {a.dtype}")
    try:
        if isinstance(weight, Tensor):
            if weight._data.dtype != a._data.dtype:
                weight = weight.to(a.dtype)
            return apply(LerpBackward1, a, b, weight)
        return apply(LerpBackward0, a, b, weight=a._data.dtype.type(weight))
    except ValueError:
        raise broadcast_error("lerp", a._data.shape, b._data.shape) from None


def fmod(input, other):
    return _binary(FmodBackward0, input, other, "fmod")


def remainder(input, other):
    return _binary(RemainderBackward0, input, other, "remainder")


def _out(result: Tensor, out):
    if out is None:
        return result
    out.resize_(result.shape) if out.shape != result.shape else None
    out.copy_(result)
    return out


# ---------------------------------------------------------------- non-differentiable


def _compare(ufunc, name):
    def fn(input, other, *, out=None):
        if isinstance(input, Tensor):
            a, b = binary_operands(input, other, name)
        else:
            b, a = binary_operands(other, input, name)
        try:
            return _out(_make(ufunc(a._data, b._data)), out)
        except ValueError:
            raise broadcast_error(name, a._data.shape, b._data.shape) from None
    fn.__name__ = name
    return fn


eq = _compare(np.equal, "eq")
ne = not_equal = _compare(np.not_equal, "ne")
lt = less = _compare(np.less, "lt")
le = less_equal = _compare(np.less_equal, "le")
gt = greater = _compare(np.greater, "gt")
ge = greater_equal = _compare(np.greater_equal, "ge")


def _bitwise(ufunc, name):
    def fn(input, other):
        if isinstance(input, Tensor):
            a, b = binary_operands(input, other, name)
        else:
            b, a = binary_operands(other, input, name)
        if a._data.dtype.kind == "f":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for "
                                      f"'{_KERNEL_NAMES[a.dtype.name]}'")
        return _make(ufunc(a._data, b._data))
    fn.__name__ = name
    return fn


_KERNEL_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double"}
bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")


def bitwise_not(input):
    if input._data.dtype.kind == "f":
        raise TypeError("~ (bitwise_not) is only supported for integer and bool tensors")
    return _make(np.invert(input._data))


def logical_not(input):
    return _make(np.logical_not(input._data))


def logical_and(input, other):
    return _make(np.logical_and(input._data, _arr(other)))


def logical_or(input, other):
    return _make(np.logical_or(input._data, _arr(other)))


def logical_xor(input, other):
    return _make(np.logical_xor(input._data, _arr(other)))


def _arr(x):
    return x._data if isinstance(x, Tensor) else x


def isnan(input):
    return _make(np.isnan(input._data))


def isinf(input):
    return _make(np.isinf(input._data))


def isfinite(input):
    return _make(np.isfinite(input._data))


def isposinf(input):
    return _make(np.isposinf(input._data))


def isneginf(input):
    return _make(np.isneginf(input._data))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return where(isnan(input), nan, where(
        isposinf(input), posinf if posinf is not None else float(np.finfo(input._data.dtype).max),
        where(isneginf(input), neginf if neginf is not None else float(np.finfo(input._data.dtype).min),
              input)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = binary_operands(input, other, "isclose")
    try:
        return _make(np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan))
    except ValueError:
        raise broadcast_error("isclose", a._data.shape, b._data.shape) from None


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other) -> bool:
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


divide = div
subtract = sub
multiply = mul
negative = neg
