"""Printed forms must equal PyTorch's text (with ``torch.`` spelled ``ember.``)."""
import pytest

import ember

from ._golden import evaluate, load

CASES = load("repr")


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] + (str(c["opts"]) if c["opts"] else "")
                                             for c in CASES])
def test_repr_matches_torch(case):
    if case["opts"]:
        ember.set_printoptions(**case["opts"])
    try:
        text = repr(evaluate(case["expr"]))
    except Exception as e:  # noqa: BLE001 (compared with the exception torch raised)
        text = "raises " + type(e).__name__
    finally:
        ember.set_printoptions(profile="default")
    assert text == case["repr"].replace("torch.", "ember.")


def test_str_equals_repr():
    t = ember.arange(6.).reshape(2, 3)
    assert str(t) == repr(t)


def test_set_printoptions_is_restored_by_default_profile():
    ember.set_printoptions(precision=2)
    ember.set_printoptions(profile="default")
    assert repr(ember.tensor([1.23456])) == "tensor([1.2346])"
