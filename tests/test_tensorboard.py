"""ember.utils.tensorboard.SummaryWriter: event files read back with TensorBoard's own reader and protos."""
import glob
import io
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import ember
from ember.utils.tensorboard import SummaryWriter
from ember.utils.tensorboard import _proto

from tensorboard.backend.event_processing import event_accumulator  # noqa: E402  (test extra)
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2  # noqa: E402


def load(path):
    acc = event_accumulator.EventAccumulator(str(path), size_guidance={k: 0 for k in (
        'scalars', 'images', 'histograms', 'tensors', 'compressedHistograms')})
    acc.Reload()
    return acc


def events(path):
    (f,) = glob.glob(os.path.join(str(path), 'events.out.tfevents.*'))
    return list(EventFileLoader(f).Load())


def test_scalars_from_tensors_arrays_and_numbers(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_scalar('loss', 2.5, 0)
        w.add_scalar('loss', ember.tensor(1.25), 1)
        w.add_scalar('loss', np.float64(0.75), global_step=ember.tensor(2))
        w.add_scalar('acc', np.array([0.5]), 10, walltime=1234.5)
        w.add_scalar('new', ember.tensor([3.0]), 4, new_style=True)
    acc = load(tmp_path)
    assert [(e.step, e.value) for e in acc.Scalars('loss')] == [(0, 2.5), (1, 1.25), (2, 0.75)]
    (a,) = acc.Scalars('acc')
    assert (a.step, a.value, a.wall_time) == (10, 0.5, 1234.5)
    (t,) = acc.Tensors('new')
    assert t.step == 4 and list(t.tensor_proto.float_val) == [3.0]
    assert acc.SummaryMetadata('new').plugin_data.plugin_name == 'scalars'
    first = events(tmp_path)[0]
    assert first.file_version == 'brain.Event:2'


def test_event_file_name_and_framing(tmp_path):
    w = SummaryWriter(log_dir=str(tmp_path), filename_suffix='.mine')
    w.add_scalar('x', 1.0, 0)
    w.close()
    (name,) = os.listdir(tmp_path)
    assert name.startswith('events.out.tfevents.') and name.endswith('.mine')
    data = (tmp_path / name).read_bytes()
    # Known CRC-32C check value, and each record's masked CRCs verified by hand.
    assert _proto.crc32c(b'123456789') == 0xE3069283
    off = 0
    while off < len(data):
        n = int.from_bytes(data[off:off + 8], 'little')
        assert data[off + 8:off + 12] == _proto._masked(data[off:off + 8])
        assert data[off + 12 + n:off + 16 + n] == _proto._masked(data[off + 12:off + 12 + n])
        off += 16 + n
    assert off == len(data)


def test_add_scalars_writes_one_run_per_tag(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        for step in range(3):
            w.add_scalars('run/loss', {'train': 1.0 / (step + 1), 'val': ember.tensor(2.0 + step)}, step)
    assert sorted(d for d in os.listdir(tmp_path) if os.path.isdir(tmp_path / d)) == ['run_loss_train',
                                                                                      'run_loss_val']
    assert [e.value for e in load(tmp_path / 'run_loss_val').Scalars('run/loss')] == [2.0, 3.0, 4.0]
    assert [e.step for e in load(tmp_path / 'run_loss_train').Scalars('run/loss')] == [0, 1, 2]


def test_histogram(tmp_path):
    values = np.random.default_rng(0).standard_normal(2000)
    with SummaryWriter(str(tmp_path)) as w:
        w.add_histogram('w', ember.from_numpy(values), 3)
        w.add_histogram('fixed', np.array([0.5, 1.5, 1.5, 2.5]), 4, bins=np.array([0.0, 1.0, 2.0, 3.0]))
    h = load(tmp_path).Histograms('w')[0].histogram_value
    assert h.num == 2000 and sum(h.bucket) == 2000
    assert h.min == values.min() and h.max == values.max()
    assert h.sum == pytest.approx(values.sum()) and h.sum_squares == pytest.approx((values ** 2).sum())
    assert list(h.bucket_limit) == sorted(h.bucket_limit) and h.bucket_limit[-1] >= values.max()
    f = load(tmp_path).Histograms('fixed')[0].histogram_value
    assert list(f.bucket) == [1, 2, 1] and list(f.bucket_limit) == [1.0, 2.0, 3.0]


def decode(image_event):
    return np.asarray(Image.open(io.BytesIO(image_event.encoded_image_string)))


def test_images(tmp_path):
    chw = np.random.default_rng(1).random((3, 5, 7)).astype(np.float32)
    gray = np.random.default_rng(2).integers(0, 256, (4, 6), dtype=np.uint8)
    with SummaryWriter(str(tmp_path)) as w:
        w.add_image('chw', ember.from_numpy(chw), 1)
        w.add_image('hwc', chw.transpose(1, 2, 0), 1, dataformats='HWC')
        w.add_image('hw', gray, 2, dataformats='HW')
        w.add_images('batch', ember.from_numpy(np.stack([chw] * 10)), 3)
    acc = load(tmp_path)
    expected = np.clip(chw * 255, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    for tag in ('chw', 'hwc'):
        (e,) = acc.Images(tag)
        assert (e.width, e.height) == (7, 5)
        np.testing.assert_array_equal(decode(e), expected)
    np.testing.assert_array_equal(decode(acc.Images('hw')[0]), np.repeat(gray[:, :, None], 3, 2))
    grid = decode(acc.Images('batch')[0])
    assert grid.shape == (10, 56, 3)  # 8 per row, 2 rows, no padding
    np.testing.assert_array_equal(grid[5:, 7:14], expected)
    assert (grid[5:, 14:] == 0).all()


def test_figure_text_and_hparams(tmp_path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(str(tmp_path)) as w:
        w.add_figure('fig', fig, 5)
        w.add_text('note', 'hello **ember**', 6)
        w.add_hparams({'lr': 0.1, 'bs': 32, 'opt': 'adam', 'nesterov': True, 'unset': None}, {'hp/acc': 0.9},
                      run_name='trial')
    assert not plt.fignum_exists(fig.number)
    acc = load(tmp_path)
    (img,) = acc.Images('fig')
    assert (img.width, img.height) == (100, 50)
    (text,) = acc.Tensors('note/text_summary')
    assert text.step == 6 and list(text.tensor_proto.string_val) == [b'hello **ember**']
    assert acc.SummaryMetadata('note/text_summary').plugin_data.plugin_name == 'text'
    run = load(tmp_path / 'trial')
    assert [e.value for e in run.Scalars('hp/acc')] == [pytest.approx(0.9)]
    plugin = {}
    for ev in events(tmp_path / 'trial'):
        for v in ev.summary.value:
            if v.metadata.plugin_data.plugin_name == 'hparams':
                plugin[v.tag] = plugin_data_pb2.HParamsPluginData.FromString(v.metadata.plugin_data.content)
    start = plugin['_hparams_/session_start_info'].session_start_info
    assert start.hparams['lr'].number_value == 0.1 and start.hparams['opt'].string_value == 'adam'
    assert start.hparams['nesterov'].bool_value is True and 'unset' not in start.hparams
    exp = plugin['_hparams_/experiment'].experiment
    assert [h.name for h in exp.hparam_infos] == ['lr', 'bs', 'opt', 'nesterov']
    assert [m.name.tag for m in exp.metric_infos] == ['hp/acc']
    assert plugin['_hparams_/session_end_info'].session_end_info.status == 1


def test_graph(tmp_path):
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))
    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(model, ember.randn(5, 3))
    graph = load(tmp_path).Graph()
    by_name = {n.name: n for n in graph.node}
    assert set(by_name) >= {'input/input.0', 'Sequential/0.weight', 'Sequential/0.bias', 'Sequential/2.weight',
                            'output/output.0'}
    (out_src,) = by_name['output/output.0'].input
    last = by_name[out_src]
    assert last.op == 'aten::addmm' and 'Sequential/2.weight' in last.input
    assert [d.size for d in by_name['output/output.0'].attr['_output_shapes'].list.shape[0].dim] == [5, 2]


def test_queue_flush_close_and_purge(tmp_path):
    w = SummaryWriter(str(tmp_path), max_queue=100, flush_secs=3600, purge_step=7)
    w.add_scalar('x', 1.0, 8)
    assert len(events(tmp_path)) == 1  # only the file-version record; the rest waits in the queue
    w.flush()
    assert [e.step for e in load(tmp_path).Scalars('x')] == [8]
    starts = [e for e in events(tmp_path) if e.HasField('session_log')]
    assert len(starts) == 1 and starts[0].step == 7 and starts[0].session_log.status == 1
    w.close()
    w.close()  # closing twice is harmless
    assert w.get_logdir() == str(tmp_path)


def test_default_log_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment='_lr0.1') as w:
        assert w.log_dir.startswith('runs' + os.sep) and w.log_dir.endswith('_lr0.1')
    assert len(os.listdir(tmp_path / 'runs')) == 1


def test_tensorboard_is_lazy_and_numpy_only():
    code = ("import sys, ember; assert 'ember.utils.tensorboard' not in sys.modules;"
            "import ember.utils.tensorboard; bad = [m for m in ('tensorboard', 'torch', 'PIL', 'matplotlib', "
            "'google.protobuf') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, '-c', code], check=True)


def test_bad_inputs(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(ValueError, match="scalar should be 0D"):
            w.add_scalar('x', ember.tensor([1.0, 2.0]))
        with pytest.raises(ValueError, match="size of input tensor and input format are different"):
            w.add_image('i', np.zeros((3, 4)), dataformats='CHW')
        with pytest.raises(ValueError, match="dataformats must be a permutation"):
            w.add_image('i', np.zeros((3, 4, 4)), dataformats='CHX')
        with pytest.raises(ValueError, match="an image must have 1, 3 or 4 channels, got 2"):
            w.add_image('i', np.zeros((2, 4, 4)))
        with pytest.raises(ValueError, match="The histogram is empty"):
            w.add_histogram('h', np.array([]))
        with pytest.raises(TypeError, match="hparam_dict and metric_dict should be dictionary"):
            w.add_hparams([('lr', 0.1)], {})
        with pytest.raises(ValueError, match="add_graph needs input_to_model"):
            w.add_graph(ember.nn.Linear(2, 2))
