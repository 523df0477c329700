"""Keep freed heap memory for reuse instead of handing it back to the kernel (glibc only).

A training step allocates and frees the same large arrays over and over. With glibc's defaults,
freeing an array at the top of the heap returns its pages to the kernel, and the next array of
the same size page-faults them in again, which costs more than the arithmetic: for 1M-element
float32 tensors ``gy * mask`` took 3.5 ms instead of 0.7 ms, and a 10-op forward and backward
chain 29 ms instead of 13 ms. ``M_TOP_PAD`` keeps up to 64 MiB of free heap mapped.

``EMBER_MALLOC_TOP_PAD=<bytes>`` changes the amount; ``0`` keeps glibc's defaults.
"""
from __future__ import annotations

import os
import sys

_M_TOP_PAD = -2          # mallopt parameter number, from glibc's malloc.h
DEFAULT_TOP_PAD = 64 << 20


def keep_freed_memory() -> bool:
    """Set glibc's M_TOP_PAD once, at import; returns whether it was set."""
    try:
        pad = int(os.environ.get("EMBER_MALLOC_TOP_PAD", DEFAULT_TOP_PAD))
    except ValueError:
        return False
    if pad <= 0 or not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version      # glibc only: musl's mallopt does nothing useful
        return libc.mallopt(_M_TOP_PAD, ctypes.c_int(min(pad, 2**31 - 1))) == 1
    except (OSError, AttributeError):
        return False
