"""Datasets: TensorDataset (old keywords too), Concat/Chain/Subset/Stack and random_split."""
import pytest

import ember
from ember.utils.data import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset,
                              Subset, TensorDataset, random_split)


class Range(IterableDataset):
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __iter__(self):
        return iter(range(self.a, self.b))

    def __len__(self):
        return self.b - self.a


def test_tensor_dataset_items_and_len():
    x, y = ember.arange(6.0).reshape(3, 2), ember.tensor([7, 8, 9])
    ds = TensorDataset(x, y)
    assert len(ds) == 3
    a, b = ds[1]
    assert a.tolist() == [2.0, 3.0] and b.item() == 8
    assert ds.tensors[0] is x


def test_tensor_dataset_old_keywords():
    x, y = ember.linspace(1, 10, 10), ember.linspace(10, 1, 10)
    ds = TensorDataset(data_tensor=x, target_tensor=y)
    assert len(ds) == 10 and [t.item() for t in ds[0]] == [1.0, 10.0]
    with pytest.raises(TypeError, match="either positional tensors or the keywords"):
        TensorDataset(x, data_tensor=x)


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(ember.zeros(3), ember.zeros(4))


def test_dataset_base_and_add():
    with pytest.raises(NotImplementedError):
        Dataset()[0]
    both = TensorDataset(ember.arange(2)) + TensorDataset(ember.arange(3))
    assert isinstance(both, ConcatDataset) and len(both) == 5
    assert isinstance(Range(0, 2) + Range(2, 4), ChainDataset)


def test_concat_dataset():
    ds = ConcatDataset([[0, 1, 2], [3, 4], [5]])
    assert ds.cumulative_sizes == [3, 5, 6]
    assert [ds[i] for i in range(6)] == list(range(6))
    assert ds[-1] == 5 and ds[-6] == 0
    with pytest.raises(ValueError, match="absolute value of index"):
        ds[-7]
    with pytest.raises(AssertionError, match="empty iterable"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([Range(0, 2)])


def test_chain_dataset():
    ds = ChainDataset([Range(0, 2), Range(5, 7)])
    assert list(ds) == [0, 1, 5, 6] and len(ds) == 4
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(ChainDataset([[1, 2]]))


def test_subset():
    ds = Subset(list("abcdef"), [5, 0, 2])
    assert len(ds) == 3 and ds[0] == "f" and ds.__getitems__([2, 1]) == ["c", "a"]


def test_stack_dataset():
    t = StackDataset([1, 2], ["a", "b"])
    assert t[1] == (2, "b") and len(t) == 2 and t.__getitems__([0, 1]) == [(1, "a"), (2, "b")]
    d = StackDataset(x=[1, 2], y=[3, 4])
    assert d[0] == {"x": 1, "y": 3} and d.__getitems__([1]) == [{"x": 2, "y": 4}]
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset([1], [1, 2])
    with pytest.raises(ValueError, match="At least one dataset"):
        StackDataset()
    with pytest.raises(ValueError, match="both types are given"):
        StackDataset([1], y=[2])


def test_random_split_lengths_and_fractions():
    a, b = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(0))
    assert len(a) == 3 and len(b) == 7
    assert sorted(list(a) + list(b)) == list(range(10))
    parts = random_split(range(10), [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [5, 3, 2]
    parts = random_split(range(11), [1 / 3, 1 / 3, 1 / 3])
    assert [len(p) for p in parts] == [4, 4, 3]  # the remainder is dealt round-robin
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(range(10), [3, 3])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [1.0, 0.0])


def test_random_split_reproducible():
    g = lambda: ember.Generator().manual_seed(42)  # noqa: E731
    first = [list(s.indices) for s in random_split(range(20), [10, 10], generator=g())]
    again = [list(s.indices) for s in random_split(range(20), [10, 10], generator=g())]
    assert first == again
    ember.manual_seed(1)
    x = [list(s.indices) for s in random_split(range(20), [10, 10])]
    ember.manual_seed(1)
    assert x == [list(s.indices) for s in random_split(range(20), [10, 10])]
