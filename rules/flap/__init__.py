"""Adjacent tissue transfer (ATT) and skin grafts (GRF): 14000-14302 by site and defect area, 15200-15261 by site
and recipient area; what a tissue transfer includes (the excision and repair of the lesion it closes)."""
