"""Named tuples returned by ops with several results, as ``torch.return_types``.

``ember.max(x, 1)`` returns ``ember.return_types.max(values=..., indices=...)``: a tuple that
unpacks as ``values, indices`` and prints as PyTorch's does.
"""
from __future__ import annotations

import collections

__all__ = ["max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax",
           "cummin", "aminmax"]


def _structseq(name: str, fields=("values", "indices")):
    base = collections.namedtuple(name, fields)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"ember.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": __name__})
    return cls


max = _structseq("max")
min = _structseq("min")
sort = _structseq("sort")
topk = _structseq("topk")
kthvalue = _structseq("kthvalue")
median = _structseq("median")
nanmedian = _structseq("nanmedian")
mode = _structseq("mode")
cummax = _structseq("cummax")
cummin = _structseq("cummin")
aminmax = _structseq("aminmax", ("min", "max"))
