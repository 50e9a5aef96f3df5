"""Celery tasks, imported here so that autodiscovery (which imports `matcher.tasks`) finds them."""
