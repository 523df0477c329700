"""ember.save / ember.load against torch.save / torch.load(weights_only=True).

Two state dicts: four 4 MiB float32 weights (I/O bound) and 500 tensors of 256 B (pickle bound),
saved to and loaded from a file in a temporary folder. ember's save fsyncs before its atomic
rename (torch.save does not); ember's load checks each record's CRC-32.
Run: ``python benchmarks/serialization.py``.
"""
import os
import tempfile

import _harness
from _harness import workload

_FOLDER = tempfile.mkdtemp(prefix="ember-bench-")


def _state_dict(torch, kind: str) -> dict:
    torch.manual_seed(0)
    if kind == "big":
        return {f"layer{i}.weight": torch.randn(1024, 1024) for i in range(4)}
    return {f"m{i}.{k}": torch.randn(64) for i in range(250) for k in ("weight", "bias")}


def _path(torch, kind: str) -> str:
    return os.path.join(_FOLDER, f"{torch.__name__}-{kind}.pt")


def _saver(torch, kind):
    sd, path = _state_dict(torch, kind), _path(torch, kind)
    return lambda: torch.save(sd, path)


def _loader(torch, kind):
    path = _path(torch, kind)
    torch.save(_state_dict(torch, kind), path)
    return lambda: torch.load(path, weights_only=True)


@workload("save 4 x 4 MiB state dict", group="serialization", target_s=0.2)
def save_big(torch):
    return _saver(torch, "big")


@workload("load 4 x 4 MiB state dict", group="serialization", target_s=0.2)
def load_big(torch):
    return _loader(torch, "big")


@workload("save 500 x 256 B state dict", group="serialization", target_s=0.2)
def save_many(torch):
    return _saver(torch, "many")


@workload("load 500 x 256 B state dict", group="serialization", target_s=0.2)
def load_many(torch):
    return _loader(torch, "many")


if __name__ == "__main__":
    _harness.main()
