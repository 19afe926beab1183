"""The numbers of `dermclaims report`: the scrubber's precision and recall, missed denials, the rework funnel.

Counted from the same things the worker's metrics count (`WorkerMetrics.observe_loop`): each input's line
judgements and the rework items it produced (`rules.outcomes.lifecycle.funnel_steps`), so a report over the
inputs a worker consumed shows the worker's numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rules.outcomes.lifecycle import FUNNEL, funnel_steps
from schemas import DenialRework
from workers.loop_state import LoopTrace

ZERO = Decimal("0.00")


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Tally:
    rules: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # rule -> judgement -> lines
    groups: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # carc group -> judgement
    group_dollars: dict[str, dict[str, Decimal]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Decimal))
    )
    missed: dict[str, list[Any]] = field(default_factory=dict)  # "CO-50" -> [lines, dollars, group, {RARCs}]
    funnel: Counter[str] = field(default_factory=Counter)
    funnel_dollars: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, trace: LoopTrace | None, items: Iterable[DenialRework]) -> None:
        if trace is not None:
            for judgement in trace.judgements:
                for rule in judgement.rules:
                    self.rules[rule][judgement.outcome] += 1
                if judgement.outcome in ("predicted", "missed"):
                    group = judgement.carc_group or "other"
                    self.groups[group][judgement.outcome] += 1
                    self.group_dollars[group][judgement.outcome] += judgement.amount
                if judgement.outcome == "missed":
                    label = f"{judgement.group_code}-{judgement.carc}"
                    entry = self.missed.setdefault(label, [0, ZERO, judgement.carc_group, set()])
                    entry[0] += 1
                    entry[1] += judgement.amount
                    entry[3].update(judgement.remarks)
        for item in items:
            for step, dollars in funnel_steps(item):
                self.funnel[step] += 1
                self.funnel_dollars[step] += dollars

    def to_json(self) -> dict[str, Any]:
        """Plain numbers (money as strings), the `--format json` output and what the HTML page charts."""
        rules = []
        for rule in sorted(self.rules):
            counts = self.rules[rule]
            precision = ratio(counts["predicted"], counts["predicted"] + counts["false_alarm"])
            rules.append(
                {
                    "rule": rule,
                    "predicted": counts["predicted"],
                    "false_alarm": counts["false_alarm"],
                    "prevented": counts["prevented"],
                    "precision": precision,
                }
            )
        groups = []
        for group in sorted(self.groups):
            counts = self.groups[group]
            groups.append(
                {
                    "carc_group": group,
                    "predicted": counts["predicted"],
                    "missed": counts["missed"],
                    "recall": ratio(counts["predicted"], counts["predicted"] + counts["missed"]),
                    "predicted_dollars": f"{self.group_dollars[group]['predicted']:.2f}",
                    "missed_dollars": f"{self.group_dollars[group]['missed']:.2f}",
                }
            )
        missed = [
            {"carc": label, "lines": n, "dollars": f"{dollars:.2f}", "carc_group": group, "remarks": sorted(remarks)}
            for label, (n, dollars, group, remarks) in sorted(self.missed.items(), key=lambda e: (-e[1][1], e[0]))
        ]
        funnel = [
            {"stage": stage, "items": self.funnel[stage], "dollars": f"{self.funnel_dollars[stage]:.2f}"}
            for stage in FUNNEL
        ]
        return {"rules": rules, "carc_groups": groups, "missed_by_carc": missed, "funnel": funnel}
