"""ember.nn: layers, losses, initialisation and functional forms, with PyTorch's names."""
from .parameter import Parameter, UninitializedParameter  # noqa: F401
from .modules import *  # noqa: F401,F403  (modules/__init__.py lists every layer in __all__)
from . import functional, init, utils  # noqa: F401
