"""Modifier validity: E/M-only and procedure-only modifiers, distinct-service (59/X{EPSU}) and anatomic modifiers."""
