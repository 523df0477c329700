"""ember.utils: data loading and helpers."""
from .summary import summary  # noqa: F401  (``ember.utils.summary(model, input_size)``)
from . import data  # noqa: F401,E402
