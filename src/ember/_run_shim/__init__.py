"""Top-level ``torch``/``torchvision`` stand-ins for child processes of ``ember.run``.

multiprocessing's spawn and forkserver start methods re-import the script in each child, where
the import hook of ``ember.run`` is not installed yet; the runner puts this folder on
``sys.path`` (which children inherit), so the script's ``import torch`` lands in a stand-in
here, which installs the hook and hands over the module that maps to ember.
"""
import importlib
import sys


def hand_over(name: str) -> None:
    """Replace the stand-in module ``name`` by the one ember.run's import hook maps it to."""
    if "." in name:
        # Imported as ember._run_shim.torch (a package walk, say), not as the top-level stand-in.
        raise ImportError(f"{name} is only importable as a top-level stand-in in child "
                          "processes of ember.run; import ember instead")
    import ember.run

    del sys.modules[name]
    ember.run.install()
    sys.modules[name] = importlib.import_module(name)
