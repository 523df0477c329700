"""Rebuild ember objects from the globals a PyTorch checkpoint names, with every input checked.

Each function here is what a torch global maps to when ember reads a file. Nothing is trusted:
sizes, strides and offsets are checked against the storage's length before any array is built
(PyTorch itself once had a memory-corruption bug at exactly this spot).
"""
from __future__ import annotations

import pickle

import numpy as np

from .. import _dtype
from .._tensor import Size, _rebuild
from . import _format

_MAX_DIM = 1 << 62


class StorageType:
    """What ``torch.FloatStorage`` (etc.) and ``torch.storage.UntypedStorage`` map to."""

    __slots__ = ("name", "dtype_name")

    def __init__(self, name: str, dtype_name):
        self.name, self.dtype_name = name, dtype_name  # dtype_name None: untyped (bytes)

    def __repr__(self) -> str:
        return f"<storage type torch.{self.name}>"


class Storage:
    """A storage read from a checkpoint: raw bytes shared by every tensor that views it."""

    __slots__ = ("raw", "dtype_name", "device", "_typed")

    def __init__(self, raw: np.ndarray, dtype_name, device: str = "cpu"):
        self.raw, self.dtype_name, self.device = raw, dtype_name, device
        self._typed: dict = {}

    def typed(self, np_dtype: np.dtype, big_endian: bool) -> np.ndarray:
        arr = self._typed.get(np_dtype)
        if arr is None:
            if self.raw.size % np_dtype.itemsize:
                raise pickle.UnpicklingError(
                    f"ember.load: a storage of {self.raw.size} bytes cannot hold whole "
                    f"{np_dtype.name} elements ({np_dtype.itemsize} bytes each); the file is corrupt")
            if big_endian:
                arr = self.raw.view(np_dtype.newbyteorder(">")).astype(np_dtype)
            else:
                arr = self.raw.view(np_dtype)
            self._typed[np_dtype] = arr
        return arr

    def nbytes(self) -> int:
        return self.raw.size

    def __repr__(self) -> str:
        return f"<ember storage of {self.raw.size} bytes>"


