"""MNIST and its relatives, stored in the IDX format (``torchvision.datasets.mnist``).

The folder layout is torchvision's (``root/<ClassName>/raw/<file>``), so files that torchvision downloaded are found.
A file may also be left gzip-compressed (``train-images-idx3-ubyte.gz``): it is then read directly.
"""
from __future__ import annotations

import gzip
import lzma
import os
import shutil
import string
import warnings
from typing import Any, Callable

import numpy as np

import ember
from .._optional import pil_image
from .utils import download_and_extract_archive, download_from_mirrors, extract_archive, verify_str_arg
from .vision import VisionDataset

__all__ = ['MNIST', 'FashionMNIST', 'KMNIST', 'EMNIST', 'QMNIST', 'read_sn3_pascalvincent_tensor',
           'read_image_file', 'read_label_file']

# IDX type codes and their big-endian element types.
_IDX_TYPES = {8: np.dtype('u1'), 9: np.dtype('i1'), 11: np.dtype('>i2'), 12: np.dtype('>i4'), 13: np.dtype('>f4'),
              14: np.dtype('>f8')}
_OPENERS = {'.gz': gzip.open, '.xz': lzma.open}


def _read_bytes(path: str) -> bytes:
    opener = _OPENERS.get(os.path.splitext(path)[1], open)
    with opener(path, 'rb') as f:
        return f.read()


def read_sn3_pascalvincent_tensor(path: str, strict: bool = True) -> ember.Tensor:
    """Read an IDX ("SN3 Pascal Vincent") file, plain or .gz/.xz-compressed, into a tensor of its shape."""
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES or not 1 <= data[3] <= 3:
        raise ValueError(f"{path} is not an IDX file: its magic number is {data[:4].hex() or 'missing'} "
                         f"(expected 0x0000TTNN with type TT in 08-0e and 1 to 3 dimensions NN)")
    dtype, nd = _IDX_TYPES[data[2]], data[3]
    header = 4 * (nd + 1)
    if len(data) < header:
        raise ValueError(f"{path} is truncated: its header needs {header} bytes, the file has {len(data)}")
    shape = tuple(int(s) for s in np.frombuffer(data, '>u4', nd, 4))
    count = (len(data) - header) // dtype.itemsize
    n = int(np.prod(shape))
    if count < n or (strict and count != n):
        raise ValueError(f"{path} holds {count} values but its header gives shape {shape} ({n} values)")
    arr = np.frombuffer(data, dtype, n, header).astype(dtype.newbyteorder('='))
    return ember.from_numpy(arr.reshape(shape))


def read_label_file(path: str) -> ember.Tensor:
    """Read an IDX file of uint8 labels into an int64 vector."""
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != ember.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.ndim}")
    return x.long()


def read_image_file(path: str) -> ember.Tensor:
    """Read an IDX file of uint8 images into an (N, H, W) tensor."""
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != ember.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.ndim}")
    return x


def _stored(path: str) -> str | None:
    """``path`` itself, or its .gz/.xz-compressed copy, whichever exists."""
    for p in (path, path + '.gz', path + '.xz'):
        if os.path.isfile(p):
            return p
    return None


