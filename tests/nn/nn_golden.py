"""Load the torch.nn goldens recorded by tools/fixtures/nn.py."""
from __future__ import annotations

import json
import pathlib
from collections import OrderedDict

import numpy as np

import ember
import ember.nn.functional as F
from ember import nn

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "torch"
META = json.loads((FIXTURES / "nn_cases.json").read_text())
ARRAYS = dict(np.load(FIXTURES / "nn_cases.npz"))


def env() -> dict:
    e = {"nn": nn, "torch": ember, "F": F, "OrderedDict": OrderedDict,
         "W4": ember.tensor([0.5, 1.0, 2.0, 0.25], dtype=ember.float64),
         "W6": ember.tensor([0.5, 1.0, 2.0, 0.25, 1.5, 0.75], dtype=ember.float64)}
    exec(META["seed_defs"], e)
    return e


def case_arrays(name: str) -> dict:
    prefix = name + "/"
    return {k[len(prefix):]: v for k, v in ARRAYS.items() if k.startswith(prefix)}
