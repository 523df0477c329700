"""ember.nn part-2 layers against PyTorch goldens (tools/fixtures/nn2.py): the same constructor
text, PyTorch's weights loaded through load_state_dict, then outputs, input and parameter
gradients, running statistics after the call, state-dict keys and printed forms."""
import json
import pathlib

import numpy as np
import pytest

import ember
from ember import nn
from ember.nn.utils.rnn import PackedSequence, pack_padded_sequence

FIX = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "torch"
META = json.loads((FIX / "nn2_cases.json").read_text())["cases"]
DATA = np.load(FIX / "nn2_cases.npz")
SCOPE = {"nn": nn, "pack": pack_padded_sequence,
         "mask": lambda n: nn.Transformer.generate_square_subsequent_mask(n).double()}


def _flatten(result):
    out, stack = [], [result]
    while stack:
        r = stack.pop(0)
        if r is None:
            continue
        if isinstance(r, PackedSequence):
            out.append(r.data)
        elif isinstance(r, (tuple, list)):
            stack = list(r) + stack
        else:
            out.append(r)
    return out


def _arr(key):
    a = DATA[key]
    return a.astype(np.float64) if a.dtype == np.float32 else a


def _build(case):
    name = case["name"]
    m = eval(case["ctor"], SCOPE).double()
    m.train(case["mode"] == "train")
    state = {k: ember.tensor(_arr(f"{name}/state/{k}")) for k in case["state_keys"]}
    m.load_state_dict(state)
    return m


@pytest.mark.parametrize("case", META, ids=[c["name"] for c in META])
def test_layer_matches_torch(case):
    name = case["name"]
    m = _build(case)
    assert list(m.state_dict().keys()) == case["state_keys"]
    assert repr(m) == case["repr"]
    xs = []
    for i, (kind, _shape) in enumerate(case["inputs"]):
        x = ember.tensor(_arr(f"{name}/in{i}"))
        if kind == "float":
            x.requires_grad_(True)
        xs.append(x)
    env = dict(SCOPE, m=m, **{f"x{i}": x for i, x in enumerate(xs)})
    outs = _flatten(eval(case["call"], env))
    assert len(outs) == case["n_out"]
    loss = None
    for k, o in enumerate(outs):
        want = _arr(f"{name}/out{k}")
        assert tuple(o.shape) == want.shape, (k, o.shape, want.shape)
        np.testing.assert_allclose(o.detach().numpy(), want, rtol=1e-5, atol=1e-6,
                                   err_msg=f"output {k}")
        if f"{name}/g{k}" in DATA.files:
            term = (o * ember.tensor(_arr(f"{name}/g{k}"))).sum()
            loss = term if loss is None else loss + term
    if loss is not None:
        loss.backward()
    for i, x in enumerate(xs):
        key = f"{name}/gin{i}"
        if key in DATA.files:
            np.testing.assert_allclose(x.grad.numpy(), _arr(key), rtol=1e-5, atol=1e-6,
                                       err_msg=f"input {i} gradient")
    for k, p in m.named_parameters():
        key = f"{name}/grad/{k}"
        if key in DATA.files:
            assert p.grad is not None, k
            np.testing.assert_allclose(p.grad.numpy(), _arr(key), rtol=1e-5, atol=1e-6,
                                       err_msg=f"gradient of {k}")
    for k, v in m.state_dict().items():
        key = f"{name}/after/{k}"
        if key in DATA.files:
            np.testing.assert_allclose(v.numpy(), _arr(key), rtol=1e-6, atol=1e-7,
                                       err_msg=f"state {k} after the call")
