"""Random images for testing pipelines (``torchvision.datasets.FakeData``)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import ember
from .._optional import pil_image
from .vision import VisionDataset

__all__ = ['FakeData']


class FakeData(VisionDataset):
    """``size`` random images (standard normal values shown as a PIL image) with random targets in
    ``[0, num_classes)``. Item ``i`` is always the same: it is drawn from a generator seeded with
    ``i + random_offset`` (ember's generator, so the pixels differ from torchvision's)."""

    def __init__(self, size: int = 1000, image_size: tuple[int, ...] = (3, 224, 224), num_classes: int = 10,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 random_offset: int = 0) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        gen = ember.Generator().manual_seed(index + self.random_offset)
        img = ember.randn(*self.image_size, generator=gen)
        target = int(ember.randint(0, self.num_classes, size=(1,), dtype=ember.long, generator=gen)[0])
        # torchvision's ToPILImage on a float image: scale by 255 and wrap to bytes.
        arr = (img.numpy() * 255).astype(np.int64).astype(np.uint8)
        arr = arr[0] if arr.shape[0] == 1 else np.transpose(arr, (1, 2, 0))
        return self._apply(pil_image("FakeData[i] (which returns a PIL image)").fromarray(arr), target)

    def __len__(self) -> int:
        return self.size
