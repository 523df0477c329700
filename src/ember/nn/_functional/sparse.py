"""Embedding lookups: ``embedding`` (a row gather with a scatter-add gradient) and
``embedding_bag`` (sums, means or maxima over bags of rows)."""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor, _make
from ...autograd.graph import Node, apply
from ...autograd.grad_mode import no_grad

__all__ = ["embedding", "embedding_bag", "one_hot"]


class EmbeddingBackward0(Node):
    """out = weight[indices]; the gradient adds rows of gy into the looked-up rows."""

    def forward(self, weight, indices=None, padding_idx=None, scale_grad_by_freq=False):
        self.indices, self.num = indices, weight.shape[0]
        self.padding_idx, self.scale = padding_idx, scale_grad_by_freq
        return weight[indices]

    def backward(self, gy):
        return apply(EmbeddingDenseBackward0, gy, indices=self.indices, num=self.num,
                     padding_idx=self.padding_idx, scale_grad_by_freq=self.scale)


class EmbeddingDenseBackward0(Node):
    """Rows of gy summed into a (num_embeddings, dim) gradient; padding_idx's row stays zero."""

    def forward(self, gy, indices=None, num=0, padding_idx=None, scale_grad_by_freq=False):
        self.indices, self.padding_idx = indices, padding_idx
        flat = indices.reshape(-1)
        rows = gy.reshape(flat.size, -1)
        self.weights = None
        if scale_grad_by_freq or padding_idx is not None:
            w = np.ones(flat.size, dtype=gy.dtype)
            if scale_grad_by_freq:
                w /= np.bincount(flat, minlength=num)[flat]
            if padding_idx is not None:
                w[flat == padding_idx] = 0
            rows = rows * w[:, None]
            self.weights = w
        out = np.zeros((num,) + gy.shape[indices.ndim:], dtype=gy.dtype)
        np.add.at(out.reshape(num, -1), flat, rows)
        return out

    def backward(self, ggw):
        g = ggw[_make(self.indices)]
        if self.weights is not None:
            shape = self.indices.shape + (1,) * (ggw.ndim - 1)
            g = g * _make(self.weights.reshape(shape))
        return g


def _check_indices(input, weight):
    if not isinstance(input, Tensor) or input._data.dtype.kind not in "iu":
        got = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following "
                           f"scalar types: Long, Int; but got {got} instead (while checking "
                           f"arguments for embedding)")
    idx = input._data
    n = weight.shape[0]
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError("index out of range in self")
    return np.where(idx < 0, idx + n, idx).astype(np.int64)


def _renorm(weight, idx, max_norm, norm_type):
    with no_grad():
        rows = np.unique(idx)
        w = weight._data
        norms = np.linalg.norm(w[rows].reshape(len(rows), -1), ord=norm_type, axis=1)
        over = norms > max_norm
        if over.any():
            scale = max_norm / (norms[over] + 1e-7)
            w[rows[over]] *= scale[:, None].astype(w.dtype)
            weight._bump_version()


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False) -> Tensor:
    """Rows of ``weight`` at ``input``'s indices: (*) -> (*, embedding_dim).

    Example::

        >>> import ember
        >>> w = ember.arange(6.).view(3, 2)
        >>> ember.nn.functional.embedding(ember.tensor([2, 0]), w)
        tensor([[4., 5.],
                [0., 1.]])
    """
    idx = _check_indices(input, weight)
    if padding_idx is not None:
        n = weight.shape[0]
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % n
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    return apply(EmbeddingBackward0, weight, indices=idx, padding_idx=padding_idx,
                 scale_grad_by_freq=scale_grad_by_freq)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None) -> Tensor:
    """Reduce bags of embeddings: 2-D ``input`` is one bag per row; 1-D ``input`` is cut into bags
    at ``offsets``. ``mode`` is 'sum', 'mean' or 'max'."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is "
                             "a mini-batch of fixed length sequences. However, found offsets of "
                             f"type {type(offsets).__name__}")
        b, length = input.shape
        starts = np.arange(0, b * length, length)
        flat = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        starts = offsets._data.astype(np.int64)
        if starts.size and starts[0] != 0:
            raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the "
                               f"mini-batch has to start from position 0. However, got "
                               f"{int(starts[0])}")
        if starts.size and starts[-1] > input.shape[0]:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length "
                               f"{input.shape[0]} but got offsets[-1] of {int(starts[-1])}")
        if include_last_offset:
            starts = starts[:-1]
        flat = input
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")
    total = flat.shape[0]
    ends = np.append(starts[1:], total)
    if include_last_offset and input.ndim == 1:
        ends[-1] = offsets._data[-1]
    emb = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq)
    idx = flat._data
    valid = np.ones(total, dtype=bool) if padding_idx is None else idx != padding_idx % \
        weight.shape[0]
    if mode == "max":
        rows = []
        for s, e in zip(starts, ends):
            keep = np.nonzero(valid[s:e])[0] + s
            rows.append(emb[_make(keep)].amax(0) if keep.size else
                        emb.new_zeros(weight.shape[1:]))
        from ..._ops.shape import stack
        return stack(rows, 0)
    seg = np.zeros((len(starts), total), dtype=weight._data.dtype)
    for i, (s, e) in enumerate(zip(starts, ends)):
        seg[i, s:e] = valid[s:e]
        if mode == "mean":
            count = valid[s:e].sum()
            if count:
                seg[i, s:e] /= count
    if per_sample_weights is not None:
        emb = emb * per_sample_weights.unsqueeze(1)
    return _make(seg) @ emb


def one_hot(tensor, num_classes=-1) -> Tensor:
    """(*) int64 -> (*, num_classes) int64 with a single 1 per row."""
    if not isinstance(tensor, Tensor) or tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor._data
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(idx.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return _make(out)
