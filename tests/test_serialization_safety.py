"""ember.load's safety promises: refused globals run nothing, bounds are checked, corrupt files
raise clean errors (fuzzed), and a killed save leaves the previous checkpoint intact."""
from __future__ import annotations

import collections
import copyreg
import io
import os
import pickle
import random
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import ember
from ember._serialization import _writer

CLEAN = (RuntimeError, pickle.UnpicklingError)
PWNED: list = []


def pwn(*args):
    """A global that records being called: no refused file may ever reach it."""
    PWNED.append(args)
    return args


def _archive(pkl: bytes, records: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pkl)
        for key, data in (records or {}).items():
            zf.writestr(f"archive/data/{key}", data)
        zf.writestr("archive/version", b"3\n")
    return buf.getvalue()


class _Reduce:
    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


# ---------------------------------------------------------------- refused globals

def _evil_pickles(marker: str) -> dict:
    cmd = f"touch {marker}"
    here = __name__
    return {
        "os.system": pickle.dumps(_Reduce(os.system, (cmd,)), protocol=2),
        "builtins.eval": pickle.dumps(_Reduce(eval, (f"open({marker!r}, 'w')",)), protocol=2),
        "builtins.exec": pickle.dumps(_Reduce(exec, (f"open({marker!r}, 'w')",)), protocol=2),
        "subprocess.Popen": pickle.dumps(_Reduce(subprocess.Popen, (["touch", marker],)),
                                         protocol=2),
        "builtins.getattr": pickle.dumps(_Reduce(getattr, (pwn, "__call__")), protocol=2),
        "test_module.pwn": pickle.dumps(_Reduce(pwn, (1,)), protocol=2),
        # protocol 0 INST opcode, and a NEWOBJ of a class: both go through find_class too
        "INST": f"(S'{cmd}'\nios\nsystem\n.".encode(),
        "NEWOBJ": pickle.dumps(collections.Counter("ab"), protocol=2),
        "module": pickle.dumps(ember.nn.Linear(1, 1), protocol=2),
        "here": f"c{here}\npwn\n(K\x01tR.".encode(),
    }


@pytest.mark.parametrize("case", list(_evil_pickles("x")))
def test_refused_global_runs_nothing(case, tmp_path):
    marker = tmp_path / "pwned"
    PWNED.clear()
    data = _archive(_evil_pickles(str(marker))[case])
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed") as info:
        ember.load(io.BytesIO(data))
    assert "allowed global" in str(info.value)
    assert not marker.exists() and PWNED == []


def test_refused_global_error_names_the_global():
    data = _archive(pickle.dumps(_Reduce(os.system, ("true",)), protocol=2))
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL (os|posix)\.system was not"):
        ember.load(io.BytesIO(data))


def test_extension_registry_opcode_goes_through_the_allow_list():
    copyreg.add_extension("os", "system", 0x7EEE)
    try:
        data = _archive(b"\x80\x02\x83\xee\x7eX\x04\x00\x00\x00trueR.")
        with pytest.raises(pickle.UnpicklingError, match="os.system"):
            ember.load(io.BytesIO(data))
    finally:
        copyreg.remove_extension("os", "system", 0x7EEE)


def test_weights_only_false_does_run_code_so_it_is_opt_in(tmp_path):
    PWNED.clear()
    data = _archive(pickle.dumps(_Reduce(pwn, (7,)), protocol=2))
    assert ember.load(io.BytesIO(data), weights_only=False) == (7,)
    assert PWNED == [(7,)]


# ---------------------------------------------------------------- allowed globals misused

def _tensor_file(offset=0, size=(4,), stride=(1,), numel=4, record=16, storage="float32",
                 requires_grad=False) -> bytes:
    ref = _writer._StorageRef("0", np.broadcast_to(np.float32(0), (numel,)), storage)
    obj = _Reduce(_writer.REBUILD_V2, (ref, offset, size, stride, requires_grad,
                                       collections.OrderedDict()))
    pkl, _ = _writer.dumps(obj)
    return _archive(pkl, {"0": bytes(record)})


def test_well_formed_crafted_tensor_loads():
    assert ember.load(io.BytesIO(_tensor_file())).tolist() == [0.0] * 4


