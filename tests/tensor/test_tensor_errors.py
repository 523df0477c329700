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


_IEEE_SCRIPT = """
import numpy as np, ember
x = ember.tensor([1.0, -1.0, 0.0])
out = [x / 0, ember.log(x), ember.exp(x * 1000), ember.sqrt(x), x.reciprocal(), x.pow(-1)]
print(out[0].tolist(), out[1].tolist()[1])
np.log(np.zeros(1))   # the user's own NumPy code still warns
"""


def test_ieee_specials_are_silent_as_in_torch_but_numpy_still_warns():
    # A fresh interpreter: pytest swaps the warning filters around each test and collection.
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-W", "default", "-c", _IEEE_SCRIPT],
                         capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["[inf,", "-inf,", "nan]", "nan"]
    warned = [line for line in run.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warned) == 1 and "<string>" in warned[0] and "in log" in warned[0], run.stderr
