"""ember.vision.io / utils / ops: image round trips, make_grid and drawing against hand-computed arrays, box ops and
NMS against brute-force NumPy, roi_align / roi_pool against direct references plus gradcheck."""
import io as _io
import math

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision import io as vio
from ember.vision import ops, utils
from support import check_grads

RNG = np.random.default_rng(0)


def img(c, h, w, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (c, h, w), dtype=np.uint8)


# ---------------------------------------------------------------- io

@pytest.mark.parametrize('c', [1, 3, 4])
def test_png_round_trip(tmp_path, c):
    a = img(c, 7, 5)
    path = tmp_path / 'x.png'
    vio.write_png(ember.from_numpy(a), str(path), compression_level=9)
    back = vio.read_image(str(path))
    assert back.dtype == ember.uint8 and tuple(back.shape) == (c, 7, 5)
    np.testing.assert_array_equal(back.numpy(), a)
    data = vio.read_file(str(path))
    assert data.dtype == ember.uint8 and data.ndim == 1 and bytes(data.numpy()) == path.read_bytes()
    np.testing.assert_array_equal(vio.decode_image(data).numpy(), a)
    np.testing.assert_array_equal(vio.decode_png(vio.encode_png(ember.from_numpy(a))).numpy(), a)


def test_read_modes(tmp_path):
    rgb = img(3, 4, 6)
    path = tmp_path / 'c.png'
    vio.write_png(ember.from_numpy(rgb), str(path))
    gray = vio.read_image(str(path), vio.ImageReadMode.GRAY).numpy()
    expected = np.asarray(Image.fromarray(rgb.transpose(1, 2, 0)).convert('L'))[None]
    np.testing.assert_array_equal(gray, expected)
    rgba = vio.read_image(str(path), vio.ImageReadMode.RGB_ALPHA).numpy()
    np.testing.assert_array_equal(rgba[:3], rgb)
    assert (rgba[3] == 255).all()
    g = tmp_path / 'g.png'
    vio.write_png(ember.from_numpy(rgb[:1]), str(g))
    np.testing.assert_array_equal(vio.read_image(str(g), 'RGB').numpy(), np.repeat(rgb[:1], 3, 0))
    assert tuple(vio.read_image(str(g), vio.ImageReadMode.GRAY_ALPHA).shape) == (2, 4, 6)
    sixteen = tmp_path / 's.png'
    Image.fromarray(np.array([[0, 1000], [65535, 7]], np.uint16)).save(sixteen)
    t = vio.read_image(str(sixteen))
    assert t.dtype == ember.uint16 and t.numpy()[0].tolist() == [[0, 1000], [65535, 7]]


def test_jpeg_round_trip(tmp_path):
    smooth = np.broadcast_to(np.linspace(0, 255, 16, dtype=np.uint8), (3, 16, 16)).copy()
    path = tmp_path / 'x.jpg'
    vio.write_jpeg(ember.from_numpy(smooth), str(path), quality=95)
    back = vio.read_image(str(path)).numpy().astype(int)
    assert back.shape == (3, 16, 16) and np.abs(back - smooth).mean() < 3
    assert path.read_bytes()[:2] == b'\xff\xd8'
    many = vio.encode_jpeg([ember.from_numpy(smooth), ember.from_numpy(smooth[:1])])
    assert [tuple(vio.decode_jpeg(m).shape) for m in many] == [(3, 16, 16), (1, 16, 16)]


