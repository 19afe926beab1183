"""Paring or cutting of benign hyperkeratotic lesions (PAR): 11055-11057 by the corns or calluses of the session."""
