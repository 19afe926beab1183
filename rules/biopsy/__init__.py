"""Biopsy rules (BIO): one primary per encounter by technique hierarchy, add-on pairing, units, technique."""
