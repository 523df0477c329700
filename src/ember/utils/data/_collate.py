"""default_collate and default_convert: turn a list of samples into one batch.

Tensors are stacked along a new first dimension, NumPy arrays and numbers become tensors,
strings stay lists, and containers (dicts, tuples, named tuples, lists) are collated field by
field. ``collate`` with a ``collate_fn_map`` lets a user register handlers for their own types.
"""
from __future__ import annotations

import collections.abc
import copy
import re
from typing import Callable

import numpy as np

from ..._tensor import Tensor, _make

__all__ = ["default_collate", "default_convert", "collate", "default_collate_fn_map"]

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
_STR_OBJ_DTYPE = re.compile(r"[SaUO]")


def _stack(batch: list) -> Tensor:
    """``ember.stack(batch)``, without building a graph when no tensor needs one."""
    first = batch[0]._data
    shape, dtype = first.shape, first.dtype
    plain = True
    for t in batch:
        d = t._data
        if d.shape != shape or d.dtype != dtype or t._requires_grad:
            plain = False
            break
    if not plain:
        from ..._ops.shape import stack
        return stack(batch, 0)
    out = np.empty((len(batch),) + shape, dtype=dtype)
    for i, t in enumerate(batch):
        out[i] = t._data
    return _make(out)


def collate_tensor_fn(batch, *, collate_fn_map=None) -> Tensor:
    return _stack(batch)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    if _STR_OBJ_DTYPE.search(batch[0].dtype.str) is not None:
        raise TypeError(_ERR.format(batch[0].dtype))
    return collate([_as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None) -> Tensor:
    return _as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None) -> Tensor:
    return _make(np.array(batch, dtype=np.float64))


def collate_int_fn(batch, *, collate_fn_map=None) -> Tensor:
    from ..._creation import tensor
    return tensor(batch)  # ints give int64, bools give bool, as in PyTorch


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


def _as_tensor(arr) -> Tensor:
    from ..._creation import as_tensor
    return as_tensor(arr)


default_collate_fn_map: dict = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    np.bool_: collate_numpy_scalar_fn,
    np.number: collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def collate(batch, *, collate_fn_map: dict[type, Callable] | None = None):
    """Collate ``batch`` using the handler registered for the first element's type (or a base
    type of it) in ``collate_fn_map``; containers recurse element-wise."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        fn = collate_fn_map.get(elem_type)
        if fn is not None:
            return fn(batch, collate_fn_map=collate_fn_map)
        for registered, fn in collate_fn_map.items():
            if isinstance(elem, registered):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _collate_mapping(batch, elem, collate_fn_map)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        return _collate_sequence(batch, elem, collate_fn_map)
    raise TypeError(_ERR.format(elem_type))


def _collate_mapping(batch, elem, collate_fn_map):
    values = {k: collate([d[k] for d in batch], collate_fn_map=collate_fn_map) for k in elem}
    if isinstance(elem, collections.abc.MutableMapping):
        clone = copy.copy(elem)
        clone.update(values)
        return clone
    try:
        return type(elem)(values)
    except TypeError:
        return values


def _collate_sequence(batch, elem, collate_fn_map):
    size = len(elem)
    if any(len(e) != size for e in batch):
        raise RuntimeError("each element in list of batch should be of equal size")
    columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
    if isinstance(elem, tuple):
        return columns  # PyTorch returns a list for tuples
    if isinstance(elem, collections.abc.MutableSequence):
        clone = copy.copy(elem)
        for i, c in enumerate(columns):
            clone[i] = c
        return clone
    try:
        return type(elem)(columns)
    except TypeError:
        return columns


def default_collate(batch):
    """Merge a list of samples into a batch: tensors are stacked on a new dimension 0.

    Args:
        batch: a list of samples, all of the same structure.

    Returns:
        The same structure with each leaf batched: tensors and NumPy arrays stacked, Python
        floats to a float64 tensor, ints to an int64 tensor, strings kept as a list, tuples
        turned into lists, dicts and named tuples kept.

    Example::

        >>> import ember
        >>> default_collate([(ember.tensor([1.0]), 0), (ember.tensor([2.0]), 1)])
        [tensor([[1.],
                [2.]]), tensor([0, 1])]
    """
    elem = batch[0]
    if elem.__class__ is Tensor:
        return _stack(batch)
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Turn NumPy arrays and scalars inside ``data`` into tensors (used when batching is off).

    Example::

        >>> import numpy as np
        >>> default_convert({"x": np.zeros(2)})
        {'x': tensor([0., 0.], dtype=ember.float64)}
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)):
        if _STR_OBJ_DTYPE.search(data.dtype.str) is not None:
            return data
        return _as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        values = {k: default_convert(v) for k, v in data.items()}
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(values)
            return clone
        try:
            return type(data)(values)
        except TypeError:
            return values
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, d in enumerate(converted):
                clone[i] = d
            return clone
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    return data
