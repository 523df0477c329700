"""Loss functions.

``mse_loss``, ``nll_loss`` and ``cross_entropy`` (class indices) are single ops with fused NumPy
forwards and Tensor-level backwards; the other losses are compositions of ember ops.

Class-index losses share one formulation: ``loss_i = -sum_c A[i, c] * logp[i, c]`` with
``A = (1 - eps) * w[t_i] * onehot(t_i) + eps / C * w`` (rows of ignored targets zero) and, for
``reduction='mean'``, a division by ``sum_i w[t_i]`` over the non-ignored targets, as PyTorch.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..._ops import elementwise as E
from ..._tensor import Tensor, _make
from ...autograd.grad_mode import _state
from ...autograd.graph import Node, apply
from . import activation as _A

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
           "poisson_nll_loss", "gaussian_nll_loss", "margin_ranking_loss", "hinge_embedding_loss",
           "cosine_embedding_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
           "multi_margin_loss", "triplet_margin_loss", "cosine_similarity", "pairwise_distance"]

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='"
                  f"{'sum' if size_average is False else 'mean'}' instead.")
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    _check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_target_size(input: Tensor, target: Tensor, name: str) -> None:
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size "
                      f"({input.size()}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


def _as_float_pair(input: Tensor, target: Tensor, name: str):
    if not isinstance(input, Tensor) or not isinstance(target, Tensor):
        raise TypeError(f"{name}(): input and target must be Tensors, got "
                        f"{type(input).__name__} and {type(target).__name__}")
    if input._data.dtype != target._data.dtype:
        from ..._ops._prep import binary_operands
        input, target = binary_operands(input, target, name)
    try:
        np.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({input.shape[-1] if input.dim() else 1}) must match the size "
            f"of tensor b ({target.shape[-1] if target.dim() else 1}) at non-singleton dimension "
            f"({name}: input shape {tuple(input.shape)}, target shape {tuple(target.shape)})"
        ) from None
    return input, target


# ---------------------------------------------------------------- mse


class MseLossBackward0(Node):
    save_inputs = (0, 1)

    def forward(self, x, t, reduction="mean"):
        self.reduction = reduction
        d = x - t
        if reduction == "none":
            return d * d
        self.n = d.size
        s = np.vdot(d, d) if d.flags.c_contiguous else np.sum(d * d)
        if reduction == "mean":
            s = s / d.size if d.size else np.nan
        return np.asarray(s, dtype=d.dtype)

    def backward(self, gy):
        x, t = self.saved_tensors
        scale = 2.0 / self.n if self.reduction == "mean" else 2.0
        if _state.enabled:
            g = apply(MseLossBackwardBackward0, gy, x, t, scale=scale)
        else:                     # nothing is recorded: the same arithmetic on the arrays
            g = _make(MseLossBackwardBackward0().forward(gy._data, x._data, t._data, scale))
        need_x, need_t = self.needs_input_grad
        return (g if need_x else None), (-g if need_t else None)


class MseLossBackwardBackward0(Node):
    """mse_loss's input gradient ``(x - t) * (gy * scale)`` as one op (PyTorch's
    mse_loss_backward): one node and one temporary instead of three ops."""
    save_inputs = (0, 1, 2)

    def forward(self, gy, x, t, scale=2.0):
        self.scale = scale
        d = np.subtract(x, t)
        # gy is the loss's gradient: 0-d, or the shape of x - t (reduction='none').
        return np.multiply(d, gy * scale, out=d)

    def backward(self, ggx):
        gy, x, t = self.saved_tensors
        need_gy, need_x, need_t = self.needs_input_grad
        g_gy = ggx * (x - t) * self.scale if need_gy else None   # the engine sums it to gy's shape
        g_d = ggx * (gy * self.scale) if need_x or need_t else None
        return g_gy, (g_d if need_x else None), (-g_d if need_t else None)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight=None) -> Tensor:
    """Mean squared error ``(input - target) ** 2``, reduced by ``reduction``."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in _REDUCTIONS:
        _check_reduction(reduction)
    # Fast path (the training-loop case): same shape, same dtype.
    if weight is None and input.__class__ is Tensor and target.__class__ is Tensor:
        a, b = input._data, target._data
        if a.shape == b.shape and a.dtype == b.dtype and a.dtype.kind == "f":
            return apply(MseLossBackward0, input, target, reduction=reduction)
    if target.shape != input.shape:
        _check_target_size(input, target, "mse_loss")
    input, target = _as_float_pair(input, target, "mse_loss")
    if weight is not None:
        return _reduce(weight * (input - target) ** 2, reduction)
    return apply(MseLossBackward0, input, target, reduction=reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight=None) -> Tensor:
    """Mean absolute error ``|input - target|``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        _check_target_size(input, target, "l1_loss")
    input, target = _as_float_pair(input, target, "l1_loss")
    loss = E.abs(input - target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if target.shape != input.shape:
        _check_target_size(input, target, "smooth_l1_loss")
    input, target = _as_float_pair(input, target, "smooth_l1_loss")
    d = E.abs(input - target)
    if beta == 0:
        return _reduce(d, reduction)
    small = _make(d._data < beta)
    loss = E.where(small, d * d * (0.5 / beta), d - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight=None) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta * (|d| - 0.5 delta)."""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if target.shape != input.shape:
        _check_target_size(input, target, "huber_loss")
    input, target = _as_float_pair(input, target, "huber_loss")
    d = E.abs(input - target)
    small = _make(d._data < delta)
    loss = E.where(small, d * d * 0.5, (d - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ---------------------------------------------------------------- class-index losses


def _class_axis_checks(input: Tensor, target: Tensor, name: str):
    """Validate (input, integer target) for nll/cross_entropy; returns the class axis."""
    nd = input.dim()
    if nd == 0:
        raise ValueError(f"Expected 1 or more dimensions (got 0) ({name})")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_dtype_name(target)} ({name}: class-index targets must be int64, "
                           "use target.long(); class probabilities must have the input's shape "
                           f"{tuple(input.shape)})")
    if nd == 1:
        if target.dim() != 0:
            raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported "
                               f"({name}: input shape {tuple(input.shape)}, target shape "
                               f"{tuple(target.shape)})")
        return 0
    if target.dim() >= 1 and target.shape[0] != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if nd == 2 and target.dim() != 1:
        raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported "
                           f"({name}: input shape {tuple(input.shape)}, target shape "
                           f"{tuple(target.shape)}; the target should have shape "
                           f"({input.shape[0]},))")
    expected = [input.shape[0]] + list(input.shape[2:])
    if list(target.shape) != expected:
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)} ({name}: "
                           f"input shape {tuple(input.shape)} has classes in dim 1)")
    return 1


