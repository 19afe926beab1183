"""Errors raised by the rule engine."""

from __future__ import annotations


class ClaimsWorkerError(Exception):
    """Base of every error this project raises on purpose."""


class RuleCrashError(ClaimsWorkerError):
    """A rule raised: a bug in the rule, never a verdict. The claim is dead-lettered with the rule code."""

    def __init__(self, rule_code: str, cause: BaseException) -> None:
        super().__init__(f"rule {rule_code} crashed with {type(cause).__name__}: {cause}")
        self.rule_code = rule_code
        self.cause = cause


class DataTableError(ClaimsWorkerError):
    """A reference table could not be read: the message names the file, the row and what is wrong."""
