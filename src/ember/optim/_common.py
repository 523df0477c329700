"""Helpers shared by the update functions: gradient preprocessing and PyTorch's lerp."""
from __future__ import annotations

import numpy as np

from .._tensor import _make
from .optimizer import _Scratch


# Large tensors are updated in blocks of this many elements, so the temporaries of a
# many-pass update (Adam makes 13 NumPy passes) stay in the core's L2 cache; the passes then
# cost cache bandwidth instead of memory bandwidth. Elementwise, so results are unchanged.
# Below BLOCKED_FROM elements the arrays sit in L2/L3 anyway and the per-block calls cost more.
BLOCK = 32768
BLOCKED_FROM = 8 * BLOCK


def for_blocks(kernel, arrays: tuple, n_tmp: int, scratch: _Scratch, *args) -> None:
    """``kernel(*arrays, *temporaries, *args)`` on the whole arrays or on aligned blocks.

    ``arrays[0]`` is the parameter; entries may be None (an absent optional state).
    """
    p = arrays[0]
    n = p.size
    if n <= BLOCKED_FROM or not all(a is None or a.flags.c_contiguous for a in arrays):
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


class FlatGroup:
    """The multi-tensor path: one flat buffer per state key for all parameters of a group.

    Each parameter's state tensor is a view into the flat buffer, so an update runs each NumPy
    pass once over the group instead of once per parameter (PyTorch's ``foreach``). Gradients
    are gathered into a flat buffer and the update is scattered back with one add per tensor.
    """

    def __init__(self, params: list, states: list, keys: tuple) -> None:
        dtype = params[0].dtype
        sizes = [p.size for p in params]
        n = sum(sizes)
        self.ids = None
        self.bufs = {k: np.empty(n, dtype) for k in keys}
        self.grad = np.empty(n, dtype)
        self.tmp = np.empty(n, dtype)
        self.tmp2 = np.empty(n, dtype)
        self.grad_views, self.tmp_views = [], []
        offset = 0
        for p, s, size in zip(params, states, sizes):
            part = slice(offset, offset + size)
            self.grad_views.append(self.grad[part].reshape(p.shape))
            self.tmp_views.append(self.tmp[part].reshape(p.shape))
            for k in keys:
                view = self.bufs[k][part].reshape(p.shape)
                view[...] = s[k]._data
                s[k] = _make(view)
            offset += size

    def owns(self, states: list) -> bool:
        bufs = self.bufs
        return all(s[k]._data.base is buf for s in states for k, buf in bufs.items())

    def gather(self, grads: list) -> np.ndarray:
        for view, g in zip(self.grad_views, grads):
            np.copyto(view, g)
        return self.grad

    def scatter_add(self, params: list) -> None:
        """``p += update`` for each parameter, the update being in ``self.tmp``."""
        for p, view in zip(params, self.tmp_views):
            p += view


def flat_group(cache: dict, group: dict, params: list, states: list,
               keys: tuple) -> FlatGroup:
    """The group's FlatGroup, rebuilt when its parameters or state arrays changed."""
    ids = tuple(map(id, params))
    fg = cache.get(id(group))
    if fg is None or fg.ids != ids or not fg.owns(states):
        fg = FlatGroup(params, states, keys)
        fg.ids = ids
        cache[id(group)] = fg
    return fg


def flat_members(group: dict, params: list) -> list:
    """Indices of the parameters the multi-tensor path takes: all of them with
    ``foreach=True``; with None the small ones (large ones update faster block by block)."""
    foreach = group.get("foreach")
    if foreach is False or len(params) < 2:
        return []
    if foreach:
        return list(range(len(params)))
    small = [i for i, p in enumerate(params) if p.size <= BLOCK]
    return small if len(small) >= 2 else []


def same_steps(states: list) -> "float | None":
    """Bump every ``state['step']``; the new common step, or None (nothing bumped) if they differ."""
    steps = [s["step"]._data for s in states]
    first = float(steps[0])
    for st in steps:
        if float(st) != first:
            return None
    for st in steps:
        st += 1
    return float(steps[0])
