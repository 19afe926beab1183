"""Excision rules (EXC): excised diameter, site group, benign vs malignant, distinct lesions."""