class MNIST(VisionDataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test 28x28 grayscale images.

    ``root/MNIST/raw`` holds ``{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (or their .gz); ``download=True``
    fetches the files of the requested split from the mirrors, checking their MD5.
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root: str | os.PathLike, train: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None, download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(f"Dataset not found in {self.raw_folder}. You can use download=True to download it")
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def _split_resources(self) -> list[tuple[str, str]]:
        prefix = 'train' if self.train else 't10k'
        return [r for r in self.resources if r[0].startswith(prefix)]

    def _files(self) -> list[str]:
        return [os.path.join(self.raw_folder, os.path.splitext(name)[0]) for name, _ in self._split_resources()]

    def _check_exists(self) -> bool:
        return all(_stored(f) is not None for f in self._files())

    def _load_data(self):
        images, labels = (_stored(f) for f in self._files())
        return read_image_file(images), read_label_file(labels)

    def download(self) -> None:
        """Download the files of this split (if missing), verify their MD5 and decompress them."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self._split_resources():
            download_from_mirrors([m + filename for m in self.mirrors], self.raw_folder, filename, md5)
            extract_archive(os.path.join(self.raw_folder, filename), self.raw_folder)

    def _image(self, img: ember.Tensor):
        return pil_image(f"{type(self).__name__}[i] (which returns a PIL image)").fromarray(img.numpy())

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        img, target = self.data[index], int(self.targets[index])
        return self._apply(self._image(img), target)

    def __len__(self) -> int:
        return len(self.data)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"

    def _renamed(self, old):
        warnings.warn(f"{old} has been renamed {'targets' if 'labels' in old else 'data'}")
        return self.targets if 'labels' in old else self.data

    train_labels = property(lambda self: self._renamed('train_labels'))
    test_labels = property(lambda self: self._renamed('test_labels'))
    train_data = property(lambda self: self._renamed('train_data'))
    test_data = property(lambda self: self._renamed('test_data'))


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 grayscale images of 10 kinds of clothing, in MNIST's format."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST: 28x28 images of 10 cursive Japanese characters, in MNIST's format."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """Extended MNIST: handwritten digits and letters in six splits (``byclass``, ``bymerge``, ``balanced``,
    ``letters``, ``digits``, ``mnist``). The images are stored transposed, as in the original files."""

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root: str | os.PathLike, split: str, **kwargs: Any) -> None:
        self.split = verify_str_arg(split, "split", self.splits)
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self) -> str:
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self) -> str:
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self) -> str:
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _files(self) -> list[str]:
        return [self.images_file, self.labels_file]

    def download(self) -> None:
        """Download the EMNIST archive (all splits), verify it and decompress its IDX files into the raw folder."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for name in os.listdir(gzip_folder):
            if name.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, name), self.raw_folder)
        shutil.rmtree(gzip_folder)

    def extra_repr(self) -> str:
        return f"Split: {self.split}"


class QMNIST(MNIST):
    """QMNIST: MNIST's reconstruction with the full NIST metadata. ``what`` is one of ``train``, ``test``,
    ``test10k``, ``test50k``, ``nist``; with ``compat`` the target is the class index, otherwise the row of 8
    metadata integers."""

    subsets = {"train": "train", "test": "test", "test10k": "test", "test50k": "test", "nist": "nist"}
    _base = "https://raw.githubusercontent.com/facebookresearch/qmnist/master/"
    resources = {
        "train": [(_base + "qmnist-train-images-idx3-ubyte.gz", "ed72d4157d28c017586c42bc6afe6370"),
                  (_base + "qmnist-train-labels-idx2-int.gz", "0058f8dd561b90ffdd0f734c6a30e5e4")],
        "test": [(_base + "qmnist-test-images-idx3-ubyte.gz", "1394631089c404de565df7b7aeaf9412"),
                 (_base + "qmnist-test-labels-idx2-int.gz", "5b5b05890a5e13444e108efe57b788aa")],
        "nist": [(_base + "xnist-images-idx3-ubyte.xz", "7f124b3b8ab81486c9d8c2749c17f834"),
                 (_base + "xnist-labels-idx2-int.xz", "5ed0e788978e45d4a8bd4b7caec3d79d")],
    }

    def __init__(self, root: str | os.PathLike, what: str | None = None, compat: bool = True, train: bool = True,
                 **kwargs: Any) -> None:
        if what is None:
            what = "train" if train else "test"
        self.what = verify_str_arg(what, "what", tuple(self.subsets))
        self.compat = compat
        super().__init__(root, train, **kwargs)

    def _split_resources(self) -> list[tuple[str, str]]:
        return self.resources[self.subsets[self.what]]

    @property
    def images_file(self) -> str:
        return self._files()[0]

    @property
    def labels_file(self) -> str:
        return self._files()[1]

    def _files(self) -> list[str]:
        return [os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0])
                for url, _ in self._split_resources()]

    def _load_data(self):
        images, labels = (_stored(f) for f in self._files())
        data = read_sn3_pascalvincent_tensor(images)
        if data.dtype != ember.uint8:
            raise TypeError(f"data should be of dtype torch.uint8 instead of {data.dtype}")
        if data.ndim != 3:
            raise ValueError(f"data should have 3 dimensions instead of {data.ndim}")
        targets = read_sn3_pascalvincent_tensor(labels).long()
        if targets.ndim != 2:
            raise ValueError(f"targets should have 2 dimensions instead of {targets.ndim}")
        if self.what == "test10k":
            data, targets = data[:10000].clone(), targets[:10000].clone()
        elif self.what == "test50k":
            data, targets = data[10000:].clone(), targets[10000:].clone()
        return data, targets

    def download(self) -> None:
        """Download (and decompress) only the files of the subset asked for."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for url, md5 in self._split_resources():
            download_and_extract_archive(url, self.raw_folder, md5=md5)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        img, target = self.data[index], self.targets[index]
        img = self._image(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.compat:
            target = int(target[0])
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self) -> str:
        return f"Split: {self.what}"
