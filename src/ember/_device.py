"""ember.device: where a tensor's memory lives. The NumPy backend only has the CPU."""
from __future__ import annotations

__all__ = ["device"]


class device:
    """``ember.device('cpu')``; ``'cuda'`` raises a clear error until a GPU backend exists."""

    __slots__ = ("type", "index")

    def __new__(cls, type_or_device="cpu", index=None):
        if isinstance(type_or_device, device):
            return type_or_device
        if isinstance(type_or_device, int) and not isinstance(type_or_device, bool):
            type_or_device, index = "cuda", type_or_device
        if not isinstance(type_or_device, str):
            raise TypeError(f"device() expected a string or a device, got {type(type_or_device).__name__}")
        kind, _, idx = type_or_device.partition(":")
        if idx:
            index = int(idx)
        if kind not in ("cpu", "cuda", "mps", "meta"):
            raise RuntimeError(
                f"Expected one of cpu, cuda, mps, meta device type at start of device string: {type_or_device}")
        self = object.__new__(cls)
        self.type, self.index = kind, index
        return self

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))


CPU = device("cpu")


def check_device(dev) -> device:
    """Resolve a ``device=`` argument; anything but the CPU is refused with the reason."""
    if dev is None or dev is CPU:
        return CPU
    d = device(dev)
    if d.type != "cpu":
        # AssertionError, as PyTorch built without CUDA raises.
        raise AssertionError(
            f"ember has no '{d.type}' backend yet: tensors live on the CPU (NumPy). "
            "ember.cuda.is_available() is False; use device='cpu' or leave device unset.")
    return CPU
