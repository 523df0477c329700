"""Shared test settings: fixed seeds and one BLAS thread, so every test is repeatable."""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import ember  # noqa: E402


@pytest.fixture(autouse=True)
def _seed():
    ember.manual_seed(0)
    yield
