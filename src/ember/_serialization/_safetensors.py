"""The safetensors format: an 8-byte little-endian header length, a JSON header, raw bytes.

Written and read here without the ``safetensors`` package. The header maps each name to
``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets relative to the data section)
and may hold ``"__metadata__"``, a str -> str dict.
"""
from __future__ import annotations

import json
import struct

import numpy as np

from .._tensor import Tensor, _make

_CODE_OF_DTYPE = {"bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32",
                  "int64": "I64", "float16": "F16", "float32": "F32", "float64": "F64"}
_DTYPE_OF_CODE = {v: np.dtype(k) for k, v in _CODE_OF_DTYPE.items()}
_MAX_HEADER = 100_000_000  # the limit the safetensors package applies as well


def _check_state_dict(tensors) -> None:
    if not isinstance(tensors, dict):
        raise TypeError(f"save_safetensors(): expected a dict of str -> Tensor, got "
                        f"{type(tensors).__name__}")
    for name, t in tensors.items():
        if type(name) is not str or name == "__metadata__":
            raise TypeError(f"save_safetensors(): key {name!r} must be a str other than "
                            "'__metadata__'")
        if not isinstance(t, Tensor):
            raise TypeError(f"save_safetensors(): value for {name!r} must be a Tensor, got "
                            f"{type(t).__name__}")


def encode(tensors: dict, metadata=None) -> list:
    """The file's pieces (header bytes then one array per tensor) in writing order."""
    _check_state_dict(tensors)
    if metadata is not None and not (isinstance(metadata, dict) and all(
            type(k) is str and type(v) is str for k, v in metadata.items())):
        raise TypeError("save_safetensors(): metadata must be a dict of str -> str")
    # Larger items first keeps every tensor aligned to its element size, as safetensors does.
    order = sorted(tensors, key=lambda n: (-tensors[n]._data.itemsize, n))
    header: dict = {} if metadata is None else {"__metadata__": dict(metadata)}
    arrays, offset = [], 0
    for name in order:
        src = tensors[name]._data
        a = np.ascontiguousarray(src).reshape(src.shape)
        if a.dtype.byteorder == ">":
            a = a.astype(a.dtype.newbyteorder("<"))
        header[name] = {"dtype": _CODE_OF_DTYPE[a.dtype.name], "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        arrays.append(a.reshape(-1))
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return [struct.pack("<Q", len(text)) + text, *arrays]


def _bad(msg: str) -> ValueError:
    return ValueError(f"load_safetensors(): {msg}; the file is not valid safetensors")


def decode(buffer) -> tuple[dict, dict]:
    """(tensors, metadata) from the bytes of a safetensors file, every offset checked."""
    mv = memoryview(buffer)
    if len(mv) < 8:
        raise _bad(f"the file holds {len(mv)} bytes, fewer than the 8-byte header length")
    (n,) = struct.unpack("<Q", mv[:8])
    if n > _MAX_HEADER or 8 + n > len(mv):
        raise _bad(f"header length {n} does not fit in a file of {len(mv)} bytes")
    try:
        header = json.loads(bytes(mv[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise _bad(f"the JSON header does not parse ({e})") from None
    if not isinstance(header, dict):
        raise _bad("the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _bad("__metadata__ must map str to str")
    data = np.frombuffer(buffer, dtype=np.uint8, offset=8 + n)
    entries = []
    for name, info in header.items():
        entries.append((_entry(name, info, data.size), name))
    entries.sort(key=lambda e: (e[0][0], e[0][1], e[1]))
    covered = 0
    for (begin, end, _, _), name in entries:
        if begin != covered:
            raise _bad(f"tensor {name!r} starts at byte {begin}, expected {covered} (gaps and "
                       "overlaps are not allowed)")
        covered = end
    if covered != data.size:
        raise _bad(f"tensors cover {covered} bytes of a {data.size}-byte data section")
    tensors = {}
    for (begin, end, dt, shape), name in sorted(entries, key=lambda e: e[1]):
        arr = data[begin:end].copy().view(dt).reshape(shape)
        tensors[name] = _make(arr)
    return tensors, metadata


def _entry(name, info, limit: int):
    if not isinstance(info, dict):
        raise _bad(f"entry {name!r} is not an object")
    code, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if code not in _DTYPE_OF_CODE:
        raise _bad(f"tensor {name!r} has dtype {code!r}, which ember does not support")
    if not (isinstance(shape, list) and all(type(s) is int and s >= 0 for s in shape)):
        raise _bad(f"tensor {name!r} has an invalid shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2
            and all(type(o) is int for o in offsets) and 0 <= offsets[0] <= offsets[1] <= limit):
        raise _bad(f"tensor {name!r} has invalid data_offsets {offsets!r}")
    dt = _DTYPE_OF_CODE[code]
    numel = 1
    for s in shape:
        numel *= s
    if numel * dt.itemsize != offsets[1] - offsets[0]:
        raise _bad(f"tensor {name!r} of shape {shape} and dtype {code} needs "
                   f"{numel * dt.itemsize} bytes but data_offsets span {offsets[1] - offsets[0]}")
    return offsets[0], offsets[1], dt, tuple(shape)
