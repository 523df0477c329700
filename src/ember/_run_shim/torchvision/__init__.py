"""Stand-in for ``import torchvision``, found only by child processes of ``python -m ember.run`` (see ../__init__.py)."""
from ember._run_shim import hand_over

hand_over(__name__)
