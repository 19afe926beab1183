"""CARC and RARC texts as data (`rules/data/carc.csv`, `rarc.csv`): what the payer's codes say, verbatim."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rules.data import read_packaged
from rules.data.table import TableMeta, parse_table
from rules.exceptions import DataTableError


@dataclass(frozen=True, slots=True)
class CodeTexts:
    """One code list (CARC or RARC): code -> published text."""

    meta: TableMeta
    texts: dict[str, str]

    def get(self, code: str) -> str | None:
        return self.texts.get(code.strip().upper())


def parse_code_texts(text: str, *, name: str) -> CodeTexts:
    meta, rows = parse_table(text, name=name, required=("code", "text"))
    texts: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if not row["code"] or not row["text"]:
            raise DataTableError(f"{name}: data row {number}: code and text are required")
        texts[row["code"].upper()] = row["text"]
    return CodeTexts(meta, texts)


@cache
def carc_table() -> CodeTexts:
    """The packaged CARC list (read once per process)."""
    return parse_code_texts(read_packaged("carc.csv"), name="carc.csv")


@cache
def rarc_table() -> CodeTexts:
    """The packaged RARC list (read once per process)."""
    return parse_code_texts(read_packaged("rarc.csv"), name="rarc.csv")


def carc_text(reason: str) -> str | None:
    return carc_table().get(reason)


def rarc_text(remark: str) -> str | None:
    return rarc_table().get(remark)


def describe_carc(group: str, reason: str) -> str:
    """`CO-97 "The benefit ..."`, or a pointer to the X12 list when the text is not on file."""
    label = f"{group}-{reason}" if group else f"CARC {reason}"
    text = carc_text(reason)
    if text is None:
        return f"{label} (text not in rules/data/carc.csv; see the X12 CARC list)"
    return f'{label} "{text}"'


def describe_rarc(remark: str) -> str:
    text = rarc_text(remark)
    if text is None:
        return f"{remark} (text not in rules/data/rarc.csv; see the X12 RARC list)"
    return f'{remark} "{text}"'


MISSING_PREFIXES = ("Missing/incomplete/invalid/inappropriate ", "Missing/incomplete/invalid ")


def missing_item(remark: str) -> str | None:
    """What a `Missing/incomplete/invalid ...` remark says is missing (e.g. `procedure code(s)`), else None.

    The X12 list words some of them `Missing/incomplete/invalid/inappropriate ...` (M77, place of service)."""
    text = rarc_text(remark)
    if text is None:
        return None
    prefix = next((p for p in MISSING_PREFIXES if text.startswith(p)), None)
    return None if prefix is None else text[len(prefix) :].rstrip(". ")


def table_labels() -> dict[str, str]:
    return {"carc": carc_table().meta.label, "rarc": rarc_table().meta.label}
