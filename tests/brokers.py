"""Pointing this process's Celery app at another broker, and running tasks eagerly for a while.

An unreachable broker is a real one: a Redis URL on a port nothing listens on, so every send is
refused the way it is during an outage.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from config.celery import app as celery_app

UNREACHABLE = "redis://127.0.0.1:1/0"


def _reset_connections() -> None:
    # Producers and connections are pooled per broker URL; drop the pool so the next send
    # connects to the URL now configured.
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    previous = celery_app.conf.broker_url, celery_app.conf.broker_transport
    celery_app.conf.broker_url = url
    # The embedded broker names its transport class (config.broker), which would win over the
    # URL's scheme: another broker is reached through its own.
    celery_app.conf.broker_transport = None
    _reset_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_transport = previous
        _reset_connections()


@contextmanager
def eager() -> Iterator[None]:
    """Tasks sent meanwhile run in this process, with their errors raised (the broker is back
    and a worker takes the task at once)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_eager_propagates = False
