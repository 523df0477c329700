"""Custom differentiable functions: ``ember.autograd.Function``.

A subclass defines static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` (or the
``setup_context`` form, where ``forward`` takes no ctx). ``MyFn.apply(*args)`` runs ``forward``
under ``no_grad`` and, when an input tensor requires grad, records one node of class
``MyFnBackward``. That node is the ``ctx``: attributes set on ctx in forward are read back in
backward, as in PyTorch. The user's backward runs on Tensors, so with ``create_graph=True`` it is
itself recorded and custom functions are differentiable twice unless marked
``@once_differentiable``.
"""
from __future__ import annotations

import functools

import numpy as np

from .._tensor import Tensor, _make, _view_of
from . import graph
from .graph import Node, _edge
from .grad_mode import _state, no_grad

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable", "DelayedError"]


class FunctionCtx:
    """The ``ctx`` methods a custom Function's forward can call."""

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (or None) for backward; later in-place changes to them are detected."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        self.saved_for_forward = tensors

    def mark_dirty(self, *tensors) -> None:
        """Declare the input tensors that forward modified in place (they must be returned)."""
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Declare outputs that carry no gradient (their ``requires_grad`` is False)."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """The graph node of one custom Function call; it is also the ``ctx`` of that call."""

    _forward_cls = None
    materialize_grads = True
    to_save = ()
    dirty_tensors = ()
    non_differentiable = ()
    _saved_slots = ()        # per saved object: index into Node._saved, or None for a saved None
    _arg_is_tensor = ()
    _output_is_tensor = ()
    _materialize_grads = False   # the engine hands us None grads; we materialize them ourselves
    needs_input_grad = ()        # one flag per forward argument (non-tensors: False)

    @property
    def saved_tensors(self) -> tuple:
        tensors = Node.saved_tensors.fget(self)
        return tuple(None if k is None else tensors[k] for k in self._saved_slots)

    saved_variables = saved_tensors

    def backward(self, *grad_outputs):
        grads = []
        for g, is_tensor, meta in zip(grad_outputs, self._output_is_tensor, self._output_meta):
            if g is None and is_tensor and self.materialize_grads:
                g = _make(np.zeros(meta[0], meta[1]))
            grads.append(g)
        result = self._forward_cls.backward(self, *grads)
        return self._map_grads(result)

    def _map_grads(self, result) -> tuple:
        """The user's gradients (one per forward argument) -> one per tensor input."""
        name = type(self).__name__
        if not isinstance(result, tuple):
            result = (result,)
        n_args = len(self._arg_is_tensor)
        if len(result) != n_args:
            if len(result) > n_args and all(g is None for g in result[n_args:]):
                result = result[:n_args]
            else:
                raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                                   f"(expected {n_args}, got {len(result)})")
        out = []
        for i, (g, is_tensor) in enumerate(zip(result, self._arg_is_tensor)):
            if not is_tensor:
                if g is not None:
                    raise RuntimeError(f"function {name} returned a gradient different than None at "
                                       f"position {i + 1}, but the corresponding forward input was "
                                       "not a Variable")
                continue
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"function {name} returned a gradient of type {type(g).__name__} "
                                f"at position {i + 1}; expected a Tensor or None")
            out.append(g)
        return tuple(out)


class _FunctionMeta(type):
    """Gives every Function subclass its own node class, named ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_cls = type(f"{name}Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls, "__module__": cls.__module__})


class Function(metaclass=_FunctionMeta):
    """Base class of custom autograd operations; call them through ``MyFn.apply(*args)``.

    Example::

        >>> import ember
        >>> class Square(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, gy):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * gy
        >>> x = ember.tensor([3.0], requires_grad=True)
        >>> Square.apply(x).sum().backward()
        >>> x.grad
        tensor([6.])
    """

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your "
                                  "custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function "
                                  "to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` on ``args`` and record a ``<Name>Backward`` node when grad is needed."""
        uses_setup = cls.setup_context is not Function.setup_context
        ctx = cls._backward_cls()
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        record = _state.enabled and any(t._requires_grad for t in tensor_args)
        if record:
            # Edges are taken before forward: a mark_dirty input is rebased onto ctx afterwards.
            edges = tuple(_edge(t) for t in tensor_args)
            ctx.next_functions = edges
            ctx.needs_input_grad = tuple(isinstance(a, Tensor) and _edge(a)[0] is not None
                                         for a in args)
        else:
            ctx.needs_input_grad = tuple(False for _ in args)
        with no_grad():
            if uses_setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        if not record:
            return output
        return _record(ctx, args, tensor_args, output)


