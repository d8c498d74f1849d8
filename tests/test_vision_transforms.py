"""ember.vision.transforms: outputs against NumPy / Pillow / real torch ops, random parameters' distributions and
their reproducibility under ember.manual_seed, and torchvision's errors for bad input."""
from __future__ import annotations

import colorsys
import math
import random

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F
from support import needs_torch, torch

IM = T.InterpolationMode
RNG = np.random.default_rng(1234)
RGB = RNG.integers(0, 256, (10, 12, 3), dtype=np.uint8)  # H=10, W=12
PIL_RGB = Image.fromarray(RGB)
U8 = ember.from_numpy(np.ascontiguousarray(RGB.transpose(2, 0, 1)))  # (3, 10, 12) uint8
FLT = U8.float() / 255


def chw(pil) -> np.ndarray:
    a = np.asarray(pil)
    return a.transpose(2, 0, 1) if a.ndim == 3 else a[None]


# ------------------------------------------------------------------------------------------------- conversions

def test_to_tensor_pil_modes_and_ndarrays():
    t = T.ToTensor()(PIL_RGB)
    assert t.shape == (3, 10, 12) and t.dtype == ember.float32
    np.testing.assert_array_equal(t.numpy(), RGB.transpose(2, 0, 1).astype(np.float32) / np.float32(255))
    gray = RGB[..., 0]
    np.testing.assert_array_equal(F.to_tensor(Image.fromarray(gray)).numpy()[0], gray / np.float32(255))
    bw = Image.fromarray(gray > 128)
    np.testing.assert_array_equal(F.to_tensor(bw).numpy()[0], (gray > 128).astype(np.float32))
    i32 = Image.fromarray(gray.astype(np.int32) * 1000)
    out = F.to_tensor(i32)
    assert out.dtype == ember.int32 and int(out.numpy().max()) == int(gray.max()) * 1000
    f32 = RNG.random((4, 5)).astype(np.float32)
    out = F.to_tensor(f32)  # non-uint8 arrays are not rescaled
    assert out.shape == (1, 4, 5) and out.dtype == ember.float32
    np.testing.assert_array_equal(out.numpy()[0], f32)
    np.testing.assert_array_equal(F.to_tensor(RGB).numpy(), t.numpy())


def test_pil_to_tensor_and_back():
    t = T.PILToTensor()(PIL_RGB)
    assert t.dtype == ember.uint8
    np.testing.assert_array_equal(t.numpy(), RGB.transpose(2, 0, 1))
    back = T.ToPILImage()(t)
    assert back.mode == 'RGB'
    np.testing.assert_array_equal(np.asarray(back), RGB)
    # float tensors are scaled by 255 and truncated (0.999 * 255 = 254.7 -> 254)
    img = F.to_pil_image(ember.full((1, 2, 2), 0.999))
    assert img.mode == 'L' and np.asarray(img)[0, 0] == 254
    assert F.to_pil_image(ember.zeros(2, 3, 3, dtype=ember.uint8)).mode == 'LA'
    assert F.to_pil_image(ember.zeros(4, 3, 3, dtype=ember.uint8)).mode == 'RGBA'
    assert F.to_pil_image(ember.zeros(4, 3, 3, dtype=ember.uint8), mode='CMYK').mode == 'CMYK'
    assert F.to_pil_image(ember.zeros(3, 3, 3, dtype=ember.uint8), mode='HSV').mode == 'HSV'
    f = F.to_pil_image(ember.full((1, 2, 3), 0.25), mode='F')
    assert f.mode == 'F' and np.asarray(f)[1, 2] == np.float32(0.25)
    i16 = F.to_pil_image(np.full((2, 2, 1), 300, np.uint16))
    assert i16.mode == 'I;16' and np.asarray(i16)[0, 0] == 300
    assert F.to_pil_image(np.full((2, 2), 7, np.int32)).mode == 'I'


def test_convert_image_dtype():
    np.testing.assert_array_equal(F.convert_image_dtype(U8, ember.float32).numpy(),
                                  RGB.transpose(2, 0, 1) / np.float32(255))
    x = ember.tensor([0.0, 0.5, 1.0])
    # the 1e-3 margin keeps 1.0 in the top bucket
    assert F.convert_image_dtype(x, ember.uint8).tolist() == [0, 127, 255]
    assert T.ConvertImageDtype(ember.int32)(ember.tensor([1, 255], dtype=ember.uint8)).tolist() == [1 << 23, 255 << 23]
    i32 = ember.tensor([1 << 24, (1 << 31) - 1], dtype=ember.int32)
    assert F.convert_image_dtype(i32, ember.uint8).tolist() == [2, 255]
    assert F.convert_image_dtype(x, ember.float64).dtype == ember.float64
    assert F.convert_image_dtype(U8, ember.uint8) is U8


