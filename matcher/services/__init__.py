"""Writes, one module per concern: intake.py (uploads, parsing), matching.py (embed, score)."""
