"""The facts layer: what is known about one claim, worked out once and read by every rule family.

`ClaimContext` (context.py) holds the claim's lines and indexes and the reference tables in force for its
dates and payer; the other modules are per-line and per-date facts built on it, lazily, once per claim: lesion
identity and site groups (sites.py, lesions.py), modifier vocabularies (modifiers.py), the biopsy plan
(biopsy.py), Mohs lesions (mohs.py), expected excision codes (excision.py), repair groups (repair.py),
destruction counts (destruction.py), payable units (payable.py), family recodes under an MUE (recode.py), E/M
situations and global periods (surgery.py), diagnosis classes (diagnosis.py) and which rule owns a line's
answer (ownership.py). A fact never imports a rule family.
"""
