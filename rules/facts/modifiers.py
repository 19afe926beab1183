"""Modifier vocabularies shared by rules (the NCCI-associated modifier list, NCCI Policy Manual ch. I).

Also the few code classes modifier rules need (E/M codes) and what each anatomic modifier says about
the site (HCPCS Level II modifier descriptors), so every rule reads them from one place.
"""

from __future__ import annotations

from typing import Literal

from schemas.claim import ClaimLine

DISTINCT_SERVICE = frozenset({"59", "XE", "XS", "XP", "XU"})
X_MODIFIERS = frozenset({"XE", "XS", "XP", "XU"})  # CMS CR 8863 (Transmittal 1422, 2015): selective 59s
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

# Modifiers CPT defines for E/M services only: 24 (unrelated E/M in a post-op period), 25 (significant,
# separately identifiable E/M the day of a procedure), 57 (decision for surgery).
EM_ONLY = frozenset({"24", "25", "57"})
# Modifiers CPT defines for procedures only: 58/78/79 (procedure in a post-op period) and 76/77 (repeat
# procedure; CPT: "should not be appended to an E/M service").
PROCEDURE_ONLY = frozenset({"58", "76", "77", "78", "79"})
POSTOPERATIVE_PROCEDURE = frozenset({"58", "78", "79"})

Side = Literal["left", "right"]

# HCPCS Level II anatomic modifiers: the body region each one names, and its side.
_EYELID: dict[str, Side] = {"E1": "left", "E2": "left", "E3": "right", "E4": "right"}
_FINGER: dict[str, Side] = {
    "FA": "left", "F1": "left", "F2": "left", "F3": "left", "F4": "left",
    "F5": "right", "F6": "right", "F7": "right", "F8": "right", "F9": "right",
}  # fmt: skip
_TOE: dict[str, Side] = {
    "TA": "left", "T1": "left", "T2": "left", "T3": "left", "T4": "left",
    "T5": "right", "T6": "right", "T7": "right", "T8": "right", "T9": "right",
}  # fmt: skip
CORONARY = frozenset({"LC", "LD", "LM", "RC", "RI"})

ANATOMIC_REGION: dict[str, str] = {
    **dict.fromkeys(_EYELID, "eyelid"),
    **dict.fromkeys(_FINGER, "hand"),
    **dict.fromkeys(_TOE, "foot"),
}
ANATOMIC_SIDE: dict[str, Side] = {"LT": "left", "RT": "right", **_EYELID, **_FINGER, **_TOE}

# The same structure on the other side: E1 (upper left lid) <-> E3 (upper right lid), F1 <-> F6, TA <-> T5...
MIRROR: dict[str, str] = {
    "LT": "RT",
    "E1": "E3",
    "E2": "E4",
    "FA": "F5",
    **{f"F{n}": f"F{n + 5}" for n in range(1, 5)},
    "TA": "T5",
    **{f"T{n}": f"T{n + 5}" for n in range(1, 5)},
}
MIRROR.update({right: left for left, right in list(MIRROR.items())})

MODIFIER_MEANING: dict[str, str] = {
    "24": "unrelated E/M during a postoperative period",
    "25": "significant, separately identifiable E/M on the day of a procedure",
    "57": "decision for surgery",
    "58": "staged or related procedure during the postoperative period",
    "59": "distinct procedural service",
    "76": "repeat procedure by the same physician",
    "77": "repeat procedure by another physician",
    "78": "unplanned return to the operating/procedure room for a related procedure",
    "79": "unrelated procedure during the postoperative period",
    "XE": "separate encounter",
    "XS": "separate structure",
    "XP": "separate practitioner",
    "XU": "unusual non-overlapping service",
}


def is_em_like(code: str) -> bool:
    """E/M section codes (99202-99499) and the eye visit codes Medicare treats like E/M (92002-92014)."""
    if not code.isdigit():
        return False
    number = int(code)
    return 99202 <= number <= 99499 or 92002 <= number <= 92014


def is_cpt_procedure(code: str) -> bool:
    """A CPT Category I code outside E/M: modifiers defined for E/M services never belong on it.

    HCPCS Level II (letter) codes and Category III codes are not judged: some G codes are visits.
    """
    return code.isdigit() and len(code) == 5 and not is_em_like(code)


# NCCI-associated modifiers that document a distinct service wherever they are (Policy Manual ch. I):
# distinct-service, global-surgery (other than 25) and repeat-test modifiers. Modifier 25 bypasses only on an
# E/M line, and anatomic modifiers only when the two lines carry different ones (LT vs RT, F1 vs F2).
_BYPASS = DISTINCT_SERVICE | frozenset({"24", "57", "58", "78", "79", "27", "91"})


def bypass_modifiers(column1: ClaimLine, column2: ClaimLine, *, either_line: bool = True) -> list[str]:
    """The NCCI-associated modifiers on the pair that document a distinct service.

    A distinct-service modifier (59, X{EPSU}) counts on the column-2 line; on the column-1 line only when the
    payer reads it on either code of the pair (`either_line`, PayerProfile.distinct_modifier_either_line)."""
    carriers = (column2, column1) if either_line else (column2,)
    found = [m for line in carriers for m in line.modifiers if m in DISTINCT_SERVICE]
    found += [m for line in (column2, column1) for m in line.modifiers if m in _BYPASS and m not in DISTINCT_SERVICE]
    found += [m for line in (column2, column1) for m in line.modifiers if m == "25" and is_em_like(line.code)]
    anatomic1 = {m for m in column1.modifiers if m in ANATOMIC}
    anatomic2 = {m for m in column2.modifiers if m in ANATOMIC}
    if anatomic1 and anatomic2 and anatomic1 != anatomic2:
        found += sorted(anatomic2 - anatomic1) or sorted(anatomic2)
    return found
