"""ember.utils.data: datasets, samplers, collation and the DataLoader (single- and multi-process)."""
import collections
import os
import signal
import time

import numpy as np
import pytest

import ember
from ember.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, DistributedSampler,
                              IterableDataset, RandomSampler, SequentialSampler, StackDataset, Subset,
                              SubsetRandomSampler, TensorDataset, WeightedRandomSampler, default_collate,
                              default_convert, get_worker_info, random_split)
from support import needs_torch, torch


class Squares(Dataset):
    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return ember.tensor([float(i), float(i * i)]), i


class Failing(Squares):
    def __getitem__(self, i):
        if i == 5:
            raise ValueError("bad sample 5")
        return super().__getitem__(i)


class Killer(Squares):
    def __getitem__(self, i):
        if i == 3 and get_worker_info() is not None:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().__getitem__(i)


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))

    def __len__(self):
        return self.n


def test_tensor_dataset_and_sequential_batches():
    x = ember.arange(20).reshape(10, 2)
    y = ember.arange(10)
    ds = TensorDataset(x, y)
    assert len(ds) == 10
    batches = list(DataLoader(ds, batch_size=4))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].shape == (4, 2)
    assert len(DataLoader(ds, batch_size=4)) == 3
    assert len(DataLoader(ds, batch_size=4, drop_last=True)) == 2
    with pytest.raises(AssertionError, match='Size mismatch between tensors'):
        TensorDataset(x, ember.arange(3))


def test_shuffle_is_a_permutation_and_follows_the_generator():
    ds = Squares(50)
    g1 = ember.Generator().manual_seed(7)
    g2 = ember.Generator().manual_seed(7)
    a = [i for _, idx in DataLoader(ds, batch_size=8, shuffle=True, generator=g1) for i in idx.tolist()]
    b = [i for _, idx in DataLoader(ds, batch_size=8, shuffle=True, generator=g2) for i in idx.tolist()]
    assert sorted(a) == list(range(50)) and a == b and a != list(range(50))


@pytest.mark.parametrize('workers', [0, 2])
def test_worker_batches_arrive_in_order(workers):
    dl = DataLoader(Squares(23), batch_size=4, num_workers=workers)
    idx = [i for _, b in dl for i in b.tolist()]
    assert idx == list(range(23))
    first = next(iter(dl))[0]
    np.testing.assert_array_equal(first.numpy(), [[0, 0], [1, 1], [2, 4], [3, 9]])


def test_worker_exception_reraised_with_traceback():
    with pytest.raises(ValueError) as info:
        list(DataLoader(Failing(10), batch_size=2, num_workers=2))
    msg = str(info.value)
    assert 'Caught ValueError in DataLoader worker process' in msg and 'bad sample 5' in msg
    assert 'Traceback' in msg


def test_worker_killed_raises_instead_of_hanging():
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match='exited unexpectedly'):
        list(DataLoader(Killer(10), batch_size=1, num_workers=2, timeout=20))
    assert time.monotonic() - t0 < 30


def test_timeout_raises():
    class Slow(Squares):
        def __getitem__(self, i):
            if get_worker_info() is not None:
                time.sleep(5)
            return super().__getitem__(i)
    with pytest.raises(RuntimeError, match='DataLoader timed out after 1 seconds'):
        list(DataLoader(Slow(4), batch_size=2, num_workers=1, timeout=1))


def test_no_stray_processes_after_iteration():
    import multiprocessing
    before = len(multiprocessing.active_children())
    for _ in DataLoader(Squares(8), batch_size=2, num_workers=2):
        pass
    it = iter(DataLoader(Squares(8), batch_size=2, num_workers=2))
    next(it)
    del it
    time.sleep(0.5)
    assert len(multiprocessing.active_children()) <= before


def test_persistent_workers_reuse_pool():
    dl = DataLoader(Squares(6), batch_size=2, num_workers=2, persistent_workers=True)
    for _ in range(3):
        assert [b.tolist() for _, b in dl] == [[0, 1], [2, 3], [4, 5]]
    dl._iterator._shutdown_workers()


def test_worker_init_fn_and_worker_info():
    def collate(batch):
        return [(get_worker_info().id, get_worker_info().num_workers, i) for i in batch]
    out = list(DataLoader(list(range(8)), batch_size=2, num_workers=2, collate_fn=collate))
    workers = {w for batch in out for w, _, _ in batch}
    assert workers == {0, 1}
    assert all(n == 2 for batch in out for _, n, _ in batch)
    assert get_worker_info() is None


def test_iterable_dataset_split_across_workers():
    got = sorted(int(v) for b in DataLoader(Stream(11), batch_size=3, num_workers=2) for v in b)
    assert got == list(range(11))
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(DataLoader(Stream(7), batch_size=3)) == 3
    with pytest.raises(ValueError, match='expected unspecified shuffle option'):
        DataLoader(Stream(3), shuffle=True)


