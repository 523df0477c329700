"""Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d with PyTorch's parameters,
initialisation and printed form."""
from __future__ import annotations

import math

from ... import _creation
from ..._tensor import Tensor
from .. import init
from .._functional import conv as _FC
from .._functional.padding import pad as _pad
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    _nd = 2
    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding",
                     "in_channels", "out_channels", "kernel_size"]

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, device=None,
                 dtype=None) -> None:
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _MODES:
            raise ValueError(f"padding_mode must be one of {list(_MODES)}, but got padding_mode="
                             f"'{padding_mode}'")
        kernel_size = _FC._ntuple(kernel_size, nd, "kernel_size")
        stride = _FC._ntuple(stride, nd, "stride")
        dilation = _FC._ntuple(dilation, nd, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            pairs = _FC._same_padding(_FakeWeight(kernel_size), dilation, nd) \
                if padding == "same" else [(0, 0)] * nd
        else:
            padding = _FC._ntuple(padding, nd, "padding")
            pairs = [(p, p) for p in padding]
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.dilation, self.transposed = dilation, transposed
        self.output_padding = _FC._ntuple(output_padding, nd, "output_padding")
        self.groups, self.padding_mode = groups, padding_mode
        self._reversed_padding_repeated_twice = [v for pair in reversed(pairs) for v in pair]
        if transposed:
            shape = (in_channels, out_channels // groups) + kernel_size
        else:
            shape = (out_channels, in_channels // groups) + kernel_size
        self.weight = Parameter(_creation.empty(*shape, dtype=dtype))
        if bias:
            self.bias = Parameter(_creation.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        nd = self._nd
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, " \
            f"stride={self.stride}"
        if self.padding != (0,) * nd:
            s += f", padding={self.padding}" if not isinstance(self.padding, str) else \
                f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


class _FakeWeight:
    """Just enough of a weight (its shape) for computing 'same' padding in __init__."""

    def __init__(self, kernel):
        self.shape = (1, 1) + tuple(kernel)


class _Conv(_ConvNd):
    _fn = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False,
                         0, groups, bias, padding_mode, device, dtype)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias):
        fn = type(self)._fn
        if self.padding_mode != "zeros":
            mode = self.padding_mode
            x = _pad(input, self._reversed_padding_repeated_twice, mode=mode)
            return fn(x, weight, bias, self.stride, 0, self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-d convolution over (N, C_in, L): weight (out_channels, in_channels/groups, k)."""
    _nd = 1
    _fn = staticmethod(_FC.conv1d)


class Conv2d(_Conv):
    """2-d convolution over (N, C_in, H, W) or unbatched (C_in, H, W).

    Args:
        in_channels, out_channels: channel counts. kernel_size, stride, padding (int, tuple,
        'valid' or 'same'), dilation, groups, bias, padding_mode ('zeros', 'reflect',
        'replicate', 'circular') as in PyTorch.

    Initialisation as PyTorch: weight ``kaiming_uniform_(a=sqrt(5))``, bias
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``.

    Example:
        >>> import ember
        >>> ember.nn.Conv2d(1, 6, 5)
        Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
    """
    _nd = 2
    _fn = staticmethod(_FC.conv2d)


class Conv3d(_Conv):
    """3-d convolution over (N, C_in, D, H, W)."""
    _nd = 3
    _fn = staticmethod(_FC.conv3d)


class _ConvTranspose(_ConvNd):
    _fn = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True,
                         output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        nd = self._nd
        output_size = list(output_size)[-nd:]
        result = []
        for i in range(nd):
            size = input.shape[input.ndim - nd + i]
            base = (size - 1) * self.stride[i] - 2 * self.padding[i] + \
                self.dilation[i] * (self.kernel_size[i] - 1) + 1
            extra = output_size[i] - base
            if not 0 <= extra < max(self.stride[i], self.dilation[i]):
                raise ValueError(f"requested an output size of {output_size}, but valid sizes "
                                 f"range from {base} to "
                                 f"{base + max(self.stride[i], self.dilation[i]) - 1} (for an "
                                 f"input of {list(input.shape[2:])})")
            result.append(extra)
        return tuple(result)

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        op = self._output_padding(input, output_size)
        return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding, op,
                              self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """1-d transposed convolution; weight (in_channels, out_channels/groups, k)."""
    _nd = 1
    _fn = staticmethod(_FC.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """2-d transposed convolution; weight (in_channels, out_channels/groups, kH, kW)."""
    _nd = 2
    _fn = staticmethod(_FC.conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """3-d transposed convolution; weight (in_channels, out_channels/groups, kD, kH, kW)."""
    _nd = 3
    _fn = staticmethod(_FC.conv_transpose3d)
