"""Destruction and skin-tag rules (DES, TAG): premalignant, benign and malignant destruction, skin tags."""
