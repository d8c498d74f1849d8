"""ember.testing (being written)"""
from __future__ import annotations

__all__ = []