def _dtype_name(t: Tensor) -> str:
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "bool": "Bool",
             "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "int64": "Long"}
    return names.get(str(t._data.dtype), str(t._data.dtype))


def _coefficients(shape, axis: int, target: np.ndarray, weight, ignore_index: int,
                  label_smoothing: float, reduction: str, dtype):
    """The matrix A and divisor D of the class-index formulation (see the module docstring)."""
    n_classes = shape[axis]
    valid = target != ignore_index
    safe_t = np.where(valid, target, 0)
    bad = safe_t[(safe_t < 0) | (safe_t >= n_classes)]
    if bad.size:
        raise IndexError(f"Target {int(bad.flat[0])} is out of bounds.")
    t_exp = np.expand_dims(safe_t, axis)
    onehot = np.zeros(shape, dtype=dtype)
    np.put_along_axis(onehot, t_exp, 1, axis)
    w_shape = [1] * len(shape)
    w_shape[axis] = n_classes
    wv = weight._data.astype(dtype).reshape(w_shape) if weight is not None else None
    wt = (weight._data.astype(dtype)[safe_t] if weight is not None
          else np.ones(target.shape, dtype=dtype)) * valid
    a = onehot * np.expand_dims(wt, axis)
    if label_smoothing > 0:
        smooth = (np.ones(shape, dtype=dtype) if wv is None else np.broadcast_to(wv, shape))
        a = a * (1 - label_smoothing) + smooth * np.expand_dims(valid, axis) * (
            label_smoothing / n_classes)
    denom = 1.0
    if reduction == "mean":
        denom = wt.sum()
    return a, denom


def _reduce_rows(rows: np.ndarray, reduction: str, denom, dtype):
    if reduction == "none":
        return rows.astype(dtype, copy=False)
    s = rows.sum()
    if reduction == "mean":
        s = s / denom if denom != 0 else np.nan
    return np.asarray(s, dtype=dtype)


