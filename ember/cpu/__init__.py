"""``ember.cpu``: the CPU device's counterpart of ``ember.cuda`` (``torch.cpu``)."""
from __future__ import annotations


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return 'cpu'


def synchronize(device=None) -> None:
    """Wait for CPU work: NumPy runs synchronously, so there is none pending."""
    return None


from . import amp  # noqa: E402,F401