def test_io_bad_inputs(tmp_path):
    with pytest.raises(RuntimeError, match="Input tensor dtype should be uint8"):
        vio.encode_png(ember.zeros(3, 2, 2))
    with pytest.raises(RuntimeError, match="The number of channels should be 1 or 3 or 4, got: 2"):
        vio.encode_png(ember.zeros(2, 2, 2, dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="Input data should be a 3-dimensional tensor"):
        vio.encode_png(ember.zeros(2, 2, dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="Compression level should be between 0 and 9"):
        vio.encode_png(ember.zeros(1, 2, 2, dtype=ember.uint8), compression_level=10)
    with pytest.raises(ValueError, match="Image quality should be a positive number between 1 and 100"):
        vio.encode_jpeg(ember.zeros(3, 2, 2, dtype=ember.uint8), quality=0)
    with pytest.raises(RuntimeError, match="not an image Pillow can decode"):
        vio.decode_image(ember.tensor([1, 2, 3], dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="Expected a torch.uint8 tensor"):
        vio.decode_image(ember.tensor([1, 2, 3]))
    with pytest.raises(RuntimeError, match="read_file: cannot read .*nope.png"):
        vio.read_image(str(tmp_path / 'nope.png'))
    with pytest.raises(ValueError, match="Invalid mode 'CMYK'"):
        vio.decode_image(vio.encode_png(ember.zeros(1, 2, 2, dtype=ember.uint8)), 'CMYK')


# ---------------------------------------------------------------- make_grid / save_image

def grid_by_hand(batch, nrow, padding, pad_value):
    n, c, h, w = batch.shape
    cols = min(nrow, n)
    rows = math.ceil(n / cols)
    out = np.full((c, rows * (h + padding) + padding, cols * (w + padding) + padding), pad_value, batch.dtype)
    for k in range(n):
        r, q = divmod(k, cols)
        y, x = padding + r * (h + padding), padding + q * (w + padding)
        out[:, y:y + h, x:x + w] = batch[k]
    return out


@pytest.mark.parametrize('n,nrow,padding', [(5, 2, 1), (3, 8, 2), (4, 4, 0), (6, 3, 3)])
def test_make_grid_layout(n, nrow, padding):
    batch = RNG.random((n, 3, 4, 5)).astype(np.float32)
    g = utils.make_grid(ember.from_numpy(batch), nrow=nrow, padding=padding, pad_value=0.25)
    np.testing.assert_array_equal(g.numpy(), grid_by_hand(batch, nrow, padding, 0.25))


def test_make_grid_channels_lists_and_single():
    gray = RNG.random((3, 1, 2, 2)).astype(np.float32)
    g = utils.make_grid(ember.from_numpy(gray), nrow=3, padding=1)
    np.testing.assert_array_equal(g.numpy(), grid_by_hand(np.repeat(gray, 3, 1), 3, 1, 0.0))
    from_list = utils.make_grid([ember.from_numpy(x) for x in gray], nrow=3, padding=1)
    np.testing.assert_array_equal(from_list.numpy(), g.numpy())
    single = utils.make_grid(ember.from_numpy(gray[0, 0]))
    assert tuple(single.shape) == (3, 2, 2)  # no padding around a single image
    np.testing.assert_array_equal(single.numpy(), np.repeat(gray[0], 3, 0))


def test_make_grid_normalize():
    batch = np.array([[[[0., 2.], [4., 6.]]], [[[-1., 1.], [3., 9.]]]], dtype=np.float32)
    t = ember.from_numpy(batch)
    whole = utils.make_grid(t, normalize=True, padding=0).numpy()[0]
    np.testing.assert_allclose(whole, np.concatenate([(batch[0, 0] + 1) / 10, (batch[1, 0] + 1) / 10], 1))
    each = utils.make_grid(t, normalize=True, scale_each=True, padding=0).numpy()[0]
    np.testing.assert_allclose(each, np.concatenate([batch[0, 0] / 6, (batch[1, 0] + 1) / 10], 1), rtol=1e-6)
    ranged = utils.make_grid(t, normalize=True, value_range=(0, 4), padding=0).numpy()[0]
    np.testing.assert_allclose(ranged, np.concatenate([np.clip(batch[0, 0], 0, 4) / 4,
                                                       np.clip(batch[1, 0], 0, 4) / 4], 1))
    np.testing.assert_array_equal(t.numpy(), batch)  # the input is left alone


def test_make_grid_gradient():
    x = ember.randn(3, 3, 2, 2, requires_grad=True)
    (utils.make_grid(x, nrow=2) * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 3, 2, 2), 2.0, np.float32))


def test_save_image(tmp_path):
    batch = RNG.random((2, 3, 3, 4)).astype(np.float32)
    path = tmp_path / 'grid.png'
    utils.save_image(ember.from_numpy(batch), str(path), nrow=2, padding=1)
    expected = np.clip(grid_by_hand(batch, 2, 1, 0.0) * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(np.asarray(Image.open(path)), expected)
    buf = _io.BytesIO()
    utils.save_image(ember.from_numpy(batch[0]), buf, format='png')
    assert Image.open(_io.BytesIO(buf.getvalue())).size == (4, 3)


def test_make_grid_bad_inputs():
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        utils.make_grid(ember.rand(2, 3, 2, 2), normalize=True, value_range=[0, 1])
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        utils.make_grid(np.zeros((2, 3, 2, 2)))
    with pytest.raises(ValueError, match="make_grid expects a 2D, 3D or 4D tensor"):
        utils.make_grid(ember.rand(1, 2, 3, 2, 2))


# ---------------------------------------------------------------- drawing

def test_draw_bounding_boxes():
    image = ember.zeros(3, 10, 12, dtype=ember.uint8)
    out = utils.draw_bounding_boxes(image, ember.tensor([[1., 2., 6., 8.]]), colors='red').numpy()
    box = np.zeros((10, 12), bool)
    box[2:9, 1:7] = True
    box[3:8, 2:6] = False  # a 1-pixel outline
    np.testing.assert_array_equal(out[0], np.where(box, 255, 0))
    assert (out[1:] == 0).all() and image.numpy().max() == 0
    filled = utils.draw_bounding_boxes(image, ember.tensor([[1, 2, 6, 8]]), colors=[(0, 255, 0)], fill=True,
                                       labels=['a']).numpy()
    # Inside: green at alpha 100/255 over black.
    assert filled[1, 5, 4] == round(255 * 100 / 255) and filled[0, 5, 4] == 0
    gray = utils.draw_bounding_boxes(ember.zeros(1, 5, 5, dtype=ember.uint8), ember.tensor([[0, 0, 4, 4]]))
    assert tuple(gray.shape) == (3, 5, 5)
    f = utils.draw_bounding_boxes(ember.zeros(3, 5, 5), ember.tensor([[0, 0, 4, 4]]), colors='white')
    assert f.dtype == ember.float32 and f.numpy()[:, 0, 0].tolist() == [1.0, 1.0, 1.0]
    with pytest.warns(UserWarning, match="boxes doesn't contain any box"):
        utils.draw_bounding_boxes(image, ember.zeros(0, 4))


def test_draw_segmentation_masks():
    image = img(3, 4, 4)
    masks = np.zeros((2, 4, 4), bool)
    masks[0, :2] = True
    masks[1, :, :1] = True
    out = utils.draw_segmentation_masks(ember.from_numpy(image), ember.from_numpy(masks), alpha=0.3,
                                        colors=['red', (0, 0, 255)]).numpy()
    painted = image.copy()
    painted[:, masks[0]] = np.array([255, 0, 0], np.uint8)[:, None]
    painted[:, masks[1]] = np.array([0, 0, 255], np.uint8)[:, None]
    np.testing.assert_array_equal(out, (image * 0.7 + painted * 0.3).astype(np.uint8))


def test_drawing_bad_inputs():
    image = ember.zeros(3, 6, 6, dtype=ember.uint8)
    with pytest.raises(ValueError, match="Pass individual images, not batches"):
        utils.draw_bounding_boxes(ember.zeros(1, 3, 6, 6, dtype=ember.uint8), ember.tensor([[0, 0, 1, 1]]))
    with pytest.raises(ValueError, match=r"Boxes need to be in \(xmin, ymin, xmax, ymax\) format"):
        utils.draw_bounding_boxes(image, ember.tensor([[3, 0, 1, 1]]))
    with pytest.raises(ValueError, match=r"Number of boxes \(1\) and labels \(2\) mismatch"):
        utils.draw_bounding_boxes(image, ember.tensor([[0, 0, 1, 1]]), labels=['a', 'b'])
    with pytest.raises(ValueError, match="Only grayscale and RGB images are supported"):
        utils.draw_bounding_boxes(ember.zeros(2, 6, 6, dtype=ember.uint8), ember.tensor([[0, 0, 1, 1]]))
    with pytest.raises(ValueError, match="The image dtype must be uint8 or float, got torch.int32"):
        utils.draw_bounding_boxes(ember.zeros(3, 6, 6, dtype=ember.int32), ember.tensor([[0, 0, 1, 1]]))
    with pytest.raises(TypeError, match="Tensor expected"):
        utils.draw_bounding_boxes(np.zeros((3, 6, 6), np.uint8), ember.tensor([[0, 0, 1, 1]]))
    with pytest.raises(ValueError, match="The masks must be of dtype bool"):
        utils.draw_segmentation_masks(image, ember.zeros(6, 6))
    with pytest.raises(ValueError, match="The image and the masks must have the same height and width"):
        utils.draw_segmentation_masks(image, ember.zeros(5, 6, dtype=ember.bool))


# ---------------------------------------------------------------- boxes and NMS

def random_boxes(n, seed=0, scale=20.0):
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2)) * scale
    wh = rng.random((n, 2)) * scale / 2 + 0.5
    return np.concatenate([xy, xy + wh], 1)


