"""default_collate / default_convert on every supported structure."""
from collections import namedtuple

import numpy as np
import pytest

import ember
from ember.utils.data import default_collate, default_convert
from ember.utils.data._collate import collate, default_collate_fn_map

Point = namedtuple("Point", "x y")


def test_tensors_are_stacked():
    out = default_collate([ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0])])
    assert out.shape == (2, 2) and out.dtype == ember.float32 and out.tolist() == [[1, 2], [3, 4]]
    scalars = default_collate([ember.tensor(1), ember.tensor(2)])
    assert scalars.shape == (2,) and scalars.dtype == ember.int64


def test_stack_error_names_shapes():
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got "
                                           r"\[2\] at entry 0 and \[3\] at entry 1"):
        default_collate([ember.zeros(2), ember.zeros(3)])


def test_requires_grad_tensors_keep_the_graph():
    a = ember.ones(2, requires_grad=True)
    out = default_collate([a, a * 2])
    out.sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]


def test_numbers_and_numpy():
    f = default_collate([1.5, 2.0])
    assert f.dtype == ember.float64 and f.tolist() == [1.5, 2.0]
    i = default_collate([1, 2])
    assert i.dtype == ember.int64
    assert default_collate([True, False]).dtype == ember.bool
    arr = default_collate([np.zeros(3, np.float32), np.ones(3, np.float32)])
    assert arr.shape == (2, 3) and arr.dtype == ember.float32
    sc = default_collate([np.float32(1), np.float32(2)])
    assert sc.dtype == ember.float32 and sc.tolist() == [1.0, 2.0]
    assert default_collate([np.int32(1)]).dtype == ember.int32


def test_strings_and_errors():
    assert default_collate(["a", "b"]) == ["a", "b"]
    assert default_collate([b"a", b"b"]) == [b"a", b"b"]
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers, "
                                        "dicts or lists; found <class 'object'>"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_containers():
    batch = [({"a": 1, "b": [1.0, ember.tensor(2.0)]}, "x"), ({"a": 2, "b": [3.0, ember.tensor(4.0)]}, "y")]
    out = default_collate(batch)
    assert isinstance(out, list) and len(out) == 2  # tuples come back as lists
    d, names = out
    assert d["a"].tolist() == [1, 2] and names == ("x", "y")  # as PyTorch: the zip tuple
    assert d["b"][0].tolist() == [1.0, 3.0] and d["b"][1].tolist() == [2.0, 4.0]
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3] and p.y.dtype == ember.float64
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])


def test_custom_collate_fn_map():
    class Box:
        def __init__(self, v):
            self.v = v

    table = {**default_collate_fn_map, Box: lambda b, collate_fn_map: sum(x.v for x in b)}
    assert collate([(Box(1), 2), (Box(3), 4)], collate_fn_map=table)[0] == 4


def test_default_convert():
    out = default_convert({"x": np.zeros(2), "n": 3, "s": "a"})
    assert isinstance(out["x"], ember.Tensor) and out["n"] == 3 and out["s"] == "a"
    t = default_convert((np.ones(1, np.float32), 1))
    assert isinstance(t, list) and t[0].dtype == ember.float32
    p = default_convert(Point(np.zeros(1), 1))
    assert isinstance(p, Point) and isinstance(p.x, ember.Tensor)
    assert default_convert(np.float32(3)).dtype == ember.float32
    x = ember.zeros(1)
    assert default_convert(x) is x


@pytest.mark.torch
def test_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as tc

    samples = [({"a": 1, "b": 2.5, "c": np.float32(1), "d": np.arange(3)}, True, "s"),
               ({"a": 2, "b": 3.5, "c": np.float32(2), "d": np.arange(3)}, False, "t")]
    ours, theirs = default_collate(samples), tc(samples)
    assert type(ours) is type(theirs)
    for k in "abcd":
        assert str(ours[0][k].dtype).split(".")[1] == str(theirs[0][k].dtype).split(".")[1]
        assert ours[0][k].tolist() == theirs[0][k].tolist()
    assert ours[1].tolist() == theirs[1].tolist() and ours[2] == theirs[2]
