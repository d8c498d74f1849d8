"""The DataLoader's worker processes: what runs inside them, and how their errors travel back."""
from __future__ import annotations

import queue
import random
import sys
import traceback
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: its ``id``, the number of workers, its ``seed`` and its
    copy of the ``dataset``."""
    id: int
    num_workers: int
    seed: int
    dataset: object


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """Information about the current DataLoader worker process; None in the main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its formatted traceback."""

    def __init__(self, exc_info, where: str):
        self.exc_type = exc_info[0]
        self.exc_msg = ''.join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = repr(msg)  # KeyError prints its argument with repr; keep the traceback readable
        try:
            exc = self.exc_type(msg)
        except TypeError:
            raise RuntimeError(msg) from None
        raise exc


class _IterableDatasetStop:
    """Sent by a worker whose iterable dataset is exhausted."""

    def __init__(self, worker_id: int):
        self.worker_id = worker_id


def worker_loop(dataset, is_iterable: bool, index_queue, result_queue, collate_fn, auto_collation: bool,
                drop_last: bool, base_seed: int, init_fn, worker_id: int, num_workers: int, done_event) -> None:
    """Fetch the batches whose indices arrive on ``index_queue`` and put ``(task_id, batch)`` on ``result_queue``;
    ``None`` on the index queue ends the loop."""
    global _worker_info
    try:
        seed = base_seed + worker_id
        random.seed(seed)
        from ... import random as ember_random
        ember_random.manual_seed(seed)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _make_fetcher(dataset, is_iterable, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
        iterator_done = False
        while True:
            try:
                task = index_queue.get(timeout=5.0)
            except queue.Empty:
                if done_event.is_set():
                    break
                continue
            if task is None:
                break
            if done_event.is_set() or iterator_done:
                continue
            task_id, indices = task
            if init_exception is not None:
                result_queue.put((task_id, init_exception))
                init_exception = None
                continue
            try:
                data = fetcher(indices)
            except StopIteration:
                if is_iterable:
                    data = _IterableDatasetStop(worker_id)
                    iterator_done = True
                else:
                    data = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
            except Exception:
                data = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
            result_queue.put((task_id, data))
    except KeyboardInterrupt:
        pass


def _make_fetcher(dataset, is_iterable, auto_collation, collate_fn, drop_last):
    if is_iterable:
        it = iter(dataset)

        def fetch(batch_size):
            if auto_collation:
                batch = []
                for _ in range(batch_size):
                    try:
                        batch.append(next(it))
                    except StopIteration:
                        break
                if not batch or (drop_last and len(batch) < batch_size):
                    raise StopIteration
                return collate_fn(batch)
            return collate_fn(next(it))
        return fetch

    getitems = getattr(dataset, '__getitems__', None)

    def fetch(indices):
        if auto_collation:
            data = getitems(indices) if callable(getitems) else [dataset[i] for i in indices]
            return collate_fn(data)
        return collate_fn(dataset[indices])
    return fetch
