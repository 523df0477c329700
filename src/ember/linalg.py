"""ember.linalg: norms, inverse, determinant and solve, differentiable."""
from __future__ import annotations

import numpy as np

from ._tensor import Tensor, _make
from .autograd.graph import Node, apply


from ._ops.stats import vector_norm  # noqa: E402  (one definition, shared with ember.norm)


class LinAlgError(RuntimeError):
    """A linear-algebra failure (a singular matrix...), as ``torch.linalg.LinAlgError``."""


_INF = float("inf")


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """Matrix norms over the two dims ``dim``: 'fro', 'nuc', 1, -1, inf, -inf, 2, -2."""
    from ._ops.reduce import amax, amin, sum
    from ._tensor import _wrap_dim
    if dtype is not None:
        A = A.to(dtype)
    if A.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 "
                           f"dimensions, got shape {list(A.shape)}")
    if isinstance(dim, int) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    d0, d1 = (_wrap_dim(d, A.ndim) for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in (1, -1, _INF, -_INF):
        # 1: largest column sum of |A|; inf: largest row sum (min for the negative orders).
        summed, picked = (d0, d1) if abs(ord) == 1 else (d1, d0)
        out = (amax if ord > 0 else amin)(sum(A.abs(), summed, keepdim=True), picked, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    if ord in ("nuc", 2, -2):
        from .autograd.grad_mode import is_grad_enabled
        if A.requires_grad and is_grad_enabled():
            raise RuntimeError(f"linalg.matrix_norm: ember does not differentiate ord={ord!r} "
                               "(it needs an SVD) yet; compute it under ember.no_grad() or use "
                               "ord='fro'")
        out = np.linalg.norm(A._data, ord, axis=(d0, d1), keepdims=keepdim)
        return _make(np.asarray(out, dtype=A._data.dtype))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """``vector_norm`` for 1-D input or an int ``dim``, ``matrix_norm`` for 2-D or a 2-tuple."""
    if dtype is not None:
        A = A.to(dtype)
    two_dims = (dim is None and A.ndim == 2) or (isinstance(dim, (tuple, list)) and len(dim) == 2)
    if isinstance(ord, str) or (ord is not None and two_dims):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim)


def _square(A: Tensor, op: str):
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{op}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim >= 2 else 1} by {A.shape[-1]} matrices")


class LinalgInvExBackward0(Node):
    save_outputs = (0,)

    def forward(self, a):
        try:
            return np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.inv: The diagonal element 1 is zero, the inversion could not "
                               "be completed because the input matrix is singular.") from None

    def backward(self, gy):
        (inv,) = self.saved_tensors
        return -(inv.mT @ gy @ inv.mT)


def inv(A):
    _square(A, "inv")
    return apply(LinalgInvExBackward0, A)


class LinalgDetBackward0(Node):
    save_inputs = (0,)
    save_outputs = (0,)

    def forward(self, a):
        return np.linalg.det(a)

    def backward(self, gy):
        a, det = self.saved_tensors
        return (gy * det).unsqueeze(-1).unsqueeze(-1) * inv(a).mT


def det(A):
    _square(A, "det")
    return apply(LinalgDetBackward0, A)


def solve(A, B, *, left=True):
    _square(A, "solve")
    if not left:
        return solve(A.mT, B.mT).mT
    vector = B.ndim == A.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    if A.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({A.shape[-2]}x{A.shape[-1]} and {b.shape[-2]}x{b.shape[-1]})")
    out = inv(A) @ b
    return out.squeeze(-1) if vector else out


def matrix_power(A, n):
    _square(A, "matrix_power")
    if n < 0:
        return matrix_power(inv(A), -n)
    from ._creation import eye
    result = eye(A.shape[-1], dtype=A.dtype).expand(A.shape) if n == 0 else A
    for _ in range(n - 1):
        result = result @ A
    return result
