"""``ember.version``: the version and what it was built with (``torch.version``)."""
from . import __version__  # noqa: F401

cuda = None  # ember uses CuPy's CUDA at run time; it is not built against a CUDA toolkit
hip = None
debug = False
git_version = None
