"""Documentation rules (DOC): the chart facts each procedure family needs to support its code."""
