"""ember.utils: data loading and helpers."""
from . import data  # noqa: F401,E402
