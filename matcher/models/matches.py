"""matches models. Export public names in __all__."""

__all__: list[str] = []
