"""Reading JSONL inputs for the CLI (`-` is stdin), one (source, line number, bytes) at a time."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path


def iter_jsonl(paths: tuple[str, ...]) -> Iterator[tuple[str, int, bytes]]:
    """Yield every non-blank line of every file, with its file name and 1-based line number."""
    for path in paths or ("-",):
        handle = sys.stdin.buffer if path == "-" else Path(path).open("rb")  # noqa: SIM115 - closed below
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield ("<stdin>" if path == "-" else path), number, line.rstrip(b"\r\n")
        finally:
            if handle is not sys.stdin.buffer:
                handle.close()
