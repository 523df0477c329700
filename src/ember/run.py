"""Run an unmodified PyTorch script on ember: ``python -m ember.run SCRIPT [ARGS...]``.

An import hook resolves ``torch`` and every ``torch.X`` submodule to ``ember`` / ``ember.X``,
and ``torchvision`` to ``ember.vision``, without touching the script. The script sees thin
module objects that forward every name to ember's; a name ember lacks raises
``EmberNotImplementedError: ember does not implement torch.X yet`` pointing at the script's
line, instead of an AttributeError deep inside a library.

Also usable from Python::

    import ember.run
    ember.run.install()      # from now on ``import torch`` gives ember
    import torch
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import runpy
import sys
import traceback
import types

__all__ = ["install", "uninstall", "main", "EmberNotImplementedError", "TorchFinder"]

# The torch module name that maps to each ember module, when the rule "torch.X -> ember.X"
# does not hold.
_ALIASES = {
    "torchvision": "ember.vision",
}
_REVERSE = {"ember.vision": "torchvision"}


class EmberNotImplementedError(NotImplementedError, AttributeError):
    """A torch name that ember does not have yet.

    It is also an ``AttributeError``, so ``hasattr(torch, name)`` and ``getattr(torch, name,
    default)`` keep working in scripts that probe for optional features.
    """


def _ember_name(torch_name: str):
    """The ember module for a torch module name, or None if the name is not torch's."""
    for prefix, target in _ALIASES.items():
        if torch_name == prefix or torch_name.startswith(prefix + "."):
            return target + torch_name[len(prefix):]
    if torch_name == "torch" or torch_name.startswith("torch."):
        return "ember" + torch_name[len("torch"):]
    return None


def _torch_name(ember_name: str) -> str:
    for prefix, target in _REVERSE.items():
        if ember_name == prefix or ember_name.startswith(prefix + "."):
            return target + ember_name[len(prefix):]
    return "torch" + ember_name[len("ember"):]


def _script_location() -> str:
    """' (file, line N: code)' for the innermost frame outside ember and the import system."""
    ember_dir = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (os.path.abspath(filename).startswith(ember_dir + os.sep)
                or filename.startswith("<frozen importlib")):
            import linecache
            code = linecache.getline(filename, frame.f_lineno).strip()
            where = f"{filename}, line {frame.f_lineno}"
            return f" ({where}: {code})" if code else f" ({where})"
        frame = frame.f_back
    return ""


def _missing(torch_name: str) -> EmberNotImplementedError:
    return EmberNotImplementedError(f"ember does not implement {torch_name} yet"
                                    f"{_script_location()}")


class _TorchModule(types.ModuleType):
    """What the script gets for ``torch.X``: forwards attribute reads to ember's module."""

    def __init__(self, name: str, target: types.ModuleType) -> None:
        super().__init__(name, getattr(target, "__doc__", None))
        object.__setattr__(self, "_ember_module", target)
        if hasattr(target, "__path__"):
            self.__path__ = []
        self.__all__ = list(getattr(target, "__all__", None)
                            or [k for k in vars(target) if not k.startswith("_")])
        for key in ("__version__", "__file__"):
            if hasattr(target, key):
                setattr(self, key, getattr(target, key))

    def __getattr__(self, name: str):
        target = object.__getattribute__(self, "_ember_module")
        try:
            value = getattr(target, name)
        except AttributeError:
            if name.startswith("__") and name.endswith("__"):
                raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None
            value = _import_submodule(target, name)
            if value is None:
                raise _missing(f"{self.__name__}.{name}") from None
        if isinstance(value, types.ModuleType) and value.__name__.startswith("ember"):
            # Submodules come back wrapped, so their missing names are caught too.
            value = importlib.import_module(_torch_name(value.__name__))
        self.__dict__[name] = value  # later reads skip __getattr__
        return value

    def __dir__(self):
        return sorted(set(dir(object.__getattribute__(self, "_ember_module"))) | set(self.__dict__))

    def __repr__(self) -> str:
        target = object.__getattribute__(self, "_ember_module")
        return f"<module {self.__name__!r} (ember: {target.__name__!r})>"


def _import_submodule(target: types.ModuleType, name: str):
    if not hasattr(target, "__path__"):
        return None
    try:
        return importlib.import_module(f"{target.__name__}.{name}")
    except ModuleNotFoundError as e:
        if e.name and (e.name == f"{target.__name__}.{name}"):
            return None
        raise