def test_normalize():
    mean, std = [0.5, 0.4, 0.3], [0.2, 0.25, 0.5]
    out = T.Normalize(mean, std)(FLT)
    want = (FLT.numpy() - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-6)
    batch = FLT.unsqueeze(0).repeat(2, 1, 1, 1)
    same = F.normalize(batch, mean, std, inplace=True)
    assert same is batch
    np.testing.assert_allclose(same.numpy()[1], want, rtol=1e-6)


# ------------------------------------------------------------------------------------------------- geometry

@needs_torch
@pytest.mark.parametrize('mode', ['bilinear', 'bicubic'])
@pytest.mark.parametrize('size', [(4, 5), (17, 7), (10, 12)])
def test_resize_tensor_antialias_matches_torch(mode, size):
    out = F.resize(FLT, list(size), IM(mode), antialias=True)
    want = torch.nn.functional.interpolate(torch.from_numpy(FLT.numpy())[None], size=size, mode=mode,
                                           align_corners=False, antialias=True)[0]
    np.testing.assert_allclose(out.numpy(), want.numpy(), atol=2e-6)


@needs_torch
def test_resize_tensor_no_antialias_nearest_and_uint8():
    t = torch.from_numpy(FLT.numpy())[None]
    np.testing.assert_allclose(F.resize(FLT, [6, 7], antialias=False).numpy(),
                               torch.nn.functional.interpolate(t, (6, 7), mode='bilinear')[0].numpy(), atol=1e-6)
    np.testing.assert_array_equal(F.resize(FLT, [6, 7], IM.NEAREST).numpy(),
                                  torch.nn.functional.interpolate(t, (6, 7), mode='nearest')[0].numpy())
    # uint8 images are resized in float32 and rounded back; bicubic overshoot is clamped first
    want = torch.nn.functional.interpolate(torch.from_numpy(U8.numpy()).float()[None], (5, 6), mode='bicubic',
                                           antialias=True)[0].clamp(0, 255).round().to(torch.uint8)
    got = F.resize(U8, [5, 6], IM.BICUBIC)
    assert got.dtype == ember.uint8
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_resize_sizes_and_pil():
    assert F.resize(FLT, 5).shape == (3, 5, 6)  # shorter side (h = 10) -> 5
    assert F.resize(FLT, [5]).shape == (3, 5, 6)
    assert F.resize(FLT, 8, max_size=9).shape == (3, 8, 9)
    assert F.resize(ember.zeros(1, 10, 20), 8, max_size=12).shape == (1, 6, 12)  # long side capped: 16 -> 12
    assert F.resize(FLT, None, max_size=6).shape == (3, 5, 6)
    assert F.resize(ember.zeros(2, 3, 20, 8), 4).shape == (2, 3, 10, 4)
    got = T.Resize((7, 5), IM.BICUBIC)(PIL_RGB)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(PIL_RGB.resize((5, 7), Image.Resampling.BICUBIC)))
    assert T.Resize(5, interpolation=0)(PIL_RGB).size == (6, 5)
    # tensor and PIL antialiased resizes agree up to PIL's fixed-point rounding
    diff = np.abs(F.resize(U8, [7, 5]).numpy().astype(int) - chw(F.resize(PIL_RGB, [7, 5])).astype(int))
    assert diff.max() <= 1


def test_crop_center_crop_and_padding():
    np.testing.assert_array_equal(F.crop(U8, 2, 3, 4, 5).numpy(), RGB.transpose(2, 0, 1)[:, 2:6, 3:8])
    out = F.crop(U8, -1, 10, 3, 4).numpy()  # leaves the image on the top and the right: zeros there
    want = np.zeros((3, 3, 4), np.uint8)
    want[:, 1:, :2] = RGB.transpose(2, 0, 1)[:, :2, 10:12]
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(chw(F.crop(PIL_RGB, -1, 10, 3, 4)), want)
    np.testing.assert_array_equal(T.CenterCrop(4)(U8).numpy(), RGB.transpose(2, 0, 1)[:, 3:7, 4:8])
    big = T.CenterCrop((13, 15))(U8).numpy()  # pads (15-12)//2=1 left, 2 right, 1 top, 2 bottom
    want = np.zeros((3, 13, 15), np.uint8)
    want[:, 1:11, 1:13] = RGB.transpose(2, 0, 1)
    np.testing.assert_array_equal(big, want)
    np.testing.assert_array_equal(chw(T.CenterCrop((13, 15))(PIL_RGB)), want)
    np.testing.assert_array_equal(chw(T.CenterCrop(4)(PIL_RGB)), RGB.transpose(2, 0, 1)[:, 3:7, 4:8])