def iou_brute(a, b):
    out = np.zeros((len(a), len(b)))
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            iw = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
            ih = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
            inter = iw * ih
            out[i, j] = inter / ((p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter)
    return out


def nms_brute(boxes, scores, thr):
    remaining = list(np.argsort(-scores, kind='stable'))
    keep = []
    while remaining:
        best = remaining.pop(0)
        keep.append(best)
        remaining = [r for r in remaining if iou_brute(boxes[best:best + 1], boxes[r:r + 1])[0, 0] <= thr]
    return keep


def test_box_iou_and_area():
    a, b = random_boxes(6, 1), random_boxes(4, 2)
    np.testing.assert_allclose(ops.box_iou(ember.from_numpy(a), ember.from_numpy(b)).numpy(), iou_brute(a, b),
                               rtol=1e-12)
    np.testing.assert_allclose(ops.box_area(ember.from_numpy(a)).numpy(), (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]))
    assert tuple(ops.box_iou(ember.zeros(0, 4), ember.from_numpy(b).float()).shape) == (0, 4)
    check_grads(lambda x, y: ops.box_iou(x, y), a, b, gradgrad=False)


@pytest.mark.parametrize('thr', [0.0, 0.3, 0.7])
@pytest.mark.parametrize('seed', [0, 1])
def test_nms_matches_brute_force(thr, seed):
    boxes = random_boxes(40, seed)
    scores = np.random.default_rng(seed + 10).random(40)
    keep = ops.nms(ember.from_numpy(boxes), ember.from_numpy(scores), thr)
    assert keep.dtype == ember.int64
    assert keep.tolist() == nms_brute(boxes, scores, thr)


