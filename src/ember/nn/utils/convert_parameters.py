"""Flatten parameters into one vector and back."""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and concatenated into one 1-d tensor (differentiable)."""
    from ..._ops.shape import cat
    if isinstance(parameters, Tensor):
        raise TypeError(f"expected an iterable of Tensors, but got {type(parameters).__name__}")
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of ``vec`` into the parameters' storage."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    if isinstance(parameters, Tensor):
        raise TypeError(f"expected an iterable of Tensors, but got {type(parameters).__name__}")
    parameters = list(parameters)
    total = sum(p.numel() for p in parameters)
    if vec.numel() != total:
        raise RuntimeError(f"vector_to_parameters(): vec has {vec.numel()} elements but the "
                           f"parameters hold {total}")
    flat = vec._data.reshape(-1)
    pointer = 0
    for p in parameters:
        n = p.numel()
        p._data = np.array(flat[pointer:pointer + n].reshape(p._data.shape), dtype=p._data.dtype)
        p._bump_version()
        pointer += n
