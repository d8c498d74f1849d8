"""``SummaryWriter``: log scalars, histograms, images, text, hyperparameters and graphs to TensorBoard event files
(``torch.utils.tensorboard.writer``). The files are written directly (TFRecord framing of Event protos), so
writing needs only NumPy; viewing them needs the ``tensorboard`` package."""
from __future__ import annotations

import os
import socket
import threading
import time
from datetime import datetime

import numpy as np

from . import _proto as P
from . import summary as S

__all__ = ['SummaryWriter', 'FileWriter']

_uid_lock = threading.Lock()
_uid = 0


def _next_uid() -> int:
    global _uid
    with _uid_lock:
        _uid += 1
        return _uid


def _event(step: int, walltime: float | None = None, *, summary: bytes | None = None,
           file_version: str | None = None, graph_def: bytes | None = None, session_start: bool = False) -> bytes:
    msg = P.double(1, time.time() if walltime is None else walltime) + P.uint(2, step)
    if file_version is not None:
        msg += P.blob(3, file_version)
    if graph_def is not None:
        msg += P.blob(4, graph_def)
    if summary is not None:
        msg += P.blob(5, summary)
    if session_start:
        msg += P.blob(7, P.uint(1, 1))
    return msg


class FileWriter:
    """Appends Events to one ``events.out.tfevents.*`` file in ``log_dir``, buffering up to ``max_queue`` events
    and flushing at least every ``flush_secs`` seconds (from a background thread)."""

    def __init__(self, log_dir: str, max_queue: int = 10, flush_secs: int = 120, filename_suffix: str = '') -> None:
        self._log_dir = str(log_dir)
        os.makedirs(self._log_dir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{_next_uid()}"
                f"{filename_suffix}")
        self._path = os.path.join(self._log_dir, name)
        self._file = open(self._path, 'wb')
        self._queue: list[bytes] = []
        self._max_queue = max(int(max_queue), 1)
        self._lock = threading.Lock()
        self._closed = False
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._flush_loop, args=(float(flush_secs),), daemon=True)
        self._thread.start()
        self.add_event(_event(0, file_version='brain.Event:2'))
        self.flush()

    def get_logdir(self) -> str:
        return self._log_dir

    @property
    def path(self) -> str:
        """The event file's path."""
        return self._path

    def _flush_loop(self, secs: float) -> None:
        while not self._wake.wait(secs):
            self.flush()

    def add_event(self, event: bytes) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"this SummaryWriter's event file {self._path} is closed")
            self._queue.append(P.tfrecord(event))
            if len(self._queue) >= self._max_queue:
                self._write()

    def _write(self) -> None:
        if self._queue:
            self._file.write(b''.join(self._queue))
            self._queue.clear()
        self._file.flush()

    def flush(self) -> None:
        with self._lock:
            if not self._closed:
                self._write()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._write()
            self._file.close()
            self._closed = True
        self._wake.set()


def _step(global_step) -> int:
    if global_step is None:
        return 0
    return int(S.make_np(global_step).item()) if not isinstance(global_step, int) else global_step


