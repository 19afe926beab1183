"""Phototherapy (PHO): 96900-96922 by modality, area and the diagnoses CPT requires."""