def test_batched_nms_is_per_class():
    boxes = random_boxes(30, 3)
    scores = RNG.random(30).astype(np.float32)
    idxs = RNG.integers(0, 3, 30)
    keep = ops.batched_nms(ember.from_numpy(boxes.astype(np.float32)), ember.from_numpy(scores),
                           ember.from_numpy(idxs), 0.2).tolist()
    expected = []
    for c in range(3):
        members = np.nonzero(idxs == c)[0]
        expected += [members[k] for k in nms_brute(boxes[members], scores[members], 0.2)]
    assert keep == sorted(expected, key=lambda i: -scores[i])
    assert ops.batched_nms(ember.zeros(0, 4), ember.zeros(0), ember.zeros(0, dtype=ember.int64), 0.5).tolist() == []


def test_box_convert_clip_and_small():
    xyxy = random_boxes(5, 4)
    t = ember.from_numpy(xyxy)
    xywh = np.concatenate([xyxy[:, :2], xyxy[:, 2:] - xyxy[:, :2]], 1)
    cxcywh = np.concatenate([(xyxy[:, :2] + xyxy[:, 2:]) / 2, xyxy[:, 2:] - xyxy[:, :2]], 1)
    np.testing.assert_allclose(ops.box_convert(t, 'xyxy', 'xywh').numpy(), xywh)
    np.testing.assert_allclose(ops.box_convert(t, 'xyxy', 'cxcywh').numpy(), cxcywh)
    np.testing.assert_allclose(ops.box_convert(ember.from_numpy(cxcywh), 'cxcywh', 'xywh').numpy(), xywh)
    np.testing.assert_allclose(ops.box_convert(ember.from_numpy(xywh), 'xywh', 'xyxy').numpy(), xyxy)
    clipped = ops.clip_boxes_to_image(ember.tensor([[-3., 2., 30., 50.]]), (40, 25)).tolist()
    assert clipped == [[0., 2., 25., 40.]]
    small = ops.remove_small_boxes(ember.tensor([[0., 0., 1., 5.], [0., 0., 3., 3.], [1., 1., 4., 1.5]]), 2.0)
    assert small.tolist() == [1] and small.dtype == ember.int64
    with pytest.raises(ValueError, match="Unsupported Bounding Box Conversions"):
        ops.box_convert(t, 'xyxy', 'yxyx')


