"""The slow path of ``Module.__call__``: forward pre-hooks, forward hooks and full backward hooks.

A full backward hook needs the gradients of all of a module's inputs and outputs at once. The
module's tensor inputs and outputs pass through identity nodes (``BackwardHookFunctionBackward``,
PyTorch's name): the output node sees the output gradients, the input node the input gradients,
and the latter calls the hooks, which may replace the input gradients.
"""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.graph import Node, apply
from ...autograd.grad_mode import _state
from . import module as _m


class BackwardHookFunctionBackward(Node):
    def forward(self, *arrays, state=None, role="input"):
        self.state, self.role = state, role
        return arrays if len(arrays) > 1 else arrays[0]

    def backward(self, *gys):
        state = self.state
        if self.role == "output":
            state["grad_output"] = tuple(gys)
            mod = state["module"]
            for hook in list(mod._backward_pre_hooks.values()):
                new = hook(mod, state["grad_output"])
                if new is not None:
                    gys = tuple(new)
                    state["grad_output"] = gys
            if state["n_inputs"] == 0:
                _run_backward_hooks(state, (None,))
            return gys if len(gys) > 1 else gys[0]
        new = _run_backward_hooks(state, tuple(gys))
        if new is not None:
            gys = tuple(new)
        return gys if len(gys) > 1 else gys[0]


def _run_backward_hooks(state, grad_input):
    mod = state["module"]
    result = None
    for hook in list(mod._backward_hooks.values()):
        new = hook(mod, grad_input if result is None else result, state.get("grad_output", ()))
        if new is not None:
            result = tuple(new)
    return result


def _wrap(tensors_in, state, role):
    """Pass the grad-requiring tensors of a flat tuple through one identity node."""
    idx = [i for i, t in enumerate(tensors_in) if isinstance(t, Tensor) and t._requires_grad]
    if not idx:
        return tensors_in, 0
    outs = apply(BackwardHookFunctionBackward, *[tensors_in[i] for i in idx], state=state, role=role)
    if not isinstance(outs, tuple):
        outs = (outs,)
    result = list(tensors_in)
    for i, o in zip(idx, outs):
        result[i] = o
    return tuple(result), len(idx)


def call_with_hooks(mod, args, kwargs):
    for hook_id, hook in list(_m._GLOBAL_FORWARD_PRE_HOOKS.items()) + \
            list(mod._forward_pre_hooks.items()):
        if hook_id in mod._forward_pre_hooks_with_kwargs:
            new = hook(mod, args, kwargs)
            if new is not None:
                args, kwargs = new
        else:
            new = hook(mod, args)
            if new is not None:
                args = new if isinstance(new, tuple) else (new,)
    full_backward = (mod._backward_hooks or mod._backward_pre_hooks) and _state.enabled
    state = None
    if full_backward:
        state = {"module": mod}
        args, state["n_inputs"] = _wrap(args, state, "input")
    output = mod.forward(*args, **kwargs)
    for hook_id, hook in list(_m._GLOBAL_FORWARD_HOOKS.items()) + list(mod._forward_hooks.items()):
        if hook_id in mod._forward_hooks_with_kwargs:
            new = hook(mod, args, kwargs, output)
        else:
            new = hook(mod, args, output)
        if new is not None:
            output = new
    if full_backward:
        if isinstance(output, Tensor):
            wrapped, n = _wrap((output,), state, "output")
            output = wrapped[0]
        elif isinstance(output, tuple):
            output, n = _wrap(output, state, "output")
    return output
