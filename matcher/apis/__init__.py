"""The engine's API, one module per concern as in `views/`: matches, and their results."""
