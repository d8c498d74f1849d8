"""The Street View House Numbers dataset from its MATLAB files (``torchvision.datasets.SVHN``)."""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

from .._optional import pil_image, require
from .utils import check_integrity, download_url, verify_str_arg
from .vision import VisionDataset

__all__ = ['SVHN']


class SVHN(VisionDataset):
    """SVHN cropped digits: 32x32 RGB images, ``split`` one of ``train``, ``test``, ``extra``. Label 10 (the digit
    0 in the files) becomes 0. ``data`` is (N, 3, 32, 32) uint8; reading the .mat files needs scipy."""

    split_list = {
        "train": ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat",
                  "e26dedcc434d2e4c54c9b2d4a06d8373"],
        "test": ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat",
                 "eb5a983be6a315427106f1b164d9cef3"],
        "extra": ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat", "extra_32x32.mat",
                  "a93ce644f1a588dc4d68dda5feec44a7"],
    }

    def __init__(self, root: str | os.PathLike, split: str = "train", transform: Callable | None = None,
                 target_transform: Callable | None = None, download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list))
        self.url, self.filename, self.file_md5 = self.split_list[split]
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(f"Dataset not found or corrupted in {self.root}. You can use download=True to "
                               f"download it")
        sio = require('scipy.io', 'vision', 'scipy', 'SVHN (which reads MATLAB .mat files)')
        mat = sio.loadmat(os.path.join(self.root, self.filename))
        self.data = np.transpose(mat["X"], (3, 2, 0, 1))
        self.labels = mat["y"].astype(np.int64).squeeze(1)
        self.labels[self.labels == 10] = 0

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        img = pil_image("SVHN[i] (which returns a PIL image)").fromarray(np.transpose(self.data[index], (1, 2, 0)))
        return self._apply(img, int(self.labels[index]))

    def __len__(self) -> int:
        return len(self.data)

    def _check_integrity(self) -> bool:
        return check_integrity(os.path.join(self.root, self.filename), self.file_md5)

    def download(self) -> None:
        """Download this split's .mat file, verified by its MD5."""
        download_url(self.url, self.root, self.filename, self.file_md5)

    def extra_repr(self) -> str:
        return f"Split: {self.split}"
