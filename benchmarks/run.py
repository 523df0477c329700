"""Run every benchmark in benchmarks/ for ember and PyTorch and print one table.

    python benchmarks/run.py [--filter TEXT] [--repeat N] [--quick]

Files that register workloads through ``_harness.workload`` are imported in two worker
processes, one with ember and one with torch (when installed); the samples of each workload
alternate between the two workers, so drift on the machine hits both alike. Every worker pins
BLAS and torch to one thread. Other ``benchmarks/*.py`` scripts are run once each, and their
own output is printed after the table.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import subprocess
import sys
import traceback

HERE = pathlib.Path(__file__).resolve().parent
ENV_PINNED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def benchmark_files() -> list:
    return sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != "run.py")


def uses_harness(path: pathlib.Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return "_harness" in text and "workload(" in text


# ----------------------------------------------------------------------------- worker side

def worker(framework: str) -> None:
    """Serve setup/sample requests (one JSON object per line) for one framework."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # benchmark prints go to stderr; stdout carries only the protocol
    sys.stdout = sys.stderr
    sys.path.insert(0, str(HERE))
    import importlib

    import _harness

    errors = {}
    try:
        module = _harness.load_framework(framework)
    except Exception:
        module = None
        errors[framework] = traceback.format_exc(limit=4)
    for path in benchmark_files():
        if not uses_harness(path):
            continue
        before = len(_harness.registry)
        try:
            importlib.import_module(path.stem)
        except Exception:  # a broken file must not hide the others
            errors[path.name] = traceback.format_exc(limit=3)
        for w in _harness.registry[before:]:
            w.module = path.name
    listing = [{"name": w.name, "group": w.group, "repeat": w.repeat, "file": w.module,
                "frameworks": list(w.frameworks)} for w in _harness.registry]
    proto.write(json.dumps({"available": module is not None, "workloads": listing,
                            "import_errors": errors}) + "\n")
    steps = {}
    for line in sys.stdin:
        req = json.loads(line)
        i = req.get("i")
        try:
            if req["op"] == "setup":
                w = _harness.registry[i]
                step = w.factory(module)
                number = _harness.calibrate(step, req.get("target_s") or w.target_s)
                steps[i] = (step, number)
                reply = {"number": number}
            elif req["op"] == "sample":
                step, number = steps[i]
                reply = {"t": _harness.time_step(step, number)}
            elif req["op"] == "drop":
                steps.pop(i, None)
                reply = {}
            else:
                break
        except Exception as e:
            steps.pop(i, None)
            reply = {"error": f"{type(e).__name__}: {e}"}
        proto.write(json.dumps(reply) + "\n")


# ----------------------------------------------------------------------------- parent side

class Worker:
    def __init__(self, framework: str):
        env = dict(os.environ, **ENV_PINNED)
        self.proc = subprocess.Popen([sys.executable, str(HERE / "run.py"), "--worker", framework],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env, cwd=str(HERE.parent))
        self.hello = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            return {"error": "worker exited", "available": False, "workloads": []}
        return json.loads(line)

    def ask(self, **req) -> dict:
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        try:
            self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        self.proc.wait(timeout=30)


def machine_line() -> str:
    import numpy
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    parts = [f"{cpu}, {os.cpu_count()} cores", f"Python {platform.python_version()}",
             f"NumPy {numpy.__version__}", "1 BLAS thread"]
    try:
        import importlib.metadata as md
        parts.append(f"torch {md.version('torch')}")
    except Exception:
        parts.append("torch not installed")
    return "; ".join(parts)


def run_harness_workloads(args) -> tuple:
    sys.path.insert(0, str(HERE))
    import _harness

    workers = {"ember": Worker("ember"), "torch": Worker("torch")}
    try:
        live = {k: w for k, w in workers.items() if w.hello.get("available")}
        listing = workers["ember"].hello.get("workloads", [])
        problems = []
        for k, w in workers.items():
            for name, err in w.hello.get("import_errors", {}).items():
                problems.append(f"[{k}] importing {name} failed:\n{err}")
        rows = []
        for i, spec in enumerate(listing):
            if args.filter and args.filter.lower() not in (spec["name"] + spec["file"]).lower():
                continue
            timings = {}
            for k, w in live.items():
                if k not in spec["frameworks"]:
                    continue
                reply = w.ask(op="setup", i=i, target_s=args.target)
                if "error" in reply:
                    problems.append(f"[{k}] {spec['name']}: {reply['error']}")
                else:
                    timings[k] = _harness.Timing()
            repeat = args.repeat or spec["repeat"]
            for _ in range(repeat):
                for k in list(timings):
                    reply = live[k].ask(op="sample", i=i)
                    if "error" in reply:
                        problems.append(f"[{k}] {spec['name']}: {reply['error']}")
                        del timings[k]
                    else:
                        timings[k].samples.append(reply["t"])
            for k in live:
                live[k].ask(op="drop", i=i)
            label = f"{spec['group']}: {spec['name']}" if spec["group"] else spec["name"]
            rows.append((label, timings.get("ember"), timings.get("torch")))
            print(f"  done {label}", file=sys.stderr, flush=True)
        return rows, problems, "torch" in live
    finally:
        for w in workers.values():
            w.close()


def run_other_scripts(args) -> list:
    outputs = []
    for path in benchmark_files():
        if uses_harness(path):
            continue
        if args.filter and args.filter.lower() not in path.name.lower():
            continue
        env = dict(os.environ, **ENV_PINNED)
        proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env,
                              cwd=str(HERE.parent), timeout=args.timeout)
        text = proc.stdout.strip()
        if proc.returncode != 0:
            text += f"\n(exit {proc.returncode})\n" + proc.stderr.strip()[-2000:]
        outputs.append((path.name, text))
    return outputs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filter", default="", help="only workloads whose name or file contains this")
    parser.add_argument("--repeat", type=int, default=0, help="samples per workload (default: its own)")
    parser.add_argument("--target", type=float, default=0.0,
                        help="seconds per sample (default: the workload's own)")
    parser.add_argument("--quick", action="store_true", help="3 short samples per workload")
    parser.add_argument("--timeout", type=float, default=600, help="limit for each plain script")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    if args.quick:
        args.repeat, args.target = args.repeat or 3, args.target or 0.01
    print(f"machine: {machine_line()}")
    rows, problems, have_torch = run_harness_workloads(args)
    sys.path.insert(0, str(HERE))
    import _harness
    print(_harness.format_table(rows))
    if not have_torch:
        print("(torch is not installed: only ember's times are shown)")
    for p in problems:
        print(p)
    for name, text in run_other_scripts(args):
        print(f"\n== {name} ==\n{text}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
