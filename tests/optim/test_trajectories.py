"""Every optimizer and option follows PyTorch's float64 trajectory (tools/fixtures/optim.py)."""
import numpy as np
import pytest

from ._harness import ARRAYS, CASES, KEEP, build, max_rel_err, train


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_torch(name):
    case = CASES[name]
    params, opt = build(case)
    got = train(opt, params, 20, case["grouping"])
    expected = ARRAYS[f"traj_{name}"]
    for row, step in enumerate(KEEP):
        err = max_rel_err(got[step], expected[row])
        assert err < 1e-10, f"{name}: step {step} differs from PyTorch by {err:.2e} (relative)"


def test_every_algorithm_is_covered():
    algorithms = {c["optimizer"] for c in CASES.values()}
    assert algorithms == {"SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax",
                          "NAdam", "RAdam", "Rprop", "ASGD", "LBFGS"}


@pytest.mark.parametrize("name", ["sgd_momentum", "adam_amsgrad_wd", "nadam", "asgd", "rprop",
                                  "rmsprop_centered"])
def test_state_matches_torch(name):
    """State keys, dtypes and values equal PyTorch's after 20 steps (state dicts interchange)."""
    case = CASES[name]
    params, opt = build(case)
    train(opt, params, 20)
    state = opt.state_dict()["state"]
    prefix = f"state_{name}_"
    recorded = {k[len(prefix):]: v for k, v in ARRAYS.items() if k.startswith(prefix)}
    mine = {f"{i}_{k}": v.numpy() for i, s in state.items() for k, v in s.items()}
    assert sorted(mine) == sorted(recorded)
    for key, want in recorded.items():
        assert mine[key].dtype == want.dtype, key
        assert mine[key].shape == want.shape, key
        np.testing.assert_allclose(mine[key], want, rtol=1e-10, atol=1e-300, err_msg=key)
