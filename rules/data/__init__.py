"""Reference data: versioned tables (CSV with a metadata header) and their parsers.

Every table starts with `# key: value` lines naming at least `table`, `source`, `effective_from`
(ISO date) and optionally `effective_to`, `version` and `curated` (true when rows were assembled by
hand from policy text rather than copied from an official CMS file). Parsing is pure (text in,
objects out); `read_packaged` is the one place that reads the files shipped inside this package.
"""

from __future__ import annotations

import gzip
from importlib import resources


def read_packaged(name: str) -> str:
    """Text of a table shipped in `rules/data/` (read once at start-up, never per claim)."""
    return resources.files("rules.data").joinpath(name).read_text(encoding="utf-8")


def read_packaged_gzip(name: str) -> str:
    """Text of a gzip'd table shipped in `rules/data/` (the large official PTP edition)."""
    return gzip.decompress(resources.files("rules.data").joinpath(name).read_bytes()).decode("utf-8")
