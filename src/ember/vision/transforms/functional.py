"""Functional image transforms (torchvision.transforms.functional) on tensors and arrays.

An image is one of:
- an ember Tensor ``(..., C, H, W)`` (or ``(H, W)``),
- a NumPy array ``(H, W)`` or ``(H, W, C)`` (what ember's data sets return),
- a PIL image, when Pillow is installed (converted to an array and back).
Each function returns the same kind it was given.
"""
from __future__ import annotations

import enum
import math
import numbers

import numpy as np

from ..._tensor import Tensor, _make

__all__ = ["InterpolationMode", "to_tensor", "normalize", "pad", "crop", "hflip", "vflip",
           "resize", "get_image_size", "get_dimensions"]


class InterpolationMode(enum.Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


def _is_pil(img) -> bool:
    return hasattr(img, "getbands") and hasattr(img, "mode")


def _check_image(img, op: str) -> None:
    if isinstance(img, Tensor):
        if img.dim() < 2:
            raise TypeError(f"{op}(): a tensor image needs at least 2 dims (..., H, W), "
                            f"got shape {tuple(img.shape)}")
    elif isinstance(img, np.ndarray):
        if img.ndim not in (2, 3):
            raise TypeError(f"{op}(): an array image must be (H, W) or (H, W, C), "
                            f"got shape {img.shape}")
    elif not _is_pil(img):
        raise TypeError(f"{op}(): img should be a Tensor, a NumPy array or a PIL Image. "
                        f"Got {type(img)}")


def _to_hw_last(img):
    """(array with H, W as axes 0, 1, a function turning such an array back into img's kind)."""
    if isinstance(img, Tensor):
        arr = img._data
        lead = arr.ndim - 2
        moved = np.moveaxis(arr, (-2, -1), (0, 1))
        return moved, lambda out: _make(np.ascontiguousarray(np.moveaxis(out, (0, 1), (lead, lead + 1))))
    if _is_pil(img):
        from PIL import Image
        mode = img.mode
        return np.asarray(img), lambda out: Image.fromarray(out, mode=mode)
    return img, lambda out: out


def get_dimensions(img) -> list:
    """[channels, height, width]."""
    _check_image(img, "get_dimensions")
    if isinstance(img, Tensor):
        shape = tuple(img.shape)
        return [shape[-3] if len(shape) > 2 else 1, shape[-2], shape[-1]]
    arr = np.asarray(img)
    return [arr.shape[2] if arr.ndim == 3 else 1, arr.shape[0], arr.shape[1]]


def get_image_size(img) -> list:
    """[width, height], as torchvision returns it."""
    _, h, w = get_dimensions(img)
    return [w, h]


def to_tensor(pic) -> Tensor:
    """An (H, W[, C]) image to a float tensor (C, H, W); uint8 values are scaled to [0, 1]."""
    if isinstance(pic, Tensor):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if _is_pil(pic):
        pic = np.asarray(pic)
    if not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if pic.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    arr = pic[:, :, None] if pic.ndim == 2 else pic
    chw = arr.transpose(2, 0, 1)
    from ... import _dtype
    default = _dtype.get_default_dtype().np
    if chw.dtype == np.uint8:
        out = np.multiply(chw, np.float32(1 / 255), dtype=default)
    elif chw.dtype.kind == "f":
        out = np.array(chw, dtype=chw.dtype, copy=True)
    else:
        out = np.array(chw, copy=True)
    return _make(np.ascontiguousarray(out))


def normalize(tensor: Tensor, mean, std, inplace: bool = False) -> Tensor:
    """(tensor - mean) / std per channel of a float tensor (..., C, H, W)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.dim() < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tuple(tensor.shape)}")
    dt = tensor._data.dtype
    mean_a = np.asarray(mean, dtype=dt).reshape(-1, 1, 1)
    std_a = np.asarray(std, dtype=dt).reshape(-1, 1, 1)
    if (std_a == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
                         "division by zero.")
    channels = tensor.shape[-3]
    if mean_a.shape[0] not in (1, channels) or std_a.shape[0] not in (1, channels):
        raise ValueError(f"normalize(): mean has {mean_a.shape[0]} and std {std_a.shape[0]} values "
                         f"but the image has {channels} channels (shape {tuple(tensor.shape)})")
    if inplace:
        tensor.sub_(_make(mean_a)).div_(_make(std_a))
        return tensor
    return (tensor - _make(mean_a)) / _make(std_a)


def _padding_lrtb(padding) -> tuple:
    if isinstance(padding, numbers.Number):
        p = int(padding)
        return p, p, p, p
    padding = [int(p) for p in padding]
    if len(padding) == 1:
        return padding[0], padding[0], padding[0], padding[0]
    if len(padding) == 2:
        return padding[0], padding[0], padding[1], padding[1]
    if len(padding) == 4:
        return padding[0], padding[2], padding[1], padding[3]
    raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    """Pad the borders: ``padding`` is an int, (left/right, top/bottom) or (left, top, right, bottom)."""
    _check_image(img, "pad")
    modes = {"constant": "constant", "edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}
    if padding_mode not in modes:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, right, top, bottom = _padding_lrtb(padding)
    arr, back = _to_hw_last(img)
    crop = [slice(max(-top, 0), arr.shape[0] - max(-bottom, 0)),
            slice(max(-left, 0), arr.shape[1] - max(-right, 0))]
    arr = arr[tuple(crop)]  # negative padding crops, as in torchvision
    widths = [(max(top, 0), max(bottom, 0)), (max(left, 0), max(right, 0))]
    widths += [(0, 0)] * (arr.ndim - 2)
    if padding_mode == "constant":
        fill_value = fill if isinstance(fill, numbers.Number) else 0
        out = np.pad(arr, widths, mode="constant", constant_values=fill_value)
        if not isinstance(fill, numbers.Number) and arr.ndim == 3 and not isinstance(img, Tensor):
            out = _fill_border(out, widths, fill)
    else:
        out = np.pad(arr, widths, mode=modes[padding_mode])
    return back(out)


def _fill_border(out: np.ndarray, widths, fill) -> np.ndarray:
    """A per-channel fill value for an (H, W, C) array."""
    mask = np.ones(out.shape[:2], dtype=bool)
    (t, b), (l, r) = widths[0], widths[1]
    mask[t:out.shape[0] - b, l:out.shape[1] - r] = False
    out[mask] = np.asarray(fill, dtype=out.dtype)
    return out


def crop(img, top: int, left: int, height: int, width: int):
    """The region of ``height`` x ``width`` at (top, left); outside the image is zero-filled."""
    _check_image(img, "crop")
    _, h, w = get_dimensions(img)
    if top < 0 or left < 0 or top + height > h or left + width > w:
        padded = pad(img, [max(-left, 0), max(-top, 0), max(left + width - w, 0),
                           max(top + height - h, 0)])
        return crop(padded, max(top, 0), max(left, 0), height, width)
    if isinstance(img, Tensor):
        return img[..., top:top + height, left:left + width]
    arr, back = _to_hw_last(img)
    return back(np.ascontiguousarray(arr[top:top + height, left:left + width]))


def hflip(img):
    """Mirror left-right."""
    _check_image(img, "hflip")
    if isinstance(img, Tensor):
        return img.flip(-1)
    arr, back = _to_hw_last(img)
    return back(np.ascontiguousarray(arr[:, ::-1]))


def vflip(img):
    """Mirror top-bottom."""
    _check_image(img, "vflip")
    if isinstance(img, Tensor):
        return img.flip(-2)
    arr, back = _to_hw_last(img)
    return back(np.ascontiguousarray(arr[::-1]))


def _output_size(h: int, w: int, size, max_size) -> tuple:
    if isinstance(size, numbers.Number) or (isinstance(size, (list, tuple)) and len(size) == 1):
        requested = int(size if isinstance(size, numbers.Number) else size[0])
        short, long = (h, w) if h <= w else (w, h)
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                                 f"requested size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_short, new_long) if h <= w else (new_long, new_short)
    if max_size is not None:
        raise ValueError("max_size should only be passed if size specifies the length of the "
                         "smaller edge, i.e. size should be an int or a sequence of length 1")
    return int(size[0]), int(size[1])


def _filter(mode: InterpolationMode):
    if mode == InterpolationMode.BILINEAR:
        return 1.0, lambda x: np.clip(1.0 - np.abs(x), 0.0, None)
    if mode == InterpolationMode.BICUBIC:
        a = -0.5

        def cubic(x):
            x = np.abs(x)
            near = ((a + 2) * x - (a + 3)) * x * x + 1
            far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
            return np.where(x <= 1, near, np.where(x < 2, far, 0.0))
        return 2.0, cubic
    raise ValueError(f"resize(): unsupported interpolation {mode}")


def _resample_matrix(n_in: int, n_out: int, mode: InterpolationMode, antialias: bool) -> np.ndarray:
    """(n_out, n_in) weights mapping pixel centres, widened when shrinking (as PIL does)."""
    scale = n_in / n_out
    centres = (np.arange(n_out) + 0.5) * scale
    if mode in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        if mode == InterpolationMode.NEAREST:
            src = np.floor(np.arange(n_out) * scale).astype(np.int64)
        else:
            src = np.floor(centres).astype(np.int64)
        m = np.zeros((n_out, n_in))
        m[np.arange(n_out), np.clip(src, 0, n_in - 1)] = 1.0
        return m
    support, kernel = _filter(mode)
    stretch = max(scale, 1.0) if antialias else 1.0
    reach = support * stretch
    lo = np.floor(centres - reach).astype(np.int64)
    taps = int(math.ceil(2 * reach)) + 2
    idx = lo[:, None] + np.arange(taps)[None, :]
    weights = kernel((idx + 0.5 - centres[:, None]) / stretch)
    valid = (idx >= 0) & (idx < n_in)
    weights = np.where(valid, weights, 0.0)
    weights /= weights.sum(axis=1, keepdims=True)
    m = np.zeros((n_out, n_in))
    rows = np.repeat(np.arange(n_out), taps)
    np.add.at(m, (rows, np.clip(idx, 0, n_in - 1).ravel()), weights.ravel())
    return m


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the smaller edge keeping the aspect ratio)."""
    _check_image(img, "resize")
    if isinstance(interpolation, str):
        interpolation = InterpolationMode(interpolation)
    _, h, w = get_dimensions(img)
    out_h, out_w = _output_size(h, w, size, max_size)
    if (out_h, out_w) == (h, w):
        return img
    arr, back = _to_hw_last(img)
    mh = _resample_matrix(h, out_h, interpolation, bool(antialias))
    mw = _resample_matrix(w, out_w, interpolation, bool(antialias))
    work = arr.astype(np.float64 if arr.dtype == np.float64 else np.float32)
    rest = work.shape[2:]
    flat = work.reshape(h, w, -1)
    out = np.einsum("oh,hwc,pw->opc", mh.astype(work.dtype), flat, mw.astype(work.dtype))
    out = out.reshape((out_h, out_w) + rest)
    if arr.dtype.kind in "iub":
        info = np.iinfo(arr.dtype) if arr.dtype.kind != "b" else None
        out = np.round(out)
        if info is not None:
            out = np.clip(out, info.min, info.max)
        out = out.astype(arr.dtype)
    else:
        out = out.astype(arr.dtype)
    return back(out)
