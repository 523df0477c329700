"""DataLoader in the main process: seed 001's batch training, options, errors, fast path."""
import numpy as np
import pytest

import ember
from ember.utils.data import (BatchSampler, DataLoader, Dataset, IterableDataset,
                              SequentialSampler, Subset, TensorDataset, default_collate)


def seed001(batch_size, num_workers=2):
    """Seed 001's batch-training loop, returning what it prints as lists."""
    ember.manual_seed(1)
    x = ember.linspace(1, 10, 10)
    y = ember.linspace(10, 1, 10)
    torch_dataset = TensorDataset(data_tensor=x, target_tensor=y)
    loader = DataLoader(dataset=torch_dataset, batch_size=batch_size, shuffle=True,
                        num_workers=num_workers)
    out = []
    for epoch in range(3):
        for step, (batch_x, batch_y) in enumerate(loader):
            out.append((epoch, step, batch_x.numpy().tolist(), batch_y.numpy().tolist()))
    return out


@pytest.mark.parametrize("batch_size,sizes", [(5, [5, 5]), (8, [8, 2])])
def test_seed001_batch_training(batch_size, sizes):
    out = seed001(batch_size)
    assert [(e, s) for e, s, _, _ in out] == [(e, s) for e in range(3) for s in range(len(sizes))]
    epochs = []
    for epoch in range(3):
        rows = [r for r in out if r[0] == epoch]
        assert [len(r[2]) for r in rows] == sizes  # the last batch is the short remainder
        xs = [v for r in rows for v in r[2]]
        ys = [v for r in rows for v in r[3]]
        assert sorted(xs) == [float(v) for v in range(1, 11)]  # each epoch sees every sample once
        assert all(a + b == 11.0 for a, b in zip(xs, ys))  # pairs stay together
        epochs.append(xs)
    assert epochs[0] != epochs[1] and epochs[1] != epochs[2]  # reshuffled every epoch
    assert seed001(batch_size) == out  # manual_seed(1) reproduces the printout
    assert seed001(batch_size, num_workers=0) == out


def test_printed_batch_matches_pytorch_format():
    batch_x, batch_y = next(iter(DataLoader(TensorDataset(ember.linspace(1, 10, 10),
                                                          ember.linspace(10, 1, 10)),
                                            batch_size=5)))
    assert str(batch_x.numpy()) == "[1. 2. 3. 4. 5.]"
    assert batch_x.dtype == ember.float32 and batch_y.shape == (5,)


def test_generator_reproduces_shuffle_and_differs_per_epoch():
    ds = TensorDataset(ember.arange(40))
    run = lambda g: [b[0].tolist() for b in DataLoader(ds, batch_size=8, shuffle=True,  # noqa
                                                       generator=g)]
    a = run(ember.Generator().manual_seed(9))
    b = run(ember.Generator().manual_seed(9))
    assert a == b
    g = ember.Generator().manual_seed(9)
    loader = DataLoader(ds, batch_size=8, shuffle=True, generator=g)
    first, second = [x[0].tolist() for x in loader], [x[0].tolist() for x in loader]
    assert first != second


def test_len_and_drop_last():
    ds = TensorDataset(ember.arange(10))
    assert len(DataLoader(ds, batch_size=3)) == 4
    assert len(DataLoader(ds, batch_size=3, drop_last=True)) == 3
    assert [len(b[0]) for b in DataLoader(ds, batch_size=3, drop_last=True)] == [3, 3, 3]
    assert len(DataLoader(ds)) == 10


