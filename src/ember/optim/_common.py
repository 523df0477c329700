"""Helpers shared by the update functions: gradient preprocessing and PyTorch's lerp."""
from __future__ import annotations

import numpy as np

from .optimizer import _Scratch


# Large tensors are updated in blocks of this many elements, so the temporaries of a
# many-pass update (Adam makes 13 NumPy passes) stay in the core's L2 cache; the passes then
# cost cache bandwidth instead of memory bandwidth. Elementwise, so results are unchanged.
BLOCK = 65536


def for_blocks(kernel, arrays: tuple, n_tmp: int, scratch: _Scratch, *args) -> None:
    """``kernel(*arrays, *temporaries, *args)`` on the whole arrays or on aligned blocks.

    ``arrays[0]`` is the parameter; entries may be None (an absent optional state).
    """
    p = arrays[0]
    n = p.size
    if n <= 2 * BLOCK or not all(a is None or a.flags.c_contiguous for a in arrays):
        kernel(*arrays, *[scratch.get(p, k) for k in range(1, n_tmp + 1)], *args)
        return
    flats = [None if a is None else a.reshape(-1) for a in arrays]
    full = [scratch.flat(BLOCK, p.dtype, k) for k in range(1, n_tmp + 1)]
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        tmps = full if stop - start == BLOCK else [b[:stop - start] for b in full]
        kernel(*[None if f is None else f[start:stop] for f in flats], *tmps, *args)


def grad_into(p: np.ndarray, g: np.ndarray, weight_decay: float, maximize: bool,
              d: np.ndarray) -> np.ndarray:
    """``-g`` if maximizing, plus ``weight_decay * p`` (in ``d``); ``g`` when neither applies."""
    if not maximize and weight_decay == 0:
        return g
    if weight_decay != 0:
        np.multiply(p, weight_decay, out=d)
        if maximize:
            np.subtract(d, g, out=d)
        else:
            np.add(d, g, out=d)
    else:
        np.negative(g, out=d)
    return d


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
