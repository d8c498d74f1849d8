"""``ember.utils``: data loading and other helpers (``torch.utils``)."""
from . import data  # noqa: F401
