"""The graph: backward nodes, the leaf accumulator, and the dispatcher that records them.

Every differentiable op is a ``Node`` subclass named as PyTorch's grad_fn class
(``MulBackward0``). Its ``forward`` works on NumPy arrays; its ``backward`` works on Tensors, so
that with ``create_graph=True`` the backward is itself recorded and double backward needs no
extra code. ``apply`` runs the forward and decides once, from grad mode and the inputs'
``requires_grad``, whether to record a node.
"""
from __future__ import annotations

import weakref

import numpy as np

from .._tensor import Tensor, _make
from .grad_mode import _state

__all__ = ["Node", "AccumulateGrad", "apply"]

class Node:
    """A node of the backward graph. Subclasses define ``forward`` and ``backward``.

    Class attributes an op may set:
        save_inputs:  indices of the inputs its backward needs, as Tensors.
        save_outputs: indices of the outputs its backward needs.
        nondiff_outputs: indices of outputs that carry no gradient (argmax indices...).
        once_differentiable: the backward is not itself differentiable; asking for a
            second derivative raises instead of returning a wrong value.
    """

    save_inputs = ()
    save_outputs = ()
    nondiff_outputs = ()
    once_differentiable = False
    is_view = False          # output 0 is a view of input 0 (shares memory and version counter)
    # Set when recorded:
    next_functions = ()
    _input_meta = ()         # (shape, np.dtype) per input, to undo broadcasting in the engine
    _saved = None            # ((tensor-or-output-slot, version), ...)
    _released = False
    _hooks = None            # {id: hook(grad_inputs, grad_outputs)}
    _pre_hooks = None        # {id: hook(grad_outputs)}
    _out_hooks = None        # {output_nr: {id: tensor hook}}
    _retained = None         # {output_nr: weakref to a retain_grad() tensor}
    _special = False         # any of the four above was ever set: the engine's slow path
    _n_outputs = 1
    _materialize_grads = True  # engine passes zeros, not None, for outputs without a gradient
    _output_meta = None      # (shape, np.dtype) per output, for multi-output ops
    _trace = None            # forward stack, in anomaly mode

    def forward(self, *arrays):
        raise NotImplementedError(f"{type(self).__name__} does not define forward")

    def backward(self, *grad_outputs):
        raise RuntimeError(f"{type(self).__name__} has no backward: it is not differentiable")

    @property
    def needs_input_grad(self) -> tuple:
        """Which inputs want a gradient (those with an edge in the graph)."""
        return tuple([e[0] is not None for e in self.next_functions])

    # -------------------------------------------------------------- saved tensors
    @property
    def saved_tensors(self) -> list:
        """The tensors kept for backward, inputs first, then outputs; checked for in-place changes."""
        saved = self._saved
        if saved is None:
            if self._released:
                raise RuntimeError(
                    "Trying to backward through the graph a second time (or directly access saved "
                    "tensors after they have already been freed). Saved intermediate values of the "
                    "graph are freed when you call .backward() or autograd.grad(). Specify "
                    "retain_graph=True if you need to backward through the graph a second time or "
                    "if you need to access saved tensors after calling backward.")
            return ()
        out = []
        for entry in saved:
            if entry[2][0] != entry[1]:
                self._raise_modified(entry)
            if len(entry) == 4:
                # A kept output: rebuild a tensor on its array that points back at this node,
                # so backward sees a graph tensor but no output <-> node cycle is ever stored.
                kept = _new(Tensor)
                kept._data, kept._vc, kept._requires_grad, kept.grad_fn = entry[0], entry[2], True, self
                if entry[3]:
                    kept._output_nr = entry[3]
                out.append(kept)
            else:
                out.append(entry[0])
        return out

    def _raise_modified(self, entry):
        t, version, vc = entry[0], entry[1], entry[2]
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{_type_str(entry)} {list(np.shape(t))}], which is "
            f"{'output' if len(entry) == 4 else 'input'} {entry[-1] if len(entry) == 4 else 0} "
            f"of {type(self).__name__}, is at version {vc[0]}; expected version {version} "
            "instead. Hint: the in-place change happened after the forward pass saved this "
            "tensor; apply it to a clone() or move it after backward().")

    def _release(self) -> None:
        if self._saved is not None:
            self._saved = None
            self._released = True

    # -------------------------------------------------------------- hooks and retain_grad
    def _tensor_hooks(self, output_nr: int) -> dict:
        self._special = True
        if self._out_hooks is None:
            self._out_hooks = {}
        return self._out_hooks.setdefault(output_nr, {})

    def _retain(self, tensor: Tensor) -> None:
        self._special = True
        if self._retained is None:
            self._retained = {}
        self._retained[tensor._output_nr] = weakref.ref(tensor)

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward; may return new grad_inputs."""
        from ..utils.hooks import RemovableHandle
        self._special = True
        if self._hooks is None:
            self._hooks = {}
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node's backward; may return new grad_outputs."""
        from ..utils.hooks import RemovableHandle
        self._special = True
        if self._pre_hooks is None:
            self._pre_hooks = {}
        handle = RemovableHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = fn
        return handle

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def metadata(self) -> dict:
        if "_metadata" not in self.__dict__:
            self._metadata = {}
        return self._metadata

    def __call__(self, *grad_outputs):
        return self.backward(*grad_outputs)


