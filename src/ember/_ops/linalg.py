"""Matrix products: mm, matmul (every broadcasting case), addmm, bmm, einsum and friends."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _make
from ..autograd.grad_mode import _state
from ..autograd.graph import Node, apply


def _shape_str(shape) -> str:
    return "x".join(str(s) for s in shape)


def _check_dtypes(a: Tensor, b: Tensor, op: str):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{a.dtype.name.replace('float32', 'float')} != {b.dtype.name.replace('float32', 'float')}"
                           f" ({op}; convert one with .to(other.dtype))")


class MmBackward0(Node):
    save_inputs = (0, 1)

    def forward(self, a, b):
        # ndarray.dot calls BLAS with less dispatch than the matmul ufunc (same result for 2-D).
        return a.dot(b)

    def backward(self, gy):
        a, b = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        if not _state.enabled:    # nothing is recorded: BLAS on the arrays, no op dispatch
            g = gy._data
            return (_make(g.dot(b._data.T)) if need_a else None), \
                (_make(a._data.T.dot(g)) if need_b else None)
        return (gy.mm(b.t()) if need_a else None), (a.t().mm(gy) if need_b else None)


def mm(input, mat2):
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError(f"{'self' if input._data.ndim != 2 else 'mat2'} must be a matrix")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(input._data.shape)} "
                           f"and {_shape_str(mat2._data.shape)})")
    _check_dtypes(input, mat2, "mm")
    return apply(MmBackward0, input, mat2)


class AddmmBackward0(Node):
    """beta * bias + alpha * (a @ b); nn.Linear's grad_fn."""
    save_inputs = (1, 2)

    def forward(self, bias, a, b, beta=1, alpha=1):
        self.beta, self.alpha = beta, alpha
        out = a @ b
        if alpha != 1:
            out *= alpha
        if beta != 0:
            out += bias if beta == 1 else beta * bias
        return out

    def backward(self, gy):
        a, b = self.saved_tensors
        need_bias, need_a, need_b = self.needs_input_grad
        g = gy if self.alpha == 1 else gy * self.alpha
        gbias = (gy if self.beta == 1 else gy * self.beta) if need_bias else None
        # b is usually nn.Linear's weight.T: give its grad the same (transposed) layout, as
        # PyTorch does, so the weight's own grad comes out C-contiguous and needs no
        # transposing copy when it is accumulated.
        transposed = need_b and b._data.flags.f_contiguous and not b._data.flags.c_contiguous
        if not _state.enabled:    # nothing is recorded: BLAS on the arrays, no op dispatch
            gd, ad, bd = g._data, a._data, b._data
            gb = None
            if need_b:
                gb = _make(gd.T.dot(ad).T if transposed else ad.T.dot(gd))
            if need_bias and self.beta == 1 and self._input_meta[0][0] == gd.shape[1:]:
                gbias = _make(np.add.reduce(gd, axis=0))    # a Linear's bias: sum the rows here
            return gbias, (_make(gd.dot(bd.T)) if need_a else None), gb
        gb = None
        if need_b:
            gb = g.t().mm(a).t() if transposed else a.t().mm(g)
        return gbias, (g.mm(b.t()) if need_a else None), gb


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    if mat1._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError("mat1 must be a matrix, got {}-D tensor".format(mat1._data.ndim))
    if mat1._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(mat1._data.shape)} "
                           f"and {_shape_str(mat2._data.shape)})")
    _check_dtypes(mat1, mat2, "addmm")
    if not isinstance(input, Tensor):
        input = _make(np.array(input, dtype=mat1._data.dtype))
    return apply(AddmmBackward0, input, mat1, mat2, beta=beta, alpha=alpha)


class BmmBackward0(Node):
    save_inputs = (0, 1)

    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, gy):
        a, b = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        return (gy.bmm(b.transpose(1, 2)) if need_a else None), \
            (a.transpose(1, 2).bmm(gy) if need_b else None)


def bmm(input, mat2):
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        which = "batch1" if input._data.ndim != 3 else "batch2"
        raise RuntimeError(f"{which} must be a 3D tensor (bmm got shapes {list(input.shape)} and "
                           f"{list(mat2.shape)}; use matmul() for other ranks)")
    if input._data.shape[0] != mat2._data.shape[0] or input._data.shape[2] != mat2._data.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input._data.shape[0]}, {input._data.shape[2]}] but got: "
                           f"[{mat2._data.shape[0]}, {mat2._data.shape[1]}].")
    _check_dtypes(input, mat2, "bmm")
    return apply(BmmBackward0, input, mat2)


