"""ember.vision.datasets: parsers on small files in the real formats, folder layouts, and downloads from a loopback
HTTP server (success, mirror fallback, checksum mismatch, interrupted transfer, offline)."""
import gzip
import hashlib
import http.server
import io
import os
import pickle
import shutil
import socket
import tarfile
import threading
import zipfile

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision import datasets as D
from ember.vision.datasets import utils as U
from ember.vision.datasets.mnist import read_sn3_pascalvincent_tensor

SHARED_MNIST = os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data', 'mnist')
RNG = np.random.default_rng(0)


def idx_bytes(arr: np.ndarray) -> bytes:
    codes = {np.dtype('u1'): 8, np.dtype('i1'): 9, np.dtype('i2'): 11, np.dtype('i4'): 12, np.dtype('f4'): 13,
             np.dtype('f8'): 14}
    header = bytes([0, 0, codes[arr.dtype], arr.ndim]) + np.array(arr.shape, '>u4').tobytes()
    return header + arr.astype(arr.dtype.newbyteorder('>')).tobytes()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def mnist_files(n=7, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    return images, labels


def write_mnist(raw, prefix, images, labels, compress=True):
    os.makedirs(raw, exist_ok=True)
    for kind, arr in (('images-idx3', images), ('labels-idx1', labels)):
        name = os.path.join(raw, f"{prefix}-{kind}-ubyte")
        data = idx_bytes(arr)
        if compress:
            with gzip.open(name + '.gz', 'wb') as f:
                f.write(data)
        else:
            with open(name, 'wb') as f:
                f.write(data)


# ---------------------------------------------------------------- IDX / MNIST family

@pytest.mark.parametrize('cls', [D.MNIST, D.FashionMNIST, D.KMNIST])
@pytest.mark.parametrize('compress', [True, False])
def test_mnist_family_reads_torchvision_layout(tmp_path, cls, compress):
    images, labels = mnist_files(5)
    write_mnist(tmp_path / cls.__name__ / 'raw', 't10k', images, labels, compress)
    ds = cls(str(tmp_path), train=False, target_transform=lambda t: t + 100)
    assert ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == (5, 28, 28)
    assert ds.targets.dtype == ember.int64
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    img, target = ds[3]
    assert isinstance(img, Image.Image) and img.mode == 'L' and img.size == (28, 28)
    np.testing.assert_array_equal(np.asarray(img), images[3])
    assert target == int(labels[3]) + 100 and type(target) is int
    assert len(ds) == 5 and ds.class_to_idx[ds.classes[2]] == 2 and len(ds.classes) == 10
    assert f"Dataset {cls.__name__}\n    Number of datapoints: 5" in repr(ds) and 'Split: Test' in repr(ds)


def test_mnist_transform_and_missing_split(tmp_path):
    images, labels = mnist_files(3)
    write_mnist(tmp_path / 'MNIST' / 'raw', 'train', images, labels)
    ds = D.MNIST(tmp_path, train=True, transform=lambda im: np.asarray(im).sum())
    assert ds[1][0] == images[1].sum()
    with pytest.raises(RuntimeError, match="Dataset not found.*download=True"):
        D.MNIST(tmp_path, train=False)


def test_mnist_dataloader_batches(tmp_path):
    images, labels = mnist_files(10)
    write_mnist(tmp_path / 'MNIST' / 'raw', 'train', images, labels)
    ds = D.MNIST(tmp_path, transform=lambda im: ember.from_numpy(np.asarray(im, np.float32) / 255)[None])
    x, y = next(iter(ember.utils.data.DataLoader(ds, batch_size=4)))
    assert tuple(x.shape) == (4, 1, 28, 28) and tuple(y.shape) == (4,)
    np.testing.assert_allclose(x.numpy()[:, 0], images[:4] / 255, rtol=1e-6)


@pytest.mark.skipif(not os.path.isdir(SHARED_MNIST), reason="../shared/data/mnist is not present")
def test_real_mnist_test_set(tmp_path):
    raw = tmp_path / 'MNIST' / 'raw'
    raw.mkdir(parents=True)
    for name, digest in D.MNIST.resources[2:]:
        os.symlink(os.path.abspath(os.path.join(SHARED_MNIST, name)), raw / name)
        assert U.check_integrity(str(raw / name), digest)
    ds = D.MNIST(tmp_path, train=False)
    assert len(ds) == 10000 and tuple(ds.data.shape) == (10000, 28, 28)
    assert ds.targets[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(ds.targets.numpy()).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    img, target = ds[0]
    assert target == 7 and np.asarray(img).max() == 255


def test_emnist_splits(tmp_path):
    images, labels = mnist_files(4)
    write_mnist(tmp_path / 'EMNIST' / 'raw', 'emnist-letters-test', images, labels, compress=False)
    ds = D.EMNIST(tmp_path, split='letters', train=False)
    np.testing.assert_array_equal(ds.data.numpy(), images)
    assert ds.classes == ['N/A'] + list('abcdefghijklmnopqrstuvwxyz')
    assert len(D.EMNIST.classes_split_dict['byclass']) == 62 and len(D.EMNIST.classes_split_dict['balanced']) == 47
    with pytest.raises(ValueError, match="Unknown value 'letter' for argument split. Valid values are"):
        D.EMNIST(tmp_path, split='letter')


def test_qmnist_compat_and_subsets(tmp_path):
    images, _ = mnist_files(6)
    meta = RNG.integers(0, 1000, (6, 8)).astype(np.int32)
    raw = tmp_path / 'QMNIST' / 'raw'
    raw.mkdir(parents=True)
    (raw / 'qmnist-test-images-idx3-ubyte').write_bytes(idx_bytes(images))
    with gzip.open(raw / 'qmnist-test-labels-idx2-int.gz', 'wb') as f:
        f.write(idx_bytes(meta))
    ds = D.QMNIST(tmp_path, what='test10k')
    assert ds[2][1] == int(meta[2, 0])
    full = D.QMNIST(tmp_path, train=False, compat=False)
    assert full.targets.dtype == ember.int64 and tuple(full.targets.shape) == (6, 8)
    np.testing.assert_array_equal(full[4][1].numpy(), meta[4])
    assert len(D.QMNIST(tmp_path, what='test50k')) == 0
    with pytest.raises(ValueError, match="Unknown value 'valid' for argument what"):
        D.QMNIST(tmp_path, what='valid')


@pytest.mark.parametrize('dtype', ['u1', 'i1', 'i2', 'i4', 'f4', 'f8'])
def test_idx_types(tmp_path, dtype):
    arr = (RNG.standard_normal((3, 4)) * 100).astype(dtype)
    (tmp_path / 'x').write_bytes(idx_bytes(arr))
    t = read_sn3_pascalvincent_tensor(str(tmp_path / 'x'))
    assert t.dtype.name == {'u1': 'uint8', 'i1': 'int8', 'i2': 'int16', 'i4': 'int32', 'f4': 'float32',
                            'f8': 'float64'}[dtype]
    np.testing.assert_array_equal(t.numpy(), arr)


def test_idx_bad_files(tmp_path):
    bad = tmp_path / 'bad'
    bad.write_bytes(b'\x00\x00\x10\x01' + b'\x00' * 8)
    with pytest.raises(ValueError, match="is not an IDX file"):
        read_sn3_pascalvincent_tensor(str(bad))
    short = tmp_path / 'short'
    short.write_bytes(idx_bytes(np.zeros((4, 2, 2), np.uint8))[:-3])
    with pytest.raises(ValueError, match="holds 13 values but its header gives shape"):
        read_sn3_pascalvincent_tensor(str(short))
    (tmp_path / 'MNIST' / 'raw').mkdir(parents=True)
    (tmp_path / 'MNIST' / 'raw' / 'train-images-idx3-ubyte').write_bytes(idx_bytes(np.zeros((2, 28), np.uint8)))
    (tmp_path / 'MNIST' / 'raw' / 'train-labels-idx1-ubyte').write_bytes(idx_bytes(np.zeros(2, np.uint8)))
    with pytest.raises(ValueError, match="x should have 3 dimension instead of 2"):
        D.MNIST(tmp_path)


# ---------------------------------------------------------------- CIFAR / SVHN / STL10

def cifar_tree(root, cls):
    folder = root / cls.base_folder
    folder.mkdir(parents=True)
    data = RNG.integers(0, 256, (3, 3072), dtype=np.uint8)
    key = 'labels' if cls is D.CIFAR10 else 'fine_labels'
    digests = {}
    for name, _ in cls.train_list + cls.test_list:
        entry = {'data': data, key: [1, 2, 0], 'batch_label': name}
        digests[name] = md5(pickle.dumps(entry))
        (folder / name).write_bytes(pickle.dumps(entry))
    names = [f"class{i}" for i in range(10 if cls is D.CIFAR10 else 100)]
    meta = pickle.dumps({cls.meta['key']: names})
    (folder / cls.meta['filename']).write_bytes(meta)
    return data, digests, md5(meta), names


@pytest.mark.parametrize('cls', [D.CIFAR10, D.CIFAR100])
def test_cifar_pickles(tmp_path, monkeypatch, cls):
    lists = {'train_list': cls.train_list, 'test_list': cls.test_list}
    data, digests, meta_md5, names = cifar_tree(tmp_path, cls)
    for attr, lst in lists.items():
        monkeypatch.setattr(cls, attr, [[n, digests[n]] for n, _ in lst])
    monkeypatch.setattr(cls, 'meta', dict(cls.meta, md5=meta_md5))
    ds = cls(str(tmp_path), train=True)
    assert ds.data.shape == (3 * len(lists['train_list']), 32, 32, 3) and ds.data.dtype == np.uint8
    np.testing.assert_array_equal(ds.data[1], data[1].reshape(3, 32, 32).transpose(1, 2, 0))
    assert ds.targets[:3] == [1, 2, 0] and ds.classes == names and ds.class_to_idx['class1'] == 1
    img, target = cls(str(tmp_path), train=False)[1]
    assert img.mode == 'RGB' and img.size == (32, 32) and target == 2
    # A corrupted batch fails the MD5 check.
    victim = tmp_path / cls.base_folder / lists['test_list'][0][0]
    victim.write_bytes(victim.read_bytes() + b'x')
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        cls(str(tmp_path))


def test_svhn_mat(tmp_path, monkeypatch):
    import scipy.io as sio  # the vision and test extras install scipy
    X = RNG.integers(0, 256, (32, 32, 3, 4), dtype=np.uint8)
    y = np.array([[10], [1], [5], [10]], dtype=np.uint8)
    sio.savemat(tmp_path / 'test_32x32.mat', {'X': X, 'y': y})
    split = list(D.SVHN.split_list['test'])
    split[2] = U.calculate_md5(str(tmp_path / 'test_32x32.mat'))
    monkeypatch.setitem(D.SVHN.split_list, 'test', split)
    ds = D.SVHN(str(tmp_path), split='test')
    assert ds.data.shape == (4, 3, 32, 32) and ds.labels.tolist() == [0, 1, 5, 0]
    np.testing.assert_array_equal(ds.data[2], X[:, :, :, 2].transpose(2, 0, 1))
    img, target = ds[1]
    np.testing.assert_array_equal(np.asarray(img), X[:, :, :, 1])
    assert target == 1
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        D.SVHN(str(tmp_path), split='train')
    with pytest.raises(ValueError, match="Unknown value 'val' for argument split"):
        D.SVHN(str(tmp_path), split='val')


def test_stl10_binary_and_folds(tmp_path, monkeypatch):
    folder = tmp_path / 'stl10_binary'
    folder.mkdir()
    imgs = {n: RNG.integers(0, 256, (k, 3, 96, 96), dtype=np.uint8) for n, k in
            (('train_X.bin', 4), ('unlabeled_X.bin', 2), ('test_X.bin', 3))}
    files = dict(imgs)
    files['train_y.bin'] = np.array([1, 2, 3, 10], np.uint8)
    files['test_y.bin'] = np.array([4, 5, 6], np.uint8)
    digests = {}
    for name, arr in files.items():
        (folder / name).write_bytes(arr.tobytes())
        digests[name] = md5(arr.tobytes())
    (folder / 'class_names.txt').write_text('\n'.join(f"c{i}" for i in range(10)))
    (folder / 'fold_indices.txt').write_text('\n'.join('3 1' for _ in range(10)))
    monkeypatch.setattr(D.STL10, 'train_list', [[n, digests[n]] for n, _ in D.STL10.train_list])
    monkeypatch.setattr(D.STL10, 'test_list', [[n, digests[n]] for n, _ in D.STL10.test_list])
    ds = D.STL10(str(tmp_path), split='train')
    assert ds.data.shape == (4, 3, 96, 96) and ds.labels.tolist() == [0, 1, 2, 9] and ds.classes[9] == 'c9'
    # The files store each plane column-major.
    np.testing.assert_array_equal(ds.data[0], imgs['train_X.bin'][0].transpose(0, 2, 1))
    assert D.STL10(str(tmp_path), split='train', folds=4).labels.tolist() == [9, 1]
    both = D.STL10(str(tmp_path), split='train+unlabeled')
    assert len(both) == 6 and both.labels.tolist()[-2:] == [-1, -1]
    img, target = D.STL10(str(tmp_path), split='test')[2]
    assert img.size == (96, 96) and target == 5
    with pytest.raises(ValueError, match=r"folds should be in the range \[0, 10\), but got 10"):
        D.STL10(str(tmp_path), folds=10)
    with pytest.raises(ValueError, match="Expected type None or int for argument folds"):
        D.STL10(str(tmp_path), folds='1')


# ---------------------------------------------------------------- folders and FakeData

def image_tree(root):
    colors = {}
    for cls, n in (('cat', 2), ('dog', 3)):
        (root / cls / 'sub').mkdir(parents=True)
        for i in range(n):
            arr = RNG.integers(0, 256, (5, 4, 3), dtype=np.uint8)
            path = root / cls / ('sub' if i == 2 else '') / f"{i}.png"
            Image.fromarray(arr).save(path)
            colors[str(path)] = arr
        (root / cls / 'notes.txt').write_text('not an image')
    return colors


def test_image_folder(tmp_path):
    colors = image_tree(tmp_path)
    ds = D.ImageFolder(str(tmp_path))
    assert ds.classes == ['cat', 'dog'] and ds.class_to_idx == {'cat': 0, 'dog': 1}
    assert [os.path.relpath(p, tmp_path) for p, _ in ds.samples] == [
        'cat/0.png', 'cat/1.png', 'dog/0.png', 'dog/1.png', 'dog/sub/2.png']
    assert ds.targets == [0, 0, 1, 1, 1] and ds.imgs == ds.samples
    img, target = ds[4]
    assert img.mode == 'RGB' and target == 1
    np.testing.assert_array_equal(np.asarray(img), colors[ds.samples[4][0]])
    only_sub = D.ImageFolder(str(tmp_path), is_valid_file=lambda p: 'sub' in p, allow_empty=True)
    assert len(only_sub) == 1


def test_dataset_folder_loader_and_errors(tmp_path):
    for cls in ('a', 'b', 'empty'):
        (tmp_path / cls).mkdir()
    np.save(tmp_path / 'a' / 'x.npy', np.arange(3))
    np.save(tmp_path / 'b' / 'y.NPY', np.arange(4))
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty. Supported extensions"):
        D.DatasetFolder(str(tmp_path), np.load, extensions=('.npy',))
    ds = D.DatasetFolder(str(tmp_path), np.load, extensions=('.npy',), allow_empty=True)
    assert ds.classes == ['a', 'b', 'empty'] and len(ds) == 2 and ds[1][0].tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None or not None"):
        D.DatasetFolder(str(tmp_path), np.load)
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None or not None"):
        D.DatasetFolder(str(tmp_path), np.load, extensions=('.npy',), is_valid_file=lambda p: True)
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        D.ImageFolder(str(tmp_path / 'a'))
    with pytest.raises(FileNotFoundError):
        D.ImageFolder(str(tmp_path / 'missing'))


def test_fakedata():
    ds = D.FakeData(size=4, image_size=(3, 6, 5), num_classes=3, transform=np.asarray)
    a, ta = ds[2]
    b, tb = ds[2]
    assert a.shape == (6, 5, 3) and a.dtype == np.uint8 and 0 <= ta < 3 and type(ta) is int
    np.testing.assert_array_equal(a, b)
    assert ta == tb and not np.array_equal(a, ds[1][0])
    assert np.asarray(D.FakeData(2, (1, 4, 4))[0][0]).shape == (4, 4)
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[4]
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform"):
        D.VisionDataset('r', transforms=lambda a, b: (a, b), transform=lambda a: a)


def test_vision_imports_numpy_only():
    import subprocess
    import sys
    code = ("import sys, ember.vision, ember.vision.datasets, ember.vision.io, ember.vision.utils, ember.vision.ops;"
            "bad = [m for m in ('PIL', 'scipy', 'matplotlib', 'tensorboard', 'torch') if m in sys.modules];"
            "assert not bad, bad")
    subprocess.run([sys.executable, '-c', code], check=True)


def test_missing_pillow_names_the_extra(tmp_path, monkeypatch):
    images, labels = mnist_files(2)
    write_mnist(tmp_path / 'MNIST' / 'raw', 'train', images, labels)
    ds = D.MNIST(tmp_path)
    monkeypatch.setitem(__import__('sys').modules, 'PIL.Image', None)
    with pytest.raises(ImportError, match=r"needs Pillow.*pip install 'ember\[vision\]'"):
        ds[0]


# ---------------------------------------------------------------- downloads over loopback HTTP

class Server:
    """Serves ``files`` (path -> bytes); paths under /cut/ announce the full length but send half and hang up."""

    def __init__(self, files):
        outer = self
        self.files = files
        self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits.append(self.path)
                data = outer.files.get(self.path.replace('/cut/', '/', 1))
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                if self.path.startswith('/cut/'):
                    self.wfile.write(data[:len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def mnist_server(monkeypatch):
    images, labels = mnist_files(6, seed=3)
    files, resources = {}, []
    for prefix in ('train', 't10k'):
        for kind, arr in (('images-idx3', images), ('labels-idx1', labels)):
            name = f"{prefix}-{kind}-ubyte.gz"
            files['/mnist/' + name] = gzip.compress(idx_bytes(arr))
            resources.append((name, md5(files['/mnist/' + name])))
    server = Server(files)
    monkeypatch.setattr(D.MNIST, 'resources', resources)
    yield server, images, labels
    server.close()


def listing(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def test_download_mnist_with_mirror_fallback(tmp_path, monkeypatch, mnist_server):
    server, images, labels = mnist_server
    monkeypatch.setattr(D.MNIST, 'mirrors', [server.url + '/gone/', server.url + '/mnist/'])
    ds = D.MNIST(str(tmp_path), train=False, download=True)
    np.testing.assert_array_equal(ds.data.numpy(), images)
    assert listing(tmp_path / 'MNIST' / 'raw') == ['t10k-images-idx3-ubyte', 't10k-images-idx3-ubyte.gz',
                                                   't10k-labels-idx1-ubyte', 't10k-labels-idx1-ubyte.gz']
    assert server.hits[:2] == ['/gone/t10k-images-idx3-ubyte.gz', '/mnist/t10k-images-idx3-ubyte.gz']
    hits = len(server.hits)
    D.MNIST(str(tmp_path), train=False, download=True)  # already there: nothing fetched
    assert len(server.hits) == hits


def test_download_checksum_mismatch_leaves_nothing(tmp_path, monkeypatch, mnist_server):
    server, _, _ = mnist_server
    monkeypatch.setattr(D.MNIST, 'mirrors', [server.url + '/mnist/'])
    monkeypatch.setattr(D.MNIST, 'resources', [(n, '0' * 32) for n, _ in D.MNIST.resources])
    with pytest.raises(RuntimeError, match=r"t10k-images-idx3-ubyte.gz is corrupted: its MD5 is [0-9a-f]{32}, "
                                           r"expected 0{32}\. It was removed"):
        D.MNIST(str(tmp_path), train=False, download=True)
    assert listing(tmp_path / 'MNIST' / 'raw') == []


def test_download_interrupted_leaves_nothing(tmp_path, monkeypatch, mnist_server):
    server, _, _ = mnist_server
    monkeypatch.setattr(D.MNIST, 'mirrors', [server.url + '/cut/mnist/'])
    with pytest.raises(RuntimeError, match=r"(?s)Error downloading t10k-images-idx3-ubyte.gz.*/cut/mnist/t10k-images"
                                           r".*(interrupted|IncompleteRead)"):
        D.MNIST(str(tmp_path), train=False, download=True)
    assert listing(tmp_path / 'MNIST' / 'raw') == []


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_download_offline_names_url_and_manual_route(tmp_path, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/cifar-10-python.tar.gz"
    monkeypatch.setattr(D.CIFAR10, 'url', url)
    with pytest.raises(RuntimeError) as info:
        D.CIFAR10(str(tmp_path), download=True)
    msg = str(info.value)
    assert url in msg and 'offline' in msg and 'place it at' in msg
    assert str(tmp_path / 'cifar-10-python.tar.gz') in msg
    assert listing(tmp_path) == []


def test_download_and_extract_cifar_archive(tmp_path, monkeypatch):
    src = tmp_path / 'src'
    src.mkdir()
    data, digests, meta_md5, _ = cifar_tree(src, D.CIFAR10)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        tar.add(src / D.CIFAR10.base_folder, arcname=D.CIFAR10.base_folder)
    archive = buf.getvalue()
    server = Server({'/c/cifar-10-python.tar.gz': archive})
    try:
        monkeypatch.setattr(D.CIFAR10, 'url', server.url + '/c/cifar-10-python.tar.gz')
        monkeypatch.setattr(D.CIFAR10, 'tgz_md5', md5(archive))
        monkeypatch.setattr(D.CIFAR10, 'train_list', [[n, digests[n]] for n, _ in D.CIFAR10.train_list])
        monkeypatch.setattr(D.CIFAR10, 'test_list', [[n, digests[n]] for n, _ in D.CIFAR10.test_list])
        monkeypatch.setattr(D.CIFAR10, 'meta', dict(D.CIFAR10.meta, md5=meta_md5))
        root = tmp_path / 'root'
        ds = D.CIFAR10(str(root), train=False, download=True)
        assert ds.targets == [1, 2, 0]
        assert sorted(os.listdir(root)) == ['cifar-10-batches-py', 'cifar-10-python.tar.gz']
    finally:
        server.close()


def test_extract_archive_formats(tmp_path):
    payload = b'hello ember'
    zpath = tmp_path / 'a.zip'
    with zipfile.ZipFile(zpath, 'w') as zf:
        zf.writestr('gzip/x.txt', payload)
    U.extract_archive(str(zpath), str(tmp_path / 'out'))
    assert (tmp_path / 'out' / 'gzip' / 'x.txt').read_bytes() == payload
    import lzma
    (tmp_path / 'f.xz').write_bytes(lzma.compress(payload))
    assert U.extract_archive(str(tmp_path / 'f.xz')) == str(tmp_path / 'f')
    assert (tmp_path / 'f').read_bytes() == payload
    (tmp_path / 'f.rar').write_bytes(payload)
    with pytest.raises(RuntimeError, match="Archive type of .*f.rar is not supported"):
        U.extract_archive(str(tmp_path / 'f.rar'))
    with pytest.raises(ValueError, match="Expected type str for argument split"):
        U.verify_str_arg(3, 'split', ('a',))


def test_download_url_skips_intact_file(tmp_path):
    (tmp_path / 'f.bin').write_bytes(b'abc')
    U.download_url('http://127.0.0.1:9/never', str(tmp_path), 'f.bin', md5(b'abc'))
    shutil.rmtree(tmp_path)
