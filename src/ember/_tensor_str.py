"""PyTorch's printed form of a tensor: ``tensor([[1.0000, 2.5000], ...], dtype=ember.float64)``."""
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
    """As ``torch.set_printoptions``; ``profile`` is 'default', 'short' or 'full'."""
    if profile == "default":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, 1000
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
    elif profile == "short":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 2, 1000
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 80
    elif profile == "full":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, math.inf
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
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
    """Chooses one format for all printed elements, as PyTorch does: fixed, integer-valued or sci."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        if not self.floating:
            strs = [str(v) for v in values.reshape(-1).tolist()]
            self.max_width = max((len(s) for s in strs), default=1)
            return
        finite = values[np.isfinite(values)].astype(np.float64)
        nonzero = np.abs(finite[finite != 0])
        if nonzero.size == 0:
            self.max_width = max((len(self._fmt(v)) for v in values.reshape(-1).tolist()), default=1)
            return
        lo, hi = nonzero.min(), nonzero.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if self.int_mode:
            if hi / lo > 1000.0 or hi > 1.0e8:
                self.sci_mode = True
        elif hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4:
            self.sci_mode = True
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode
        self.max_width = max((len(self._fmt(v)) for v in values.reshape(-1).tolist()), default=1)

    def _fmt(self, v) -> str:
        if not self.floating:
            return str(v)
        if not math.isfinite(v):
            return str(v).lower() if math.isnan(v) else ("inf" if v > 0 else "-inf")
        p = PRINT_OPTS.precision
        if self.sci_mode:
            return f"{v:.{p}e}"
        if self.int_mode:
            return f"{v:.0f}."
        return f"{v:.{p}f}"

    def format(self, v) -> str:
        return self._fmt(v).rjust(self.max_width)


def _summarized_values(a: np.ndarray, edge: int) -> np.ndarray:
    """The elements that will be printed when summarising (edges of each dim)."""
    if a.ndim == 0:
        return a.reshape(1)
    if a.shape[0] > 2 * edge:
        parts = [a[:edge], a[-edge:]]
    else:
        parts = [a]
    return np.concatenate([_summarized_values(p[i], edge).reshape(-1)
                           for p in parts for i in range(p.shape[0])]) if a.ndim > 1 else \
        np.concatenate(parts)


def _vector(a: np.ndarray, fmt: _Formatter, indent: int, summarize: bool) -> str:
    edge = PRINT_OPTS.edgeitems
    width = fmt.max_width + 2
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / width))
    if summarize and a.shape[0] > 2 * edge:
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
    if summarize and a.shape[0] > 2 * edge:
        rows = [_block(a[i], fmt, indent + 1, summarize) for i in range(edge)] + ["..."] + \
               [_block(a[i], fmt, indent + 1, summarize) for i in range(a.shape[0] - edge, a.shape[0])]
    else:
        rows = [_block(a[i], fmt, indent + 1, summarize) for i in range(a.shape[0])]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(rows) + "]"


def _body(a: np.ndarray, indent: int) -> str:
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    values = _summarized_values(a, PRINT_OPTS.edgeitems) if summarize else a
    if a.dtype == np.float16:
        values = values.astype(np.float32)
        a = a.astype(np.float32)
    if a.dtype == np.bool_:
        fmt = _Formatter(values)
    else:
        fmt = _Formatter(values)
    return _block(a, fmt, indent, summarize)


def tensor_repr(t, prefix: str = "tensor(") -> str:
    a = t._data
    indent = len(prefix)
    body = _body(a, indent)
    suffixes = []
    if a.size == 0 and a.ndim != 1:
        suffixes.append(f"size={tuple(a.shape)}")
    dt = t.dtype
    default = _dtype.get_default_dtype()
    show_dtype = not (dt is default or dt is _dtype.int64 or dt is _dtype.bool)
    if show_dtype:
        suffixes.append(f"dtype={dt!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    text = prefix + body
    if suffixes:
        sep = ", "
        # PyTorch moves suffixes onto a new line when the last line would be too long.
        last = text.rsplit("\n", 1)[-1]
        tail = ", ".join(suffixes)
        if len(last) + len(tail) + 2 > PRINT_OPTS.linewidth:
            sep = ",\n" + " " * indent
        text += sep + tail
    return text + ")"