class TorchClass:
    """A marker for ``torch.Tensor`` / ``torch.nn.Parameter`` as arguments (never callable)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<class torch.{self.name}>"


TENSOR_CLASS = TorchClass("Tensor")
PARAMETER_CLASS = TorchClass("nn.Parameter")


def _bad(what: str) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(f"ember.load: invalid tensor record in the checkpoint: {what}")


def _int_tuple(value, what: str) -> tuple:
    if not isinstance(value, (tuple, list)):
        raise _bad(f"{what} must be a tuple of ints, got {type(value).__name__}")
    for v in value:
        if type(v) is not int or not 0 <= v < _MAX_DIM:
            raise _bad(f"{what} {tuple(value)!r} must hold non-negative ints")
    return tuple(value)


def _checked_view(storage, offset, size, stride, np_dtype, big_endian) -> np.ndarray:
    if not isinstance(storage, Storage):
        raise _bad(f"expected a storage, got {type(storage).__name__}")
    if type(offset) is not int or offset < 0:
        raise _bad(f"storage offset {offset!r} must be a non-negative int")
    size = _int_tuple(size, "size")
    stride = _int_tuple(stride, "stride")
    if len(size) != len(stride):
        raise _bad(f"size {size} and stride {stride} have different lengths")
    flat = storage.typed(np_dtype, big_endian)
    numel = 1
    for n in size:
        numel *= n
    if numel == 0:
        if offset > flat.size:
            raise _bad(f"storage offset {offset} is past the end of a storage of {flat.size} "
                       "elements")
        return np.empty(size, dtype=np_dtype)
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= flat.size:
        raise _bad(f"size {size}, stride {stride} and offset {offset} reach element {last}, but "
                   f"the storage holds {flat.size} elements")
    item = np_dtype.itemsize
    # np.ndarray over the storage keeps it as .base, so storage_offset() and re-saving see it.
    return np.ndarray(size, dtype=np_dtype, buffer=flat, offset=offset * item,
                      strides=tuple(s * item for s in stride))


def ember_dtype_for(name: str) -> np.dtype:
    """NumPy dtype for a PyTorch dtype name, or a clear error for dtypes ember lacks."""
    name = _format.DTYPE_ALIASES.get(name, name)
    if name not in _format.NP_DTYPES:
        raise pickle.UnpicklingError(
            f"ember.load: the checkpoint holds a tensor of dtype torch.{name}, which ember "
            "(NumPy) does not support; convert it in PyTorch first, e.g. "
            "t.to(torch.float32), and save again")
    return _format.NP_DTYPES[name]


def _finish(arr: np.ndarray, requires_grad):
    if type(requires_grad) is not bool:
        raise _bad(f"requires_grad must be a bool, got {requires_grad!r}")
    if requires_grad and arr.dtype.kind != "f":
        raise _bad(f"requires_grad=True on a tensor of dtype {arr.dtype.name}")
    return _rebuild(arr, requires_grad)


class Rebuilder:
    """What torch's callable globals map to, made fresh for each load.

    find_class hands out bound methods of this object: a method rejects attribute writes, so a
    crafted BUILD opcode cannot rewrite the defaults of a function shared between loads.
    """

    def __init__(self, big_endian: bool):
        self.big_endian = big_endian

    def rebuild_tensor_v2(self, storage, storage_offset, size, stride, requires_grad=False,
                          backward_hooks=None, metadata=None):
        if not isinstance(storage, Storage) or storage.dtype_name is None:
            raise _bad("_rebuild_tensor_v2 needs a typed storage")
        np_dtype = ember_dtype_for(storage.dtype_name)
        arr = _checked_view(storage, storage_offset, size, stride, np_dtype, self.big_endian)
        return _finish(arr, requires_grad)

    def rebuild_tensor_v3(self, storage, storage_offset, size, stride, requires_grad,
                          backward_hooks, dtype, metadata=None):
        if not isinstance(dtype, _dtype.dtype):
            raise _bad(f"_rebuild_tensor_v3 needs a dtype, got {dtype!r}")
        arr = _checked_view(storage, storage_offset, size, stride, dtype.np, self.big_endian)
        return _finish(arr, requires_grad)

    def rebuild_tensor(self, storage, storage_offset, size, stride):
        return self.rebuild_tensor_v2(storage, storage_offset, size, stride)

    def rebuild_parameter(self, data, requires_grad, backward_hooks=None):
        from ..nn import Parameter
        if not _is_tensor(data) or type(requires_grad) is not bool:
            raise _bad("_rebuild_parameter needs a tensor and a bool")
        return Parameter(data, requires_grad)

    def rebuild_parameter_with_state(self, data, requires_grad, backward_hooks, state):
        return _set_state(self.rebuild_parameter(data, requires_grad, backward_hooks), state)

    def rebuild_from_type_v2(self, func, new_type, args, state):
        """``torch._tensor._rebuild_from_type_v2``; ``func`` must be one of this object's."""
        inner = (self.rebuild_tensor_v2, self.rebuild_tensor_v3, self.rebuild_tensor,
                 self.rebuild_parameter, self.rebuild_parameter_with_state)
        if func not in inner or not isinstance(args, tuple):
            raise _bad(f"_rebuild_from_type_v2 may only call tensor rebuild functions, got {func!r}")
        result = func(*args)
        if new_type is PARAMETER_CLASS and not getattr(result, "_is_param", False):
            result = self.rebuild_parameter(result, result.requires_grad)
        elif new_type is not TENSOR_CLASS and new_type is not PARAMETER_CLASS:
            raise _bad(f"tensor subclass {new_type!r} is not supported")
        if isinstance(state, tuple) and len(state) == 2:
            state = state[0]
        return _set_state(result, state)

    def encode(self, text, encoding="utf-8"):
        """``_codecs.encode`` as protocol 2 uses it for bytes: str to bytes, nothing else."""
        if type(text) is not str or encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
            raise pickle.UnpicklingError("ember.load: _codecs.encode may only turn a str into "
                                         "bytes with the latin1 or utf-8 codec")
        return text.encode(encoding)

    def size(self, values=()):
        return Size(_int_tuple(values, "torch.Size"))

    def device(self, spec="cpu", index=None):
        from .._device import device
        if type(spec) is not str or (index is not None and type(index) is not int):
            raise _bad("torch.device needs a str")
        return device(spec, index)


def _is_tensor(x) -> bool:
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def _set_state(obj, state):
    if state is None:
        return obj
    if not isinstance(state, dict) or not all(type(k) is str for k in state):
        raise _bad("tensor state must be a dict with str keys")
    for key, value in state.items():
        if key.startswith("_") or key in ("data", "grad", "requires_grad"):
            raise _bad(f"tensor state may not set the attribute {key!r}")
        object.__setattr__(obj, key, value)
    return obj
