"""Dropout in its flavours: masks are drawn from ember's default generator, never NumPy's."""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor, _make
from ...random import _gen

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(shape, p, dtype):
    """A {0, 1/(1-p)} mask (all zeros when p == 1)."""
    if p == 1.0:
        return np.zeros(shape, dtype=dtype)
    keep = _gen(None).random(shape, dtype=np.float32 if dtype == np.float16 else dtype) >= p
    return keep.astype(dtype) * np.asarray(1.0 / (1.0 - p), dtype=dtype)


def _apply_mask(input, mask, inplace):
    m = _make(mask)
    if inplace:
        return input.mul_(m)
    return input * m


def dropout(input, p=0.5, training=True, inplace=False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (training only)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _apply_mask(input, _keep_mask(input.shape, p, input._data.dtype), inplace)


def _feature_dropout(name, nd, input, p, training, inplace):
    _check_p(p)
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D input, but received a "
                           f"{input.ndim}D input. Note that {name} exists to provide channel-wise "
                           f"dropout on inputs with {nd} spatial dimension(s).")
    if not training or p == 0.0:
        return input
    lead = input.ndim - nd
    shape = tuple(input.shape[:lead]) + (1,) * nd
    return _apply_mask(input, _keep_mask(shape, p, input._data.dtype), inplace)


def dropout1d(input, p=0.5, training=True, inplace=False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) input."""
    return _feature_dropout("dropout1d", 1, input, p, training, inplace)


def dropout2d(input, p=0.5, training=True, inplace=False) -> Tensor:
    """Zero whole channels of (N, C, H, W) or (C, H, W) input."""
    if input.ndim not in (3, 4):
        import warnings
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is "
                      "deprecated and will result in an error in a future release.", UserWarning)
        _check_p(p)
        if not training or p == 0.0:
            return input
        shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
        return _apply_mask(input, _keep_mask(shape, p, input._data.dtype), inplace)
    return _feature_dropout("dropout2d", 2, input, p, training, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input."""
    return _feature_dropout("dropout3d", 3, input, p, training, inplace)


def _alpha(input, p, training, mask_shape):
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    dt = input._data.dtype
    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    keep = (_gen(None).random(mask_shape) >= p).astype(dt)
    a = (1.0 / np.sqrt((alpha_p * alpha_p * p + 1) * (1 - p)))
    b = -a * alpha_p * p
    # y = a * (x * keep + alpha_p * (1 - keep)) + b
    scale = _make((a * keep).astype(dt))
    shift = _make((a * alpha_p * (1 - keep) + b).astype(dt))
    return input * scale + shift


def alpha_dropout(input, p=0.5, training=False, inplace=False) -> Tensor:
    """Dropout that keeps SELU's zero mean and unit variance."""
    return _alpha(input, p, training, tuple(input.shape))


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False) -> Tensor:
    """Alpha dropout of whole channels."""
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _alpha(input, p, training, shape)
