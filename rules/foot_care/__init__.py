"""Routine foot care on Medicare (FTC): the statutory exclusion and the class findings modifiers Q7-Q9."""
