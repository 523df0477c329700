"""Live interop with real PyTorch (and the safetensors package) where they are installed."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def _ember_objects():
    base = ember.arange(24.0).reshape(4, 6)
    return {
        "base": base, "t": base.t(), "col": base[:, 2], "narrow": base[1:3, 2:5],
        "expand": base[0:1].expand(3, 6), "flip": base.flip(1),
        "dtypes": {d: ember.from_numpy((np.arange(6) % 3).astype(d)) for d in DTYPES},
        "param": ember.nn.Parameter(ember.randn(2, 3)), "grad": ember.ones(2, requires_grad=True),
        "empty": ember.zeros(0, 2), "scalar": ember.tensor(1.5, dtype=ember.float64),
        "plain": [1, 2.5, "s", None, (True, b"\x00\xff"), {"k": {1, 2}}],
        "dtype": ember.int8, "size": ember.Size([3]), "device": ember.device("cpu"),
        "od": collections.OrderedDict(a=ember.ones(1)),
    }


@pytest.mark.parametrize("mmap", [False, True])
def test_torch_loads_ember_files_weights_only(tmp_path, mmap):
    obj = _ember_objects()
    ember.save(obj, tmp_path / "e.pt")
    back = torch.load(tmp_path / "e.pt", weights_only=True, mmap=mmap)
    for name in ("base", "t", "col", "narrow", "expand", "flip", "param", "grad", "empty", "scalar"):
        e, t = obj[name], back[name]
        np.testing.assert_array_equal(t.detach().numpy(), e._data, err_msg=name)
        assert str(t.dtype) == f"torch.{e.dtype.name}" and tuple(t.shape) == e.shape, name
        assert t.requires_grad == e.requires_grad, name
    for d in DTYPES:
        assert back["dtypes"][d].dtype == getattr(torch, d)
        np.testing.assert_array_equal(back["dtypes"][d].numpy(), obj["dtypes"][d]._data)
    ptr = back["base"].untyped_storage().data_ptr()
    for name in ("t", "col", "narrow", "expand"):
        assert back[name].untyped_storage().data_ptr() == ptr, name
        assert back[name].stride() == obj[name].stride(), name
        assert back[name].storage_offset() == obj[name].storage_offset(), name
    assert back["flip"].untyped_storage().data_ptr() != ptr
    assert isinstance(back["param"], torch.nn.Parameter)
    assert back["plain"] == obj["plain"]
    assert back["dtype"] is torch.int8 and back["size"] == torch.Size([3])
    assert back["device"] == torch.device("cpu") and type(back["od"]) is collections.OrderedDict


def test_ember_loads_torch_files(tmp_path):
    base = torch.arange(24.0).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "diag": base[:4, :4].diagonal(),
           "dtypes": {d: (torch.arange(6) % 3).to(getattr(torch, d)) for d in DTYPES},
           "p": torch.nn.Parameter(torch.randn(3))}
    torch.save(obj, tmp_path / "t.pt")
    back = ember.load(tmp_path / "t.pt")
    for name in ("base", "t", "diag"):
        np.testing.assert_array_equal(back[name]._data, obj[name].numpy())
        assert back[name].stride() == obj[name].stride()
        assert np.shares_memory(back[name]._data, back["base"]._data)
    for d in DTYPES:
        assert back["dtypes"][d].dtype.name == d
        np.testing.assert_array_equal(back["dtypes"][d]._data, obj["dtypes"][d].numpy())
    assert isinstance(back["p"], ember.nn.Parameter) and back["p"].requires_grad


def test_state_dicts_cross_both_ways(tmp_path):
    tnet = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    enet = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.ReLU(), ember.nn.Linear(3, 1))
    torch.save(tnet.state_dict(), tmp_path / "t.pt")
    enet.load_state_dict(ember.load(tmp_path / "t.pt"))
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    want = tnet(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(enet(ember.from_numpy(x))._data, want, rtol=1e-6, atol=1e-6)
    enet2 = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.ReLU(), ember.nn.Linear(3, 1))
    ember.save(enet2.state_dict(), tmp_path / "e.pt")
    tnet.load_state_dict(torch.load(tmp_path / "e.pt", weights_only=True))
    want = enet2(ember.from_numpy(x))._data
    np.testing.assert_allclose(tnet(torch.from_numpy(x)).detach().numpy(), want, rtol=1e-6,
                               atol=1e-6)


def test_optimizer_state_dict_to_torch(tmp_path):
    import ember.optim
    enet = ember.nn.Linear(2, 1)
    opt = ember.optim.Adam(enet.parameters(), lr=0.1)
    enet(ember.ones(3, 2)).sum().backward()
    opt.step()
    ember.save(opt.state_dict(), tmp_path / "o.pt")
    back = torch.load(tmp_path / "o.pt", weights_only=True)
    tnet = torch.nn.Linear(2, 1)
    topt = torch.optim.Adam(tnet.parameters(), lr=0.5)
    topt.load_state_dict(back)
    assert topt.param_groups[0]["lr"] == 0.1
    np.testing.assert_array_equal(topt.state[tnet.weight]["exp_avg"].numpy(),
                                  opt.state_dict()["state"][0]["exp_avg"]._data)


def test_safetensors_package_reads_ember_files(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    from safetensors import safe_open
    from ember.serialization import save_safetensors
    tensors = {d: ember.from_numpy((np.arange(6) % 3).astype(d).reshape(2, 3)) for d in DTYPES}
    tensors["scalar"] = ember.tensor(2.5)
    tensors["empty"] = ember.zeros(0, 4)
    save_safetensors(tensors, tmp_path / "e.safetensors", metadata={"format": "pt"})
    back = st.load_file(str(tmp_path / "e.safetensors"))
    for name, t in tensors.items():
        assert back[name].dtype == t._data.dtype and back[name].shape == t.shape
        np.testing.assert_array_equal(back[name], t._data)
    with safe_open(str(tmp_path / "e.safetensors"), "pt") as f:
        assert f.metadata() == {"format": "pt"}


def test_whole_torch_module_with_weights_only_false(tmp_path):
    tnet = torch.nn.Sequential(torch.nn.Linear(1, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    torch.save(tnet, tmp_path / "net.pkl")
    with pytest.raises(Exception, match="Weights only load failed"):
        ember.load(tmp_path / "net.pkl")
    enet = ember.load(tmp_path / "net.pkl", weights_only=False)  # torch.nn.* -> ember.nn.*
    assert isinstance(enet, ember.nn.Sequential)
    x = np.linspace(-1, 1, 5, dtype=np.float32)[:, None]
    np.testing.assert_allclose(enet(ember.from_numpy(x))._data,
                               tnet(torch.from_numpy(x)).detach().numpy(), rtol=1e-6, atol=1e-6)
