"""Real Celery worker processes for tests: started on a queue of their own, stopped for sure.

The worker shares the test database (PostgreSQL's test database, or SQLite's test file), the
media folder and the broker (Redis in CI, the filesystem otherwise). A queue of its own means no
other worker on the same broker can take the test's tasks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def worker_start(
    env: dict[str, str], queue: str, log: Path, *, pool: str = "solo", only_queue: bool = True
) -> subprocess.Popen[bytes]:
    """`only_queue=False` starts it as production does, without -Q: it reads the queues the
    settings declare, derived from `CELERY_TASK_DEFAULT_QUEUE` in `env`."""
    queues = ["--queues", queue] if only_queue else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--pool",
            pool,
            *queues,
            "--hostname",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    # The whole process group: a prefork worker's children must not outlive the test.
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def test_database_url() -> str:
    """The URL of the database this test runs on, for a worker process to share it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def worker_queue(settings, tmp_path) -> Iterator[Path]:
    """A prefork worker on the test database and media folder; yields its log file."""
    queue = f"test-intake-{uuid.uuid4().hex[:10]}"
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": test_database_url(),
        "MEDIA_ROOT": str(media),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    log = tmp_path / "worker.log"
    worker = worker_start(env, queue, log, pool="prefork")
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield log
    finally:
        celery_app.conf.task_default_queue = previous
        worker_stop(worker)
