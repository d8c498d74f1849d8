"""``ember.linalg``: norms, inverses, decompositions and solvers (being written)."""
from __future__ import annotations
