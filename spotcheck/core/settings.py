"""The settings the kernel reads (配置), without knowing where they come from.

The application installs a provider (:func:`use`); the kernel asks :func:`get`. This keeps the
kernel free of Flask's application machinery while every process (web, worker, console) still
reads the one configuration (:mod:`spotcheck.platform.config`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_provider: Callable[[], Mapping[str, Any]] | None = None


def use(provider: Callable[[], Mapping[str, Any]]) -> None:
    """Read settings from ``provider()`` from now on (the app factory installs the app's config)."""
    global _provider
    _provider = provider


def get(name: str, default: Any = None) -> Any:
    if _provider is None:
        raise RuntimeError(f"no settings provider installed (reading {name})")
    return _provider().get(name, default)
