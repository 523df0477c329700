"""Importable stand-ins for the torch globals a checkpoint names (ember never imports torch).

Each object here is found by pickle under its own name in this module; the writer then
rewrites ``ember._serialization._torch_names <attr>`` into the torch name it stands for.
"""
from __future__ import annotations


class SlowPath(Exception):
    """The C pickler met something only the pure-Python pickler writes correctly."""


class TorchGlobal:
    """Stands for the global ``module.name``; ``attr`` is its own name in this module (None for
    a stand-in made elsewhere, which only the pure-Python pickler can write)."""

    __slots__ = ("module", "name", "attr")

    def __init__(self, module: str, name: str, attr: str | None = None):
        self.module, self.name, self.attr = module, name, attr

    def __repr__(self) -> str:
        return f"<global {self.module}.{self.name}>"

    def __reduce__(self):
        if self.attr is None:
            raise SlowPath(self.name)
        return self.attr

    def __call__(self, *args, **kwargs):  # pickle's save_reduce requires a callable
        raise TypeError(f"{self!r} is a name written into checkpoints, not a function")


rebuild_tensor_v2 = TorchGlobal("torch._utils", "_rebuild_tensor_v2", "rebuild_tensor_v2")
rebuild_parameter = TorchGlobal("torch._utils", "_rebuild_parameter", "rebuild_parameter")
Size = TorchGlobal("torch", "Size", "Size")
device = TorchGlobal("torch", "device", "device")

BoolStorage = TorchGlobal("torch", "BoolStorage", "BoolStorage")
ByteStorage = TorchGlobal("torch", "ByteStorage", "ByteStorage")
CharStorage = TorchGlobal("torch", "CharStorage", "CharStorage")
ShortStorage = TorchGlobal("torch", "ShortStorage", "ShortStorage")
IntStorage = TorchGlobal("torch", "IntStorage", "IntStorage")
LongStorage = TorchGlobal("torch", "LongStorage", "LongStorage")
HalfStorage = TorchGlobal("torch", "HalfStorage", "HalfStorage")
FloatStorage = TorchGlobal("torch", "FloatStorage", "FloatStorage")
DoubleStorage = TorchGlobal("torch", "DoubleStorage", "DoubleStorage")

STORAGES = {"bool": BoolStorage, "uint8": ByteStorage, "int8": CharStorage,
            "int16": ShortStorage, "int32": IntStorage, "int64": LongStorage,
            "float16": HalfStorage, "float32": FloatStorage, "float64": DoubleStorage}
ALL = (rebuild_tensor_v2, rebuild_parameter, Size, device, *STORAGES.values())
