"""``ember.xpu``: Intel GPUs, which ember does not support."""
from __future__ import annotations


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0
