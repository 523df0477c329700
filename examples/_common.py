"""Helpers shared by the example scripts: quick mode, the output folder, optional plotting.

- ``EMBER_EXAMPLES_QUICK=1`` shortens every training loop (the test suite uses it).
- Plots go to ``$EMBER_EXAMPLES_OUT`` (default ``out/examples``).
- matplotlib is an optional extra (``pip install ember[examples]``); without it the scripts
  still train and print, and skip the pictures.
"""
from __future__ import annotations

import os

QUICK = os.environ.get("EMBER_EXAMPLES_QUICK", "") not in ("", "0")


def steps(full: int, quick: int) -> int:
    """The number of iterations: ``full`` normally, ``quick`` in quick mode."""
    return quick if QUICK else full


def out_dir() -> str:
    path = os.environ.get("EMBER_EXAMPLES_OUT") or os.path.join("out", "examples")
    os.makedirs(path, exist_ok=True)
    return path


def out_path(name: str) -> str:
    return os.path.join(out_dir(), name)


def pyplot():
    """matplotlib.pyplot on the Agg backend (files only), or None when matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed (pip install matplotlib): skipping the plot")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_figure(plt, name: str) -> None:
    path = out_path(name)
    plt.savefig(path, dpi=80)
    plt.close("all")
    print(f"plot written to {path}")
