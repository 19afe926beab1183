"""The pure rule engine: `evaluate(claim, ruleset)` and the rework analysis. No I/O, no clock, no settings."""

from rules.engine import Verdict, evaluate
from rules.ruleset import RuleSet, build_ruleset

__all__ = ["RuleSet", "Verdict", "build_ruleset", "evaluate"]