class NllLossBackward0(Node):
    """nll_loss on log-probabilities: ``-sum_c A * x`` (a constant A), reduced."""

    def forward(self, x, target, weight=None, ignore_index=-100, reduction="mean", axis=1,
                label_smoothing=0.0):
        a, denom = _coefficients(x.shape, axis, target, weight, ignore_index, label_smoothing,
                                 reduction, x.dtype)
        self.a, self.denom, self.reduction, self.axis = a, denom, reduction, axis
        rows = -(a * x).sum(axis=axis)
        return _reduce_rows(rows, reduction, denom, x.dtype)

    def backward(self, gy):
        g = _expand_gy(gy, self.reduction, self.axis, self.denom)
        return g * _make(-self.a), None


def _expand_gy(gy: Tensor, reduction: str, axis: int, denom) -> Tensor:
    if reduction == "none":
        return gy.unsqueeze(axis)
    if reduction == "mean":
        return gy / float(denom)
    return gy


class _CrossEntropyFused(Node):
    """log_softmax then nll_loss as one op; backward ``(softmax(x) * rowsum(A) - A) / D``.

    Named as PyTorch's cross_entropy grad_fn (``NllLossBackward0``). In a plain backward the
    softmax kept from forward is used as a constant; under ``create_graph=True`` it is recomputed
    with ember's softmax op, so the gradient is itself differentiable.
    """
    save_inputs = (0,)
    _simple = False

    def forward(self, x, target, weight=None, ignore_index=-100, reduction="mean", axis=1,
                label_smoothing=0.0):
        self.reduction, self.axis = reduction, axis
        if (x.ndim == 2 and axis == 1 and weight is None and label_smoothing == 0
                and reduction != "none"):
            return self._forward_simple(x, target, ignore_index, reduction)
        a, denom = _coefficients(x.shape, axis, target, weight, ignore_index, label_smoothing,
                                 reduction, x.dtype)
        self.a, self.denom = a, denom
        logp = _A.LogSoftmaxBackward0().forward(x, dim=axis)
        rows = -(a * logp).sum(axis=axis)
        return _reduce_rows(rows, reduction, denom, x.dtype)

    def _forward_simple(self, x, target, ignore_index, reduction):
        # (N, C) logits, unweighted, every target a valid class: the common training case.
        n, c = x.shape
        lo, hi = (int(target.min()), int(target.max())) if n else (0, 0)
        if lo < 0 or hi >= c:
            if lo == ignore_index or hi == ignore_index or (target == ignore_index).any():
                return self._forward_general(x, target, ignore_index, reduction)
            raise IndexError(f"Target {lo if lo < 0 else hi} is out of bounds.")
        if ignore_index < c and ignore_index >= 0 and (target == ignore_index).any():
            return self._forward_general(x, target, ignore_index, reduction)
        rows = np.arange(n)
        shifted = x - _A._exp_shift(x, 1)
        e = np.exp(shifted)
        s = _A._sum_keepdims(e, 1)
        total = np.log(s).sum() - shifted[rows, target].sum()
        e /= s
        self.p, self.target, self._simple = e, target, True
        self.denom = n if reduction == "mean" else 1.0
        out = total / n if reduction == "mean" else total
        return np.asarray(out if n else np.nan, dtype=x.dtype)

    def _forward_general(self, x, target, ignore_index, reduction):
        a, denom = _coefficients(x.shape, 1, target, None, ignore_index, 0.0, reduction, x.dtype)
        self.a, self.denom = a, denom
        logp = _A.LogSoftmaxBackward0().forward(x, dim=1)
        return _reduce_rows(-(a * logp).sum(axis=1), reduction, denom, x.dtype)

    def backward(self, gy):
        if self._simple and not _state.enabled:
            g = self.p
            g[np.arange(g.shape[0]), self.target] -= 1
            if self.denom != 1.0:
                g /= self.denom
            self.p = None
            return gy * _make(g), None
        (x,) = self.saved_tensors
        p = _A.softmax(x, self.axis)
        if self._simple:
            a = np.zeros(x.shape, dtype=x._data.dtype)
            a[np.arange(a.shape[0]), self.target] = 1
            return (gy / float(self.denom)) * (p - _make(a)), None
        a = self.a
        rowsum = _make(a.sum(axis=self.axis, keepdims=True))
        g = _expand_gy(gy, self.reduction, self.axis, self.denom)
        return g * (p * rowsum - _make(a)), None


