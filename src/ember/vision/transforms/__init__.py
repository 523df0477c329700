"""ember.vision.transforms: torchvision's image transforms on tensors and NumPy images."""
from . import functional  # noqa: F401
from .functional import InterpolationMode
from .transforms import (CenterCrop, Compose, Lambda, Normalize, Pad, RandomCrop,
                         RandomHorizontalFlip, RandomVerticalFlip, Resize, ToTensor)

__all__ = ["Compose", "ToTensor", "Normalize", "Lambda", "RandomCrop", "RandomHorizontalFlip",
           "RandomVerticalFlip", "Resize", "Pad", "CenterCrop", "InterpolationMode", "functional"]
