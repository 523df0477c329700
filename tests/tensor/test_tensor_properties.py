"""Hypothesis properties: broadcasting, type promotion, and which ops share memory (views)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember

FAST = settings(max_examples=40, deadline=None)

DTYPES = [ember.bool, ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64,
          ember.float16, ember.float32, ember.float64]


@FAST
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4))
def test_binary_ops_broadcast_like_numpy(shapes):
    (sa, sb), result = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(sa).astype(np.float32), rng.standard_normal(sb).astype(np.float32)
    for op in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: x - y, ember.maximum):
        out = op(ember.tensor(a), ember.tensor(b))
        assert out.shape == result
        np.testing.assert_allclose(out.numpy(), op(ember.tensor(a), ember.tensor(b)).numpy())
    np.testing.assert_allclose((ember.tensor(a) * ember.tensor(b)).numpy(), a * b, rtol=1e-6)


@FAST
@given(st.lists(st.integers(2, 4), min_size=1, max_size=3), st.data())
def test_incompatible_shapes_raise_runtime_error_naming_both(shape, data):
    dim = data.draw(st.integers(0, len(shape) - 1))
    other = list(shape)
    other[dim] += 1
    with pytest.raises(RuntimeError, match=r"must match the size of tensor b"):
        ember.ones(shape) + ember.ones(other)


@FAST
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.sampled_from(DTYPES))
def test_promote_types_commutative_associative(a, b, c):
    p = ember.promote_types
    assert p(a, b) is p(b, a)
    assert p(p(a, b), c) is p(a, p(b, c))
    assert p(a, a) is a


@FAST
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.booleans(), st.booleans())
def test_binary_result_dtype_is_result_type(da, db, a_dim, b_dim):
    a = ember.ones(2 if a_dim else (), dtype=da)
    b = ember.ones(2 if b_dim else (), dtype=db)
    if ember.bool in (da, db):
        return  # bool arithmetic has its own rules (covered by the golden promotion table)
    assert (a + b).dtype is ember.result_type(a, b)
    assert (a * b).dtype is ember.result_type(a, b)


@FAST
@given(st.sampled_from([ember.float16, ember.float32]), st.floats(-1e3, 1e3), st.integers(-9, 9))
def test_python_scalars_never_widen_a_float_tensor(dt, f, i):
    t = ember.ones(3, dtype=dt)
    for out in (t + f, t * i, f - t, t / i if i else t, t ** 2, np.float64(f) * t, t + np.int64(i)):
        assert out.dtype is dt


@FAST
@given(st.sampled_from([ember.int8, ember.int16, ember.int32, ember.int64, ember.uint8]))
def test_integer_sums_are_int64_and_division_is_float(dt):
    t = ember.tensor([1, 2, 3], dtype=dt)
    assert t.sum().dtype is ember.int64
    assert t.cumsum(0).dtype is ember.int64
    assert (t / t).dtype is ember.float32


# Ops whose result shares memory with the input in PyTorch (views), and ops that copy.
VIEWS = {
    "view": lambda x: x.view(-1), "reshape_contiguous": lambda x: x.reshape(x.numel()),
    "transpose": lambda x: x.transpose(0, -1), "permute": lambda x: x.permute(*reversed(range(x.dim()))),
    "t_or_T": lambda x: x.mT, "narrow": lambda x: x.narrow(0, 0, 1), "select": lambda x: x.select(0, 0),
    "slice_step": lambda x: x[::2], "index_int": lambda x: x[0], "ellipsis": lambda x: x[..., 0],
    "none": lambda x: x[None], "unsqueeze": lambda x: x.unsqueeze(0), "squeeze": lambda x: x.squeeze(),
    "flatten": lambda x: x.flatten(), "unflatten": lambda x: x.unflatten(0, (1, x.shape[0])),
    "split": lambda x: x.split(1)[0], "chunk": lambda x: x.chunk(2)[0], "unbind": lambda x: x.unbind(0)[0],
    "diagonal": lambda x: x.diagonal(0, 0, 1), "movedim": lambda x: x.movedim(0, -1),
    "detach": lambda x: x.detach(), "data": lambda x: x.data, "to_same_dtype": lambda x: x.to(x.dtype),
    "as_tensor": lambda x: ember.as_tensor(x), "from_numpy": lambda x: ember.from_numpy(x.numpy()),
    "view_as": lambda x: x.view_as(x),
}
COPIES = {
    "clone": lambda x: x.clone(), "reshape_noncontiguous": lambda x: x.mT.reshape(-1),
    "contiguous_noncontiguous": lambda x: x.mT.contiguous(), "advanced_index": lambda x: x[[0]],
    "mask": lambda x: x[x > -100], "masked_select": lambda x: x.masked_select(x > -100),
    "flip": lambda x: x.flip(0), "roll": lambda x: x.roll(1, 0), "repeat": lambda x: x.repeat(*[1] * x.dim()),
    "cat": lambda x: ember.cat([x]), "stack": lambda x: ember.stack([x]), "tensor": lambda x: ember.tensor(x),
    "to_other_dtype": lambda x: x.double(), "index_select": lambda x: x.index_select(0, ember.tensor([0])),
    "gather": lambda x: x.gather(0, ember.zeros(x.shape, dtype=ember.int64)),
    "flatten_noncontiguous": lambda x: x.mT.flatten(),
}

shapes2d = st.lists(st.integers(2, 4), min_size=2, max_size=3)


@FAST
@given(shapes2d, st.sampled_from(sorted(VIEWS)))
def test_views_share_memory_both_ways(shape, name):
    x = ember.arange(float(np.prod(shape))).reshape(shape)
    y = VIEWS[name](x)
    y.fill_(-7.0)
    assert (x == -7.0).any(), f"{name}: writing the view did not change the base"
    assert y._vc is x._vc or name in ("as_tensor", "from_numpy", "data", "to_same_dtype")
    x.zero_()
    assert (y == 0).all(), f"{name}: writing the base did not change the view"


@FAST
@given(shapes2d, st.sampled_from(sorted(COPIES)))
def test_copies_do_not_share_memory(shape, name):
    x = ember.arange(float(np.prod(shape))).reshape(shape)
    y = COPIES[name](x)
    y.fill_(-7.0)
    assert not (x == -7.0).any(), f"{name}: a copy wrote into its input"


def test_numpy_round_trip_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t = ember.from_numpy(a)
    a[0] = 5
    t[1] = 6
    assert t.tolist() == [5.0, 6.0, 0.0] and a.tolist() == [5.0, 6.0, 0.0]
    n = t.numpy()
    n[2] = 7
    assert t[2].item() == 7


def test_view_versions_are_shared():
    x = ember.zeros(4)
    v = x[1:]
    before = x._version
    v.add_(1)
    assert x._version == v._version == before + 1
