"""PyTorch's printed form of a tensor: ``tensor([[1.0000, 2.5000], ...], dtype=ember.float64)``.

The rules follow PyTorch's documented output: one format for all printed elements (integer-valued,
fixed with ``precision`` digits, or scientific), chosen from the nonzero finite values; rows wrap
at ``linewidth``; tensors with more than ``threshold`` elements print ``edgeitems`` per edge.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _dtype

__all__ = ["set_printoptions", "get_printoptions", "tensor_repr", "type_name"]


@dataclass
class _Options:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _Options()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    """As ``torch.set_printoptions``; ``profile`` is 'default', 'short' or 'full'.

    As in PyTorch, ``sci_mode`` is reset to ``None`` (automatic) unless given.
    """
    if profile is not None:
        if profile not in ("default", "short", "full"):
            raise ValueError(f"set_printoptions: profile must be 'default', 'short' or 'full', "
                             f"got {profile!r}")
        PRINT_OPTS.precision = 2 if profile == "short" else 4
        PRINT_OPTS.threshold = math.inf if profile == "full" else 1000
        PRINT_OPTS.edgeitems = 2 if profile == "short" else 3
        PRINT_OPTS.linewidth = 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    return dict(vars(PRINT_OPTS))


def type_name(t) -> str:
    from ._creation import type_name_of
    return "torch." + type_name_of(t.dtype)


class _Formatter:
    """One element format for a whole tensor: integer-valued (``3.``), fixed or scientific.

    The choice and the column width come from the nonzero finite values only, so zeros, nan and
    inf never widen a column (PyTorch prints ``tensor([nan, 1., inf])``).
    """

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            if flat.size:
                self.max_width = max(len(str(v)) for v in flat.tolist())
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size:
            self._choose(finite)

    def _choose(self, finite: np.ndarray) -> None:
        magnitude = np.abs(finite)
        lo, hi = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        vals = finite.tolist()
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{p}e}") for v in vals)
        elif self.int_mode:
            self.max_width = max(len(f"{v:.0f}") + 1 for v in vals)
        else:
            self.max_width = max(len(f"{v:.{p}f}") for v in vals)

    def format(self, v) -> str:
        if not self.floating:
            text = str(v)
        elif self.sci_mode:
            text = f"{v:{self.max_width}.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            text = f"{v:.0f}"
            if math.isfinite(v):
                text += "."
        else:
            text = f"{v:.{PRINT_OPTS.precision}f}"
        return text.rjust(self.max_width)


def _summarized(a: np.ndarray, edge: int) -> np.ndarray:
    """Only the elements that a summarised print shows (the edges of every dim)."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:edge], a[-edge:]]) if a.shape[0] > 2 * edge else a
    if not edge:
        return a[(slice(0, 0),) * a.ndim]
    rows = list(range(edge)) + list(range(a.shape[0] - edge, a.shape[0])) \
        if a.shape[0] > 2 * edge else range(a.shape[0])
    return np.stack([_summarized(a[i], edge) for i in rows])


def _vector(a: np.ndarray, fmt: _Formatter, indent: int, summarize: bool) -> str:
    edge = PRINT_OPTS.edgeitems
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.max_width + 2)))
    if summarize and not edge:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = [fmt.format(v) for v in a[:edge].tolist()] + [" ..."] + \
                [fmt.format(v) for v in a[-edge:].tolist()]
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _block(a: np.ndarray, fmt: _Formatter, indent: int, summarize: bool) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, fmt, indent, summarize)
    edge = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * edge:
        rows = [_block(a[i], fmt, indent + 1, summarize) for i in range(edge)] + ["..."] + \
               [_block(a[i], fmt, indent + 1, summarize) for i in range(n - edge, n)]
    else:
        rows = [_block(a[i], fmt, indent + 1, summarize) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _body(a: np.ndarray, indent: int) -> str:
    if a.size == 0:
        return "[]"
    if a.dtype == np.float16:
        a = a.astype(np.float32)
    summarize = a.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(a, PRINT_OPTS.edgeitems) if summarize else a)
    return _block(a, fmt, indent, summarize)


def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """Append ``, dtype=...`` etc., each on a new line when it would pass ``linewidth``."""
    parts = [text]
    # PyTorch counts the last line two characters longer than it is; we keep its arithmetic.
    last = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, prefix: str = "tensor(") -> str:
    a = t._data
    indent = len(prefix)
    suffixes = []
    dt = t.dtype
    usual = dt is _dtype.get_default_dtype() or dt is _dtype.int64 or dt is _dtype.bool
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dt is not _dtype.get_default_dtype():
            suffixes.append(f"dtype={dt!r}")
    elif not usual:
        suffixes.append(f"dtype={dt!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + _body(a, indent), suffixes, indent)
