"""ember.cuda: the NumPy backend has no GPU; these answer as PyTorch does on a CPU-only build."""
from __future__ import annotations


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """No GPU generators to seed."""


def manual_seed_all(seed: int) -> None:
    """No GPU generators to seed."""


def synchronize(device=None) -> None:
    """Nothing runs asynchronously on the CPU backend."""


def current_device() -> int:
    raise RuntimeError("ember has no CUDA backend yet: ember.cuda.is_available() is False")
