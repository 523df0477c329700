"""Linear maps: ``linear`` (nn.Linear's math) and ``bilinear``."""
from __future__ import annotations

from ..._ops.linalg import AddmmBackward0, matmul
from ..._ops.shape import TBackward0
from ..._tensor import Tensor
from ...autograd.graph import apply

__all__ = ["linear", "bilinear"]


def _shape_text(shape) -> str:
    return "x".join(str(s) for s in shape)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, recorded as PyTorch records it.

    A 2-d input with a bias is one ``addmm`` (grad_fn ``AddmmBackward0``, with the weight behind a
    ``TBackward0``); other ranks are ``matmul`` then ``add``.

    Args:
        input: ``(*, in_features)``.
        weight: ``(out_features, in_features)``.
        bias: ``(out_features,)`` or None.
    """
    x = input._data
    w = weight._data
    if x.ndim == 0 or w.ndim != 2 or x.shape[-1] != w.shape[1]:
        _raise_shape_error(input, weight)
    if x.dtype != w.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{input.dtype} and {weight.dtype} (linear(); convert the input with "
                           f".to({weight.dtype}))")
    wt = apply(TBackward0, weight)
    if bias is not None and x.ndim == 2:
        return apply(AddmmBackward0, bias, input, wt)
    out = matmul(input, wt)
    if bias is not None:
        out = out + bias
    return out


def _raise_shape_error(input: Tensor, weight: Tensor):
    xs, ws = tuple(input.shape), tuple(weight.shape)
    if weight.dim() != 2:
        raise RuntimeError(f"linear(): weight must be 2-d (out_features, in_features), got shape {ws}")
    if input.dim() == 0:
        raise RuntimeError("linear(): input must have at least 1 dimension, got a 0-d tensor")
    rows = 1
    for s in xs[:-1]:
        rows *= s
    raise RuntimeError(
        f"mat1 and mat2 shapes cannot be multiplied ({_shape_text((rows, xs[-1]))} and "
        f"{_shape_text((ws[1], ws[0]))}): linear() input has {xs[-1]} features in its last "
        f"dimension (input shape {xs}) but the weight (shape {ws}) expects {ws[1]}; reshape the "
        f"input so its last dimension is {ws[1]}, or build the layer with in_features={xs[-1]}")


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y_k = x1^T W_k x2 + b_k`` over the last dimension of both inputs.

    Args:
        input1: ``(*, in1_features)``; input2: ``(*, in2_features)`` with the same leading shape.
        weight: ``(out_features, in1_features, in2_features)``; bias: ``(out_features,)``.
    """
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input1 and input2 must have the same size except the last "
                           f"dimension, got {tuple(input1.shape)} and {tuple(input2.shape)}")
    if weight.dim() != 3 or input1.shape[-1] != weight.shape[1] or \
            input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input1 {tuple(input1.shape)} and input2 "
                           f"{tuple(input2.shape)} do not fit weight {tuple(weight.shape)} "
                           "(expected (out_features, in1_features, in2_features))")
    from ..._ops.linalg import einsum
    out = einsum("...i,kij,...j->...k", input1, weight, input2)
    if bias is not None:
        out = out + bias
    return out
