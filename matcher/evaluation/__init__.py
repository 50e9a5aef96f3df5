"""Ranking quality: the labelled set in `data/`, the metrics, and the scorers compared."""
