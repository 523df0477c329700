"""User mistakes raise PyTorch's exception type (recorded by tools/fixtures/tensor.py)."""
import builtins

import numpy as np
import pytest

import ember

from ._golden import load

CASES = load("errors")


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_error_type_matches_torch(case):
    with pytest.raises(getattr(builtins, case["type"])) as info:
        exec(case["expr"], {"torch": ember, "np": np})
    # No NumPy internals leak: the message is ember's own and not empty.
    assert str(info.value)
