"""ember.random (being written)"""
from __future__ import annotations

__all__ = []
