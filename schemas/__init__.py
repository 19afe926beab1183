"""Pydantic v2 wire models for every event of the wire contract. Shapes and constraints only, no logic."""

from schemas.claim import (
    Claim,
    ClaimLine,
    ClaimSubmitted,
    Documentation,
    Patient,
    Payer,
    Provider,
)
from schemas.deadletter import DeadLetter, DeadLetterReason
from schemas.remit import Adjustment, Remit, RemitLine, RemitReceived
from schemas.rework import DenialRework, ReworkAction
from schemas.validated import ClaimStatus, ClaimValidated, CorrectedLine, FindingOut, FixOut

__all__ = [
    "Adjustment",
    "Claim",
    "ClaimLine",
    "ClaimStatus",
    "ClaimSubmitted",
    "ClaimValidated",
    "CorrectedLine",
    "DeadLetter",
    "DeadLetterReason",
    "DenialRework",
    "Documentation",
    "FindingOut",
    "FixOut",
    "Patient",
    "Payer",
    "Provider",
    "Remit",
    "RemitLine",
    "RemitReceived",
    "ReworkAction",
]
