"""Stand-in found only by child processes of ``python -m ember.run``.

multiprocessing's spawn and forkserver start methods re-import the script in each child, where
the import hook of ``ember.run`` is not installed yet; the runner puts this folder on
``sys.path`` (which children inherit), so the script's ``import torch`` lands here, installs
the hook and hands over the module that maps to ember.
"""
import importlib
import sys

import ember.run

del sys.modules[__name__]
ember.run.install()
sys.modules[__name__] = importlib.import_module(__name__)
