"""Write examples/claims.jsonl and examples/remits.jsonl: realistic dermatology encounters and their 835s.

Each claim carries a comment-worthy coding situation (see SCENARIOS); each remittance answers a claim the
way a Medicare contractor would (CO-97 bundling denials, CO-45 write-downs, PR coinsurance, B15/N122).
Later in time (closing the loop): `resubmissions.jsonl` (a frequency-7 claim as the rework item suggested) and
`remits-after.jsonl` (the payer pays it; a claim the scrubber flagged is paid as billed).
Run: .venv/bin/python scripts/make_examples.py
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

OUT = Path(__file__).resolve().parent.parent / "examples"
DOS = "2026-03-02"
PROVIDER = {"billing_npi": "1234567893", "rendering_npi": "1234567893"}
MEDICARE = {"payer_id": "MCR-J15", "kind": "medicare"}
ACME = {"payer_id": "ACME-PPO", "kind": "commercial"}


def line(
    line_id: str,
    code: str,
    charge: str,
    *,
    units: int = 1,
    modifiers: list[str] | None = None,
    dx: list[int] | None = None,
    **doc: Any,
) -> dict[str, Any]:
    return {
        "line_id": line_id,
        "service_date": DOS,
        "code": code,
        "modifiers": modifiers or [],
        "units": units,
        "charge": charge,
        "dx_pointers": dx or [1],
        "documentation": doc or None,
    }


def claim(
    number: int, diagnoses: list[str], lines: list[dict[str, Any]], payer: dict[str, str] = MEDICARE, **extra: Any
) -> dict[str, Any]:
    return {
        "schema": "claim.submitted.v1",
        "event_id": f"clm-evt-{number}",
        "occurred_at": "2026-03-03T09:00:00Z",
        "claim": {
            "claim_id": f"PCN-{number}",
            "frequency_code": "1",
            "payer": payer,
            "provider": PROVIDER,
            "patient": {"member_id": f"MBR{number:05d}", "birth_date": "1948-05-17", "sex": "F"},
            "place_of_service": "11",
            "diagnoses": diagnoses,
            "lines": lines,
            **extra,
        },
    }


CLAIMS = [
    # E/M for a separate problem (psoriasis follow-up) with a biopsy, 25 forgotten.
    claim(
        1001,
        ["L40.0", "D48.5"],
        [
            line("1", "99213", "110.00", separately_identifiable=True),
            line(
                "2",
                "11102",
                "95.53",
                dx=[2],
                lesion_id="A",
                body_region="arm",
                technique="tangential",
                lesion_type="uncertain",
            ),
        ],
    ),
    # BCC excision on the back plus a biopsy of a different lesion on the arm, no distinct modifier.
    claim(
        1002,
        ["C44.519", "D48.5"],
        [
            line(
                "1",
                "11601",
                "227.13",
                lesion_id="A",
                body_region="trunk",
                technique="excision",
                lesion_type="malignant",
                lesion_diameter_cm=0.6,
                margin_cm=0.2,
            ),
            line(
                "2",
                "11102",
                "95.53",
                dx=[2],
                lesion_id="B",
                body_region="arm",
                technique="tangential",
                lesion_type="uncertain",
            ),
        ],
    ),
    # 8 actinic keratoses: coded right.
    claim(
        1003,
        ["L57.0"],
        [
            line(
                "1",
                "17000",
                "66.47",
                body_region="face",
                technique="destruction",
                lesion_type="premalignant",
                lesion_count=1,
            ),
            line(
                "2",
                "17003",
                "44.45",
                units=7,
                body_region="face",
                technique="destruction",
                lesion_type="premalignant",
                lesion_count=7,
            ),
        ],
    ),
    # 20 AKs coded the old marketing guide's way (17000 + 17003 x13 + 17004): 17004 alone is right.
    claim(
        1004,
        ["L57.0"],
        [
            line(
                "1",
                "17000",
                "66.47",
                body_region="face",
                technique="destruction",
                lesion_type="premalignant",
                lesion_count=1,
            ),
            line(
                "2",
                "17003",
                "82.55",
                units=13,
                body_region="face",
                technique="destruction",
                lesion_type="premalignant",
                lesion_count=13,
            ),
            line(
                "3",
                "17004",
                "162.33",
                body_region="arm",
                technique="destruction",
                lesion_type="premalignant",
                lesion_count=6,
            ),
        ],
    ),
    # Two tangential biopsies billed as two primaries: 11102 + 11103.
    claim(
        1005,
        ["D48.5"],
        [
            line(
                "1", "11102", "95.53", lesion_id="A", body_region="arm", technique="tangential", lesion_type="uncertain"
            ),
            line(
                "2", "11102", "95.53", lesion_id="B", body_region="leg", technique="tangential", lesion_type="uncertain"
            ),
        ],
    ),
    # Malignant excision on the nose with an intermediate repair: clean.
    claim(
        1006,
        ["C44.311"],
        [
            line(
                "1",
                "11642",
                "266.87",
                lesion_id="A",
                body_region="nose",
                technique="excision",
                lesion_type="malignant",
                lesion_diameter_cm=1.0,
                margin_cm=0.4,
            ),
            line(
                "2", "12052", "311.96", lesion_id="A", body_region="nose", repair="intermediate", repair_length_cm=3.0
            ),
        ],
    ),
    # Benign excision with a documented intermediate repair that was never billed.
    claim(
        1007,
        ["D22.5"],
        [
            line(
                "1",
                "11402",
                "171.01",
                lesion_id="A",
                body_region="trunk",
                technique="excision",
                lesion_type="benign",
                lesion_diameter_cm=1.2,
                margin_cm=0.2,
                repair="intermediate",
                repair_length_cm=3.5,
            ),
        ],
    ),
    # Mohs on the cheek, two stages, complex repair: clean.
    claim(
        1008,
        ["C44.319"],
        [
            line(
                "1",
                "17311",
                "667.02",
                lesion_id="A",
                body_region="cheek",
                technique="mohs",
                lesion_type="malignant",
                mohs_stage=1,
                mohs_blocks=2,
            ),
            line(
                "2",
                "17312",
                "402.81",
                lesion_id="A",
                body_region="cheek",
                technique="mohs",
                lesion_type="malignant",
                mohs_stage=2,
                mohs_blocks=2,
            ),
            line("3", "13132", "462.27", lesion_id="A", body_region="cheek", repair="complex", repair_length_cm=4.0),
        ],
    ),
    # Punch biopsy then excision of the same lesion, same session: the biopsy is part of the excision.
    claim(
        1009,
        ["C43.59"],
        [
            line(
                "1",
                "11603",
                "276.23",
                lesion_id="C",
                body_region="trunk",
                technique="excision",
                lesion_type="malignant",
                lesion_diameter_cm=1.5,
                margin_cm=0.5,
            ),
            line(
                "2", "11104", "121.25", lesion_id="C", body_region="trunk", technique="punch", lesion_type="malignant"
            ),
        ],
    ),
    # New-patient visit that decided an adjacent tissue transfer the same day: billed with 25, needs 57.
    claim(
        1010,
        ["C44.319"],
        [
            line("1", "99203", "117.57", modifiers=["25"], decision_for_surgery=True, separately_identifiable=False),
            line(
                "2",
                "14040",
                "767.22",
                lesion_id="A",
                body_region="cheek",
                technique="excision",
                lesion_type="malignant",
            ),
        ],
    ),
    # Skin-tag add-on without its primary.
    claim(
        1011,
        ["L91.8"],
        [
            line("1", "11201", "18.37", body_region="neck", lesion_count=10, lesion_type="benign"),
        ],
    ),
    # Warts destroyed on the hand and a benign excision on the back, XS billed: a commercial payer.
    claim(
        1012,
        ["B07.8", "D23.5"],
        [
            line(
                "1",
                "17110",
                "111.22",
                lesion_id="W",
                body_region="hand",
                technique="destruction",
                lesion_type="benign",
                lesion_count=4,
            ),
            line(
                "2",
                "11400",
                "127.93",
                modifiers=["XS"],
                dx=[2],
                lesion_id="E",
                body_region="trunk",
                technique="excision",
                lesion_type="benign",
                lesion_diameter_cm=0.3,
                margin_cm=0.1,
            ),
        ],
        payer=ACME,
    ),
    # A flap closing a 12 sq cm cheek defect billed with the 10 sq cm code, and excimer laser for 200 sq cm of
    # psoriasis billed with the 250-500 sq cm code: the documented areas select 14041 and 96920.
    claim(
        1013,
        ["C44.319", "L40.0"],
        [
            line("1", "14040", "1203.00", lesion_id="F", body_region="cheek", area_sq_cm=12.0),
            line("2", "96921", "310.00", dx=[2], technique="phototherapy", modality="excimer_laser", area_sq_cm=200.0),
        ],
    ),
    # Medicare routine foot care for a diabetic patient with two Class B findings (Q8): seven dystrophic nails
    # debrided, billed as 11720 x2 (1 to 5 nails each) instead of one 11721 (6 or more).
    claim(
        1014,
        ["B35.1", "E11.42"],
        [
            line("1", "11720", "95.00", units=2, modifiers=["Q8"], dx=[1, 2], body_region="foot", nail_count=7),
        ],
    ),
]


def adj(group: str, reason: str, amount: str) -> dict[str, Any]:
    return {"group": group, "reason": reason, "amount": amount, "quantity": None}


def remit(
    number: int,
    lines: list[dict[str, Any]],
    status: str = "1",
    payer_claim: str | None = None,
    claim_id: str | None = None,
) -> dict[str, Any]:
    charge = sum(Decimal(item["charge"]) for item in lines)
    paid = sum(Decimal(item["paid"]) for item in lines)
    return {
        "schema": "remit.received.v1",
        "event_id": f"rmt-evt-{number}",
        "occurred_at": "2026-04-06T12:00:00Z",
        "remit": {
            "claim_id": claim_id or f"PCN-{number}",
            "payer_claim_id": payer_claim or f"26092{number}00",
            "remit_date": "2026-04-06",
            "status_code": status,
            "charge": f"{charge:.2f}",
            "paid": f"{paid:.2f}",
            "patient_responsibility": "0.00",
            "adjustments": [],
            "lines": lines,
        },
    }


def rline(
    line_id: str | None,
    code: str,
    charge: str,
    paid: str,
    adjustments: list[dict[str, Any]],
    modifiers: list[str] | None = None,
    remarks: list[str] | None = None,
    units: int = 1,
) -> dict[str, Any]:
    return {
        "line_id": line_id,
        "code": code,
        "modifiers": modifiers or [],
        "units": units,
        "service_date": DOS,
        "charge": charge,
        "paid": paid,
        "adjustments": adjustments,
        "remarks": remarks or [],
    }


REMITS = [
    remit(
        1001,
        [
            rline("1", "99213", "110.00", "0.00", [adj("CO", "97", "110.00")], remarks=["M15"]),
            rline("2", "11102", "95.53", "76.42", [adj("PR", "2", "19.11")]),
        ],
    ),
    remit(
        1002,
        [
            rline("1", "11601", "227.13", "181.70", [adj("PR", "2", "45.43")]),
            rline("2", "11102", "95.53", "0.00", [adj("CO", "97", "95.53")], remarks=["M15"]),
        ],
    ),
    remit(
        1003,
        [
            rline("1", "17000", "70.00", "53.18", [adj("CO", "45", "3.53"), adj("PR", "2", "13.29")]),
            rline("2", "17003", "44.45", "35.56", [adj("PR", "2", "8.89")], units=7),
        ],
    ),
    # The repair of the clean nose excision denied until the payer sees the operative note: no rule predicted it.
    remit(
        1006,
        [
            rline("1", "11642", "266.87", "213.50", [adj("PR", "2", "53.37")]),
            rline("2", "12052", "311.96", "0.00", [adj("CO", "252", "311.96")], remarks=["M127"]),
        ],
    ),
    remit(
        1009,
        [
            rline("1", "11603", "276.23", "220.98", [adj("PR", "2", "55.25")]),
            rline("2", "11104", "121.25", "0.00", [adj("CO", "97", "121.25")], remarks=["M15"]),
        ],
    ),
    remit(
        1010,
        [
            rline("1", "99203", "117.57", "0.00", [adj("CO", "97", "117.57")], modifiers=["25"], remarks=["M15"]),
            rline("2", "14040", "767.22", "613.78", [adj("PR", "2", "153.44")]),
        ],
    ),
    remit(
        1011,
        [
            rline("1", "11201", "18.37", "0.00", [adj("CO", "B15", "18.37")], remarks=["N122"]),
        ],
    ),
    remit(
        1012,
        [
            rline("1", "17110", "111.22", "88.98", [adj("CO", "45", "22.24")]),
            rline("2", "11400", "127.93", "0.00", [adj("CO", "97", "127.93")], modifiers=["XS"], remarks=["M15"]),
        ],
    ),
    # A remittance for a claim this worker never saw: worked from the 835's own lines.
    remit(
        1099,
        [
            rline("1", "11600", "198.40", "158.72", [adj("PR", "2", "39.68")]),
            rline("2", "11102", "95.53", "0.00", [adj("CO", "97", "95.53")], remarks=["M15"]),
        ],
    ),
]


# Closing the loop (issue 15): what happened after the first answers, later in time.
# PCN-1002's biopsy, denied CO-97, is resubmitted with XS as the rework item says (frequency 7, 2026-04-08) ...
REPLACEMENT_1002 = claim(
    1002,
    CLAIMS[1]["claim"]["diagnoses"],
    [CLAIMS[1]["claim"]["lines"][0], {**CLAIMS[1]["claim"]["lines"][1], "modifiers": ["XS"]}],
    frequency_code="7",
    payer_claim_id="2609210020000",
)
REPLACEMENT_1002.update(event_id="clm-evt-1002-7", occurred_at="2026-04-08T09:00:00Z")
RESUBMISSIONS = [REPLACEMENT_1002]
# ... and the payer pays it under a new claim number (2026-05-04): the rework item goes from open to paid.
PAID_1002 = remit(
    1002,
    [
        rline("1", "11601", "227.13", "0.00", [adj("CO", "45", "45.43"), adj("PR", "2", "181.70")]),
        rline("2", "11102", "95.53", "76.42", [adj("PR", "2", "19.11")], modifiers=["XS"]),
    ],
    payer_claim="2609212020000",
)
PAID_1002.update(event_id="rmt-evt-1002-7", occurred_at="2026-05-04T12:00:00Z")
PAID_1002["remit"]["remit_date"] = "2026-05-04"
# PCN-1005's two biopsies billed as two 11102 (the scrubber says 11102 + 11103) are paid as billed: a false alarm.
PAID_1005 = remit(
    1005,
    [
        rline("1", "11102", "95.53", "76.42", [adj("PR", "2", "19.11")]),
        rline("2", "11102", "95.53", "76.42", [adj("PR", "2", "19.11")]),
    ],
)
LATER_REMITS = [PAID_1005, PAID_1002]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "claims.jsonl").write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in CLAIMS))
    (OUT / "remits.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in REMITS))
    (OUT / "resubmissions.jsonl").write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in RESUBMISSIONS))
    (OUT / "remits-after.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in LATER_REMITS))
    print(
        f"wrote {len(CLAIMS)} claims, {len(REMITS)} remittances, {len(RESUBMISSIONS)} resubmission(s) and "
        f"{len(LATER_REMITS)} later remittances to {OUT}"
    )


if __name__ == "__main__":
    main()