@pytest.mark.parametrize('mode', ['constant', 'edge', 'reflect', 'symmetric'])
@pytest.mark.parametrize('padding', [2, (1, 3), (1, 2, 3, 4)])
def test_pad_modes_match_numpy(mode, padding):
    l, t, r, b = {1: lambda p: [p] * 4, 2: lambda p: [p[0], p[1]] * 2, 4: list}[
        1 if isinstance(padding, int) else len(padding)](padding)
    np_mode = mode
    kw = {'constant_values': 7} if mode == 'constant' else {}
    want = np.pad(RGB.transpose(2, 0, 1), ((0, 0), (t, b), (l, r)), mode=np_mode, **kw)
    np.testing.assert_array_equal(T.Pad(padding, fill=7, padding_mode=mode)(U8).numpy(), want)
    np.testing.assert_array_equal(chw(T.Pad(padding, fill=7, padding_mode=mode)(PIL_RGB)), want)


def test_pad_negative_crops_and_fill_per_channel():
    np.testing.assert_array_equal(F.pad(U8, [-1, 0, -2, 1], padding_mode='edge').numpy(),
                                  np.pad(RGB.transpose(2, 0, 1)[:, :, 1:-2], ((0, 0), (0, 1), (0, 0)), mode='edge'))
    out = F.pad(U8, 1, fill=(1, 2, 3)).numpy()
    assert out[:, 0, 0].tolist() == [1, 2, 3]
    assert chw(F.pad(PIL_RGB, 1, fill=(1, 2, 3)))[:, 0, 0].tolist() == [1, 2, 3]


def test_flips_five_and_ten_crop():
    np.testing.assert_array_equal(F.hflip(U8).numpy(), RGB.transpose(2, 0, 1)[:, :, ::-1])
    np.testing.assert_array_equal(F.vflip(U8).numpy(), RGB.transpose(2, 0, 1)[:, ::-1])
    np.testing.assert_array_equal(chw(F.hflip(PIL_RGB)), RGB.transpose(2, 0, 1)[:, :, ::-1])
    np.testing.assert_array_equal(chw(F.vflip(PIL_RGB)), RGB.transpose(2, 0, 1)[:, ::-1])
    a = RGB.transpose(2, 0, 1)
    crops = T.FiveCrop((4, 6))(U8)
    for c, w in zip(crops, [a[:, :4, :6], a[:, :4, 6:], a[:, 6:, :6], a[:, 6:, 6:], a[:, 3:7, 3:9]]):
        np.testing.assert_array_equal(c.numpy(), w)
    ten = T.TenCrop(4, vertical_flip=True)(PIL_RGB)
    assert len(ten) == 10
    np.testing.assert_array_equal(chw(ten[5]), a[:, ::-1][:, :4, :4])


def test_rotate_tensor_and_pil():
    sq = U8[:, :10, :10]
    # 90 degrees counter-clockwise about the centre is exactly rot90 on a square image
    np.testing.assert_array_equal(F.rotate(sq, 90).numpy(), np.rot90(sq.numpy(), 1, axes=(1, 2)))
    np.testing.assert_array_equal(F.rotate(U8, 90, expand=True).numpy(), np.rot90(U8.numpy(), 1, axes=(1, 2)))
    assert F.rotate(U8, 45, expand=True).shape == (3, 16, 16)
    got = F.rotate(PIL_RGB, 33, IM.BILINEAR, expand=True, fill=(9, 8, 7))
    want = PIL_RGB.rotate(33, Image.Resampling.BILINEAR, True, None, fillcolor=(9, 8, 7))
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    out = F.rotate(FLT, 30, fill=[0.5, 0.5, 0.5]).numpy()  # corners come from outside: filled
    assert np.allclose(out[:, 0, 0], 0.5)
    # PIL and tensor agree away from the border
    t = F.rotate(U8, 20, center=[4, 5]).numpy()
    p = chw(F.rotate(PIL_RGB, 20, center=[4, 5]))
    assert (t[:, 3:7, 3:8] != p[:, 3:7, 3:8]).mean() < 0.1


def test_affine_translate_and_pil():
    out = F.affine(U8, angle=0.0, translate=[2, 1], scale=1.0, shear=0.0).numpy()
    want = np.zeros_like(RGB.transpose(2, 0, 1))
    want[:, 1:, 2:] = RGB.transpose(2, 0, 1)[:, :-1, :-2]
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(chw(F.affine(PIL_RGB, 0.0, [2, 1], 1.0, 0.0)), want)
    m = F._inverse_affine_matrix([6.0, 5.0], 25.0, [1, -2], 1.2, [5.0, 3.0])
    got = F.affine(PIL_RGB, 25.0, [1, -2], 1.2, [5.0, 3.0], IM.BILINEAR)
    np.testing.assert_array_equal(np.asarray(got),
                                  np.asarray(PIL_RGB.transform((12, 10), Image.Transform.AFFINE, m, 2)))
    # the inverse matrix undoes the forward map: rotation by 25 then scale 1.2 about the centre, then translation
    rot = np.radians(25.0)
    p = np.array([3.0, 4.0])
    rs = 1.2 * np.array([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]])
    m0 = F._inverse_affine_matrix([0.0, 0.0], 25.0, [1, -2], 1.2, [0.0, 0.0])
    fwd = rs @ p + np.array([1, -2])
    back = np.array(m0).reshape(2, 3) @ np.array([*fwd, 1.0])
    np.testing.assert_allclose(back, p, atol=1e-12)