class MatmulBackward0(Node):
    """Batched/broadcast matmul of operands with >= 2 dims; the engine sums broadcast batches."""
    save_inputs = (0, 1)

    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, gy):
        a, b = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        return (gy.matmul(b.mT) if need_a else None), (a.mT.matmul(gy) if need_b else None)


class DotBackward0(Node):
    save_inputs = (0, 1)

    def forward(self, a, b):
        return np.dot(a, b)

    def backward(self, gy):
        a, b = self.saved_tensors
        return gy * b, gy * a


def dot(input, other):
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    if input._data.shape != other._data.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input._data.shape[0]}] and src "
                           f"[{other._data.shape[0]}] to have the same number of elements, but got "
                           f"{input._data.shape[0]} and {other._data.shape[0]} elements respectively")
    _check_dtypes(input, other, "dot")
    return apply(DotBackward0, input, other)


inner = dot


def mv(input, vec):
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, {vec._data.ndim}")
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input._data.shape[0]}), mat "
                           f"({_shape_str(input._data.shape)}), vec ({vec._data.shape[0]})")
    return matmul(input, vec)


def matmul(input, other):
    """NumPy/PyTorch matmul semantics: 1-d operands are promoted and the extra dim removed."""
    try:
        a, b = input._data, other._data
        if a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0] and a.dtype is b.dtype:
            return apply(MmBackward0, input, other)
    except AttributeError:
        pass  # not tensors: the checks below say so
    if not isinstance(other, Tensor) or not isinstance(input, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type(other).__name__}")
    na, nb = input._data.ndim, other._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    sa, sb = input._data.shape, other._data.shape
    ka = sa[-1]
    kb = sb[0] if nb == 1 else sb[-2]
    if ka != kb:
        if na <= 2 and nb <= 2:
            left = _shape_str(sa if na == 2 else (1,) + sa)
            right = _shape_str(sb if nb == 2 else sb + (1,))
            if na == 1 and nb == 1:
                raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] "
                                   "to have the same number of elements, but got "
                                   f"{sa[0]} and {sb[0]} elements respectively")
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({left} and {right})")
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{_shape_str(sa[:-2])}, {ka}] but got: [{_shape_str(sb[:-2])}, {kb}]. "
                           f"(matmul of {list(sa)} and {list(sb)})")
    if input._data.dtype != other._data.dtype:
        _check_dtypes(input, other, "matmul")
    if na == 2 and nb == 2:
        return apply(MmBackward0, input, other)
    if na == 1 and nb == 1:
        return apply(DotBackward0, input, other)
    a = input.unsqueeze(0) if na == 1 else input
    b = other.unsqueeze(-1) if nb == 1 else other
    try:
        out = apply(MatmulBackward0, a, b)
    except ValueError:
        raise RuntimeError(f"matmul: batch dimensions of {list(sa)} and {list(sb)} cannot be "
                           "broadcast together") from None
    if na == 1:
        out = out.squeeze(-2)
    if nb == 1:
        out = out.squeeze(-1)
    return out


def outer(input, vec2):
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


ger = outer


def addmv(input, mat, vec, *, beta=1, alpha=1):
    return beta * input + alpha * mv(mat, vec)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return beta * input + alpha * bmm(batch1, batch2).sum(0)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    prod = bmm(batch1, batch2)
    if alpha != 1:
        prod = prod * alpha
    return prod if beta == 0 else prod + (input if beta == 1 else input * beta)


def tensordot(a, b, dims=2):
    if isinstance(dims, int):
        da = list(range(a._data.ndim - dims, a._data.ndim))
        db = list(range(dims))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
    da = [d % a._data.ndim for d in da]
    db = [d % b._data.ndim for d in db]
    free_a = [d for d in range(a._data.ndim) if d not in da]
    free_b = [d for d in range(b._data.ndim) if d not in db]
    k = int(np.prod([a._data.shape[d] for d in da])) if da else 1
    am = a.permute(*free_a, *da).reshape(-1, k)
    bm = b.permute(*db, *free_b).reshape(k, -1)
    out_shape = [a._data.shape[d] for d in free_a] + [b._data.shape[d] for d in free_b]
    return am.mm(bm).reshape(out_shape)


def einsum(equation, *operands):
    """einsum through permutes, broadcasting products and sums, so it is differentiable."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    from ._einsum import einsum as _einsum
    return _einsum(equation, operands)
