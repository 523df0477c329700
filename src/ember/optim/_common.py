"""Helpers shared by the update functions: gradient preprocessing and PyTorch's lerp."""
from __future__ import annotations

import numpy as np

from .optimizer import _Scratch


def effective_grad(p: np.ndarray, g: np.ndarray, weight_decay: float, maximize: bool,
                   scratch: _Scratch) -> np.ndarray:
    """``-g`` if maximizing, plus ``weight_decay * p``; ``g`` itself when neither applies."""
    if not maximize and weight_decay == 0:
        return g
    d = scratch.get(p, 1)
    if weight_decay != 0:
        np.multiply(p, weight_decay, out=d)
        if maximize:
            np.subtract(d, g, out=d)
        else:
            np.add(d, g, out=d)
    else:
        np.negative(g, out=d)
    return d


def lerp_(start: np.ndarray, end: np.ndarray, weight: float, tmp: np.ndarray) -> None:
    """``start += weight * (end - start)`` rounded as PyTorch's lerp (two forms around 0.5)."""
    np.subtract(end, start, out=tmp)
    if weight < 0.5:
        tmp *= weight
        start += tmp
    else:
        tmp *= 1 - weight
        np.subtract(end, tmp, out=start)


def addcmul_sq_(acc: np.ndarray, g: np.ndarray, decay: float, value: float,
                tmp: np.ndarray) -> None:
    """``acc = acc * decay + value * g * g`` in PyTorch's rounding order."""
    np.multiply(g, value, out=tmp)
    tmp *= g
    acc *= decay
    acc += tmp
