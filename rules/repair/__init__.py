"""Repair rules (REP): repairs included in excisions, summed lengths, code by length and site, unbilled repairs."""