_CrossEntropyFused.__name__ = _CrossEntropyFused.__qualname__ = "NllLossBackward0"


def _prepare_class_loss(input, target, weight, name):
    axis = _class_axis_checks(input, target, name)
    if weight is not None:
        n_classes = input.shape[axis]
        if weight.dim() != 1 or weight.numel() != n_classes:
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} "
                               f"classes or no classes but got weight tensor of shape: "
                               f"{list(weight.shape)}")
    return axis


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class ``target`` under log-probabilities ``input``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input._data.dtype.kind != "f":
        from ..._ops.reduce import _DTYPE_WORDS
        name = input._data.dtype.name
        raise NotImplementedError(f'"nll_loss_out_frame" not implemented for '
                                  f"'{_DTYPE_WORDS.get(name, name)}' (nll_loss takes "
                                  "log-probabilities: a floating-point input)")
    axis = _prepare_class_loss(input, target, weight, "nll_loss")
    out = apply(NllLossBackward0, input, _make(target._data), weight=weight,
                ignore_index=ignore_index, reduction=reduction, axis=axis)
    return out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy between logits ``input`` and class indices or class probabilities.

    Args:
        input: logits ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``.
        target: class indices ``()``, ``(N,)``, ``(N, d1, ...)`` (integers), or probabilities
            with the input's shape (floats).
        weight: per-class rescaling ``(C,)``.
        ignore_index: a target value that contributes nothing (class indices only).
        label_smoothing: in [0, 1]; mixes the target with the uniform distribution.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if not isinstance(input, Tensor) or not isinstance(target, Tensor):
        raise TypeError(f"cross_entropy(): argument 'input' and 'target' must be Tensor, got "
                        f"{type(input).__name__} and {type(target).__name__}")
    xd, td = input._data, target._data
    if xd.ndim == 2 and td.ndim == 1 and td.dtype == np.int64 and xd.shape[0] == td.shape[0] \
            and weight is None and xd.dtype.kind == "f":
        return apply(_CrossEntropyFused, input, _make(td), ignore_index=ignore_index,
                     reduction=reduction, axis=1, label_smoothing=label_smoothing)
    if target._data.dtype.kind == "f" and target.shape == input.shape:
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    axis = _prepare_class_loss(input, target, weight, "cross_entropy")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"\"log_softmax_lastdim_kernel_impl\" not implemented for "
                           f"'{_dtype_name(input)}' (cross_entropy needs float logits)")
    return apply(_CrossEntropyFused, input, _make(target._data), weight=weight,
                 ignore_index=ignore_index, reduction=reduction, axis=axis,
                 label_smoothing=label_smoothing)


def _cross_entropy_probs(input, target, weight, reduction, label_smoothing):
    if target.shape != input.shape:
        raise RuntimeError(f"Expected floating point target (class probabilities) to have the "
                           f"same shape as the input {tuple(input.shape)}, got "
                           f"{tuple(target.shape)}; for class indices pass an integer (long) "
                           "target")
    axis = 0 if input.dim() == 1 else 1
    n_classes = input.shape[axis]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    logp = _A.log_softmax(input, axis)
    prod = logp * target
    if weight is not None:
        shape = [1] * input.dim()
        shape[axis] = n_classes
        prod = prod * weight.reshape(shape)
    rows = -prod.sum(axis)
    if reduction == "mean":
        n = input.numel() // n_classes
        return rows.sum() / n if input.dim() > 1 else rows.sum()
    return _reduce(rows, reduction)


