"""Celery tasks, imported here so that autodiscovery (which imports `matcher.tasks`) finds them."""

from matcher.tasks import intake, matching  # noqa: F401
