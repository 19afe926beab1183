"""Deterministic, realistic dermatology claims as `claim.submitted.v1` JSON bytes, for benchmarks.

Scenarios mirror an office dermatology day: E/M visits alone, E/M with biopsies, actinic keratosis
destruction counts, benign destructions, skin tags, excisions with intermediate repairs, Mohs with
repairs or flaps, phototherapy, and mixed visits. 1-8 lines a claim, documentation as a chart would give
it. About a quarter of the claims carry a realistic coding error (missing 25, 59 on an add-on, wrong
destruction units, two primary biopsies...), so the rules' finding paths are exercised, not only the
clean path. The same seed always gives byte-identical claims.

Run: .venv/bin/python -m benchmarks.generate --claims 1000 --out claims.jsonl   (JSONL for `dermclaims scrub`)
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

Line = dict[str, Any]

NPIS = ("1234567893", "1245319599", "1679576722")
PAYERS = (
    (0.72, {"payer_id": "MCR-J15", "kind": "medicare"}),
    (0.08, {"payer_id": "MCR-JH", "kind": "medicare"}),
    (0.10, {"payer_id": "ACME-PPO", "kind": "commercial"}),
    (0.04, {"payer_id": "BCBS-TX", "kind": "commercial"}),
    (0.06, {"payer_id": "MCD-OH", "kind": "medicaid"}),
)
EM_WEIGHTS = (("99213", 45), ("99214", 30), ("99212", 9), ("99203", 8), ("99204", 5), ("99202", 2), ("99215", 1))
EM_DX = ("L70.0", "L40.0", "L30.9", "L21.9", "L71.9", "L20.9", "L30.8", "B35.4")
BIOPSY_DX = ("D48.5", "D22.5", "L82.1", "D23.5", "L98.9")
MALIGNANT_DX = ("C44.311", "C44.319", "C44.41", "C44.519", "C44.612", "C44.712", "D04.5", "C43.59")
BENIGN_EXCISION_DX = ("D22.5", "D23.5", "L72.0", "D17.1", "L72.3")
WART_DX = ("B07.8", "B07.0", "L82.1", "L82.0")
BASE = date(2026, 1, 5)

# Site groups (AMA CPT anatomic groupings): excision and intermediate-repair families by body region.
TRUNK_LIMBS = ("trunk", "arm", "leg")
SCALP_NECK_HANDS_FEET = ("scalp", "neck", "hand", "foot")
FACE = ("face", "cheek", "forehead", "nose", "ear", "lip", "chin", "eyelid")
_EXCISION_SITE_DIGIT = {**dict.fromkeys(TRUNK_LIMBS, 0), **dict.fromkeys(SCALP_NECK_HANDS_FEET, 2)}
_REPAIR_BASE = {**dict.fromkeys((*TRUNK_LIMBS, "scalp"), "1203"), **dict.fromkeys(("neck", "hand", "foot"), "1204")}


def _excision_code(malignant: bool, region: str, excised_cm: float) -> str:
    site = _EXCISION_SITE_DIGIT.get(region, 4)
    steps = ((0.5, 0), (1.0, 1), (2.0, 2), (3.0, 3), (4.0, 4))
    size = next((digit for limit, digit in steps if excised_cm <= limit), 6)
    return f"11{6 if malignant else 4}{site}{size}"


def _intermediate_repair_code(region: str, length_cm: float) -> str:
    base = _REPAIR_BASE.get(region, "1205")
    if base == "1205":
        steps: tuple[tuple[float, str], ...] = (
            (2.5, "1"),
            (5.0, "2"),
            (7.5, "3"),
            (12.5, "4"),
            (20.0, "5"),
            (30.0, "6"),
        )
    else:
        steps = ((2.5, "1"), (7.5, "2"), (12.5, "4"), (20.0, "5"), (30.0, "6"))
    return base + next((digit for limit, digit in steps if length_cm <= limit), "7")


class ClaimFactory:
    """Builds one claim at a time from a seeded RNG; every choice goes through `self.rng`."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    # ---- small helpers ----------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def charge(self, low: int, high: int) -> str:
        return f"{self.rng.randint(low, high)}.{self.rng.choice(('00', '50', '00', '25'))}"

    def side(self) -> str:
        return self.rng.choice(("left", "right", "left", "right", "midline"))

    def em(self, *, with_procedure: bool) -> Line:
        code = self.rng.choices([c for c, _ in EM_WEIGHTS], [w for _, w in EM_WEIGHTS])[0]
        line: Line = {"code": code, "charge": self.charge(110, 320), "dx": self.rng.choice(EM_DX)}
        if with_procedure:
            separate = self.chance(0.8)
            line["documentation"] = {"separately_identifiable": separate}
            if separate and self.chance(0.88):
                line["modifiers"] = ["25"]  # else: the classic missing 25
            elif not separate and self.chance(0.3):
                line["modifiers"] = ["25"]  # 25 the chart does not support
        return line

    # ---- scenarios -----------------------------------------------------------------------------
    def visit_only(self) -> list[Line]:
        return [self.em(with_procedure=False)]

    def biopsies(self, *, em: bool = True) -> list[Line]:
        lines = [self.em(with_procedure=True)] if em else []
        count = self.rng.choice((1, 1, 1, 2, 2, 3))
        technique = self.rng.choice(("tangential", "tangential", "punch"))
        primary, addon = ("11102", "11103") if technique == "tangential" else ("11104", "11105")
        dx = self.rng.choice(BIOPSY_DX)
        for index in range(count):
            region = self.rng.choice((*TRUNK_LIMBS, *FACE[:3], "scalp"))
            doc = {
                "lesion_id": f"B{index + 1}",
                "body_region": region,
                "laterality": self.side(),
                "technique": technique,
            }
            code = primary if index == 0 else addon
            if index > 0 and self.chance(0.08):
                code = primary  # two primaries billed (BIO001)
            line: Line = {"code": code, "charge": self.charge(120, 190), "dx": dx, "documentation": doc}
            if index > 0 and code == addon and self.chance(0.08):
                line["modifiers"] = ["59"]  # the guide's 11103-59 erratum (MOD005)
            lines.append(line)
        return lines

    def actinic_keratoses(self) -> list[Line]:
        lines = [self.em(with_procedure=True)] if self.chance(0.5) else []
        count = self.rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 25))
        doc = {
            "body_region": self.rng.choice(("face", "scalp", "forehead", "arm", "hand")),
            "technique": "destruction",
            "lesion_type": "premalignant",
            "lesion_count": count,
        }
        if count >= 15:
            lines.append({"code": "17004", "charge": self.charge(280, 420), "dx": "L57.0", "documentation": doc})
            if self.chance(0.06):  # the guide's 17000 + 17003 x13 + 17004 erratum
                lines[-1:-1] = [
                    {"code": "17000", "charge": "140.00", "dx": "L57.0"},
                    {"code": "17003", "units": 13, "charge": "130.00", "dx": "L57.0"},
                ]
            return lines
        lines.append({"code": "17000", "charge": self.charge(120, 170), "dx": "L57.0", "documentation": doc})
        if count > 1:
            units = count - 1 if not self.chance(0.07) else count  # units off by one (DES002)
            lines.append({"code": "17003", "units": units, "charge": f"{12 * units}.00", "dx": "L57.0"})
        return lines

    def benign_destruction(self) -> list[Line]:
        lines = [self.em(with_procedure=True)] if self.chance(0.4) else []
        count = self.rng.choice((1, 2, 3, 4, 6, 8, 12, 15, 18))
        code = "17111" if count >= 15 else "17110"
        dx = self.rng.choice(WART_DX)
        doc = {
            "body_region": self.rng.choice(("hand", "foot", "trunk", "face")),
            "technique": "destruction",
            "lesion_type": "benign",
            "lesion_count": count,
        }
        lines.append({"code": code, "charge": self.charge(150, 260), "dx": dx, "documentation": doc})
        return lines

    def skin_tags(self) -> list[Line]:
        count = self.rng.choice((3, 5, 8, 12, 15, 18, 26, 30))
        dx = "L91.8"
        doc = {
            "body_region": self.rng.choice(("neck", "axilla", "trunk")),
            "technique": "excision",
            "lesion_type": "benign",
            "lesion_count": count,
        }
        lines: list[Line] = [{"code": "11200", "charge": self.charge(150, 220), "dx": dx, "documentation": doc}]
        if count > 15:
            lines.append({"code": "11201", "units": -(-(count - 15) // 10), "charge": "60.00", "dx": dx})
        return lines

    def excisions(self) -> list[Line]:
        lines: list[Line] = []
        if self.chance(0.25):
            lines.append(self.em(with_procedure=True))
        for index in range(self.rng.choice((1, 1, 1, 2))):
            malignant = self.chance(0.6)
            region = self.rng.choice((*TRUNK_LIMBS, *SCALP_NECK_HANDS_FEET, *FACE))
            diameter = round(self.rng.uniform(0.3, 2.8), 1)
            margin = 0.4 if malignant else 0.2
            excised = diameter + 2 * margin
            doc: dict[str, Any] = {
                "lesion_id": f"E{index + 1}",
                "body_region": region,
                "laterality": self.side(),
                "technique": "excision",
                "lesion_type": "malignant" if malignant else "benign",
                "lesion_diameter_cm": diameter,
                "margin_cm": margin,
            }
            code = _excision_code(malignant, region, excised)
            dx = self.rng.choice(MALIGNANT_DX if malignant else BENIGN_EXCISION_DX)
            line: Line = {"code": code, "charge": self.charge(260, 620), "dx": dx, "documentation": doc}
            if index > 0:
                line["modifiers"] = [self.rng.choice(("XS", "XS", "59"))]
            lines.append(line)
            if self.chance(0.55):
                length = round(excised * self.rng.uniform(2.6, 3.2), 1)
                doc.update(repair="intermediate", repair_length_cm=length)
                lines.append(
                    {
                        "code": _intermediate_repair_code(region, length),
                        "charge": self.charge(240, 480),
                        "dx": dx,
                        "documentation": {
                            "lesion_id": f"E{index + 1}",
                            "body_region": region,
                            "repair": "intermediate",
                            "repair_length_cm": length,
                        },
                    }
                )
        return lines

    def mohs(self) -> list[Line]:
        lines: list[Line] = []
        head = self.chance(0.8)
        region = self.rng.choice(("nose", "cheek", "ear", "forehead", "lip", "scalp")) if head else "arm"
        stages = self.rng.choice((1, 1, 2, 2, 3))
        dx = self.rng.choice(MALIGNANT_DX[:6])
        doc = {
            "lesion_id": "M1",
            "body_region": region,
            "technique": "mohs",
            "lesion_type": "malignant",
            "mohs_stage": stages,
            "mohs_blocks": self.rng.choice((2, 3, 4)),
        }
        first, more = ("17311", "17312") if head else ("17313", "17314")
        if self.chance(0.3):
            em = self.em(with_procedure=True)
            lines.append(em)
        lines.append({"code": first, "charge": self.charge(700, 950), "dx": dx, "documentation": doc})
        if stages > 1:
            lines.append({"code": more, "units": stages - 1, "charge": self.charge(400, 600), "dx": dx})
        closure = self.rng.random()
        if closure < 0.35:
            flap = "14060" if region in ("nose", "ear", "lip") else "14040"
            lines.append(
                {
                    "code": flap,
                    "charge": self.charge(1200, 1700),
                    "dx": dx,
                    "documentation": {"lesion_id": "M1", "body_region": region},
                }
            )
        elif closure < 0.8:
            length = round(self.rng.uniform(1.2, 6.5), 1)
            code = (
                ("13151" if length <= 2.5 else "13152")
                if region in ("nose", "ear", "lip")
                else ("13131" if length <= 2.5 else "13132")
            )
            lines.append(
                {
                    "code": code,
                    "charge": self.charge(600, 900),
                    "dx": dx,
                    "documentation": {
                        "lesion_id": "M1",
                        "body_region": region,
                        "repair": "complex",
                        "repair_length_cm": length,
                    },
                }
            )
        return lines

    def phototherapy(self) -> list[Line]:
        lines = [self.em(with_procedure=False)] if self.chance(0.3) else []
        lines.append(
            {
                "code": "96910",
                "charge": self.charge(90, 140),
                "dx": "L40.0",
                "documentation": {"technique": "phototherapy"},
            }
        )
        return lines

    def mixed_visit(self) -> list[Line]:
        lines = self.biopsies(em=True)
        aks = [line for line in self.actinic_keratoses() if not line["code"].startswith("992")]
        for line in lines[1:]:
            if line["code"] in ("11102", "11104") and self.chance(0.9):
                line["modifiers"] = ["XS"]  # biopsy of a different lesion than the AKs
        return (lines + aks)[:8]

    SCENARIOS = (
        ("visit_only", 14),
        ("biopsies", 20),
        ("actinic_keratoses", 15),
        ("benign_destruction", 9),
        ("skin_tags", 5),
        ("excisions", 13),
        ("mohs", 8),
        ("phototherapy", 5),
        ("mixed_visit", 11),
    )

    # ---- a claim -------------------------------------------------------------------------------
    def claim(self, number: int) -> dict[str, Any]:
        names = [name for name, _ in self.SCENARIOS]
        weights = [weight for _, weight in self.SCENARIOS]
        scenario: str = self.rng.choices(names, weights)[0]
        lines: list[Line] = getattr(self, scenario)()[:8]
        day = BASE + timedelta(days=self.rng.randrange(0, 320))
        payer = self.rng.choices([p for _, p in PAYERS], [w for w, _ in PAYERS])[0]
        diagnoses: list[str] = []
        built = []
        for index, line in enumerate(lines, start=1):
            dx = line.pop("dx")
            if dx not in diagnoses and len(diagnoses) < 12:
                diagnoses.append(dx)
            out: dict[str, Any] = {
                "line_id": str(index),
                "service_date": day.isoformat(),
                "code": line["code"],
                "modifiers": line.get("modifiers", []),
                "units": line.get("units", 1),
                "charge": line["charge"],
                "dx_pointers": [diagnoses.index(dx) + 1 if dx in diagnoses else 1],
            }
            if "documentation" in line:
                out["documentation"] = line["documentation"]
            built.append(out)
        birth = date(1938, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 62))
        return {
            "schema": "claim.submitted.v1",
            "event_id": f"bench-{number:07d}",
            "occurred_at": f"{day.isoformat()}T17:{number % 60:02d}:00Z",
            "claim": {
                "claim_id": f"PCN-B{number:07d}",
                "frequency_code": "1",
                "payer": payer,
                "provider": {"billing_npi": NPIS[number % len(NPIS)], "rendering_npi": NPIS[0]},
                "patient": {
                    "member_id": f"M{self.rng.randrange(10**6):06d}",
                    "birth_date": birth.isoformat(),
                    "sex": self.rng.choice(("F", "M")),
                },
                "place_of_service": "11" if self.chance(0.95) else "22",
                "diagnoses": diagnoses,
                "lines": built,
                "scenario": scenario,  # unknown extra fields are ignored by the contract; kept for analysis
            },
        }


def generate(count: int, seed: int = 2026) -> list[bytes]:
    """`count` claim.submitted.v1 events as JSON bytes; deterministic for a given seed."""
    factory = ClaimFactory(seed)
    return [orjson.dumps(factory.claim(number)) for number in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write deterministic benchmark claims as JSONL.")
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=None, help="file to write (default stdout)")
    args = parser.parse_args(argv)
    data = b"\n".join(generate(args.claims, args.seed)) + b"\n"
    if args.out is None:
        sys.stdout.buffer.write(data)
    else:
        args.out.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
