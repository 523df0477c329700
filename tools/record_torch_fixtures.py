"""Record PyTorch's outputs into tests/fixtures/torch/ (the only place ember's repo imports torch).

Run: ``python tools/record_torch_fixtures.py [area ...]``. Each area is a module in
``tools/fixtures/`` with a ``record(out_dir)`` function; with no argument every area runs.
"""
from __future__ import annotations

import importlib
import pathlib
import pkgutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent
OUT = ROOT.parent / "tests" / "fixtures" / "torch"


def main(argv) -> None:
    sys.path.insert(0, str(ROOT))
    areas = argv or sorted(m.name for m in pkgutil.iter_modules([str(ROOT / "fixtures")]))
    OUT.mkdir(parents=True, exist_ok=True)
    for area in areas:
        module = importlib.import_module(f"fixtures.{area}")
        print(f"recording {area} ...")
        module.record(OUT)


if __name__ == "__main__":
    main(sys.argv[1:])
