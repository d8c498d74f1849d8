"""ember.return_types (being written)"""
from __future__ import annotations

__all__ = []
