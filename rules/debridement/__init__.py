"""Debridement (DEB): 11042-11047 by the deepest tissue removed and the summed area at each depth."""
