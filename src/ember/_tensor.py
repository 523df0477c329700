"""ember.Tensor: an n-dimensional array on NumPy that can record autograd history.

A Tensor holds one ``numpy.ndarray`` (``_data``). Ops live in ``ember._ops`` and are bound as
methods in ``ember._tensor_methods``; this file keeps the state and the protocol methods.
Attributes that are usually at their default live on the class, so making a tensor costs one
object and one attribute set.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import _dtype
from ._device import CPU

__all__ = ["Tensor"]


class Tensor:
    # Class-level defaults; instances only store what differs.
    _requires_grad = False
    grad_fn = None           # the Node that made this tensor (None for leaves)
    _output_nr = 0           # which output of grad_fn this is
    _grad = None
    _vc = None               # version counter [n], shared with views; made on demand
    _base = None             # the tensor this one is a view of
    _grad_acc = None         # weakref to this leaf's AccumulateGrad node
    _backward_hooks = None   # hooks of a leaf (non-leaf hooks live on grad_fn)
    _retains_grad = False
    _is_param = False
    __array_priority__ = 1000  # ndarray op Tensor -> Tensor's reflected op wins

    def __init__(self, *args, **kwargs):
        # ``ember.Tensor(2, 3)`` / ``ember.Tensor([1, 2])``: the legacy float constructor.
        from ._creation import _legacy_new
        self._data = _legacy_new(_dtype.get_default_dtype(), args, kwargs)

    # ---------------------------------------------------------------- basic state
    @property
    def data(self) -> "Tensor":
        """The same storage, outside the graph, with its own version counter (unlike detach())."""
        return _make(self._data)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        flag = bool(flag)
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        if not flag and self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
                "the leaf Tensor instead.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' "
                                   f"to a tensor of size '{list(self.shape)}'. Please ensure that "
                                   "the gradient and the tensor are the same size")
        self._grad = value

    @property
    def _version(self) -> int:
        return 0 if self._vc is None else self._vc[0]

    def _bump_version(self) -> None:
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype._BY_NP[self._data.dtype]

    @property
    def device(self):
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    is_sparse = False
    is_quantized = False
    is_meta = False
    layout = "torch.strided"

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim=None):
        item = self._data.itemsize
        strides = tuple(s // item for s in self._data.strides)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim, "stride")]

    def storage_offset(self) -> int:
        base = self._data
        while isinstance(base.base, np.ndarray):
            base = base.base
        return (self._data.__array_interface__["data"][0] - base.__array_interface__["data"][0]) \
            // self._data.itemsize

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def is_contiguous(self, memory_format=None) -> bool:
        return self._data.flags.c_contiguous

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return False

    def get_device(self) -> int:
        return -1

    # ---------------------------------------------------------------- NumPy interop
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array, sharing memory with the tensor."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if dtype is None:
            return self._data
        return self._data.astype(dtype, copy=False)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        """NumPy ufuncs on a tensor (``np.sin(t)``) give a tensor back, as with PyTorch.

        As in PyTorch, a bool result comes back as uint8; kinds ember cannot hold stay arrays.
        """
        array = np.asarray(array)
        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        if array.dtype not in _dtype._BY_NP:
            return array
        return _make(array)

    # ---------------------------------------------------------------- Python protocol
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.item())

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self._data.item())

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._data.item())

    def __index__(self) -> int:
        if self._data.size != 1 or self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    __hash__ = object.__hash__

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        # Plain pickling (multiprocessing, copy): the array and the leaf flag; graphs don't travel.
        return (_rebuild, (self._data, self._requires_grad, type(self)))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                               "the deepcopy protocol at the moment.  If you were attempting to "
                               "deepcopy a module, this may be because of a torch.nn.utils.weight_norm "
                               "usage, see https://github.com/pytorch/pytorch/pull/103001")
        new = _make(self._data.copy())
        new.__class__ = type(self)
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # ---------------------------------------------------------------- autograd entry points
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad."""
        if gradient is None and inputs is None and self._requires_grad and self._data.size == 1:
            # The training-loop case (loss.backward()): skip the general argument handling.
            from .autograd.engine import run_backward
            seed = _make(np.ones(self._data.shape, self._data.dtype))
            run_backward((self,), (seed,), bool(retain_graph) or create_graph, create_graph)
            return
        from .autograd import backward
        backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph,
                 inputs=inputs)

    def detach(self) -> "Tensor":
        return _view_of(self, self._data)

    def detach_(self) -> "Tensor":
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None and not self._retains_grad:
            self.grad_fn._retain(self)
        self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad and self.grad_fn is not None

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new grad."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .utils.hooks import RemovableHandle
        if self.grad_fn is not None:
            hooks = self.grad_fn._tensor_hooks(self._output_nr)
        else:
            if self._backward_hooks is None:
                self._backward_hooks = {}
            hooks = self._backward_hooks
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``ember.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ember.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        out = tuple.__getitem__(self, item)
        return Size(out) if isinstance(item, slice) else out

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))


# ---------------------------------------------------------------- construction helpers

_new = object.__new__


def _make(array: np.ndarray) -> Tensor:
    """Wrap an array (which becomes the tensor's storage) without copying."""
    t = _new(Tensor)
    if array.__class__ is not np.ndarray:
        array = np.asarray(array)
    t._data = array
    return t


def _view_of(base: Tensor, array: np.ndarray) -> Tensor:
    """A tensor over ``array`` that shares ``base``'s storage and version counter, outside the graph."""
    t = _new(Tensor)
    t._data = array
    if base._vc is None:
        base._vc = [0]
    t._vc = base._vc
    t._base = base if base._base is None else base._base
    return t


def _rebuild(array, requires_grad, cls=Tensor):
    t = _make(array)
    if cls is not Tensor:
        t.__class__ = cls
    t._requires_grad = requires_grad
    return t


def _wrap_dim(dim, ndim: int, op: str = "") -> int:
    """Check ``dim`` against ``ndim`` and make it non-negative, with PyTorch's IndexError."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n if ndim > 0 else 0
