"""Intralesional injection (ILI): 11900/11901 by the lesions injected in the session."""
