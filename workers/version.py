"""The installed package version (for build_info and dead letters)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def worker_version() -> str:
    try:
        return version("dermclaims")
    except PackageNotFoundError:
        return "0.0.0+unknown"