def test_perspective():
    start = [[0, 0], [11, 0], [11, 9], [0, 9]]
    np.testing.assert_array_equal(F.perspective(U8, start, start, IM.NEAREST).numpy(), U8.numpy())
    end = [[1, 1], [10, 0], [11, 9], [0, 8]]
    co = F._perspective_coeffs(start, end)
    for (sx, sy), (ex, ey) in zip(start, end):  # the coefficients map each endpoint back to its startpoint
        den = co[6] * ex + co[7] * ey + 1
        assert abs((co[0] * ex + co[1] * ey + co[2]) / den - sx) < 1e-4
        assert abs((co[3] * ex + co[4] * ey + co[5]) / den - sy) < 1e-4
    got = F.perspective(PIL_RGB, start, end)
    want = PIL_RGB.transform((12, 10), Image.Transform.PERSPECTIVE, co, Image.Resampling.BILINEAR)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


# ------------------------------------------------------------------------------------------------- colour

def test_brightness_contrast_saturation_match_formulas():
    a = FLT.numpy()
    np.testing.assert_allclose(F.adjust_brightness(FLT, 1.3).numpy(), np.clip(a * 1.3, 0, 1), rtol=1e-6)
    gray = (0.2989 * a[0] + 0.587 * a[1] + 0.114 * a[2]).astype(np.float32)
    np.testing.assert_allclose(F.rgb_to_grayscale(FLT).numpy()[0], gray, rtol=1e-6)
    np.testing.assert_allclose(F.adjust_contrast(FLT, 0.4).numpy(), np.clip(0.4 * a + 0.6 * gray.mean(), 0, 1),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(F.adjust_saturation(FLT, 1.7).numpy(), np.clip(1.7 * a - 0.7 * gray, 0, 1), rtol=1e-5,
                               atol=1e-6)
    # uint8: computed in float, truncated back
    np.testing.assert_array_equal(F.adjust_brightness(U8, 2).numpy(), np.clip(RGB.transpose(2, 0, 1) * 2.0, 0, 255)
                                  .astype(np.uint8))
    g3 = T.Grayscale(3)(U8)
    assert g3.shape == (3, 10, 12) and (g3[0] == g3[2]).all()


@pytest.mark.parametrize('fn,kind', [(F.adjust_brightness, 'Brightness'), (F.adjust_contrast, 'Contrast'),
                                     (F.adjust_saturation, 'Color'), (F.adjust_sharpness, 'Sharpness')])
@pytest.mark.parametrize('factor', [0.3, 2])
def test_enhance_pil_is_imageenhance_and_tensor_close(fn, kind, factor):
    got = fn(PIL_RGB, factor)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(getattr(ImageEnhance, kind)(PIL_RGB).enhance(factor)))
    assert np.abs(fn(U8, factor).numpy().astype(int) - chw(got).astype(int)).max() <= 1


def test_adjust_hue_matches_colorsys():
    a = FLT.numpy()
    out = F.adjust_hue(FLT, 0.2).numpy()
    for y, x in [(0, 0), (3, 7), (9, 11)]:
        h, s, v = colorsys.rgb_to_hsv(*a[:, y, x].astype(np.float64))
        np.testing.assert_allclose(out[:, y, x], colorsys.hsv_to_rgb((h + 0.2) % 1.0, s, v), atol=1e-5)
    np.testing.assert_allclose(F.adjust_hue(FLT, 0.0).numpy(), a, atol=1e-6)
    assert np.abs(F.adjust_hue(U8, -0.3).numpy().astype(int) - chw(F.adjust_hue(PIL_RGB, -0.3)).astype(int)).max() <= 8


