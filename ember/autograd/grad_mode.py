"""Grad modes: whether ops record the graph (``no_grad``, ``enable_grad``, ``inference_mode``, ...)."""
from __future__ import annotations

import functools


class _State:
    __slots__ = ('enabled', 'inference')

    def __init__(self):
        self.enabled = True
        self.inference = False


state = _State()


def is_grad_enabled() -> bool:
    """Whether gradient recording is currently on."""
    return state.enabled


def is_inference_mode_enabled() -> bool:
    return state.inference


class _Mode:
    """A context manager that is also a decorator, with or without parentheses (``@no_grad``, ``@no_grad()``)."""

    def __new__(cls, *args, **kwargs):
        if cls in (no_grad, enable_grad, inference_mode) and len(args) == 1 and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __call__(self, fn=None):
        if fn is None:
            return self
        mode = self

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with mode.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_Mode):
    """Disable gradient recording inside its block (context manager or decorator)."""

    def __enter__(self):
        self.prev = state.enabled
        state.enabled = False

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False


class enable_grad(_Mode):
    """Enable gradient recording inside its block, even within ``no_grad``."""

    def __enter__(self):
        self.prev = state.enabled
        state.enabled = True

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False


class set_grad_enabled(_Mode):
    """Turn gradient recording on or off; takes effect at once, and as a context manager restores it after."""

    def __init__(self, mode: bool):
        self.prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False

    def clone(self):
        return set_grad_enabled(self.mode)


class inference_mode(_Mode):
    """Like ``no_grad``, for inference (``mode=False`` makes it a no-op)."""

    def __init__(self, mode: bool = True):
        self.mode = mode

    def __enter__(self):
        self.prev = (state.enabled, state.inference)
        if self.mode:
            state.enabled, state.inference = False, True

    def __exit__(self, *exc):
        state.enabled, state.inference = self.prev
        return False

    def clone(self):
        return inference_mode(self.mode)
