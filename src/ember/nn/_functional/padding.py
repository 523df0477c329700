"""Padding, resampling and channel rearrangement: ``pad`` in every mode, ``interpolate``
(nearest, linear, bilinear, trilinear), pixel and channel shuffles."""
from __future__ import annotations

import math

import numpy as np

from ..._tensor import Tensor, _make
from ...autograd.graph import Node, apply

__all__ = ["pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
           "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle"]


class ConstantPadNdBackward0(Node):
    """Constant padding (negative amounts crop); the gradient is the matching slice of gy."""

    def forward(self, x, pairs=(), value=0.0):
        self.pairs = pairs
        nd = len(pairs)
        lead = x.shape[:x.ndim - nd]
        crop = tuple(slice(max(0, -a), s - max(0, -b)) for (a, b), s in
                     zip(pairs, x.shape[x.ndim - nd:]))
        x = x[(Ellipsis,) + crop]
        shape = lead + tuple(s + max(0, a) + max(0, b) for (a, b), s in
                             zip(pairs, x.shape[x.ndim - nd:]))
        out = np.full(shape, value, dtype=x.dtype)
        out[(Ellipsis,) + tuple(slice(max(0, a), max(0, a) + s) for (a, _), s in
                                zip(pairs, x.shape[x.ndim - nd:]))] = x
        return out

    def backward(self, gy):
        neg = tuple((-a, -b) for a, b in self.pairs)
        return apply(ConstantPadNdBackward0, gy, pairs=neg, value=0.0)


def _pad_pairs(pad_arg, ndim):
    if len(pad_arg) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad_arg) // 2
    if n > ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad_arg)} and input of "
                           f"dimension {ndim}")
    pairs = [(int(pad_arg[2 * i]), int(pad_arg[2 * i + 1])) for i in range(n)]
    return tuple(reversed(pairs))        # first pair now belongs to the earliest padded dim


def _index_for(mode, size, left, right, dim, shape):
    pos = np.arange(-left, size + right)
    if mode == "reflect":
        if left >= size or right >= size:
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                               f"input dimension, but got: padding ({left}, {right}) at dimension "
                               f"{dim} of input {list(shape)}")
        period = 2 * (size - 1) if size > 1 else 1
        pos = np.abs(pos) % period
        pos = np.where(pos >= size, period - pos, pos)
    elif mode == "replicate":
        pos = np.clip(pos, 0, size - 1)
    else:
        if left > size or right > size:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        pos = pos % size
    return pos


def pad(input, pad, mode="constant", value=None) -> Tensor:
    """Pad the last dims: ``pad=(left, right, top, bottom, ...)`` starts from the last dim.

    Modes: ``'constant'`` (with ``value``), ``'reflect'``, ``'replicate'``, ``'circular'``.
    """
    pairs = _pad_pairs(tuple(pad), input.ndim)
    if mode == "constant":
        return apply(ConstantPadNdBackward0, input, pairs=pairs,
                     value=0.0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise ValueError(f'Padding mode "{mode}" doesn\'t take in value argument')
    nd = len(pairs)
    if not (input.ndim - 1 <= nd + 1 <= input.ndim or input.ndim == nd + 1):
        raise NotImplementedError(f"Only 2D, 3D, 4D, 5D padding with non-constant padding are "
                                  f"supported for now (input of shape {list(input.shape)}, "
                                  f"pad of length {len(pad)})")
    out = input
    for i, (left, right) in enumerate(pairs):
        dim = input.ndim - nd + i
        if left == 0 and right == 0:
            continue
        idx = _index_for(mode, input.shape[dim], left, right, dim, input.shape)
        key = (slice(None),) * dim + (_make(idx.astype(np.int64)),)
        out = out[key]
    return out


# ---------------------------------------------------------------- interpolation


def _scales(input, size, scale_factor, nd, recompute):
    spatial = tuple(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        out = tuple(size) if isinstance(size, (list, tuple)) else (size,) * nd
        if len(out) != nd:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, "
                             f"but got input with spatial dimensions of {list(spatial)} and output "
                             f"size of {list(out)}. Please provide input tensor in (N, C, d1, d2, "
                             f"...,dK) format and output size in (o1, o2, ...,oK) format.")
        return tuple(int(o) for o in out), tuple(i / o for i, o in zip(spatial, out))
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    sf = tuple(scale_factor) if isinstance(scale_factor, (list, tuple)) else (scale_factor,) * nd
    out = tuple(int(math.floor(i * s)) for i, s in zip(spatial, sf))
    if recompute:
        return out, tuple(i / o for i, o in zip(spatial, out))
    return out, tuple(1.0 / s for s in sf)


def _linear_axis(x, axis, size_in, size_out, scale, align_corners):
    dst = np.arange(size_out, dtype=np.float64)
    if align_corners:
        src = dst * ((size_in - 1) / (size_out - 1)) if size_out > 1 else dst * 0
    else:
        src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), size_in - 1)
    i1 = np.minimum(i0 + 1, size_in - 1)
    lam = (src - i0).astype(x._data.dtype)
    shape = [1] * x.ndim
    shape[axis] = size_out
    lam = lam.reshape(shape)
    pre = (slice(None),) * axis
    a = x[pre + (_make(i0),)]
    b = x[pre + (_make(i1),)]
    return a * _make(1 - lam) + b * _make(lam)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False) -> Tensor:
    """Resample the spatial dims (N, C, *spatial) to ``size`` or by ``scale_factor``."""
    nd = input.ndim - 2
    if nd < 1:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                         f"{input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | "
                         f"trilinear | area | nearest-exact (got {mode})")
    linear_modes = {"linear": 1, "bilinear": 2, "trilinear": 3}
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif mode in linear_modes:
        if linear_modes[mode] != nd:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                      f"{linear_modes[mode] + 2}D input")
    else:
        raise NotImplementedError(f"ember does not implement interpolate mode '{mode}' yet")
    if antialias:
        raise NotImplementedError("ember does not implement antialias=True yet")
    out_size, scales = _scales(input, size, scale_factor, nd, recompute_scale_factor)
    if mode == "area":
        from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[nd - 1](input,
                                                                                        out_size)
    x = input
    for i in range(nd):
        axis = 2 + i
        n_in, n_out = input.shape[axis], out_size[i]
        if mode in linear_modes:
            x = _linear_axis(x, axis, n_in, n_out, scales[i], bool(align_corners))
            continue
        dst = np.arange(n_out, dtype=np.float64)
        if mode == "nearest":
            src = np.floor(dst * scales[i])
        else:
            src = np.floor((dst + 0.5) * scales[i])
        idx = np.minimum(src.astype(np.int64), n_in - 1)
        x = x[(slice(None),) * axis + (_make(idx),)]
    return x


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------- shuffles


def pixel_shuffle(input, upscale_factor) -> Tensor:
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible "
                           f"by the square of upscale_factor, but input.size(-3)={c} is not "
                           f"divisible by {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor) -> Tensor:
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor, but input.size(-2)={h} and input.size(-1)={w} are "
                           f"not both divisible by {r}")
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input, groups) -> Tensor:
    """Interleave channels of ``groups`` groups: (N, g*k, ...) -> (N, k*g, ...)."""
    n, c = input.shape[0], input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and "
                           f"{groups} groups.")
    rest = tuple(input.shape[2:])
    x = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle
