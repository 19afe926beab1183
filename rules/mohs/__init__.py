"""Mohs micrographic surgery rules (MOH): add-on pairing, site group, stages, blocks, same-day biopsy."""
