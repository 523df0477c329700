"""ember.vision: data sets and image transforms with torchvision's names.

``ember.vision.datasets.MNIST`` and ``ember.vision.transforms`` behave like their torchvision
counterparts; ``python -m ember.run`` maps ``torchvision`` to this package.
"""
from . import datasets, transforms  # noqa: F401

__all__ = ["datasets", "transforms"]
