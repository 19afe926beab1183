"""Claim-level checks: reference-data coverage of the dates of service, duplicate lines."""
