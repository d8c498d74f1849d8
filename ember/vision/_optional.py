"""Optional dependencies of ember.vision, imported on first use with a message naming the extra to install."""
from __future__ import annotations

import importlib


def require(module: str, extra: str, package: str | None = None, what: str = 'this feature'):
    """Import ``module`` or raise ImportError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        pkg = package or module
        raise ImportError(f"{what} needs {pkg}, which is not installed: pip install 'ember[{extra}]' "
                          f"(or pip install {pkg})") from err


def pil_image(what: str = 'this feature'):
    """PIL.Image (the ``vision`` extra)."""
    return require('PIL.Image', 'vision', 'Pillow', what)
