"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict."""
from __future__ import annotations

from collections import OrderedDict

import pytest

import ember
from ember import nn


def _seq():
    return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))


def test_sequential_indexing_and_len():
    net = _seq()
    assert len(net) == 3
    assert isinstance(net[0], nn.Linear) and net[-1] is net[2]
    sub = net[1:]
    assert isinstance(sub, nn.Sequential) and list(sub._modules) == ["1", "2"]
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        net[3]
    assert net(ember.ones(4, 2)).shape == (4, 1)


def test_sequential_ordered_dict_names():
    net = nn.Sequential(OrderedDict([("Line1", nn.Linear(3, 4)), ("Relu1", nn.ReLU())]))
    assert net.Line1 is net[0]
    assert list(net.state_dict()) == ["Line1.weight", "Line1.bias"]


def test_sequential_mutation():
    net = _seq()
    net.append(nn.Sigmoid())
    assert len(net) == 4 and isinstance(net[3], nn.Sigmoid)
    net.insert(1, nn.Tanh())
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "ReLU", "Linear", "Sigmoid"]
    assert list(net._modules) == ["0", "1", "2", "3", "4"]
    popped = net.pop(1)
    assert isinstance(popped, nn.Tanh) and len(net) == 4
    del net[-1]
    assert list(net._modules) == ["0", "1", "2"]
    net.extend([nn.Identity()])
    net[3] = nn.ReLU()
    assert isinstance(net[3], nn.ReLU)
    both = _seq() + _seq()
    assert len(both) == 6 and list(both._modules)[-1] == "5"
    with pytest.raises(ValueError, match="add operator supports only objects of Sequential"):
        _seq() + nn.ReLU()


def test_module_list():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3 and len(list(layers.parameters())) == 6
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh()])
    layers.insert(0, nn.Identity())
    assert [type(m).__name__ for m in layers][:2] == ["Identity", "Linear"]
    assert isinstance(layers[-1], nn.Tanh)
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2
    del layers[0]
    assert list(layers._modules) == [str(i) for i in range(5)]
    with pytest.raises(TypeError, match="should be called with an iterable"):
        layers.extend(nn.ReLU())


def test_module_dict():
    d = nn.ModuleDict({"a": nn.Linear(2, 2), "b": nn.ReLU()})
    assert list(d.keys()) == ["a", "b"] and "a" in d and len(d) == 2
    d["c"] = nn.Tanh()
    d.update([("e", nn.Identity())])
    assert list(d) == ["a", "b", "c", "e"]
    assert isinstance(d.pop("b"), nn.ReLU)
    assert [k for k, _ in d.named_parameters()] == ["a.weight", "a.bias"]


def test_parameter_list_and_dict():
    pl = nn.ParameterList([nn.Parameter(ember.ones(2)), ember.zeros(3)])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pl.append(nn.Parameter(ember.ones(1)))
    assert [k for k, _ in pl.named_parameters()] == ["0", "1", "2"]
    pd = nn.ParameterDict({"w": nn.Parameter(ember.ones(2))})
    pd["b"] = ember.zeros(2)
    assert isinstance(pd["b"], nn.Parameter) and list(pd.keys()) == ["w", "b"]
    assert [k for k, _ in pd.named_parameters()] == ["w", "b"]

    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.ps = nn.ParameterList([nn.Parameter(ember.ones(2))])

    assert list(Holder().state_dict()) == ["ps.0"]
