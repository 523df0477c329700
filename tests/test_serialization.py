"""ember.save / ember.load: PyTorch's golden files, round trips, the file layout, map_location."""
from __future__ import annotations

import collections
import io
import json
import pathlib
import pickle
import struct
import zipfile

import numpy as np
import pytest

import ember
from ember.serialization import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals

FIX = pathlib.Path(__file__).parent / "fixtures" / "torch"
META = json.loads((FIX / "serialization_meta.json").read_text())
VALUES = np.load(FIX / "serialization_values.npz")


def _walk(obj, prefix, out):
    if isinstance(obj, ember.Tensor):
        out[prefix] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _walk(v, f"{prefix}/{k}", out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            _walk(v, f"{prefix}/{i}", out)
    return out


def _same_memory(a: ember.Tensor, b: ember.Tensor) -> bool:
    return np.shares_memory(a._data, b._data)


# ---------------------------------------------------------------- PyTorch's golden files

@pytest.mark.parametrize("name", ["layers", "optim", "views", "dtypes"])
def test_golden_torch_files_load_with_values_dtypes_shapes(name):
    loaded = ember.load(FIX / f"serialization_{name}.pt")
    tensors = _walk(loaded, name, {})
    expected = {k: v for k, v in META["tensors"].items() if k.startswith(name + "/")}
    assert set(tensors) == set(expected)
    for key, info in expected.items():
        t = tensors[key]
        assert t.dtype.name == info["dtype"], key
        assert list(t.shape) == info["shape"], key
        assert t.requires_grad == info["requires_grad"], key
        assert isinstance(t, ember.nn.Parameter) == info["param"], key
        np.testing.assert_array_equal(t._data, VALUES[key], err_msg=key)


def test_golden_views_share_storage_as_in_torch():
    loaded = ember.load(FIX / "serialization_views.pt")
    infos = {k.split("/", 1)[1]: v for k, v in META["tensors"].items() if k.startswith("views/")}
    for name, info in infos.items():
        assert loaded[name].stride() == tuple(info["stride"]), name
        assert loaded[name].storage_offset() == info["offset"], name
        assert _same_memory(loaded[name], loaded["base"]) == (info["storage"] == 0), name
    loaded["base"][1, 2] = -1.0  # a write through the base shows in every view of it
    assert loaded["row"][2].item() == -1.0
    assert loaded["t"][2, 1].item() == -1.0
    assert loaded["col"][1].item() == -1.0


def test_golden_state_dict_is_ordered_with_metadata():
    layers = ember.load(FIX / "serialization_layers.pt")
    sd = layers["bn1d"]
    assert type(sd) is collections.OrderedDict
    assert list(sd) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert sd["num_batches_tracked"].dtype is ember.int64 and sd["num_batches_tracked"].item() == 1
    assert sd._metadata[""]["version"] == 2
    assert list(layers["lstm"]) == [f"{w}_{k}_l{i}" for i in range(2) for w in ("weight", "bias")
                                    for k in ("ih", "hh")]


def test_golden_optimizer_state_dict():
    optim = ember.load(FIX / "serialization_optim.pt")
    for name in ("sgd", "adam"):
        assert optim[name]["param_groups"] == [
            {k: tuple(v) if k == "betas" else v for k, v in g.items()}
            for g in META["optim"][name]["param_groups"]]
        assert sorted(optim[name]["state"]) == [0, 1]
    assert optim["adam"]["param_groups"][0]["betas"] == (0.8, 0.9)
    assert optim["adam"]["state"][0]["step"].item() == 2.0


def test_golden_plain_values():
    d = ember.load(FIX / "serialization_dtypes.pt")
    assert d["bytes"] == b"\x00\xffab"
    assert d["nested"] == [1, (2.5, "x"), {"k": None, "s": {1, 2}}]
    assert d["dtype"] is ember.float64
    assert d["size"] == (2, 3) and isinstance(d["size"], ember.Size)
    assert d["device"] == ember.device("cpu")
    assert d["scalar"].dim() == 0 and d["scalar"].item() == 2.5
    assert d["frozen"].requires_grad is False and isinstance(d["frozen"], ember.nn.Parameter)


def test_golden_dtype_ember_lacks_is_a_clear_error():
    with pytest.raises(pickle.UnpicklingError, match="torch.bfloat16.*does not support"):
        ember.load(FIX / "serialization_bfloat16.pt")


def test_golden_state_dict_loads_into_ember_module():
    torch_sd = ember.load(FIX / "serialization_layers.pt")["seq"]
    net = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.ReLU(), ember.nn.Linear(3, 1))
    net.load_state_dict(torch_sd)
    np.testing.assert_array_equal(net[0].weight.detach().numpy(), VALUES["layers/seq/0.weight"])