def test_nms_bad_inputs():
    with pytest.raises(RuntimeError, match="boxes should be a 2d tensor, got 1D"):
        ops.nms(ember.zeros(4), ember.zeros(4), 0.5)
    with pytest.raises(RuntimeError, match="boxes should have 4 elements in dimension 1, got 5"):
        ops.nms(ember.zeros(2, 5), ember.zeros(2), 0.5)
    with pytest.raises(RuntimeError, match="scores should be a 1d tensor, got 2D"):
        ops.nms(ember.zeros(2, 4), ember.zeros(2, 1), 0.5)
    with pytest.raises(RuntimeError, match="boxes and scores should have same number of elements in dimension 0, "
                                           "got 2 and 3"):
        ops.nms(ember.zeros(2, 4), ember.zeros(3), 0.5)


# ---------------------------------------------------------------- roi_align / roi_pool

def bilinear_ref(fm, y, x):
    h, w = fm.shape[-2:]
    if y < -1.0 or y > h or x < -1.0 or x > w:
        return np.zeros(fm.shape[0])
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = int(y), int(x)
    if y0 >= h - 1:
        y0 = y1 = h - 1
        y = float(y0)
    else:
        y1 = y0 + 1
    if x0 >= w - 1:
        x0 = x1 = w - 1
        x = float(x0)
    else:
        x1 = x0 + 1
    ly, lx = y - y0, x - x0
    return ((1 - ly) * (1 - lx) * fm[:, y0, x0] + (1 - ly) * lx * fm[:, y0, x1] + ly * (1 - lx) * fm[:, y1, x0]
            + ly * lx * fm[:, y1, x1])


def roi_align_ref(x, rois, out_size, scale, ratio, aligned):
    ph, pw = out_size
    out = np.zeros((len(rois), x.shape[1], ph, pw))
    off = 0.5 if aligned else 0.0
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        sx, sy = x1 * scale - off, y1 * scale - off
        rw, rh = x2 * scale - off - sx, y2 * scale - off - sy
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph, rw / pw
        gh = ratio if ratio > 0 else math.ceil(rh / ph)
        gw = ratio if ratio > 0 else math.ceil(rw / pw)
        for i in range(ph):
            for j in range(pw):
                acc = np.zeros(x.shape[1])
                for iy in range(gh):
                    for ix in range(gw):
                        acc += bilinear_ref(x[int(b)], sy + i * bh + (iy + 0.5) * bh / gh,
                                            sx + j * bw + (ix + 0.5) * bw / gw)
                out[k, :, i, j] = acc / max(gh * gw, 1)
    return out


ROIS = np.array([[0, 1.0, 1.5, 6.2, 5.0], [1, 0.0, 0.0, 8.9, 7.3], [0, 3.3, 2.2, 3.6, 2.4], [1, -2.0, -1.5, 4.0, 9.5],
                 [0, 6.0, 5.0, 11.0, 10.0]])


@pytest.mark.parametrize('out_size,scale,ratio,aligned', [((2, 2), 1.0, -1, False), ((3, 2), 0.5, 2, True),
                                                          ((1, 3), 1.0, 0, True), ((4, 4), 0.75, 1, False)])
