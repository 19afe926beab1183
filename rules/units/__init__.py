"""Units: NCCI medically unlikely edits (MUE) per line and per date of service."""
