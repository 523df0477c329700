"""Factories: device=/requires_grad= everywhere, and random draws reproducible from a seed."""
import numpy as np
import pytest

import ember

X = ember.ones(2, 3)

FACTORIES = {
    "tensor": lambda **k: ember.tensor([1.0], **k),
    "zeros": lambda **k: ember.zeros(2, **k), "ones": lambda **k: ember.ones(2, 3, **k),
    "empty": lambda **k: ember.empty(2, **k), "full": lambda **k: ember.full((2,), 1.0, **k),
    "eye": lambda **k: ember.eye(2, **k), "arange": lambda **k: ember.arange(3.0, **k),
    "linspace": lambda **k: ember.linspace(0, 1, 3, **k),
    "logspace": lambda **k: ember.logspace(0, 1, 3, **k),
    "zeros_like": lambda **k: ember.zeros_like(X, **k), "ones_like": lambda **k: ember.ones_like(X, **k),
    "full_like": lambda **k: ember.full_like(X, 2.0, **k),
    "empty_like": lambda **k: ember.empty_like(X, **k), "rand_like": lambda **k: ember.rand_like(X, **k),
    "randn_like": lambda **k: ember.randn_like(X, **k),
    "randint_like": lambda **k: ember.randint_like(X, 5, **k),
    "rand": lambda **k: ember.rand(2, **k), "randn": lambda **k: ember.randn(2, **k),
    "normal": lambda **k: ember.normal(0.0, 1.0, (2,), **k),
    "scalar_tensor": lambda **k: ember.scalar_tensor(1.0, **k),
    "new_zeros": lambda **k: X.new_zeros(2, **k), "new_ones": lambda **k: X.new_ones(2, **k),
    "new_full": lambda **k: X.new_full((2,), 1.0, **k), "new_tensor": lambda **k: X.new_tensor([1.0], **k),
}
INT_FACTORIES = {
    "randint": lambda **k: ember.randint(0, 5, (2,), **k), "randperm": lambda **k: ember.randperm(3, **k),
    "tril_indices": lambda **k: ember.tril_indices(2, 2, **k), "arange_int": lambda **k: ember.arange(3, **k),
}


@pytest.mark.parametrize("name", sorted(FACTORIES) + sorted(INT_FACTORIES))
def test_device_keyword(name):
    make = {**FACTORIES, **INT_FACTORIES}[name]
    assert make(device="cpu").device == ember.device("cpu")
    assert make(device=ember.device("cpu")).device.type == "cpu"
    with pytest.raises(AssertionError, match="cuda"):
        make(device="cuda")


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_requires_grad_keyword(name):
    t = FACTORIES[name](requires_grad=True)
    assert t.requires_grad and t.is_leaf


@pytest.mark.parametrize("name", ["randint", "randperm", "arange_int"])
def test_integer_factories_refuse_requires_grad(name):
    with pytest.raises(RuntimeError, match="floating point"):
        INT_FACTORIES[name](requires_grad=True)


RANDOM_OPS = {
    "rand": lambda: ember.rand(3, 2), "randn": lambda: ember.randn(4),
    "randint": lambda: ember.randint(0, 100, (5,)), "randperm": lambda: ember.randperm(7),
    "normal_tensor_mean": lambda: ember.normal(2 * ember.ones(3, 2), 1),
    "normal_tensors": lambda: ember.normal(ember.zeros(3), ember.ones(3)),
    "normal_size": lambda: ember.normal(1.0, 2.0, (3,)),
    "bernoulli": lambda: ember.bernoulli(ember.full((6,), 0.5)),
    "multinomial": lambda: ember.multinomial(ember.tensor([0.2, 0.3, 0.5]), 5, replacement=True),
    "multinomial_no_replacement": lambda: ember.tensor([0.2, 0.3, 0.5]).multinomial(3),
    "uniform_": lambda: ember.empty(4).uniform_(-1, 1), "normal_": lambda: ember.empty(4).normal_(),
    "random_": lambda: ember.empty(4, dtype=ember.int64).random_(0, 10),
    "exponential_": lambda: ember.empty(3).exponential_(),
    "rand_like": lambda: ember.rand_like(X), "randn_like": lambda: ember.randn_like(X),
    "poisson": lambda: ember.poisson(ember.ones(4) * 3),
}


@pytest.mark.parametrize("name", sorted(RANDOM_OPS))
def test_manual_seed_reproduces_bit_for_bit(name):
    draw = RANDOM_OPS[name]
    ember.manual_seed(123)
    first = draw().numpy().copy()
    second = draw().numpy().copy()
    ember.manual_seed(123)
    again = draw().numpy()
    np.testing.assert_array_equal(first, again)
    if first.size > 2 and name not in ("randperm", "multinomial_no_replacement"):
        assert not np.array_equal(first, second), "two draws in a row gave the same values"


@pytest.mark.parametrize("name", ["rand", "randn", "randint", "randperm", "rand_like"])
def test_generator_keyword_is_independent_of_global_state(name):
    calls = {
        "rand": lambda g: ember.rand(4, generator=g), "randn": lambda g: ember.randn(4, generator=g),
        "randint": lambda g: ember.randint(0, 9, (4,), generator=g),
        "randperm": lambda g: ember.randperm(6, generator=g),
        "rand_like": lambda g: ember.rand_like(X, generator=g),
    }
    a = calls[name](ember.Generator().manual_seed(7)).numpy()
    ember.manual_seed(99)
    ember.rand(10)
    b = calls[name](ember.Generator().manual_seed(7)).numpy()
    np.testing.assert_array_equal(a, b)


def test_rng_state_round_trip():
    ember.manual_seed(5)
    state = ember.get_rng_state()
    a = ember.randn(5)
    ember.set_rng_state(state)
    np.testing.assert_array_equal(a.numpy(), ember.randn(5).numpy())
    assert ember.initial_seed() == 5


def test_numpy_global_rng_is_untouched():
    np.random.seed(0)
    expected = np.random.random(3)
    np.random.seed(0)
    ember.manual_seed(1)
    ember.rand(10), ember.randn(3), ember.randperm(4), ember.randint(0, 5, (2,))
    np.testing.assert_array_equal(np.random.random(3), expected)


def test_normal_overloads_shapes_and_dtypes():
    assert ember.normal(2 * ember.ones(100, 2), 1).shape == (100, 2)
    assert ember.normal(ember.zeros(3, dtype=ember.float64), 1.0).dtype is ember.float64
    assert ember.normal(0.0, ember.ones(4)).shape == (4,)
    assert ember.normal(0.0, 1.0, size=(2, 2)).dtype is ember.float32
    with pytest.raises(RuntimeError, match="std >= 0"):
        ember.normal(ember.zeros(2), -1.0)


def test_random_statistics_are_sane():
    ember.manual_seed(0)
    u = ember.rand(100_000)
    n = ember.randn(100_000)
    assert 0 <= u.min().item() and u.max().item() < 1
    assert abs(u.mean().item() - 0.5) < 0.01 and abs(n.std().item() - 1) < 0.01
    assert ember.randint(3, 7, (1000,)).unique().tolist() == [3, 4, 5, 6]
    assert sorted(ember.randperm(10).tolist()) == list(range(10))