def test_roi_align_matches_reference(out_size, scale, ratio, aligned):
    x = RNG.standard_normal((2, 3, 8, 9))
    got = ops.roi_align(ember.from_numpy(x), ember.from_numpy(ROIS), out_size, scale, ratio, aligned)
    assert got.dtype == ember.float64 and tuple(got.shape) == (5, 3) + out_size
    np.testing.assert_allclose(got.numpy(), roi_align_ref(x, ROIS, out_size, scale, ratio, aligned), atol=1e-12)
    as_list = ops.roi_align(ember.from_numpy(x), [ember.from_numpy(ROIS[ROIS[:, 0] == i, 1:]) for i in range(2)],
                            out_size, scale, ratio, aligned)
    order = np.argsort(ROIS[:, 0], kind='stable')
    np.testing.assert_allclose(as_list.numpy(), got.numpy()[order], atol=1e-12)


def test_roi_align_gradcheck():
    x = RNG.standard_normal((2, 2, 5, 6))
    rois = ember.from_numpy(ROIS[:3] * 0.6)
    check_grads(lambda t: ops.roi_align(t, rois, (2, 3), 1.0, -1, True), x)
    check_grads(lambda t: ops.roi_align(t, rois, 2, 0.8, 2, False), x)
    empty = ops.roi_align(ember.rand(1, 2, 4, 4), ember.zeros(0, 5), 2)
    assert tuple(empty.shape) == (0, 2, 2, 2)
    assert tuple(ops.roi_pool(ember.rand(1, 2, 4, 4), ember.zeros(0, 5), 3).shape) == (0, 2, 3, 3)
    module = ops.RoIAlign((2, 2), 1.0, 2)
    assert tuple(module(ember.rand(2, 2, 5, 6), rois.float()).shape) == (3, 2, 2, 2)


def roi_pool_ref(x, rois, out_size, scale):
    ph, pw = out_size
    h, w = x.shape[-2:]
    out = np.zeros((len(rois), x.shape[1], ph, pw))
    for k, (b, *coords) in enumerate(rois):
        x1, y1, x2, y2 = (math.floor(v * scale + 0.5) for v in coords)
        rh, rw = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        for i in range(ph):
            for j in range(pw):
                hs = min(max(math.floor(i * rh / ph) + y1, 0), h)
                he = min(max(math.ceil((i + 1) * rh / ph) + y1, 0), h)
                ws = min(max(math.floor(j * rw / pw) + x1, 0), w)
                we = min(max(math.ceil((j + 1) * rw / pw) + x1, 0), w)
                if he > hs and we > ws:
                    out[k, :, i, j] = x[int(b), :, hs:he, ws:we].max(axis=(1, 2))
    return out


def test_roi_pool_matches_reference_and_grads():
    x = RNG.standard_normal((2, 3, 8, 9))
    got = ops.roi_pool(ember.from_numpy(x), ember.from_numpy(ROIS), (3, 2), 0.9)
    np.testing.assert_allclose(got.numpy(), roi_pool_ref(x, ROIS, (3, 2), 0.9))
    xt = ember.from_numpy(x).requires_grad_(True)
    ops.roi_pool(xt, ember.from_numpy(ROIS[:1]), 1).sum().backward()
    # The box rounds to rows 2..5, columns 1..6 of image 0: each channel's gradient is 1 at that patch's maximum.
    expected = np.zeros_like(x)
    for c in range(3):
        r, q = np.unravel_index(x[0, c, 2:6, 1:7].argmax(), (4, 6))
        expected[0, c, r + 2, q + 1] = 1
    np.testing.assert_array_equal(xt.grad.numpy(), expected)
    check_grads(lambda t: ops.roi_pool(t, ember.from_numpy(ROIS[:2]), 2), x[:, :, :6, :6])


def test_roi_bad_inputs():
    x = ember.rand(1, 2, 4, 4)
    with pytest.raises(AssertionError, match=r"The boxes tensor shape is not correct as Tensor\[K, 5\]"):
        ops.roi_align(x, ember.rand(3, 4), 2)
    with pytest.raises(AssertionError, match=r"List\[Tensor\[L, 4\]\]"):
        ops.roi_align(x, [ember.rand(3, 5)], 2)
    with pytest.raises(RuntimeError, match="to have the same type as tensor for rois"):
        ops.roi_align(x, ember.rand(3, 5, dtype=ember.float64), 2)
    with pytest.raises(RuntimeError, match=r"roi_pool: input must be a 4-D \(N, C, H, W\) tensor"):
        ops.roi_pool(ember.rand(2, 4, 4), ember.rand(3, 5), 2)
