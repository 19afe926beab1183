"""Policy sources the rationales cite (each assessor names the ones its decision rests on)."""

from __future__ import annotations

NCCI_CH1 = "NCCI Policy Manual ch. I (PTP edits, modifier indicators, NCCI-associated modifiers)"
NCCI_CH1_NO_BYPASS = (
    'NCCI Policy Manual ch. I: "A modifier should not be appended ... solely to bypass an NCCI PTP edit"'
)
NCCI_CH3 = "NCCI Policy Manual ch. III (integumentary: biopsy is column 2 to the excision/destruction of the lesion)"
NCCI_CH3_EM_MINOR = (
    "NCCI Policy Manual ch. III and MCPM ch. 12 §40.1.C (E/M on the day of a 000/010-day procedure is included "
    "unless significant and separately identifiable, modifier 25; different diagnoses are not required)"
)
MCPM_25_57 = "MCPM (Pub. 100-04) ch. 12 §30.6.6 (modifier 25; modifier 57 for the decision for a 090-day surgery)"
MCPM_GLOBAL = "MCPM ch. 12 §40.1 (global surgical package: pre-operative day, day of surgery, post-operative days)"
A53399 = "CMS MCD article A53399 (modifier 59: different anatomic site or encounter; XE/XS/XP/XU preferred)"
MUE = (
    "NCCI MUE policy (MAI 1 line edit; MAI 2 date-of-service edit, policy, not appealable; MAI 3 clinical, appealable)"
)
ADDON = (
    "CMS NCCI add-on code edits (an add-on is not paid without its primary on the same date); CPT add-on instructions"
)
CORRECTED_CLAIM = "837P CLM05-3 frequency code 7 (replacement) with the payer's original claim number in REF*F8"