@pytest.mark.parametrize("kw, message", [
    ({"size": (5,)}, "reach element 4, but the storage holds 4"),
    ({"size": (2, 2), "stride": (3, 1)}, "reach element 4"),
    ({"offset": 1}, "reach element 4"),
    ({"offset": 9, "size": (0,)}, "past the end"),
    ({"stride": (-1,)}, "non-negative"),
    ({"size": (4,), "stride": (1, 1)}, "different lengths"),
    ({"offset": -1}, "non-negative"),
    ({"size": (2**70,)}, "non-negative ints"),
    ({"size": ("4",)}, "non-negative ints"),
    ({"numel": 5}, "should hold 20 bytes but its record holds 16"),
    ({"numel": 2**60}, "should hold"),
    ({"requires_grad": "yes"}, "requires_grad must be a bool"),
    ({"storage": "int64", "requires_grad": True, "record": 32}, "requires_grad=True"),
])
def test_bounds_and_types_are_checked_before_any_array_is_built(kw, message):
    with pytest.raises(pickle.UnpicklingError, match=message):
        ember.load(io.BytesIO(_tensor_file(**kw)))


def test_missing_storage_record():
    ref = _writer._StorageRef("7", np.zeros(4, np.float32), "float32")
    pkl, _ = _writer.dumps(_Reduce(_writer.REBUILD_V2, (ref, 0, (4,), (1,), False, None)))
    with pytest.raises(pickle.UnpicklingError, match="no record 'archive/data/7'"):
        ember.load(io.BytesIO(_archive(pkl)))


def test_rebuild_from_type_only_calls_tensor_rebuilders():
    g = _writer.TorchGlobal
    obj = _Reduce(g("torch._tensor", "_rebuild_from_type_v2"),
                  (g("builtins", "set"), g("torch", "Tensor"), ((1, 2),), {}))
    pkl, _ = _writer.dumps(obj)
    with pytest.raises(pickle.UnpicklingError, match="may only call tensor rebuild"):
        ember.load(io.BytesIO(_archive(pkl)))


def test_parameter_state_cannot_set_private_attributes():
    g = _writer.TorchGlobal
    ref = _writer._StorageRef("0", np.zeros(4, np.float32), "float32")
    inner = _Reduce(_writer.REBUILD_V2, (ref, 0, (4,), (1,), False, None))
    obj = _Reduce(g("torch._utils", "_rebuild_parameter_with_state"),
                  (inner, True, None, {"__class__": 1}))
    pkl, _ = _writer.dumps(obj)
    with pytest.raises(pickle.UnpicklingError, match="may not set the attribute '__class__'"):
        ember.load(io.BytesIO(_archive(pkl, {"0": bytes(16)})))


def test_build_cannot_patch_the_rebuild_functions():
    # GLOBAL _rebuild_tensor_v2, then BUILD (None, {"__defaults__": ()}): a bound method
    # refuses attribute writes, so a file cannot change how later tensors are rebuilt.
    pkl = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\nN}X\x0c\x00\x00\x00__defaults__)s"
           b"\x86b.")
    with pytest.raises(pickle.UnpicklingError, match="corrupt or malformed: AttributeError"):
        ember.load(io.BytesIO(pkl and _archive(pkl)))
    # The plain-dict form only lands in the function's __dict__, which Python never consults
    # for __defaults__: later loads behave the same.
    ember.load(io.BytesIO(_archive(pkl.replace(b"N}", b"}").replace(b"\x86b", b"b"))))
    assert ember.load(io.BytesIO(_tensor_file())).tolist() == [0.0] * 4


def test_huge_memo_index_is_refused_before_the_unpickler_allocates():
    # EMPTY_LIST, LONG_BINPUT 2**31-1: the C unpickler would grow its memo to 16 GiB.
    pkl = b"\x80\x02]r\xff\xff\xff\x7f."
    with pytest.raises(pickle.UnpicklingError, match="memo entry 2147483647"):
        ember.load(io.BytesIO(_archive(pkl)))
    with pytest.raises(pickle.UnpicklingError, match="memo entry"):
        ember.load(io.BytesIO(_archive(pkl)), weights_only=False)


def test_codecs_encode_is_only_str_to_bytes():
    pkl = b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00rot13\x86R."
    with pytest.raises(pickle.UnpicklingError, match="_codecs.encode"):
        ember.load(io.BytesIO(_archive(pkl)))


# ---------------------------------------------------------------- fuzz

def _valid_files() -> list:
    base = ember.arange(12.0).reshape(3, 4)
    objs = [
        {"w": base, "t": base.t(), "col": base[:, 1], "i": ember.tensor([1, 2], dtype=ember.int16),
         "p": ember.nn.Parameter(ember.ones(2)), "meta": [1, "a", (2.5, None)], "b": b"xy"},
        collections.OrderedDict(weight=ember.randn(2, 3), bias=ember.zeros(2)),
    ]
    out = []
    for obj in objs:
        buf = io.BytesIO()
        ember.save(obj, buf)
        out.append(buf.getvalue())
    return out


