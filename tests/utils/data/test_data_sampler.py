"""Samplers: order, lengths, argument checks and reproducibility from ember Generators."""
from collections import Counter

import pytest

import ember
from ember.utils.data import (BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler,
                              WeightedRandomSampler)


def gen(seed=0):
    return ember.Generator().manual_seed(seed)


def test_sequential():
    s = SequentialSampler(range(4))
    assert list(s) == [0, 1, 2, 3] and len(s) == 4


def test_random_permutation_each_epoch():
    s = RandomSampler(range(50), generator=gen())
    a, b = list(s), list(s)
    assert sorted(a) == sorted(b) == list(range(50)) and a != b
    assert all(type(i) is int for i in a)
    assert list(RandomSampler(range(50), generator=gen())) == a


def test_random_follows_manual_seed():
    ember.manual_seed(7)
    a = list(RandomSampler(range(20)))
    ember.manual_seed(7)
    assert list(RandomSampler(range(20))) == a


def test_random_num_samples_and_replacement():
    s = RandomSampler(range(5), num_samples=12, generator=gen())
    out = list(s)
    assert len(s) == 12 and len(out) == 12
    assert sorted(out[:10]) == sorted(list(range(5)) * 2)  # whole permutations first
    r = RandomSampler(range(3), replacement=True, num_samples=100, generator=gen())
    out = list(r)
    assert len(out) == 100 and set(out) == {0, 1, 2}


def test_random_argument_errors():
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler([], num_samples=None)


def test_subset_random():
    s = SubsetRandomSampler([10, 20, 30, 40], generator=gen())
    out = list(s)
    assert sorted(out) == [10, 20, 30, 40] and len(s) == 4
    assert list(SubsetRandomSampler([10, 20, 30, 40], generator=gen())) == out


def test_weighted():
    s = WeightedRandomSampler([0.0, 1.0, 3.0], 2000, generator=gen())
    counts = Counter(s)
    assert counts[0] == 0 and 0.2 < counts[1] / 2000 < 0.3 and len(s) == 2000
    no_rep = list(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False, generator=gen()))
    assert sorted(no_rep) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="replacement should be a boolean"):
        WeightedRandomSampler([1.0], 1, replacement=None)
    with pytest.raises(ValueError, match=r"weights should be a 1d sequence .* \(2, 2\)"):
        WeightedRandomSampler([[1.0, 2.0], [3.0, 4.0]], 1)


def test_batch_sampler():
    s = SequentialSampler(range(10))
    assert list(BatchSampler(s, 4, False)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert list(BatchSampler(s, 4, True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(BatchSampler(s, 4, False)) == 3 and len(BatchSampler(s, 4, True)) == 2
    assert list(BatchSampler([5, 3, 1], 2, False)) == [[5, 3], [1]]
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(s, 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        BatchSampler(s, 2, 0)


def test_batch_sampler_arrays_equal_lists():
    for drop_last in (False, True):
        b = BatchSampler(RandomSampler(range(23), generator=gen(3)), 5, drop_last)
        lists = list(b)
        b.sampler.generator.manual_seed(3)
        arrays = [a.tolist() for a in b._index_arrays()]
        assert arrays == lists
