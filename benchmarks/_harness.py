"""The shared convention for ember's benchmarks: register workloads, time them, print one table.

A benchmark file builds each workload for *a framework module* (ember, or torch when it is
installed), so the same code times both::

    import _harness                       # first: pins BLAS to one thread before NumPy loads
    from _harness import workload

    @workload("W2 regression step", group="seed workloads")
    def regression(torch):                # ``torch`` is ember or the real torch
        net = torch.nn.Linear(1, 1)
        x = torch.randn(100, 1)
        def step():
            net(x).sum().backward()
        return step                       # a zero-argument callable: one timed step

    if __name__ == "__main__":
        _harness.main()

``python benchmarks/<file>.py`` times that file's workloads for ember and torch in this one
process, alternating samples, and prints median, min-max and the ratio ember/torch.
``python benchmarks/run.py`` imports every benchmark file in one worker process per framework,
alternates the samples between the workers and prints one table for all of them.

Timing: each sample runs the step ``number`` times (chosen so a sample takes about
``target_s``); a workload reports the per-step median, min and max over ``repeat`` samples.
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import gc  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Callable, Optional  # noqa: E402

__all__ = ["Workload", "Timing", "workload", "registry", "time_step", "calibrate",
           "format_time", "format_table", "load_framework", "main"]


@dataclass
class Workload:
    name: str
    factory: Callable              # factory(framework_module) -> step()
    group: str = ""
    repeat: int = 7
    target_s: float = 0.05         # wall time of one sample
    frameworks: tuple = ("ember", "torch")
    module: str = ""               # the file that defined it


@dataclass
class Timing:
    """Per-step seconds over the samples of one workload on one framework."""

    samples: list = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)


registry: list = []


def workload(name: str, *, group: str = "", repeat: int = 7, target_s: float = 0.05,
             frameworks=("ember", "torch")):
    """Register ``factory(torch_module) -> step`` as a benchmark named ``name``."""
    def register(factory):
        registry.append(Workload(name, factory, group, repeat, target_s, tuple(frameworks),
                                 getattr(factory, "__module__", "")))
        return factory
    return register


def load_framework(name: str):
    """``ember`` or ``torch`` (pinned to one thread); None when torch is not installed."""
    if name == "ember":
        import ember as module
    else:
        try:
            import torch as module
        except ImportError:
            return None
        module.set_num_threads(1)
    module.manual_seed(0)
    return module


def calibrate(step: Callable, target_s: float) -> int:
    """How many calls of ``step`` make one sample of about ``target_s`` seconds (after a warm-up)."""
    step()
    t0 = time.perf_counter()
    step()
    one = max(time.perf_counter() - t0, 1e-7)
    return max(1, min(100_000, int(target_s / one)))


def time_step(step: Callable, number: int) -> float:
    """Seconds per call, over ``number`` calls, with the garbage collector paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(number):
            step()
        return (time.perf_counter() - t0) / number
    finally:
        if enabled:
            gc.enable()


def format_time(seconds: Optional[float]) -> str:
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def _span(t: Optional[Timing]) -> str:
    if t is None:
        return "-"
    return f"{format_time(t.min)} - {format_time(t.max)}"


def format_table(rows) -> str:
    """rows: (name, ember Timing or None, torch Timing or None) -> an aligned text table."""
    header = ("workload", "ember median", "ember min-max", "torch median", "torch min-max",
              "ember/torch")
    lines = [header]
    for name, e, t in rows:
        ratio = f"{e.median / t.median:.2f}x" if e is not None and t is not None else "-"
        lines.append((name, format_time(e.median) if e else "-", _span(e),
                      format_time(t.median) if t else "-", _span(t), ratio))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for k, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        out.append("  ".join(cells))
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _run_inprocess(workloads) -> list:
    """Time ``workloads`` for ember and torch in this process, alternating the samples."""
    frameworks = {name: load_framework(name) for name in ("ember", "torch")}
    rows = []
    for w in workloads:
        steps, numbers, timings = {}, {}, {}
        for name, module in frameworks.items():
            if module is None or name not in w.frameworks:
                continue
            steps[name] = w.factory(module)
            numbers[name] = calibrate(steps[name], w.target_s)
            timings[name] = Timing()
        for _ in range(w.repeat):
            for name in steps:
                timings[name].samples.append(time_step(steps[name], numbers[name]))
        rows.append((w.name, timings.get("ember"), timings.get("torch")))
    return rows


def main(workloads=None) -> None:
    """Time the workloads registered so far (this file's) and print the table."""
    rows = _run_inprocess(registry if workloads is None else workloads)
    print(format_table(rows))