class SummaryWriter:
    """Writes TensorBoard event files into ``log_dir`` (default ``runs/<date>_<host><comment>``).

    ``purge_step`` tells TensorBoard to drop events at or after that step from an earlier, crashed run in the
    same directory. Values may be ember tensors, NumPy arrays or Python numbers.
    """

    def __init__(self, log_dir: str | None = None, comment: str = '', purge_step: int | None = None,
                 max_queue: int = 10, flush_secs: int = 120, filename_suffix: str = '') -> None:
        if not log_dir:
            now = datetime.now().strftime('%b%d_%H-%M-%S')
            log_dir = os.path.join('runs', now + '_' + socket.gethostname() + comment)
        self.log_dir = os.fspath(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer: FileWriter | None = None
        self.all_writers: dict[str, FileWriter] = {}
        self._get_file_writer()
        self.default_bins = S._tf_bucket_edges()

    def _get_file_writer(self) -> FileWriter:
        if self.file_writer is None or self.file_writer._closed:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs, self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                step = self.purge_step
                self.file_writer.add_event(_event(step, file_version='brain.Event:2'))
                self.file_writer.add_event(_event(step, session_start=True))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self) -> str:
        """The directory the event files go to."""
        return self.log_dir

    def _add(self, summary: bytes, global_step, walltime) -> None:
        self._get_file_writer().add_event(_event(_step(global_step), walltime, summary=summary))

    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime: float | None = None,
                   new_style: bool = False, double_precision: bool = False) -> None:
        """Log one scalar value under ``tag`` at ``global_step``."""
        self._add(S.scalar(tag, scalar_value, new_style, double_precision), global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None,
                    walltime: float | None = None) -> None:
        """Log several scalars on one chart: each goes to its own run ``<log_dir>/<main_tag>_<tag>``."""
        walltime = time.time() if walltime is None else walltime
        base = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            path = os.path.join(base, main_tag.replace('/', '_') + '_' + tag)
            fw = self.all_writers.get(path)
            if fw is None:
                fw = FileWriter(path, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[path] = fw
            fw.add_event(_event(_step(global_step), walltime, summary=S.scalar(main_tag, value)))

    def add_histogram(self, tag: str, values, global_step=None, bins='tensorflow', walltime: float | None = None,
                      max_bins: int | None = None) -> None:
        """Log a histogram of ``values`` (``bins``: 'tensorflow' for TensorFlow's buckets, or NumPy's bins)."""
        if isinstance(bins, str) and bins == 'tensorflow':
            bins = self.default_bins
        self._add(S.histogram(tag, values, bins, max_bins), global_step, walltime)

    def add_image(self, tag: str, img_tensor, global_step=None, walltime: float | None = None,
                  dataformats: str = 'CHW') -> None:
        """Log an image (float in [0, 1] or uint8) laid out as ``dataformats`` (CHW, HWC, HW, ...)."""
        self._add(S.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_images(self, tag: str, img_tensor, global_step=None, walltime: float | None = None,
                   dataformats: str = 'NCHW') -> None:
        """Log a batch of images, tiled 8 per row."""
        self._add(S.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_figure(self, tag: str, figure, global_step=None, close: bool = True,
                   walltime: float | None = None) -> None:
        """Log a matplotlib figure (or a list of them, as a batch) rendered to an image."""
        from ...vision._optional import require
        plt = require('matplotlib.pyplot', 'tensorboard', 'matplotlib', 'add_figure')
        figures = figure if isinstance(figure, list) else [figure]
        images = []
        for fig in figures:
            fig.canvas.draw()
            images.append(np.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy())
            if close:
                plt.close(fig)
        if isinstance(figure, list):
            self.add_images(tag, np.stack(images), global_step, walltime, dataformats='NHWC')
        else:
            self.add_image(tag, images[0], global_step, walltime, dataformats='HWC')

    def add_text(self, tag: str, text_string: str, global_step=None, walltime: float | None = None) -> None:
        """Log a string (rendered as Markdown by TensorBoard)."""
        self._add(S.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None,
                    run_name: str | None = None, global_step=None) -> None:
        """Log a run's hyperparameters and final metrics for TensorBoard's HParams tab (in a sub-run)."""
        if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        run = run_name or str(time.time())
        logdir = os.path.join(self._get_file_writer().get_logdir(), run)
        with SummaryWriter(log_dir=logdir) as w:
            for s in S.hparams(hparam_dict, metric_dict, hparam_domain_discrete):
                w.file_writer.add_event(_event(_step(global_step), summary=s))
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    def add_graph(self, model, input_to_model=None, verbose: bool = False, use_strict_trace: bool = True) -> None:
        """Log the graph of ops that ``model(*input_to_model)`` runs (its autograd graph), with parameters named
        as in ``model.named_parameters()``."""
        from ._graph import graph_def
        self._get_file_writer().add_event(_event(0, graph_def=graph_def(model, input_to_model, verbose)))

    def flush(self) -> None:
        """Write all pending events to disk."""
        for w in self.all_writers.values():
            w.flush()

    def close(self) -> None:
        """Flush and close every event file."""
        for w in self.all_writers.values():
            w.close()
        self.file_writer = None
        self.all_writers = {}

    def __enter__(self) -> 'SummaryWriter':
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        self.close()
