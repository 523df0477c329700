"""ember's dtypes: thin named wrappers over NumPy dtypes, with PyTorch's promotion rules."""
from __future__ import annotations

import numpy as np

__all__ = [
    "dtype", "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64",
    "uint8", "bool", "half", "float", "double", "short", "int", "long",
    "get_default_dtype", "set_default_dtype", "promote_types", "result_type",
]


class dtype:
    """A tensor element type (``ember.float32``...). Compare with ``is`` or ``==``."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_signed", "is_complex", "_category")

    def __init__(self, name: str, np_dtype, category: int):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.is_floating_point = category == 2
        self.is_complex = False
        self.is_signed = self.np.kind in "if"
        self._category = category  # 0 bool, 1 integer, 2 floating: PyTorch's promotion categories

    def __repr__(self) -> str:
        return f"ember.{self.name}"

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> "dtype":
        return self


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


bool = dtype("bool", np.bool_, 0)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)


class _StorageLessDtype(dtype):
    """A dtype ember can name but not store (NumPy has no bfloat16): any use raises TypeError."""

    __slots__ = ()

    def __init__(self, name: str, itemsize: int, category: int):
        self.name, self.itemsize, self._category = name, itemsize, category
        self.is_floating_point, self.is_complex, self.is_signed = category == 2, False, True

    @property
    def np(self):
        raise TypeError(f"ember.{self.name} is not supported: NumPy has no {self.name} type, so "
                        "ember cannot store it. Use ember.float32 or ember.float16 instead.")


bfloat16 = _StorageLessDtype("bfloat16", 2, 2)

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

_ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NP = {d.np: d for d in _ALL}

_default = [float32]


def get_default_dtype() -> dtype:
    """The floating dtype used by factories and for Python floats (``float32`` unless changed)."""
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype (``ember.float32`` or ``ember.float64``, as in PyTorch)."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def from_numpy_dtype(np_dtype) -> dtype:
    """The ember dtype of a NumPy dtype; TypeError for kinds ember does not hold."""
    d = _BY_NP.get(np_dtype)
    if d is not None:
        return d
    d = _BY_NP.get(np.dtype(np_dtype))
    if d is None:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported "
            "types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        )
    return d


def to_dtype(d) -> dtype:
    """Accept an ember dtype, a NumPy dtype/type, or a Python type and return an ember dtype."""
    if isinstance(d, dtype):
        if d.__class__ is not dtype:
            d.np  # noqa: B018  (raises the storage-less dtype's TypeError)
        return d
    if d is builtins_float:
        return get_default_dtype()
    if d is builtins_int:
        return int64
    if d is builtins_bool:
        return bool
    try:
        return from_numpy_dtype(np.dtype(d))
    except TypeError:
        raise TypeError(f"expected a dtype such as ember.float32, got {d!r}") from None


import builtins as _builtins  # noqa: E402  (after the module-level names that shadow builtins)

builtins_float, builtins_int, builtins_bool = _builtins.float, _builtins.int, _builtins.bool


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to, as ``torch.promote_types``."""
    if a is b:
        return a
    # Across categories (bool < integer < floating) the higher category wins outright:
    # int64 with float16 is float16 in PyTorch, where NumPy would answer float64.
    if a._category != b._category:
        return a if a._category > b._category else b
    return _BY_NP[np.promote_types(a.np, b.np)]


def _weak_dtype(value) -> dtype:
    """dtype a Python scalar takes when it has the higher category."""
    t = type(value)
    if t is builtins_bool or isinstance(value, (np.bool_,)):
        return bool
    if t is builtins_int or isinstance(value, np.integer):
        return int64
    return get_default_dtype()


def result_type(*operands) -> dtype:
    """PyTorch's promotion: dimensioned tensors first, then 0-dim tensors, then Python scalars.

    A lower tier only matters when its category (bool < int < float) is higher than the tiers
    above it; a Python float then gives the default dtype and a 0-dim tensor its own dtype.
    """
    from ._tensor import Tensor

    dim_t = zero_t = scalar = None
    for x in operands:
        if isinstance(x, Tensor):
            d = x.dtype
            if x._data.ndim:
                dim_t = d if dim_t is None else promote_types(dim_t, d)
            else:
                zero_t = d if zero_t is None else promote_types(zero_t, d)
        else:
            d = _weak_dtype(x)
            if scalar is None or d._category > scalar._category:
                scalar = d
    result = dim_t
    for tier in (zero_t, scalar):
        if tier is None:
            continue
        if result is None:
            result = tier
        elif tier._category > result._category:
            result = tier
    return result