# ---------------------------------------------------------------- round trips

def _roundtrip(obj, **load_kw):
    buf = io.BytesIO()
    ember.save(obj, buf)
    buf.seek(0)
    return ember.load(buf, **load_kw)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float16",
                                   "float32", "float64"])
def test_roundtrip_every_dtype(dtype):
    a = (np.arange(12) % 5 - 2).astype(dtype).reshape(3, 4)
    back = _roundtrip({"t": ember.from_numpy(a)})["t"]
    assert back.dtype.name == dtype and back.shape == (3, 4)
    np.testing.assert_array_equal(back._data, a)


def test_roundtrip_views_keep_sharing_and_layout():
    base = ember.arange(24.0).reshape(4, 6)
    views = {"base": base, "t": base.t(), "col": base[:, 3], "narrow": base[1:3, 2:5],
             "step": base[::2, ::3], "expand": base[0:1].expand(3, 6), "flip": base.flip(0)}
    back = _roundtrip(views)
    for name, v in views.items():
        np.testing.assert_array_equal(back[name]._data, v._data, err_msg=name)
        if name != "flip":
            assert back[name].stride() == v.stride(), name
            assert back[name].storage_offset() == v.storage_offset(), name
            assert _same_memory(back[name], back["base"]), name
    assert not _same_memory(back["flip"], back["base"])  # negative strides: saved as a copy


def test_roundtrip_same_tensor_twice_is_one_object_and_one_record():
    t = ember.ones(3)
    buf = io.BytesIO()
    ember.save({"a": t, "b": t, "c": [t]}, buf)
    names = zipfile.ZipFile(io.BytesIO(buf.getvalue())).namelist()
    assert [n for n in names if "/data/" in n] == ["archive/data/0"]
    buf.seek(0)
    back = ember.load(buf)
    assert back["a"] is back["b"] is back["c"][0]


def test_roundtrip_parameters_requires_grad_and_plain_values():
    p = ember.nn.Parameter(ember.randn(2, 2))
    obj = {"p": p, "frozen": ember.nn.Parameter(ember.ones(1), requires_grad=False),
           "g": ember.ones(2, requires_grad=True), "empty": ember.zeros(0, 3),
           "scalar": ember.tensor(7), "plain": [1, 2.5, "s", None, True, (1, 2), {3}, b"\x00"],
           "dtype": ember.int16, "size": ember.Size([1, 2]), "np": np.float32(1.5),
           "od": collections.OrderedDict(a=1)}
    back = _roundtrip(obj)
    assert isinstance(back["p"], ember.nn.Parameter) and back["p"].requires_grad
    np.testing.assert_array_equal(back["p"]._data, p._data)
    assert back["frozen"].requires_grad is False
    assert back["g"].requires_grad and not isinstance(back["g"], ember.nn.Parameter)
    assert back["empty"].shape == (0, 3) and back["scalar"].shape == ()
    assert back["plain"] == obj["plain"] and back["dtype"] is ember.int16
    assert back["np"] == 1.5 and type(back["np"]) is float
    assert type(back["od"]) is collections.OrderedDict


def test_roundtrip_module_state_dict_and_optimizer_state():
    import ember.optim
    net = ember.nn.Sequential(ember.nn.Linear(1, 4), ember.nn.ReLU(), ember.nn.Linear(4, 1))
    opt = ember.optim.Adam(net.parameters(), lr=0.01)
    net(ember.randn(5, 1)).sum().backward()
    opt.step()
    sd, osd = _roundtrip(net.state_dict()), _roundtrip(opt.state_dict())
    net2 = ember.nn.Sequential(ember.nn.Linear(1, 4), ember.nn.ReLU(), ember.nn.Linear(4, 1))
    net2.load_state_dict(sd)
    opt2 = ember.optim.Adam(net2.parameters(), lr=0.5)
    opt2.load_state_dict(osd)
    x = ember.randn(3, 1)
    np.testing.assert_array_equal(net2(x)._data, net(x)._data)
    assert opt2.param_groups[0]["lr"] == 0.01


