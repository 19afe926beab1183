"""Shared loaders for the X12 tests: the sample files live in tests/data/x12."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from workers.x12 import X12Result, convert
from workers.x12.envelope import Transaction, split_transactions
from workers.x12.tokenizer import decode, tokenize

DATA = Path(__file__).resolve().parents[2] / "data" / "x12"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def convert_file() -> Callable[[str], X12Result]:
    """Convert tests/data/x12/<name>, with the file name as the source."""

    def run(name: str) -> X12Result:
        return convert((DATA / name).read_bytes(), source=Path(name).name)

    return run


@pytest.fixture
def transactions_of() -> Callable[[str], list[Transaction]]:
    """The transaction sets of tests/data/x12/<name>."""

    def run(name: str) -> list[Transaction]:
        segments, _ = tokenize(decode((DATA / name).read_bytes()))
        return split_transactions(segments)[0]

    return run
