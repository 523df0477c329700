"""Anomaly detection: find the op that first produced a NaN or inf.

While it is on, every recorded node keeps the stack of the forward call that created it; a
forward op whose output holds NaN/inf raises at once (the first bad op, not the last backward
one), and a backward op that returns NaN/inf raises with its node's forward stack.

Differences from PyTorch: PyTorch only checks backward results; ember also stops at the first
forward op with a non-finite output, because that is where the bug usually is. With
``check_nan=False`` only the stacks are recorded (no value checks), as in PyTorch.
"""
from __future__ import annotations

import functools
import warnings

from . import graph

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

_enabled = [False]
_check_nan = [True]


def is_anomaly_enabled() -> bool:
    return _enabled[0]


def is_anomaly_check_nan_enabled() -> bool:
    return _enabled[0] and _check_nan[0]


def _set(mode: bool, check_nan: bool) -> None:
    _enabled[0], _check_nan[0] = bool(mode), bool(check_nan)
    # The hot path reads one flag: graph._anomaly[0] says "keep stacks and check values".
    graph._anomaly[0] = _enabled[0] and _check_nan[0]


class detect_anomaly:
    """Context manager and decorator that turns anomaly detection on for its block.

    Example::

        >>> import ember
        >>> x = ember.tensor([0.0], requires_grad=True)
        >>> with ember.autograd.detect_anomaly():  # doctest: +SKIP
        ...     (x / x).sum().backward()
        Traceback (most recent call last):
        RuntimeError: Function 'DivBackward0' produced nan or inf values in its output ...
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        self.prev = (_enabled[0], _check_nan[0])
        _set(True, self.check_nan)

    def __exit__(self, *exc) -> bool:
        _set(*self.prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _Scoped(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class _Scoped:
    def __init__(self, check_nan: bool) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        self.prev = (_enabled[0], _check_nan[0])
        _set(True, self.check_nan)

    def __exit__(self, *exc) -> bool:
        _set(*self.prev)
        return False


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` turns anomaly detection on (or off); also a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (_enabled[0], _check_nan[0])
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> bool:
        _set(*self.prev)
        return False