def test_whole_module_needs_weights_only_false(tmp_path):
    net = ember.nn.Sequential(ember.nn.Linear(1, 10), ember.nn.ReLU(), ember.nn.Linear(10, 1))
    ember.save(net, tmp_path / "net.pkl")
    with pytest.raises(pickle.UnpicklingError, match=r"weights_only=False[\s\S]*add_safe_globals"):
        ember.load(tmp_path / "net.pkl")
    net2 = ember.load(tmp_path / "net.pkl", weights_only=False)
    x = ember.linspace(-1, 1, 7).unsqueeze(1)
    np.testing.assert_array_equal(net2(x)._data, net(x)._data)
    assert isinstance(net2[0].weight, ember.nn.Parameter)


class Box:
    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Box) and other.value == self.value


def test_add_safe_globals_and_context_manager():
    buf = io.BytesIO()
    ember.save({"box": Box(3)}, buf)
    data = buf.getvalue()
    with pytest.raises(pickle.UnpicklingError, match="Box"):
        ember.load(io.BytesIO(data))
    with safe_globals([Box]):
        assert ember.load(io.BytesIO(data))["box"] == Box(3)
    with pytest.raises(pickle.UnpicklingError, match="Box"):
        ember.load(io.BytesIO(data))
    add_safe_globals([Box])
    try:
        assert Box in get_safe_globals()
        assert ember.load(io.BytesIO(data))["box"] == Box(3)
    finally:
        clear_safe_globals()
    assert get_safe_globals() == []


def test_user_text_that_spells_a_stand_in_is_kept_verbatim():
    # The fast writer renames its stand-ins' GLOBAL opcodes; a string that happens to spell one
    # must make it fall back to the pure-Python pickler rather than be rewritten.
    from ember._serialization import _writer
    spelled = "\ncember._serialization._torch_names\nrebuild_tensor_v2\n"
    obj = {"note": spelled, "w": ember.ones(2), "dt": ember.float32, "b": spelled.encode()}
    back = _roundtrip(obj)
    assert back["note"] == spelled and back["b"] == spelled.encode()
    assert back["w"].tolist() == [1.0, 1.0] and back["dt"] is ember.float32
    pkl, _ = _writer.dumps(obj)
    assert b"ctorch._utils\n_rebuild_tensor_v2\n" in pkl


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_other_pickle_protocols(protocol):
    base = ember.arange(6.0).reshape(2, 3)
    buf = io.BytesIO()
    ember.save({"b": base, "t": base.t(), "d": ember.int8, "s": ember.Size([1])}, buf,
               pickle_protocol=protocol)
    buf.seek(0)
    back = ember.load(buf)
    assert back["t"].tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    assert np.shares_memory(back["t"]._data, back["b"]._data)
    assert back["d"] is ember.int8 and back["s"] == (1,)


# ---------------------------------------------------------------- the file layout

def test_layout_matches_torch_save(tmp_path):
    ember.save({"w": ember.ones(2, 3), "b": ember.zeros(3, dtype=ember.int64)}, tmp_path / "ck.pt")
    raw = (tmp_path / "ck.pt").read_bytes()
    zf = zipfile.ZipFile(io.BytesIO(raw))
    assert zf.namelist() == ["ck/data.pkl", "ck/.format_version", "ck/.storage_alignment",
                             "ck/byteorder", "ck/data/0", "ck/data/1", "ck/version",
                             "ck/.data/serialization_id"]
    assert zf.read("ck/version") == b"3\n" and zf.read("ck/byteorder") == b"little"
    for info in zf.infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        n, m = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + n + m) % 64 == 0, info.filename
    assert zf.read("ck/data/0") == np.ones(6, np.float32).tobytes()
    pkl = zf.read("ck/data.pkl")
    assert pkl[:2] == b"\x80\x02"
    assert b"ctorch._utils\n_rebuild_tensor_v2\n" in pkl and b"ctorch\nLongStorage\n" in pkl
    assert b"ember" not in pkl


def test_buffer_top_folder_is_archive():
    buf = io.BytesIO()
    ember.save(ember.ones(1), buf)
    assert zipfile.ZipFile(buf).namelist()[0] == "archive/data.pkl"


def test_save_to_a_non_seekable_stream_stays_aligned():
    class Stream:
        def __init__(self):
            self.inner = io.BytesIO()

        def write(self, data):
            return self.inner.write(data)

        def flush(self):
            pass

    out = Stream()
    base = ember.arange(10.0).reshape(2, 5)
    ember.save({"x": base, "v": base[:, 1:]}, out)
    raw = out.inner.getvalue()
    for info in zipfile.ZipFile(io.BytesIO(raw)).infolist():
        n, m = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + n + m) % 64 == 0, info.filename
    back = ember.load(io.BytesIO(raw))
    assert back["v"].tolist() == [[1.0, 2.0, 3.0, 4.0], [6.0, 7.0, 8.0, 9.0]]