def test_gamma_invert_posterize_solarize_autocontrast_equalize_match_pil():
    a = RGB.transpose(2, 0, 1)
    np.testing.assert_array_equal(F.invert(U8).numpy(), 255 - a)
    np.testing.assert_allclose(F.invert(FLT).numpy(), 1 - FLT.numpy())
    np.testing.assert_array_equal(F.posterize(U8, 3).numpy(), chw(ImageOps.posterize(PIL_RGB, 3)))
    np.testing.assert_array_equal(F.solarize(U8, 100).numpy(), chw(ImageOps.solarize(PIL_RGB, 100)))
    np.testing.assert_array_equal(F.equalize(U8).numpy(), chw(ImageOps.equalize(PIL_RGB)))
    low = (RGB // 4 + 30).astype(np.uint8)
    ac = F.autocontrast(ember.from_numpy(np.ascontiguousarray(low.transpose(2, 0, 1)))).numpy().astype(int)
    assert np.abs(ac - chw(ImageOps.autocontrast(Image.fromarray(low))).astype(int)).max() <= 1
    assert ac.reshape(3, -1).min(1).tolist() == [0, 0, 0] and ac.reshape(3, -1).max(1).tolist() == [255] * 3
    np.testing.assert_allclose(F.adjust_gamma(FLT, 2.2).numpy(), FLT.numpy() ** 2.2, rtol=1e-5)
    lut = [int(255.999 * (v / 255.0) ** 0.5) for v in range(256)]
    np.testing.assert_array_equal(np.asarray(F.adjust_gamma(PIL_RGB, 0.5)), np.array(lut, np.uint8)[RGB])


@needs_torch
def test_gaussian_blur_matches_torch_conv():
    k, s = (5, 3), (1.5, 0.7)
    got = F.gaussian_blur(FLT, list(k), list(s))

    def kern(n, sigma):
        x = torch.linspace(-(n - 1) / 2, (n - 1) / 2, n)
        p = torch.exp(-0.5 * (x / sigma) ** 2)
        return p / p.sum()
    kernel = torch.outer(kern(k[1], s[1]), kern(k[0], s[0])).expand(3, 1, k[1], k[0])
    x = torch.nn.functional.pad(torch.from_numpy(FLT.numpy())[None], (2, 2, 1, 1), mode='reflect')
    want = torch.nn.functional.conv2d(x, kernel, groups=3)[0]
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6)
    pil = F.gaussian_blur(PIL_RGB, 3, 1.0)  # PIL images go through the tensor path and back
    np.testing.assert_array_equal(chw(pil), F.gaussian_blur(U8, 3, 1.0).numpy())


def test_erase():
    out = F.erase(FLT, 1, 2, 3, 4, ember.tensor(0.5))
    a = FLT.numpy().copy()
    a[:, 1:4, 2:6] = 0.5
    np.testing.assert_array_equal(out.numpy(), a)
    assert not np.array_equal(FLT.numpy(), a)  # not in place by default


# ------------------------------------------------------------------------------------------------- random transforms

def _twice(t, img):
    ember.manual_seed(7)
    a = t(img)
    ember.manual_seed(7)
    b = t(img)
    return a, b


@pytest.mark.parametrize('t', [
    T.RandomCrop(6, padding=2), T.RandomResizedCrop(5), T.RandomHorizontalFlip(), T.RandomVerticalFlip(),
    T.RandomRotation(40), T.RandomAffine(20, (0.2, 0.1), (0.8, 1.2), (-5, 5, -3, 3)), T.RandomPerspective(p=1.0),
    T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.RandomGrayscale(0.5), T.GaussianBlur(3), T.AutoAugment(),
    T.AutoAugment(T.AutoAugmentPolicy.CIFAR10), T.AutoAugment(T.AutoAugmentPolicy.SVHN), T.RandAugment(),
    T.TrivialAugmentWide(), T.RandomApply([T.RandomRotation(10)], p=0.5)], ids=lambda t: type(t).__name__)
def test_random_transforms_reproducible_on_tensors_and_pil(t):
    for img in (U8, PIL_RGB):
        for _ in range(3):
            a, b = _twice(t, img)
            if isinstance(a, ember.Tensor):
                assert a.dtype == img.dtype
                np.testing.assert_array_equal(a.numpy(), b.numpy())
            else:
                np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_random_erasing_reproducible_and_values():
    t = T.RandomErasing(p=1.0, value='random')
    a, b = _twice(t, FLT)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    ember.manual_seed(3)
    out = T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3))(FLT).numpy()
    changed = np.any(out != FLT.numpy(), axis=0)
    assert changed.any()
    np.testing.assert_allclose(out[:, changed][:, 0], [0.1, 0.2, 0.3])


def test_flip_probability():
    ember.manual_seed(0)
    t = T.RandomHorizontalFlip(p=0.3)
    img = ember.arange(2.0).view(1, 1, 2)
    flips = sum(t(img)[0, 0, 0].item() == 1.0 for _ in range(2000))
    assert abs(flips / 2000 - 0.3) < 0.04


def test_random_crop_params_uniform_and_pad_if_needed():
    ember.manual_seed(0)
    tops, lefts = [], []
    for _ in range(2000):
        i, j, h, w = T.RandomCrop.get_params(U8, (6, 8))
        assert (h, w) == (6, 8)
        tops.append(i)
        lefts.append(j)
    assert set(tops) == set(range(5)) and set(lefts) == set(range(5))
    assert abs(np.mean(tops) - 2) < 0.15 and abs(np.mean(lefts) - 2) < 0.15
    assert T.RandomCrop.get_params(U8, (10, 12)) == (0, 0, 10, 12)
    assert T.RandomCrop((12, 14), pad_if_needed=True)(U8).shape == (3, 12, 14)


