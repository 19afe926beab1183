"""E/M services billed with procedures: modifiers 25 and 57, global surgery."""