# ---------------------------------------------------------------- binary and probabilistic


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """-(t log x + (1 - t) log(1 - x)), logs clamped at -100 as PyTorch."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input "
                         f"size ({input.size()}) is deprecated. Please ensure they have the same "
                         "size.")
    d = input._data
    if d.size and (np.min(d) < 0 or np.max(d) > 1):
        raise RuntimeError("all elements of input should be between 0 and 1")
    input, target = _as_float_pair(input, target, "binary_cross_entropy")
    log_x = E.log(input).clamp(min=-100)
    log_1mx = E.log(1 - input).clamp(min=-100)
    loss = -(target * log_x + (1 - target) * log_1mx)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE on logits, via log-sigmoid so large logits do not overflow."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    input, target = _as_float_pair(input, target, "binary_cross_entropy_with_logits")
    log_sig = _A.logsigmoid(input)
    log_1m_sig = _A.logsigmoid(-input)
    if pos_weight is not None:
        loss = -(pos_weight * target * log_sig + (1 - target) * log_1m_sig)
    else:
        loss = -(target * log_sig + (1 - target) * log_1m_sig)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL(target || exp(input)) pointwise: target * (log target - input)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.")
    if log_target:
        loss = E.exp(target) * (target - input)
    else:
        pos = _make(target._data > 0)
        safe = E.where(pos, target, _make(np.ones((), target._data.dtype)))
        loss = E.where(pos, target * (E.log(safe) - input), target * 0 - input * 0)
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() else 1)
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """Poisson negative log-likelihood (with Stirling's term when ``full``)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = E.exp(input) - target * input
    else:
        loss = input - target * E.log(input + eps)
    if full:
        t = target._data
        stirling = np.where(t > 1, t * np.log(np.where(t > 1, t, 1)) - t
                            + 0.5 * np.log(2 * np.pi * np.where(t > 1, t, 1)), 0)
        loss = loss + _make(stirling.astype(loss._data.dtype))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """0.5 * (log(var) + (input - target)^2 / var), var clamped at ``eps``."""
    if isinstance(var, (int, float)):
        var = _make(np.full(input._data.shape, var, dtype=input._data.dtype))
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    _check_reduction(reduction)
    if np.any(var._data < 0):
        raise ValueError("var has negative entry/entries")
    var_c = var.clamp(min=eps)
    loss = 0.5 * (E.log(var_c) + (input - target) ** 2 / var_c)
    if full:
        loss = loss + 0.5 * np.log(2 * np.pi)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------- margin and embedding losses


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.size()}, input2: {input2.size()}, "
                           f"target: {target.size()} ")
    return _reduce(E.relu(-target * (input1 - input2) + margin), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """x where target == 1, max(0, margin - x) where target == -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    t = target._data
    pos = _make((t == 1).astype(input._data.dtype))
    neg = _make((t == -1).astype(input._data.dtype))
    loss = input * pos + E.relu(margin - input) * neg
    return _reduce(loss, reduction)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """x1 . x2 / max(||x1|| * ||x2||, eps) along ``dim``."""
    dot = (x1 * x2).sum(dim)
    n1 = (x1 * x1).sum(dim)
    n2 = (x2 * x2).sum(dim)
    return dot / E.sqrt((n1 * n2).clamp(min=eps * eps))


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p along the last dimension."""
    d = x1 - x2 + eps
    if p == 2:
        return E.sqrt((d * d).sum(-1, keepdim=keepdim))
    if p == 1:
        return E.abs(d).sum(-1, keepdim=keepdim)
    return (E.abs(d) ** p).sum(-1, keepdim=keepdim) ** (1.0 / p)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    dim = input1.dim() - 1
    eps = 1e-12
    dot = (input1 * input2).sum(dim)
    mag = E.sqrt(((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps))
    cos = dot / mag
    t = target._data
    pos = _make((t == 1).astype(cos._data.dtype))
    neg = _make((t == -1).astype(cos._data.dtype))
    loss = (1 - cos) * pos + E.relu(cos - margin) * neg
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target * input))."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return _reduce(_A.softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    """Mean over classes of the binary cross entropy on logits."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    loss = -(target * _A.logsigmoid(input) + (1 - target) * _A.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(-1) / input.shape[-1]
    return _reduce(loss, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """sum_{j != y} max(0, margin - x[y] + x[j])^p / C per sample."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    t = target._data.reshape(-1)
    n, c = x.shape
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError(f"Target {int(t[(t < 0) | (t >= c)][0])} is out of bounds.")
    from ..._ops.shape import gather
    idx = _make(t.reshape(-1, 1).astype(np.int64))
    xy = gather(x, 1, idx)
    z = E.relu(x - xy + margin)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * _make(weight._data[t].reshape(-1, 1))
    not_target = np.ones((n, c), dtype=x._data.dtype)
    not_target[np.arange(n), t] = 0
    loss = (z * _make(not_target)).sum(1) / c
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with pairwise distances."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = E.minimum(d_neg, d_swap)
    return _reduce(E.relu(d_pos - d_neg + margin), reduction)
