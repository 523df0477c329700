"""Dropout layers: identity in eval mode, masks drawn from ember's generator in training."""
from __future__ import annotations

from ..._tensor import Tensor
from .._functional import dropout as _FD
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
           "FeatureAlphaDropout"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]
    _fn = None

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, self.p, self.training, self.inplace)


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` in training and scale the rest by 1/(1-p).

    Example:
        >>> import ember
        >>> ember.nn.Dropout(0.2)
        Dropout(p=0.2, inplace=False)
    """
    _fn = staticmethod(_FD.dropout)


class Dropout1d(_DropoutNd):
    _fn = staticmethod(_FD.dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) input."""
    _fn = staticmethod(_FD.dropout2d)


class Dropout3d(_DropoutNd):
    _fn = staticmethod(_FD.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU's self-normalising statistics."""
    _fn = staticmethod(_FD.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    _fn = staticmethod(_FD.feature_alpha_dropout)
