"""Normalisation layers' functional forms, composed from Tensor ops (so every order of derivative
works): batch, instance, layer, group, RMS and local-response normalisation, and ``normalize``."""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
           "local_response_norm", "normalize"]


def _channel_shape(x: Tensor):
    return (1, -1) + (1,) * (x.ndim - 2)


def _update_running(running: Tensor, value: np.ndarray, momentum) -> None:
    """running <- (1 - momentum) * running + momentum * value, in place (a buffer, not a graph)."""
    arr = running._data
    arr *= 1.0 - momentum
    arr += momentum * value.astype(arr.dtype, copy=False)
    running._bump_version()


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05) -> Tensor:
    """Normalise each channel (dim 1) by batch statistics (training) or running ones (eval).

    In training the running statistics, when given, are updated in place with ``momentum``
    (the unbiased variance, as PyTorch does).
    """
    if input.ndim < 2:
        raise ValueError(f"Expected 2D or 3D input (got {input.ndim}D input)")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"batch_norm(): {name} should contain {c} elements not {t.numel()}"
                               f" (input of shape {list(input.shape)})")
    shape = _channel_shape(input)
    dims = (0,) + tuple(range(2, input.ndim))
    if training:
        count = input.numel() // c
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {input.shape!r}")
        mean = input.mean(dims, keepdim=True)
        centered = input - mean
        var = (centered * centered).mean(dims, keepdim=True)
        if running_mean is not None:
            _update_running(running_mean, mean._data.reshape(-1), momentum)
        if running_var is not None:
            unbiased = var._data.reshape(-1) * (count / (count - 1))
            _update_running(running_var, unbiased, momentum)
        y = centered * (var + eps).rsqrt()
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm(): running_mean and running_var must be defined in "
                               "evaluation mode (or pass training=True to use batch statistics)")
        inv = (running_var + eps).rsqrt()
        y = (input - running_mean.reshape(shape)) * inv.reshape(shape)
    return _affine(y, weight, bias, shape)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05) -> Tensor:
    """Normalise each (sample, channel) plane over its spatial dims."""
    shape = _channel_shape(input)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    dims = tuple(range(2, input.ndim))
    count = int(np.prod(input.shape[2:]))
    if count <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{input.shape!r}")
    mean = input.mean(dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dims, keepdim=True)
    if running_mean is not None:
        _update_running(running_mean, mean._data.mean(0).reshape(-1), momentum)
    if running_var is not None:
        unbiased = var._data.mean(0).reshape(-1) * (count / (count - 1))
        _update_running(running_var, unbiased, momentum)
    return _affine(centered * (var + eps).rsqrt(), weight, bias, shape)


def _norm_shape(name, input, normalized_shape):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(int(s) for s in normalized_shape)
    k = len(normalized_shape)
    if k == 0 or tuple(input.shape[input.ndim - k:]) != normalized_shape or input.ndim < k:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with "
                           f"shape [*, {', '.join(str(s) for s in normalized_shape)}], but got "
                           f"input of size{list(input.shape)}")
    return tuple(range(input.ndim - k, input.ndim))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dims, then scale and shift."""
    dims = _norm_shape("layer_norm", input, normalized_shape)
    mean = input.mean(dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dims, keepdim=True)
    y = centered * (var + eps).rsqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def rms_norm(input, normalized_shape, weight=None, eps=None) -> Tensor:
    """x / sqrt(mean(x**2) + eps) over the last dims; eps defaults to the dtype's epsilon."""
    dims = _norm_shape("rms_norm", input, normalized_shape)
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    y = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return y * weight if weight is not None else y


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05) -> Tensor:
    """Normalise channels in ``num_groups`` groups, each over its channels and spatial dims."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(input.shape)} and num_groups="
                           f"{num_groups}")
    x = input.reshape(n, num_groups, -1)
    mean = x.mean(-1, keepdim=True)
    centered = x - mean
    var = (centered * centered).mean(-1, keepdim=True)
    y = (centered * (var + eps).rsqrt()).reshape(input.shape)
    return _affine(y, weight, bias, _channel_shape(input))


def local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0) -> Tensor:
    """Divide each element by (k + alpha/size * sum of squares over ``size`` neighbouring
    channels) ** beta."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         "dimensions)")
    if input.numel() == 0:
        return input
    from .padding import pad
    sq = input * input
    c = input.shape[1]
    front, back = size // 2, (size - 1) // 2
    flat = sq.reshape(input.shape[0], c, -1)
    padded = pad(flat, (0, 0, front, back))
    total = padded[:, 0:c]
    for i in range(1, size):
        total = total + padded[:, i:i + c]
    div = (total.reshape(input.shape) * (alpha / size) + k).pow(beta)
    return input / div


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None) -> Tensor:
    """input / max(||input||_p along dim, eps)."""
    if p == 2:
        norm = (input * input).sum(dim, keepdim=True).sqrt()
    else:
        norm = input.abs().pow(p).sum(dim, keepdim=True).pow(1.0 / p)
    return input / norm.clamp(min=eps).expand_as(input)