def test_save_argument_errors():
    with pytest.raises(TypeError, match="path or a writable file"):
        ember.save(ember.ones(1), 3)
    with pytest.raises(NotImplementedError, match="zip format"):
        ember.save(ember.ones(1), io.BytesIO(), _use_new_zipfile_serialization=False)
    with pytest.raises(ValueError, match="pickle_protocol"):
        ember.save(ember.ones(1), io.BytesIO(), pickle_protocol=1)


# ---------------------------------------------------------------- load options

def test_map_location_forms():
    buf = io.BytesIO()
    ember.save({"w": ember.ones(2)}, buf)
    data = buf.getvalue()
    for loc in ("cpu", ember.device("cpu"), {"cpu": "cpu"}, lambda s, loc: s, lambda s, loc: None):
        assert ember.load(io.BytesIO(data), map_location=loc)["w"].tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="device 'cuda'.*only has the CPU"):
        ember.load(io.BytesIO(data), map_location="cuda")
    with pytest.raises(TypeError, match="map_location"):
        ember.load(io.BytesIO(data), map_location=3)


def test_cuda_location_needs_map_location():
    data = io.BytesIO()
    ember.save({"w": ember.ones(2)}, data)
    raw = data.getvalue().replace(b"X\x03\x00\x00\x00cpu", b"X\x03\x00\x00\x00cud")
    fixed = _rezip(raw)
    with pytest.raises(RuntimeError, match="map_location='cpu'"):
        ember.load(io.BytesIO(fixed))
    assert ember.load(io.BytesIO(fixed), map_location="cpu")["w"].tolist() == [1.0, 1.0]
    assert ember.load(io.BytesIO(fixed), map_location={"cud": "cpu"})["w"].shape == (2,)


def _rezip(raw: bytes) -> bytes:
    """Rewrite an archive whose records were edited in place (fixes the CRCs)."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            with src.open(info) as f:
                f._expected_crc = None  # the edit changed the bytes on purpose
                dst.writestr(info.filename, f.read())
    return out.getvalue()


def test_mmap_load_is_writable_copy_on_write(tmp_path):
    path = tmp_path / "m.pt"
    ember.save({"w": ember.arange(6.0).reshape(2, 3)}, path)
    before = path.read_bytes()
    w = ember.load(path, mmap=True)["w"]
    assert w.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    w[0, 0] = 9.0
    assert w[0, 0].item() == 9.0 and path.read_bytes() == before
    with pytest.raises(ValueError, match="path"):
        ember.load(io.BytesIO(before), mmap=True)


def test_big_endian_file_is_byteswapped():
    buf = io.BytesIO()
    ember.save({"w": ember.tensor([1.5, -2.0]), "i": ember.tensor([1, 256], dtype=ember.int16)},
               buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("byteorder"):
                data = b"big"
            elif info.filename.endswith("data/0"):
                data = np.frombuffer(data, "<f4").astype(">f4").tobytes()
            elif info.filename.endswith("data/1"):
                data = np.frombuffer(data, "<i2").astype(">i2").tobytes()
            dst.writestr(info.filename, data)
    back = ember.load(io.BytesIO(out.getvalue()))
    assert back["w"].tolist() == [1.5, -2.0] and back["i"].tolist() == [1, 256]


def test_non_seekable_file_object():
    buf = io.BytesIO()
    ember.save({"w": ember.ones(2)}, buf)

    class Stream:
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def read(self, n=-1):
            return self.inner.read(n)

    assert ember.load(Stream(buf.getvalue()))["w"].tolist() == [1.0, 1.0]


def test_clear_errors_for_non_checkpoints(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(RuntimeError, match="empty"):
        ember.load(tmp_path / "empty")
    with pytest.raises(RuntimeError, match="legacy"):
        ember.load(io.BytesIO(b"\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19.rest"))
    with pytest.raises(RuntimeError, match="not a PyTorch checkpoint"):
        ember.load(io.BytesIO(b"hello world"))
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(RuntimeError, match="data.pkl"):
        ember.load(io.BytesIO(other.getvalue()))
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        ember.load(io.BytesIO(other.getvalue()), pickle_module=pickle)
