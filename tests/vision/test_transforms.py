"""ember.vision.transforms against torchvision's documented behaviour (and torch's resize)."""
import pathlib

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as TF

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "torch"


@pytest.fixture
def gray():
    return np.arange(12, dtype=np.uint8).reshape(3, 4) * 20


def test_to_tensor_scales_uint8_and_moves_channels_first(gray):
    t = T.ToTensor()(gray)
    assert t.shape == (1, 3, 4) and t.dtype == ember.float32
    np.testing.assert_allclose(t.numpy()[0], gray / 255, rtol=1e-6)
    rgb = np.stack([gray, gray // 2, gray // 4], axis=-1)
    t = T.ToTensor()(rgb)
    assert t.shape == (3, 3, 4)
    np.testing.assert_allclose(t.numpy()[1], (gray // 2) / 255, rtol=1e-6)


def test_to_tensor_keeps_float_values_and_rejects_tensors():
    x = np.full((2, 2), 7.5, dtype=np.float32)
    assert T.ToTensor()(x).numpy().max() == 7.5
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        T.ToTensor()(ember.zeros(1, 2, 2))


def test_normalize_per_channel():
    x = ember.ones(2, 2, 2)
    y = T.Normalize((0.5, 0.25), (0.5, 0.25))(x)
    np.testing.assert_allclose(y.numpy()[0], 1.0)
    np.testing.assert_allclose(y.numpy()[1], 3.0)
    assert x.numpy().max() == 1.0  # not in place by default
    T.Normalize((1.0,), (2.0,), inplace=True)(x)
    np.testing.assert_allclose(x.numpy(), 0.0)


def test_normalize_errors():
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize((0.0,), (0.0,))(ember.ones(1, 2, 2))
    with pytest.raises(TypeError, match="Tensor Image"):
        T.Normalize((0.0,), (1.0,))(np.ones((1, 2, 2)))
    with pytest.raises(ValueError, match="2 values.*3 channels"):
        T.Normalize((0.0, 0.0), (1.0, 1.0))(ember.ones(3, 2, 2))


def test_compose_and_lambda():
    t = T.Compose([T.ToTensor(), T.Lambda(lambda x: x * 2)])
    assert t(np.full((2, 2), 255, np.uint8)).numpy().max() == 2.0
    assert repr(t) == "Compose(\n    ToTensor()\n    Lambda()\n)"
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad_modes_on_arrays_and_tensors(gray, mode):
    out = T.Pad((1, 2, 3, 0), padding_mode=mode)(gray)   # left, top, right, bottom
    expected = np.pad(gray, ((2, 0), (1, 3)), mode=mode)
    np.testing.assert_array_equal(out, expected)
    t = ember.from_numpy(gray.astype(np.float32))[None]
    np.testing.assert_array_equal(T.Pad((1, 2), padding_mode=mode)(t).numpy()[0],
                                  np.pad(gray, ((2, 2), (1, 1)), mode=mode))


def test_pad_fill_and_bad_arguments(gray):
    assert T.Pad(1, fill=9)(gray)[0, 0] == 9
    with pytest.raises(ValueError, match="1, 2, or 4 element tuple"):
        T.Pad((1, 2, 3))
    with pytest.raises(ValueError, match="Padding mode"):
        T.Pad(1, padding_mode="wrap")


def test_random_crop_is_reproducible_and_in_bounds():
    img = np.arange(28 * 28, dtype=np.int64).reshape(28, 28).astype(np.float32)
    crop = T.RandomCrop(24)
    ember.manual_seed(3)
    a = crop(img)
    ember.manual_seed(3)
    b = crop(img)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (24, 24)
    i, j = divmod(int(a[0, 0]), 28)
    np.testing.assert_array_equal(a, img[i:i + 24, j:j + 24])
    padded = T.RandomCrop(28, padding=4)(ember.zeros(1, 28, 28))
    assert padded.shape == (1, 28, 28)
    assert T.RandomCrop(30, pad_if_needed=True)(img).shape == (30, 30)
    with pytest.raises(ValueError, match="larger than input image size"):
        T.RandomCrop(30)(img)


def test_random_horizontal_flip_probabilities(gray):
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(gray), gray[:, ::-1])
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=0.0)(gray), gray)
    t = ember.from_numpy(gray.astype(np.float32))[None]
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(t).numpy()[0], gray[:, ::-1])
    ember.manual_seed(0)
    flips = sum(T.RandomHorizontalFlip()(gray)[0, 0] != gray[0, 0] for _ in range(200))
    assert 70 < flips < 130


def test_resize_smaller_edge_and_max_size():
    img = np.zeros((20, 40), np.uint8)
    assert T.Resize(10)(img).shape == (10, 20)
    assert T.Resize((8, 9))(img).shape == (8, 9)
    assert T.Resize(10, max_size=15)(img).shape == (7, 15)
    assert T.Resize(10)(ember.zeros(3, 40, 20)).shape == (3, 20, 10)


def test_resize_bilinear_upsampling_values():
    row = np.array([[0.0, 1.0]], dtype=np.float32)
    out = T.Resize((1, 4))(row)
    np.testing.assert_allclose(out[0], [0.0, 0.25, 0.75, 1.0], atol=1e-6)


def test_resize_matches_torch_interpolate_with_antialias():
    f = np.load(FIXTURES / "vision_resize.npz")
    image = ember.from_numpy(f["image"][0])
    for key in f.files:
        if key in ("image", "torch_version"):
            continue
        mode, size = key.split("_")
        h, w = (int(s) for s in size.split("x"))
        out = T.Resize((h, w), interpolation=T.InterpolationMode(mode))(image)
        np.testing.assert_allclose(out.numpy(), f[key], atol=2e-6, err_msg=key)


def test_resize_uint8_round_trip_and_nearest():
    img = (np.arange(16, dtype=np.uint8) * 16).reshape(4, 4)
    out = T.Resize((8, 8), interpolation=T.InterpolationMode.NEAREST)(img)
    np.testing.assert_array_equal(out, np.repeat(np.repeat(img, 2, 0), 2, 1))
    assert T.Resize((2, 2))(img).dtype == np.uint8


def test_functional_crop_pads_outside_and_center_crop(gray):
    out = TF.crop(gray, -1, 0, 3, 2)
    np.testing.assert_array_equal(out[0], [0, 0])
    np.testing.assert_array_equal(out[1:], gray[:2, :2])
    np.testing.assert_array_equal(T.CenterCrop(2)(gray), gray[0:2, 1:3])
    assert TF.get_image_size(gray) == [4, 3]


def test_bad_image_type_is_named():
    with pytest.raises(TypeError, match="img should be a Tensor, a NumPy array or a PIL Image"):
        TF.hflip([1, 2, 3])
