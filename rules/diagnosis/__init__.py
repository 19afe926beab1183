"""Diagnosis rules (DXM): the pointed ICD-10-CM diagnoses support the procedure billed."""