def test_random_resized_crop_params_follow_torchvision_sampling():
    ember.manual_seed(5)
    params = [T.RandomResizedCrop.get_params(U8, (0.3, 0.9), (0.5, 2.0)) for _ in range(300)]
    for i, j, h, w in params:
        assert 0 <= i <= 10 - h and 0 <= j <= 12 - w and 0 < h <= 10 and 0 < w <= 12
    areas = np.array([h * w / 120 for _, _, h, w in params])
    assert 0.2 < areas.min() and areas.max() <= 1.0 and 0.45 < areas.mean() < 0.75
    # the same calls torchvision makes: uniform area, exp(uniform log-ratio), then randint top and left
    ember.manual_seed(11)
    got = T.RandomResizedCrop.get_params(U8, (0.3, 0.9), (0.5, 2.0))
    ember.manual_seed(11)
    for _ in range(10):
        area = 120 * ember.empty(1).uniform_(0.3, 0.9).item()
        ar = math.exp(ember.empty(1).uniform_(math.log(0.5), math.log(2.0)).item())
        w, h = int(round(math.sqrt(area * ar))), int(round(math.sqrt(area / ar)))
        if 0 < w <= 12 and 0 < h <= 10:
            want = (ember.randint(0, 10 - h + 1, (1,)).item(), ember.randint(0, 12 - w + 1, (1,)).item(), h, w)
            break
    assert got == want
    # impossible areas fall back to the central crop with the ratio clamped
    assert T.RandomResizedCrop.get_params(ember.zeros(1, 10, 40), (2.0, 3.0), (0.5, 2.0)) == (0, 10, 10, 20)
    assert T.RandomResizedCrop(5)(PIL_RGB).size == (5, 5)


def test_rotation_affine_perspective_jitter_blur_param_ranges():
    ember.manual_seed(0)
    angles = [T.RandomRotation.get_params([-30.0, 10.0]) for _ in range(1000)]
    assert -30 <= min(angles) and max(angles) <= 10 and abs(np.mean(angles) + 10) < 1.0
    for _ in range(200):
        angle, (tx, ty), s, (shx, shy) = T.RandomAffine.get_params([-5.0, 5.0], (0.2, 0.1), (0.8, 1.2),
                                                                   [-4.0, 4.0, -2.0, 2.0], [12, 10])
        assert -5 <= angle <= 5 and abs(tx) <= 2 and abs(ty) <= 1 and 0.8 <= s <= 1.2
        assert abs(shx) <= 4 and abs(shy) <= 2
        start, end = T.RandomPerspective.get_params(12, 10, 0.5)
        assert start == [[0, 0], [11, 0], [11, 9], [0, 9]]
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = end
        assert 0 <= x0 <= 3 and 0 <= y0 <= 2 and 8 <= x1 <= 11 and 8 <= x2 <= 11 and 7 <= y2 <= 9 and 7 <= y3 <= 9
        order, b, c, s_, h = T.ColorJitter.get_params((0.5, 1.5), None, (0.0, 2.0), (-0.1, 0.1))
        assert sorted(order.tolist()) == [0, 1, 2, 3] and c is None
        assert 0.5 <= b <= 1.5 and 0 <= s_ <= 2 and -0.1 <= h <= 0.1
        assert 0.1 <= T.GaussianBlur.get_params(0.1, 2.0) <= 2.0
    assert T.ColorJitter(brightness=0.5).brightness == (0.5, 1.5)
    assert T.ColorJitter(contrast=2).contrast == (0.0, 3.0)  # the lower end clips at 0
    assert T.ColorJitter(hue=0.2).hue == (-0.2, 0.2) and T.ColorJitter().saturation is None


def test_random_erasing_params():
    ember.manual_seed(1)
    for _ in range(200):
        i, j, h, w, v = T.RandomErasing.get_params(FLT, (0.1, 0.3), (0.5, 2.0), value=[0.0])
        assert h < 10 and w < 12 and 0 <= i <= 10 - h and 0 <= j <= 12 - w
        assert 0.05 < h * w / 120 < 0.45 and v.shape == (1, 1, 1)
    # too large for the image ten times: the whole image is returned unchanged
    i, j, h, w, v = T.RandomErasing.get_params(FLT, (0.99, 1.0), (1.0, 1.0), value=[0.0])
    assert (i, j, h, w) == (0, 0, 10, 12) and v is FLT


