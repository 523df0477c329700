"""Op values, dtypes and shapes must equal PyTorch's (recorded by tools/fixtures/tensor.py)."""
import pytest

from ._golden import assert_same, describe, evaluate, load

CASES = load("ops")


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_op_matches_torch(case):
    assert_same(describe(evaluate(case["expr"])), case["out"], case["expr"])
