"""NCCI bundling: procedure-to-procedure pairs and add-on codes."""
