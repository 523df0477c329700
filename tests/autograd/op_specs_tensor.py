"""Op specs for the Tensor surface's order statistics, norms and composites (tests/tensor owner).

Same format as op_specs.py (names start with ``tensor_``; op_specs.py covers the basic sort/topk/median/mode/cummax cases). Inputs are continuous random values, so there are no ties and every
picked element is well defined under finite differences.
"""
from __future__ import annotations

import numpy as np

import ember as E
from op_specs import C, F, T, spec  # noqa: F401


def _lower_median(x, axis=None):
    if axis is None:
        s = np.sort(x.reshape(-1))
        return s[(s.size - 1) // 2]
    s = np.sort(x, axis=axis)
    return np.take(s, (x.shape[axis] - 1) // 2, axis=axis)


spec("tensor_msort", E.msort, [T(4, 2)], lambda x: np.sort(x, 0))
spec("tensor_topk_smallest_dim0", lambda x: x.topk(2, dim=0, largest=False).values, [T(4, 3)],
     lambda x: np.sort(x, 0)[:2])
spec("tensor_median_dim_keepdim", lambda x: x.median(0, keepdim=True)[0], [T(5, 2)],
     lambda x: _lower_median(x, 0)[None])
spec("tensor_norm_fro", E.norm, [T(3, 4)], lambda x: np.sqrt((x * x).sum()))
spec("tensor_norm_dim", lambda x: x.norm(dim=1, keepdim=True), [T(3, 4)],
     lambda x: np.sqrt((x * x).sum(1, keepdims=True)))
spec("tensor_norm_p3", lambda x: E.norm(x, p=3, dim=0), [T(3, 4, domain="away0")],
     lambda x: (np.abs(x) ** 3).sum(0) ** (1 / 3))
spec("tensor_norm_p1", lambda x: x.norm(1), [T(5, domain="away0")], lambda x: np.abs(x).sum())
spec("tensor_linalg_vector_norm", lambda x: E.linalg.vector_norm(x, dim=(0, 1)), [T(2, 3)],
     lambda x: np.sqrt((x * x).sum()))
spec("tensor_dist", E.dist, [T(3, 4), T(4)], lambda a, b: np.sqrt(((a - b) ** 2).sum()))
spec("tensor_diff", lambda x: E.diff(x, n=2, dim=0), [T(5, 3)], lambda x: np.diff(x, n=2, axis=0))
spec("tensor_logcumsumexp", lambda x: E.logcumsumexp(x, 1), [T(2, 4)],
     lambda x: np.log(np.cumsum(np.exp(x), 1)))
spec("tensor_nanmean", lambda x: E.nanmean(x, 1), [T(3, 4)], lambda x: x.mean(1))
spec("tensor_nansum", lambda x: x.nansum(), [T(3, 4)], np.sum)
spec("tensor_quantile", lambda x: E.quantile(x, E.tensor([0.25, 0.6], dtype=E.float64), dim=1),
     [T(3, 5)], lambda x: np.quantile(x, [0.25, 0.6], axis=1))
spec("tensor_quantile_scalar_all", lambda x: x.quantile(0.3), [T(7)], lambda x: np.quantile(x, 0.3))