def test_default_collate_structures():
    Point = collections.namedtuple('Point', 'x y')
    batch = [{'a': np.ones(2, np.float32), 'b': 1, 'c': 'u', 'p': Point(1.5, True)},
             {'a': np.zeros(2, np.float32), 'b': 2, 'c': 'v', 'p': Point(2.5, False)}]
    out = default_collate(batch)
    assert out['a'].shape == (2, 2) and out['a'].dtype is ember.float32
    assert out['b'].tolist() == [1, 2] and out['b'].dtype is ember.int64
    assert out['c'] == ['u', 'v']
    assert isinstance(out['p'], Point) and out['p'].x.dtype is ember.float64 and out['p'].y.dtype is ember.bool
    assert default_collate([[1, 2], [3, 4]])[0].tolist() == [1, 3]
    with pytest.raises(RuntimeError, match='each element in list of batch should be of equal size'):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match='stack expects each tensor to be equal size'):
        default_collate([ember.ones(2), ember.ones(3)])
    assert isinstance(default_convert(np.ones(3)), ember.Tensor)
    assert default_convert({'k': (np.ones(1), 2)})['k'][1] == 2


@needs_torch
def test_default_collate_matches_torch():
    samples = [(np.full((2, 3), i, np.float32), i, float(i)) for i in range(4)]
    e = default_collate(samples)
    t = torch.utils.data.default_collate(samples)
    for a, b in zip(e, t):
        assert a.dtype.name == str(b.dtype).removeprefix('torch.') and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    g = ember.Generator().manual_seed(0)
    perm = list(RandomSampler(range(10), generator=g))
    assert sorted(perm) == list(range(10))
    draws = list(RandomSampler(range(3), replacement=True, num_samples=30, generator=g))
    assert len(draws) == 30 and set(draws) <= {0, 1, 2}
    assert sorted(SubsetRandomSampler([5, 7, 9], generator=g)) == [5, 7, 9]
    w = list(WeightedRandomSampler([0.0, 0.0, 1.0], 20, generator=g))
    assert w == [2] * 20
    assert list(BatchSampler(range(7), 3, drop_last=False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, drop_last=False)) == 3
    shards = [list(DistributedSampler(range(10), num_replicas=3, rank=r, shuffle=False)) for r in range(3)]
    assert shards == [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]
    s = DistributedSampler(range(10), num_replicas=2, rank=0, seed=1)
    e0 = list(s)
    s.set_epoch(1)
    assert list(s) != e0 and len(s) == 5


def test_dataset_combinators():
    a, b = Squares(3), Squares(4)
    c = a + b
    assert isinstance(c, ConcatDataset) and len(c) == 7 and c[3][1] == 0 and c[-1][1] == 3
    assert Subset(b, [3, 1])[0][1] == 3 and len(Subset(b, [3, 1])) == 2
    s = StackDataset(a, Squares(3))
    assert len(s) == 3 and s[2][0][1] == 2
    sd = StackDataset(x=a, y=Squares(3))
    assert set(sd[0]) == {'x', 'y'}
    assert list(ChainDataset([Stream(2), Stream(3)])) == [0, 1, 0, 1, 2]
    parts = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [3, 7] and sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    fr = random_split(range(10), [0.5, 0.3, 0.2], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in fr] == [5, 3, 2]
    odd = random_split(range(11), [0.5, 0.5], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in odd] == [6, 5]


BAD = [
    (lambda: DataLoader(Squares(), num_workers=-1), ValueError, 'num_workers option should be non-negative'),
    (lambda: DataLoader(Squares(), shuffle=True, sampler=SequentialSampler(range(3))), ValueError,
     'sampler option is mutually exclusive with shuffle'),
    (lambda: DataLoader(Squares(), batch_size=2, batch_sampler=BatchSampler(range(3), 2, False)), ValueError,
     'batch_sampler option is mutually exclusive'),
    (lambda: DataLoader(Squares(), prefetch_factor=2), ValueError, 'prefetch_factor option could only be specified'),
    (lambda: DataLoader(Squares(), persistent_workers=True), ValueError, 'persistent_workers option needs'),
    (lambda: DataLoader(Squares(), timeout=-1), ValueError, 'timeout option should be non-negative'),
    (lambda: BatchSampler(range(3), 0, False), ValueError, 'batch_size should be a positive integer'),
    (lambda: RandomSampler(range(3), num_samples=0), ValueError, 'num_samples should be a positive integer'),
    (lambda: random_split(range(10), [3, 3]), ValueError, 'Sum of input lengths does not equal'),
    (lambda: DistributedSampler(range(3), num_replicas=2, rank=2), ValueError, 'Invalid rank'),
    (lambda: ConcatDataset([]), AssertionError, 'datasets should not be an empty iterable'),
]


@pytest.mark.parametrize('fn,exc,match', BAD)
def test_bad_arguments(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn()


@needs_torch
@pytest.mark.parametrize('fn,exc,match', BAD)
def test_bad_arguments_same_class_in_torch(fn, exc, match):
    import torch.utils.data as tud
    names = {'DataLoader': tud.DataLoader, 'BatchSampler': tud.BatchSampler, 'RandomSampler': tud.RandomSampler,
             'random_split': tud.random_split, 'DistributedSampler': tud.DistributedSampler,
             'ConcatDataset': tud.ConcatDataset, 'SequentialSampler': tud.SequentialSampler}
    g = dict(fn.__globals__)
    g.update(names)
    g['Squares'] = lambda n=10: list(range(n))
    import types
    tfn = types.FunctionType(fn.__code__, g)
    with pytest.raises(exc, match=match):
        tfn()