def test_rand_augment_applies_the_drawn_operation():
    ember.manual_seed(21)
    got = T.RandAugment(num_ops=1, magnitude=9)(U8)
    ember.manual_seed(21)
    names = ['Identity', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate', 'Brightness', 'Color', 'Contrast',
             'Sharpness', 'Posterize', 'Solarize', 'AutoContrast', 'Equalize']
    op = names[ember.randint(14, (1,)).item()]
    signed = op not in ('Identity', 'Posterize', 'Solarize', 'AutoContrast', 'Equalize')
    bins = {'ShearX': 0.3, 'ShearY': 0.3, 'TranslateX': 150 / 331 * 12, 'TranslateY': 150 / 331 * 10, 'Rotate': 30.0,
            'Brightness': 0.9, 'Color': 0.9, 'Contrast': 0.9, 'Sharpness': 0.9}
    mag = float(np.float32(bins[op] * 9 / 30)) if op in bins else 0.0
    if signed and ember.randint(2, (1,)).item():
        mag = -mag
    from ember.vision.transforms.autoaugment import _apply_op
    if op == 'Posterize':
        mag = float(8 - round(9 / 7.5))
    elif op == 'Solarize':
        mag = float(np.float32(255 - 255 * 9 / 30))
    np.testing.assert_array_equal(got.numpy(), _apply_op(U8, op, mag, IM.NEAREST, None).numpy())


def test_auto_augment_op_bins():
    aa = T.AutoAugment()
    space = aa._augmentation_space(10, (12, 10))
    assert space['Posterize'][0].tolist() == [8, 8, 7, 7, 6, 6, 5, 5, 4, 4]
    assert float(space['Solarize'][0][0]) == 255.0 and float(space['Rotate'][0][-1]) == 30.0
    assert len(aa.policies) == 25 and aa.policies[0] == (('Posterize', 0.4, 8), ('Rotate', 0.6, 9))
    assert T.TrivialAugmentWide()._augmentation_space(31)['Posterize'][0].tolist()[:4] == [8, 8, 8, 7]
    for name in ('ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate', 'Brightness', 'Color', 'Contrast',
                 'Sharpness', 'Posterize', 'Solarize', 'AutoContrast', 'Equalize', 'Invert', 'Identity'):
        from ember.vision.transforms.autoaugment import _apply_op
        for img in (U8, PIL_RGB):
            _apply_op(img, name, 2.0 if name == 'Posterize' else 0.2, IM.NEAREST, None)


def test_compose_lambda_apply_choice_order():
    t = T.Compose([T.ToTensor(), T.Lambda(lambda x: x * 2), T.Normalize([0.0] * 3, [2.0] * 3)])
    np.testing.assert_allclose(t(PIL_RGB).numpy(), F.to_tensor(PIL_RGB).numpy(), rtol=1e-6)
    assert 'ToTensor()' in repr(t)
    add1, times3 = T.Lambda(lambda x: x + 1), T.Lambda(lambda x: x * 3)
    assert T.RandomApply([add1], p=0.0)(1) == 1 and T.RandomApply([add1, times3], p=1.0)(1) == 6
    random.seed(0)
    picks = [T.RandomChoice([add1, times3], p=[0.9, 0.1])(10) for _ in range(500)]
    assert 0.85 < picks.count(11) / 500 < 0.95
    random.seed(0)
    outs = {T.RandomOrder([add1, times3])(1) for _ in range(50)}
    assert outs == {4, 6}


# ------------------------------------------------------------------------------------------------- bad input

