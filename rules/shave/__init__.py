"""Shave removal (SHV): 11300-11313 by site and lesion diameter, and the boundary with excision."""
