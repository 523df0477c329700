"""ember.vision.datasets: image data sets as torchvision's ``datasets`` exposes them."""
from .mnist import MNIST, read_idx
from .vision import StandardTransform, VisionDataset

__all__ = ["MNIST", "VisionDataset", "StandardTransform", "read_idx"]
