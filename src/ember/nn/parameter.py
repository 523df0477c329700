"""``ember.nn.Parameter``: a Tensor that a Module registers as a learnable weight."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _make

__all__ = ["Parameter", "UninitializedParameter", "UninitializedBuffer"]


class Parameter(Tensor):
    """A leaf Tensor that requires grad by default and is registered by ``Module.__setattr__``.

    Args:
        data: the tensor whose storage the parameter takes over (an empty tensor if None).
        requires_grad: whether the parameter requires gradient (default True).

    Example:
        >>> import ember
        >>> p = ember.nn.Parameter(ember.zeros(2))
        >>> p.requires_grad
        True
    """

    _is_param = True

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = _make(np.empty((0,), dtype=np.float32))
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, not {type(data).__name__}")
        p = object.__new__(cls)
        p._data = data._data
        if data._vc is None:
            data._vc = [0]
        p._vc = data._vc
        if requires_grad:
            p.requires_grad = True
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data, self._requires_grad, type(self)))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = type(self)(_make(self._data.copy()), self._requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new


def _rebuild_parameter(array, requires_grad, cls=Parameter):
    return cls(_make(array), requires_grad)


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (lazy modules); ``materialize(shape)`` sizes it."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        from .._dtype import get_default_dtype
        dt = (dtype or get_default_dtype()).np
        p = super().__new__(cls, _make(np.empty((0,), dtype=dt)), requires_grad)
        return p

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the parameter storage of ``shape`` and turn it into a plain Parameter."""
        dt = dtype.np if dtype is not None else self._data.dtype
        self._data = np.empty(tuple(shape), dtype=dt)
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    def _uninit_error(self, *args, **kwargs):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This "
                           "error usually happens in `load_state_dict` when trying to load an "
                           "uninitialized parameter into an initialized one. Call `forward` to "
                           "initialize the parameters before accessing their attributes.")

    shape = property(_uninit_error)
    numel = _uninit_error


class UninitializedBuffer(UninitializedParameter):
    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None):
        return super().__new__(cls, requires_grad, device, dtype)
