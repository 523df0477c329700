"""ember.linalg: norms, inverse, determinant and solve, differentiable."""
from __future__ import annotations

import numpy as np

from ._tensor import Tensor, _make
from .autograd.graph import Node, apply


from ._ops.stats import vector_norm  # noqa: E402  (one definition, shared with ember.norm)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False):
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim)
    if ord == "nuc":
        return _make(np.linalg.norm(A._data, "nuc", axis=dim, keepdims=keepdim))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    if isinstance(ord, str):
        return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim)
    if dim is None and A.ndim == 2 or (isinstance(dim, (tuple, list)) and len(dim) == 2):
        return _make(np.linalg.norm(A._data, ord, axis=dim if dim is not None else (-2, -1),
                                    keepdims=keepdim).astype(A._data.dtype))
    return vector_norm(A, ord, dim, keepdim)


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
            raise RuntimeError("linalg.inv: The diagonal element 1 is zero, the inversion could not "
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