def _mutations(data: bytes, rng: random.Random, n: int):
    for i in range(n):
        b = bytearray(data)
        kind = i % 3
        if kind == 0:
            yield bytes(b[:rng.randrange(len(b))])
        else:
            for _ in range(rng.randint(1, 4)):
                pos = rng.randrange(len(b))
                b[pos] = b[pos] ^ (1 << rng.randrange(8)) if kind == 1 else rng.randrange(256)
            yield bytes(b)


def test_fuzz_flipped_and_truncated_files_raise_clean_errors():
    rng = random.Random(0)
    start, cases, loaded = time.perf_counter(), 0, 0
    for data in _valid_files():
        for mutated in _mutations(data, rng, 1500):
            cases += 1
            try:
                ember.load(io.BytesIO(mutated))
                loaded += 1
            except CLEAN:
                pass
    assert cases == 3000
    assert loaded < cases  # most mutations must be detected (CRCs, structure)
    assert time.perf_counter() - start < 30


def test_fuzz_pickle_stream_itself():
    # Mutate data.pkl only (with valid CRCs) so the unpickler sees every kind of garbage.
    src = zipfile.ZipFile(io.BytesIO(_valid_files()[0]))
    records = {i.filename: src.read(i) for i in src.infolist()}
    pkl = records["archive/data.pkl"]
    rng = random.Random(1)
    for mutated in _mutations(pkl, rng, 1500):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in records.items():
                zf.writestr(name, mutated if name.endswith("data.pkl") else data)
        try:
            ember.load(io.BytesIO(buf.getvalue()))
        except CLEAN:
            pass


def test_fuzz_safetensors_header(tmp_path):
    from ember.serialization import load_safetensors, save_safetensors
    path = tmp_path / "a.safetensors"
    save_safetensors({"w": ember.ones(2, 3), "i": ember.tensor([1, 2])}, path, {"k": "v"})
    data = path.read_bytes()
    rng = random.Random(2)
    bad = tmp_path / "bad.safetensors"
    for mutated in _mutations(data, rng, 600):
        bad.write_bytes(mutated)
        try:
            load_safetensors(bad)
        except ValueError:
            pass


# ---------------------------------------------------------------- durability

_CHILD = textwrap.dedent("""
    import sys, time
    import ember
    from ember._serialization import _writer

    path = sys.argv[1]
    real = _writer._write_record

    def slow(zf, name, data):
        real(zf, name, data)
        if "/data/" in name:  # one storage record is on disk, the rest is not
            zf.fp.flush()
            print("mid-save", flush=True)
            time.sleep(60)

    _writer._write_record = slow
    ember.save({"w": ember.full((1000,), 2.0), "b": ember.full((10,), 2.0)}, path)
""")


def _child_env():
    env = dict(os.environ)
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_kill_mid_save_leaves_old_checkpoint_intact(tmp_path):
    path = tmp_path / "ck.pt"
    ember.save({"w": ember.full((1000,), 1.0), "b": ember.full((10,), 1.0)}, path)
    old = path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path)], stdout=subprocess.PIPE,
                             env=_child_env(), text=True)
    try:
        assert child.stdout.readline().strip() == "mid-save"
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert len(temps) == 1 and temps[0].name.startswith(".ck.pt.")
        assert temps[0].stat().st_size > 4000  # the new data was being written...
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == old  # ...but never over the old checkpoint
    assert ember.load(path)["w"].tolist() == [1.0] * 1000


_LOOP_CHILD = textwrap.dedent("""
    import sys
    import ember
    path, i = sys.argv[1], 0
    big = [ember.full((1 << 20,), float(v)) for v in (1, 2)]
    while True:
        ember.save({"w": big[i % 2], "n": i % 2}, path)
        if i == 0:
            print("saved", flush=True)
        i += 1
""")


def test_kill_at_random_moments_always_leaves_a_whole_checkpoint(tmp_path):
    path = tmp_path / "loop.pt"
    rng = random.Random(3)
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", _LOOP_CHILD, str(path)],
                                 stdout=subprocess.PIPE, env=_child_env(), text=True)
        try:
            assert child.stdout.readline().strip() == "saved"
            time.sleep(rng.uniform(0.0, 0.3))
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
            child.stdout.close()
        ck = ember.load(path)
        assert ck["w"].tolist()[:3] == [float(ck["n"] + 1)] * 3
        np.testing.assert_array_equal(ck["w"]._data, float(ck["n"] + 1))


def test_failed_save_keeps_old_file_and_removes_temp(tmp_path):
    path = tmp_path / "ck.pt"
    ember.save({"w": ember.ones(2)}, path)
    old = path.read_bytes()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        ember.save({"w": ember.zeros(2), "f": lambda: 0}, path)
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.pt"]


def test_saved_file_has_normal_permissions(tmp_path):
    path = tmp_path / "ck.pt"
    ember.save(ember.ones(1), path)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