BAD = [
    (lambda: F.normalize(U8, [0.5] * 3, [0.5] * 3), TypeError, 'should be a float tensor'),
    (lambda: F.normalize(FLT[0], [0.5], [0.5]), ValueError, 'Expected tensor to be a tensor image'),
    (lambda: F.normalize(FLT, [0.5] * 3, [0.5, 0.0, 1.0]), ValueError, 'std evaluated to zero'),
    (lambda: F.normalize(np.zeros((3, 2, 2)), [0.5] * 3, [0.5] * 3), TypeError, 'img should be Tensor Image'),
    (lambda: F.to_tensor([1, 2]), TypeError, 'pic should be PIL Image or ndarray'),
    (lambda: F.to_tensor(np.zeros((1, 2, 2, 3), np.uint8)), ValueError, 'pic should be 2/3 dimensional'),
    (lambda: F.to_pil_image(ember.zeros(5, 2, 2)), ValueError, 'pic should not have > 4 channels'),
    (lambda: F.to_pil_image(ember.zeros(3, 2, 2, dtype=ember.uint8), mode='RGBA'), ValueError,
     r"Only modes \['RGB', 'YCbCr', 'HSV'\] are supported for 3D inputs"),
    (lambda: F.to_pil_image(np.zeros((2, 2, 1), np.uint8), mode='F'), ValueError, r'Incorrect mode \(F\) supplied'),
    (lambda: F.to_pil_image('x'), TypeError, 'pic should be Tensor or ndarray'),
    (lambda: F.convert_image_dtype(FLT, ember.int32), RuntimeError, 'cannot be performed safely'),
    (lambda: T.Resize(2.5), TypeError, 'Size should be int or sequence'),
    (lambda: T.Resize((1, 2, 3)), ValueError, 'it should have 1 or 2 values'),
    (lambda: F.resize(FLT, 4, max_size=4), ValueError, 'must be strictly greater than the requested size'),
    (lambda: F.resize(FLT, [4, 4], IM.BOX), ValueError, 'unsupported with Tensor input'),
    (lambda: T.Pad(2, padding_mode='wrap'), ValueError, 'Padding mode should be either'),
    (lambda: F.pad(U8, (1, 2, 3)), ValueError, 'Padding must be an int or a 1, 2, or 4 element tuple'),
    (lambda: F.pad(U8, 1.5), TypeError, 'Got inappropriate padding arg'),
    (lambda: T.RandomCrop(20)(U8), ValueError, r'Required crop size \(20, 20\) is larger than input image'),
    (lambda: T.CenterCrop((1, 2, 3)), ValueError, 'Please provide only two dimensions'),
    (lambda: F.five_crop(U8, 11), ValueError, 'is bigger than input size'),
    (lambda: T.ColorJitter(brightness=-1), ValueError, 'If brightness is a single number, it must be non negative'),
    (lambda: T.ColorJitter(hue=0.7), ValueError, r'hue values should be between \(-0.5, 0.5\)'),
    (lambda: T.ColorJitter(contrast='a'), TypeError, 'contrast should be a single number or a list/tuple'),
    (lambda: F.adjust_hue(FLT, 0.6), ValueError, r'hue_factor \(0.6\) is not in \[-0.5, 0.5\]'),
    (lambda: F.adjust_brightness(FLT, -0.1), ValueError, 'brightness_factor'),
    (lambda: F.adjust_contrast(ember.zeros(2, 3, 3), 0.5), TypeError, 'permitted channel values are'),
    (lambda: T.GaussianBlur(4), ValueError, 'Kernel size value should be an odd and positive number'),
    (lambda: T.GaussianBlur(3, sigma=-1.0), ValueError, 'If sigma is a single number, it must be positive'),
    (lambda: T.GaussianBlur(3, sigma=(2.0, 1.0)), ValueError, 'sigma values should be positive and of the form'),
    (lambda: F.gaussian_blur(FLT, [3, 3], [1.0, 0.0]), ValueError, 'sigma should have positive values'),
    (lambda: T.RandomErasing(p=1.5), ValueError, 'Random erasing probability should be between 0 and 1'),
    (lambda: T.RandomErasing(value='noise'), ValueError, "If value is str, it should be 'random'"),
    (lambda: T.RandomErasing(scale=(0.5, 1.5)), ValueError, 'Scale should be between 0 and 1'),
    (lambda: T.RandomErasing(p=1.0, value=(1, 2))(FLT), ValueError, 'it should have either a single value or 3'),
    (lambda: T.Lambda(3), TypeError, "Argument lambd should be callable, got 'int'"),
    (lambda: T.RandomRotation(-10), ValueError, 'If degrees is a single number, it must be positive'),
    (lambda: T.RandomRotation([1, 2, 3]), ValueError, 'degrees should be a sequence of length 2'),
    (lambda: T.RandomAffine(0, translate=(0.5, 1.5)), ValueError, 'translation values should be between 0 and 1'),
    (lambda: T.RandomAffine(0, scale=(0.0, 1.0)), ValueError, 'scale values should be positive'),
    (lambda: T.RandomAffine(0, shear=(1, 2, 3)), ValueError, r'shear should be a sequence of length 2 or 4'),
    (lambda: T.RandomRotation(10, fill='red'), TypeError, 'Fill should be either a sequence or a number'),
    (lambda: F.affine(U8, 0.0, [1], 1.0, 0.0), ValueError, 'Argument translate should be a sequence of length 2'),
    (lambda: F.affine(U8, 0.0, [0, 0], 0.0, 0.0), ValueError, 'Argument scale should be positive'),
    (lambda: F.rotate(U8, '90'), TypeError, 'Argument angle should be int or float'),
    (lambda: F.rotate(U8, 10, IM.BICUBIC), ValueError, "Interpolation mode 'bicubic' is unsupported"),
    (lambda: F.hflip([[1, 2]]), TypeError, 'img should be PIL Image'),
    (lambda: F.hflip(ember.tensor([1, 2])), TypeError, 'Tensor is not a torch image'),
    (lambda: F.posterize(FLT, 3), TypeError, 'Only torch.uint8 image tensors are supported'),
    (lambda: F.solarize(FLT, 128.0), TypeError, 'Threshold should be less than bound of img'),
    (lambda: F.rgb_to_grayscale(U8, 2), ValueError, 'num_output_channels should be either 1 or 3'),
    (lambda: F.rotate(PIL_RGB, 10, fill=(1, 2)), ValueError, r"'fill' does not match the number of channels"),
    (lambda: T.RandomChoice([T.ToTensor()], p=0.5), TypeError, 'Argument p should be a sequence'),
    (lambda: T.Resize(4, interpolation='bilinear'), TypeError, 'Argument interpolation should be a InterpolationMode'),
]


@pytest.mark.parametrize('fn,exc,match', BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_input(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn()