def _record(ctx: BackwardCFunction, args, tensor_args, output):
    ctx._arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
    ctx._input_meta = tuple((t._data.shape, t._data.dtype) for t in tensor_args)
    multi = isinstance(output, tuple)
    outs = list(output) if multi else [output]
    dirty = {id(t) for t in ctx.dirty_tensors}
    nondiff = {id(t) for t in ctx.non_differentiable}
    input_ids = {id(t) for t in tensor_args}
    ctx._n_outputs = len(outs)
    ctx._output_is_tensor = tuple(isinstance(o, Tensor) for o in outs)
    ctx._output_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else ((), None)
                             for o in outs)
    if graph._anomaly[0]:
        graph._anomaly_check_forward(ctx, tuple(o._data for o in outs if isinstance(o, Tensor)))
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            continue
        if id(o) in dirty:
            if o.grad_fn is None and o._requires_grad:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                                   "operation.")
        elif id(o) in input_ids:
            # An input returned as is: the output is a new tensor sharing its storage.
            o = outs[i] = _view_of(o, o._data)
        if id(o) in nondiff or o._data.dtype.kind != "f":
            o._requires_grad = False
            continue
        o._requires_grad, o.grad_fn, o._output_nr = True, ctx, i
    for t in ctx.dirty_tensors:
        if not any(t is o for o in outs):
            raise RuntimeError("Some elements marked as dirty during the forward method were not "
                               "returned as output. The inputs that are modified inplace must all be "
                               "outputs of the Function.")
    _save(ctx, outs)
    return tuple(outs) if multi else outs[0]


def _save(ctx: BackwardCFunction, outs) -> None:
    to_save = ctx.to_save
    if not to_save:
        return
    entries, slots = [], []
    for t in to_save:
        if t is None:
            slots.append(None)
            continue
        if t._vc is None:
            t._vc = [0]
        out_nr = next((i for i, o in enumerate(outs) if o is t), None)
        if out_nr is not None and t.grad_fn is ctx:
            # A saved output is kept as its array: no output -> ctx -> output cycle.
            entries.append((t._data, t._vc[0], t._vc, out_nr))
        else:
            entries.append((t, t._vc[0], t._vc))
        slots.append(len(entries) - 1)
    ctx._saved = tuple(entries)
    ctx._saved_slots = tuple(slots)
    ctx.to_save = ()


class DelayedError(Node):
    """Stands for the gradient of a once-differentiable backward: differentiating it raises."""

    msg = ""

    def backward(self, *grad_outputs):
        raise RuntimeError(self.msg)


def once_differentiable(fn):
    """Decorate a Function's ``backward`` that works on plain values and cannot be differentiated.

    The backward runs under ``no_grad``; with ``create_graph=True`` its results are marked so that
    differentiating them again raises instead of silently giving zero.
    """

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not _state.enabled:
            return outputs
        # Stricter than PyTorch: the result also depends on the function's inputs (through its
        # saved tensors), so mark it whenever those or the incoming gradients require grad.
        edges, meta = [], []
        for a in args:
            if isinstance(a, Tensor) and a._requires_grad:
                edges.append(_edge(a))
                meta.append((a._data.shape, a._data.dtype))
        for edge, m in zip(ctx.next_functions, ctx._input_meta):
            if edge[0] is not None:
                edges.append(edge)
                meta.append(m)
        if not edges:
            return outputs
        node = DelayedError()
        node.msg = ("trying to differentiate twice a function that was marked with "
                    f"@once_differentiable ({type(ctx).__name__})")
        node.next_functions = tuple(edges)
        node._input_meta = tuple(meta)
        single = not isinstance(outputs, tuple)
        marked = []
        for o in ((outputs,) if single else outputs):
            if isinstance(o, Tensor) and o._data.dtype.kind == "f":
                o = _make(o._data)
                o._requires_grad, o.grad_fn = True, node
            marked.append(o)
        return marked[0] if single else tuple(marked)

    return wrapper