def test_batch_size_none_converts_single_samples():
    class Arr(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return np.full(2, i, dtype=np.float32)

    out = list(DataLoader(Arr(), batch_size=None))
    assert len(out) == 3 and isinstance(out[1], ember.Tensor) and out[1].tolist() == [1.0, 1.0]


def test_batch_sampler_and_sampler_options():
    ds = TensorDataset(ember.arange(6))
    bs = BatchSampler(SequentialSampler(ds), 4, False)
    assert [b[0].tolist() for b in DataLoader(ds, batch_sampler=bs)] == [[0, 1, 2, 3], [4, 5]]
    assert [b[0].tolist() for b in DataLoader(ds, sampler=[5, 1], batch_size=2)] == [[5, 1]]
    custom = DataLoader(ds, batch_size=4, collate_fn=lambda items: len(items))
    assert list(custom) == [4, 2]


class Count(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def test_iterable_dataset():
    assert [b.tolist() for b in DataLoader(Count(5), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert [b.tolist() for b in DataLoader(Count(5), batch_size=2, drop_last=True)] == [[0, 1],
                                                                                      [2, 3]]
    assert len(DataLoader(Count(5), batch_size=2)) == 3
    assert [int(v) for v in DataLoader(Count(3), batch_size=None)] == [0, 1, 2]


def test_argument_errors():
    ds = TensorDataset(ember.arange(4))
    cases = [
        (dict(num_workers=-1), "num_workers option should be non-negative"),
        (dict(timeout=-1), "timeout option should be non-negative"),
        (dict(prefetch_factor=2), "prefetch_factor option could only be specified"),
        (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
        (dict(sampler=[0], shuffle=True), "sampler option is mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
        (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching"),
        (dict(multiprocessing_context="fork"), "multiprocessing_context can only be used"),
        (dict(num_workers=1, multiprocessing_context="nope"), "should specify a valid start"),
    ]
    for kwargs, msg in cases:
        with pytest.raises(ValueError, match=msg):
            DataLoader(ds, **kwargs)
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Count(3), shuffle=True)
    with pytest.raises(TypeError, match="multiprocessing_context option should be a valid"):
        DataLoader(ds, num_workers=1, multiprocessing_context=3)
    loader = DataLoader(ds)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3


def test_pin_memory_is_accepted_with_pytorchs_warning():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        out = list(DataLoader(TensorDataset(ember.arange(2)), pin_memory=True))
    assert len(out) == 2


def test_shape_mismatch_in_a_batch():
    class Ragged(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return ember.zeros(i + 2)

    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got "
                                           r"\[2\] at entry 0 and \[3\] at entry 1"):
        list(DataLoader(Ragged(), batch_size=2))


@pytest.mark.parametrize("wrap", [False, True])
def test_fast_path_equals_per_item_collate(wrap):
    x = ember.randn(50, 3, 4)
    y = ember.randint(0, 10, (50,))
    ds = TensorDataset(x, y)
    if wrap:
        ds = Subset(ds, list(range(49, -1, -2)))
    ember.manual_seed(4)
    fast = list(DataLoader(ds, batch_size=7, shuffle=True))
    ember.manual_seed(4)
    slow = list(DataLoader(ds, batch_size=7, shuffle=True,
                           collate_fn=lambda items: default_collate(items)))
    assert len(fast) == len(slow)
    for (a, b), (c, d) in zip(fast, slow):
        assert isinstance(a, ember.Tensor) and a.dtype == c.dtype and b.dtype == d.dtype
        assert np.array_equal(a.numpy(), c.numpy()) and np.array_equal(b.numpy(), d.numpy())
    assert isinstance(fast[0], list)


def test_requires_grad_dataset_takes_the_graph_path():
    w = ember.ones(4, 2, requires_grad=True)
    (batch,) = next(iter(DataLoader(TensorDataset(w), batch_size=4)))
    batch.sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0]] * 4


class Liar(IterableDataset):
    def __iter__(self):
        return iter(range(5))

    def __len__(self):
        return 2


def test_iterable_longer_than_its_len_warns():
    loader = DataLoader(Liar(), batch_size=None)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="was reported to be 2"):
        assert len(list(loader)) == 5


def test_sampler_is_generic():
    from ember.utils.data import Sampler

    class Evens(Sampler[int]):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(0, self.n, 2))

        def __len__(self):
            return (self.n + 1) // 2

    out = [b[0].tolist() for b in DataLoader(TensorDataset(ember.arange(10)), batch_size=2,
                                             sampler=Evens(10))]
    assert out == [[0, 2], [4, 6], [8]]
