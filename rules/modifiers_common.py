"""Modifier vocabularies shared by rules (the NCCI-associated modifier list, NCCI Policy Manual ch. I)."""

from __future__ import annotations

DISTINCT_SERVICE = frozenset({"59", "XE", "XS", "XP", "XU"})
ANATOMIC = frozenset(
    {
        "LT",
        "RT",
        "E1",
        "E2",
        "E3",
        "E4",
        "FA",
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "TA",
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",
        "LC",
        "LD",
        "LM",
        "RC",
        "RI",
    }
)
GLOBAL_SURGERY = frozenset({"24", "25", "57", "58", "78", "79"})
NCCI_ASSOCIATED = DISTINCT_SERVICE | ANATOMIC | GLOBAL_SURGERY | frozenset({"27", "91"})

EM_CODES = frozenset({"99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"})
