"""Variable-length sequences for the recurrent layers: PackedSequence and its helpers.

A PackedSequence stores the time steps of a batch sorted by decreasing length, step after step:
``data`` is (sum of lengths, *) and ``batch_sizes[t]`` says how many sequences are still running
at step t.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..._tensor import Tensor, _make

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "pack_sequence", "unpad_sequence", "unpack_sequence", "invert_permutation"]


class PackedSequence(namedtuple("PackedSequence",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Holds the packed ``data`` and ``batch_sizes`` of a batch of variable-length sequences.

    Build it with ``pack_padded_sequence`` or ``pack_sequence``, never directly.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes,
                                                         self.sorted_indices,
                                                         self.unsorted_indices)

    def cpu(self):
        return self

    def double(self):
        return self.to(dtype=_float64())

    def float(self):
        return self.to(dtype=_float32())

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def _float64():
    from ... import float64
    return float64


def _float32():
    from ... import float32
    return float32


def invert_permutation(permutation):
    if permutation is None:
        return None
    perm = permutation._data
    out = np.empty_like(perm)
    out[perm] = np.arange(perm.size, dtype=perm.dtype)
    return _make(out)


def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        return lengths._data.astype(np.int64).reshape(-1)
    return np.asarray(lengths, dtype=np.int64).reshape(-1)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True) -> PackedSequence:
    """Pack a padded (T, B, *) (or (B, T, *) with ``batch_first``) batch given each length."""
    lens = _lengths_array(lengths)
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                               "pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
        sorted_indices = None
        order = np.arange(lens.size)
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_indices = _make(order.astype(np.int64))
        lens = lens[order]
    if lens.size and lens.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element "
                           "in 'lengths' that is <= 0")
    x = input.transpose(0, 1) if batch_first else input
    if sorted_indices is not None:
        x = x.index_select(1, sorted_indices)
    if lens.size and lens[0] > x.shape[0]:
        raise RuntimeError(f"Expected sequence length to be larger than or equal to the max "
                           f"length {int(lens[0])}, but got {x.shape[0]}")
    steps = int(lens[0]) if lens.size else 0
    batch_sizes = np.array([(lens > t).sum() for t in range(steps)], dtype=np.int64)
    # Rows (t, b) with b < batch_sizes[t], in time-major order: one gather.
    t_idx = np.repeat(np.arange(steps), batch_sizes)
    b_idx = np.concatenate([np.arange(n) for n in batch_sizes]) if steps else np.zeros(0, np.int64)
    data = x[_make(t_idx), _make(b_idx)]
    return PackedSequence(data, _make(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo pack_padded_sequence: returns (padded, lengths) with the batch in its original order."""
    data, batch_sizes = sequence.data, sequence.batch_sizes._data
    steps = len(batch_sizes)
    n = int(batch_sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps_out = total_length
    else:
        steps_out = steps
    t_idx = np.repeat(np.arange(steps), batch_sizes)
    b_idx = np.concatenate([np.arange(b) for b in batch_sizes])
    lens = np.array([(batch_sizes > b).sum() for b in range(n)], dtype=np.int64)
    from ..._ops.shape import zeros_index_put
    shape = (steps_out, n) + tuple(data.shape[1:])
    padded = zeros_index_put(data, shape, (t_idx, b_idx), accumulate=False)
    if padding_value != 0:
        mask = np.ones((steps_out, n), dtype=bool)
        mask[t_idx, b_idx] = False
        padded = padded.masked_fill(_make(mask.reshape(mask.shape + (1,) * (data.ndim - 1))),
                                    padding_value)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lens = lens[sequence.unsorted_indices._data]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, _make(lens)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right") -> Tensor:
    """Stack tensors of shapes (L_i, *) into (max L, B, *) (or (B, max L, *)), padding the tail."""
    from ..._ops.shape import stack
    from .._functional.padding import pad
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    longest = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        extra = longest - s.shape[0]
        widths = [0, 0] * (s.ndim - 1)
        widths += [0, extra] if padding_side == "right" else [extra, 0]
        rows.append(pad(s, widths, value=padding_value) if extra else s)
    return stack(rows, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, :int(n)] for i, n in enumerate(_lengths_array(lengths))]


def pack_sequence(sequences, enforce_sorted=True) -> PackedSequence:
    """Pack a list of (L_i, *) tensors (sorted by decreasing length unless enforce_sorted=False)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
