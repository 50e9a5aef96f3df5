"""Reads, always scoped by organisation: one module per concern."""
