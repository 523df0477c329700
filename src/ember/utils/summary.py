"""A layer table for a model: output shapes and parameter counts (what ``torchsummary`` prints).

``ember.utils.summary(model, (1, 28, 28))`` runs one forward pass on a random batch of two,
records every layer's output shape through forward hooks, and prints::

    ----------------------------------------------------------------
            Layer (type)               Output Shape         Param #
    ================================================================
                Conv2d-1            [-1, 6, 28, 28]             156
    ...
"""
from __future__ import annotations

__all__ = ["summary", "summary_string"]

_RULE = "-" * 64
_DOUBLE = "=" * 64


def _shape_of(output, batch_size: int):
    from .._tensor import Tensor
    if isinstance(output, Tensor):
        shape = list(output.shape)
        if shape:
            shape[0] = batch_size
        return shape
    if isinstance(output, (list, tuple)):
        return [_shape_of(o, batch_size) for o in output]
    if isinstance(output, dict):
        return {k: _shape_of(v, batch_size) for k, v in output.items()}
    return type(output).__name__


def _numel(shape) -> int:
    if isinstance(shape, list) and shape and all(isinstance(s, int) for s in shape):
        n = 1
        for s in shape[1:]:
            n *= abs(s)
        return n
    if isinstance(shape, list):
        return sum(_numel(s) for s in shape)
    if isinstance(shape, dict):
        return sum(_numel(s) for s in shape.values())
    return 0


def _is_container(module) -> bool:
    from ..nn import ModuleDict, ModuleList, Sequential
    return isinstance(module, (Sequential, ModuleList, ModuleDict))


def _make_inputs(input_size, dtypes):
    from .. import _creation
    sizes = [input_size] if isinstance(input_size[0], int) else list(input_size)
    dtypes = dtypes or [None] * len(sizes)
    inputs = []
    for size, dtype in zip(sizes, dtypes):
        if dtype is not None and not dtype.is_floating_point:
            inputs.append(_creation.zeros(2, *size, dtype=dtype))
        else:
            inputs.append(_creation.rand(2, *size, dtype=dtype))
    return sizes, inputs


def summary_string(model, input_size, batch_size: int = -1, dtypes=None, device=None):
    """The table as a string, and (total params, trainable params).

    Args:
        model: an ``ember.nn.Module``.
        input_size: one input's shape without the batch dimension, e.g. ``(1, 28, 28)``, or a
            list of such shapes for a model with several inputs.
        batch_size: the batch size shown in the table (-1 for "any").
        dtypes: one dtype per input (default: the default float dtype).
        device: accepted for compatibility with torchsummary; ember runs on the CPU.
    """
    from .. import no_grad
    rows = []
    hooks = []

    def hook(module, inputs, output):
        index = len(rows) + 1
        params = list(module.parameters(recurse=False))
        count = sum(p.numel() for p in params)
        trainable = any(p.requires_grad for p in params)
        rows.append((f"{type(module).__name__}-{index}", _shape_of(output, batch_size), count,
                     trainable))

    for module in model.modules():
        if module is not model and not _is_container(module):
            hooks.append(module.register_forward_hook(hook))
    was_training = model.training
    sizes, inputs = _make_inputs(input_size, dtypes)
    try:
        model.eval()
        with no_grad():
            model(*inputs)
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)

    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    lines = [_RULE, "{:>20}  {:>25} {:>15}".format("Layer (type)", "Output Shape", "Param #"),
             _DOUBLE]
    activations = 0
    for name, shape, count, _ in rows:
        lines.append("{:>20}  {:>25} {:>15}".format(name, str(shape), f"{count:,}"))
        activations += _numel(shape)
    item = 4  # bytes of a float32, as torchsummary counts
    input_mb = abs(sum(_numel([1] + list(s)) for s in sizes) * abs(batch_size) * item / 1024 ** 2)
    pass_mb = abs(2.0 * activations * abs(batch_size) * item / 1024 ** 2)
    params_mb = abs(total * item / 1024 ** 2)
    lines += [_DOUBLE, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", _RULE,
              f"Input size (MB): {input_mb:.2f}", f"Forward/backward pass size (MB): {pass_mb:.2f}",
              f"Params size (MB): {params_mb:.2f}",
              f"Estimated Total Size (MB): {input_mb + pass_mb + params_mb:.2f}", _RULE]
    return "\n".join(lines), (total, trainable)


def summary(model, input_size, batch_size: int = -1, dtypes=None, device=None) -> None:
    """Print a table of ``model``'s layers: output shapes and parameter counts.

    See ``summary_string`` for the arguments. The model runs once in eval mode under
    ``no_grad`` on a random batch of two; its training mode is restored afterwards.
    """
    text, _ = summary_string(model, input_size, batch_size, dtypes, device)
    print(text)