class AccumulateGrad(Node):
    """The node of a leaf tensor that requires grad: it adds incoming gradients into ``.grad``."""

    def __init__(self, variable: Tensor):
        self.variable = variable


def _grad_accumulator(t: Tensor) -> AccumulateGrad:
    # The leaf holds its accumulator weakly, the graph strongly: no tensor <-> node cycle.
    ref = t._grad_acc
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._grad_acc = weakref.ref(acc)
    return acc


def _edge(t: Tensor):
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (_grad_accumulator(t), 0)
    return (None, 0)


def _type_str(entry) -> str:
    from .._tensor_str import type_name
    t = entry[0]
    return type_name(t if isinstance(t, Tensor) else _make(t))


def apply(cls, *inputs: Tensor, **attrs):
    """Run op ``cls`` on Tensors ``inputs`` (``attrs`` go to its forward as keywords).

    This is the hot path of every op: the node is a bare object, and whether to record is
    decided once, from grad mode and the inputs' ``requires_grad``.
    """
    node = cls()
    n = len(inputs)
    if n == 1:
        x = inputs[0]
        out = node.forward(x._data, **attrs) if attrs else node.forward(x._data)
        record = x._requires_grad and _state.enabled
    elif n == 2:
        x, y = inputs
        out = node.forward(x._data, y._data, **attrs) if attrs else node.forward(x._data, y._data)
        record = (x._requires_grad or y._requires_grad) and _state.enabled
    else:
        out = node.forward(*[t._data for t in inputs], **attrs)
        record = False
        if _state.enabled:
            for t in inputs:
                if t._requires_grad:
                    record = True
                    break
    if record:
        result = _record(node, inputs, out)
    elif out.__class__ is tuple:
        return tuple([_make(o) for o in out])
    else:
        result = _new(Tensor)
        result._data = out if out.__class__ is ndarray else np.asarray(out)
    if cls.is_view:
        _share_storage(inputs[0], result)
    return result


_new = object.__new__
ndarray = np.ndarray
_NO_EDGE = (None, 0)


def _share_storage(base: Tensor, view: Tensor) -> None:
    vc = base._vc
    if vc is None:
        vc = base._vc = [0]
    view._vc = vc
    view._base = base if base._base is None else base._base


def _record(node: Node, inputs, out):
    edges = []
    meta = []
    for t in inputs:
        fn = t.grad_fn
        if fn is not None:
            edges.append((fn, t._output_nr))
        elif t._requires_grad:
            ref = t._grad_acc       # _grad_accumulator, inlined: this runs for every op
            acc = ref() if ref is not None else None
            edges.append((acc if acc is not None else _grad_accumulator(t), 0))
        else:
            edges.append(_NO_EDGE)
        data = t._data
        meta.append((data.shape, data.dtype))
    node.next_functions = tuple(edges)
    node._input_meta = meta
    if _anomaly[0]:
        _anomaly_check_forward(node, out)
    if out.__class__ is tuple:
        result = _record_outputs(node, out)
    else:
        result = _new(Tensor)
        result._data = out if out.__class__ is ndarray else np.asarray(out)
        if result._data.dtype.kind == "f":
            result._requires_grad = True
            result.grad_fn = node
    if node.save_inputs or node.save_outputs:
        _save(node, inputs, result)
    return result


def _record_outputs(node: Node, outs: tuple) -> tuple:
    tensors = []
    nondiff = node.nondiff_outputs
    for i, o in enumerate(outs):
        t = _make(o)
        if i not in nondiff and t._data.dtype.kind == "f":
            t._requires_grad = True
            t.grad_fn = node
            t._output_nr = i
        tensors.append(t)
    node._n_outputs = len(outs)
    node._output_meta = tuple((o.shape, o.dtype) for o in outs)
    return tuple(tensors)


def _save(node: Node, inputs, result) -> None:
    saved = []
    for i in node.save_inputs:
        t = inputs[i]
        vc = t._vc
        if vc is None:
            vc = t._vc = [0]
        saved.append((t, vc[0], vc))
    for i in node.save_outputs:
        t = result[i] if result.__class__ is tuple else result
        t._vc = vc = [0]
        saved.append((t._data, 0, vc, i))
    node._saved = saved


# Anomaly mode flag lives here so the hot path reads one list item.
_anomaly = [False]


def _anomaly_check_forward(node: Node, out) -> None:
    import traceback
    node._trace = traceback.format_stack()[:-3]
    outs = out if out.__class__ is tuple else (out,)
    for o in outs:
        if o.dtype.kind == "f" and not np.all(np.isfinite(o)):
            raise RuntimeError(
                f"Function '{type(node).__name__}' produced nan or inf values in its output "
                f"(forward pass, anomaly mode). Forward call stack:\n{''.join(node._trace)}")
