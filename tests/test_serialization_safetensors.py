"""ember.serialization.save_safetensors / load_safetensors, without the safetensors package."""
from __future__ import annotations

import json
import pathlib
import struct

import numpy as np
import pytest

import ember
from ember.serialization import load_safetensors, save_safetensors

FIX = pathlib.Path(__file__).parent / "fixtures" / "torch"
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def test_golden_file_written_by_the_safetensors_package():
    back = load_safetensors(FIX / "serialization_golden.safetensors")
    assert list(back) == ["b", "h", "i", "w"]
    np.testing.assert_array_equal(back["w"]._data, np.arange(6, dtype=np.float32).reshape(2, 3))
    assert back["i"].tolist() == [1, -2] and back["i"].dtype is ember.int64
    assert back["h"].dtype is ember.float16 and back["b"].tolist() == [True, False]


def test_roundtrip_every_dtype_scalar_empty_and_views(tmp_path):
    base = ember.arange(12.0).reshape(3, 4)
    tensors = {d: ember.from_numpy((np.arange(6) % 4).astype(d).reshape(3, 2)) for d in DTYPES}
    tensors.update(scalar=ember.tensor(3.5), empty=ember.zeros(0, 5), t=base.t(), col=base[:, 1])
    save_safetensors(tensors, tmp_path / "a.safetensors")
    back = load_safetensors(tmp_path / "a.safetensors")
    assert sorted(back) == sorted(tensors)
    for name, t in tensors.items():
        assert back[name].dtype is t.dtype and back[name].shape == t.shape, name
        np.testing.assert_array_equal(back[name]._data, t._data)
    back["t"][0, 0] = 100.0  # independent copies: safetensors has no shared storage
    assert back["col"][0].item() == 1.0


def test_header_layout(tmp_path):
    path = tmp_path / "h.safetensors"
    save_safetensors({"w": ember.ones(2, dtype=ember.float64), "i": ember.tensor([1], dtype=ember.int8)},
                     path, metadata={"format": "pt"})
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0
    header = json.loads(raw[8:8 + n])
    assert header == {"__metadata__": {"format": "pt"},
                      "w": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]},
                      "i": {"dtype": "I8", "shape": [1], "data_offsets": [16, 17]}}
    assert raw[8 + n:] == np.ones(2).tobytes() + b"\x01"


def test_save_argument_errors(tmp_path):
    path = tmp_path / "x.safetensors"
    with pytest.raises(TypeError, match="dict of str -> Tensor"):
        save_safetensors([ember.ones(1)], path)
    with pytest.raises(TypeError, match="must be a Tensor"):
        save_safetensors({"a": np.ones(1)}, path)
    with pytest.raises(TypeError, match="must be a str"):
        save_safetensors({1: ember.ones(1)}, path)
    with pytest.raises(TypeError, match="metadata"):
        save_safetensors({"a": ember.ones(1)}, path, metadata={"k": 1})
    assert not path.exists()


def _file(tmp_path, header: dict, data: bytes) -> pathlib.Path:
    text = json.dumps(header).encode()
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)
    return path


@pytest.mark.parametrize("header, data, message", [
    ({"a": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}, b"00", "BF16"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, b"0000", "needs 8 bytes"),
    ({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 8]}}, b"0" * 8, "needs 4 bytes"),
    ({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},
      "b": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}, b"0", "expected 1"),
    ({"a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}, b"00", "expected 0"),
    ({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}, b"00", "cover 1 bytes"),
    ({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 9]}}, b"0", "data_offsets"),
    ({"a": {"dtype": "U8", "shape": [-1], "data_offsets": [0, 1]}}, b"0", "invalid shape"),
    ({"__metadata__": {"k": 1}}, b"", "__metadata__"),
    ({"a": [1]}, b"", "not an object"),
])
def test_malformed_files_are_refused(tmp_path, header, data, message):
    with pytest.raises(ValueError, match=message):
        load_safetensors(_file(tmp_path, header, data))


def test_bad_header_lengths_and_json(tmp_path):
    path = tmp_path / "bad.safetensors"
    for raw, message in [(b"\x01\x02", "fewer than"), (struct.pack("<Q", 2**40) + b"{}", "does not fit"),
                         (struct.pack("<Q", 3) + b"{x}", "does not parse"),
                         (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
                         (struct.pack("<Q", 20000) + b"[" * 20000, "does not parse")]:
        path.write_bytes(raw)
        with pytest.raises(ValueError, match=message):
            load_safetensors(path)