class _Loader(importlib.abc.Loader):
    def __init__(self, ember_name: str) -> None:
        self.ember_name = ember_name

    def create_module(self, spec):
        try:
            target = importlib.import_module(self.ember_name)
        except ModuleNotFoundError as e:
            if e.name and self.ember_name.startswith(e.name):
                # No ``name=``: ``from torch import X`` would then swallow this error and
                # raise a vaguer "cannot import name" instead.
                raise ModuleNotFoundError(f"ember does not implement {spec.name} yet"
                                          f"{_script_location()}") from None
            raise
        return _TorchModule(spec.name, target)

    def exec_module(self, module) -> None:
        """Nothing to run: the module forwards to ember's, which is already imported."""


class TorchFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch``, ``torch.*``, ``torchvision`` and ``torchvision.*`` in ember."""

    def find_spec(self, fullname, path=None, target=None):
        ember_name = _ember_name(fullname)
        if ember_name is None:
            return None
        is_package = True  # every torch name may have children; ember decides when imported
        return importlib.machinery.ModuleSpec(fullname, _Loader(ember_name), is_package=is_package)


_finder = TorchFinder()


_stashed: dict = {}


def install() -> None:
    """Make ``import torch`` (and ``torchvision``) resolve to ember in this process.

    A real torch imported earlier is set aside (``uninstall()`` puts it back).
    """
    if _finder not in sys.meta_path:
        for name in [n for n in sys.modules if _ember_name(n) is not None]:
            module = sys.modules.pop(name)
            if not isinstance(module, _TorchModule):
                _stashed[name] = module
        sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    """Undo ``install()``: forget the torch modules that point at ember."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name, module in list(sys.modules.items()):
        if isinstance(module, _TorchModule):
            del sys.modules[name]
    sys.modules.update(_stashed)
    _stashed.clear()


def _public_name(cls: type) -> str:
    """torch's name for an ember class: ember.nn.modules.linear.Linear -> torch.nn.Linear."""
    parts = cls.__module__.split(".")
    public = [p for p in parts[1:] if not p.startswith("_") and p != "modules"]
    for depth in range(len(public), 0, -1):
        try:
            module = importlib.import_module(".".join(["ember"] + public[:depth]))
        except ImportError:
            continue
        if getattr(module, cls.__name__, None) is cls:
            return ".".join([_torch_name(module.__name__), cls.__name__])
    return _torch_name("ember") + "." + cls.__name__


def _as_not_implemented(exc: BaseException):
    """An AttributeError on an ember object, raised at the script's line, rephrased."""
    obj = getattr(exc, "obj", None)
    if type(exc) is not AttributeError or obj is None or not exc.name:
        return None
    cls = obj if isinstance(obj, type) else type(obj)
    if not cls.__module__.startswith("ember"):
        return None
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    ember_dir = os.path.dirname(os.path.abspath(__file__)) + os.sep
    if tb is None or os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(ember_dir):
        return None
    import linecache
    filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
    code = linecache.getline(filename, line).strip()
    new = EmberNotImplementedError(f"ember does not implement {_public_name(cls)}.{exc.name} yet "
                                   f"({filename}, line {line}: {code})")
    return new.with_traceback(exc.__traceback__)


def _report(exc: BaseException) -> None:
    """Print the traceback, keeping only the script's frames for ember's not-implemented errors."""
    exc = _as_not_implemented(exc) or exc
    sys.stdout.flush()
    if isinstance(exc, (EmberNotImplementedError, ModuleNotFoundError)) and "ember does not" in str(exc):
        ember_dir = os.path.dirname(os.path.abspath(__file__)) + os.sep
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if not f.filename.startswith("<frozen")
                  and not os.path.abspath(f.filename).startswith(ember_dir)
                  and not f.filename.endswith("runpy.py")]
        print("Traceback (most recent call last):", file=sys.stderr)
        print("".join(traceback.format_list(frames)), end="", file=sys.stderr)
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return
    tb = exc.__traceback__
    while tb is not None and (tb.tb_frame.f_code.co_filename in (__file__, runpy.__file__)
                              or tb.tb_frame.f_code.co_filename.startswith("<frozen runpy")):
        tb = tb.tb_next  # the runner's own frames say nothing about the script
    traceback.print_exception(type(exc), exc, tb or exc.__traceback__)


def main(argv=None) -> int:
    """``ember-run SCRIPT [ARGS...]`` or ``ember-run -m MODULE [ARGS...]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m ember.run SCRIPT [ARGS...]\n"
              "       python -m ember.run -m MODULE [ARGS...]\n\n"
              "Run a PyTorch program with torch (and torchvision) resolved to ember.")
        return 0 if argv else 2
    install()
    # Children started by multiprocessing (spawn, forkserver) inherit sys.path, not the hook.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "_run_shim"))
    try:
        if argv[0] == "-m":
            if len(argv) < 2:
                print("ember.run: -m needs a module name", file=sys.stderr)
                return 2
            sys.argv = argv[1:]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            script = argv[0]
            sys.argv = argv
            sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
            runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        code = e.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BaseException as e:  # the script's own error: show it as Python would
        _report(e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
