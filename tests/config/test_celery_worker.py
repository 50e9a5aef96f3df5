"""A real Celery worker process consumes a real broker: Redis in CI, the filesystem by default."""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery

from config.celery import app
from tests.workers import worker_start, worker_stop


@pytest.fixture
def queue() -> str:
    # A queue of its own, so no other worker on the same broker can take the task.
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def worker_env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def test_a_worker_runs_a_task_sent_through_redis(
    redis_url: str, queue: str, worker_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    worker = worker_start({**worker_env, "REDIS_URL": redis_url}, queue, log)
    try:
        client = Celery("probe", broker=redis_url, backend=redis_url)
        result = client.send_task("config.ping", queue=queue)
        assert result.get(timeout=90) == "pong"
    finally:
        worker_stop(worker)
    assert "ready" in log.read_text()


def test_a_worker_runs_a_task_through_the_filesystem_broker_with_no_server(
    queue: str, worker_env: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in worker_env.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env["VAR_DIR"] = str(tmp_path / "var")
    log = tmp_path / "worker.log"
    worker = worker_start(env, queue, log)
    try:
        folder = tmp_path / "var" / "broker" / "out"
        folder.mkdir(parents=True, exist_ok=True)
        (tmp_path / "var" / "celery-results").mkdir(parents=True, exist_ok=True)
        client = Celery(
            "probe",
            broker="filesystem://",
            backend=f"file://{tmp_path / 'var' / 'celery-results'}",
        )
        client.conf.broker_transport_options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(tmp_path / "var" / "broker" / "control"),
        }
        result = client.send_task("config.ping", queue=queue)
        assert result.get(timeout=90) == "pong"
    finally:
        worker_stop(worker)
    assert "ready" in log.read_text()


def test_upkeep_is_not_held_back_by_a_backlog_on_the_default_queue(
    queue: str, worker_env: dict[str, str], tmp_path: Path, settings
) -> None:
    """A worker started as production starts it (no -Q) reads the maintenance queue beside the
    default one, so a sweep sent behind 40 queued tasks is among the first it takes."""
    maintenance = f"{queue}.maintenance"
    backlog = [app.send_task("config.ping", queue=queue).id for _ in range(40)]
    upkeep = app.send_task("config.ping", queue=maintenance).id
    log = tmp_path / "worker.log"
    worker = worker_start(
        {**worker_env, "CELERY_TASK_DEFAULT_QUEUE": queue}, queue, log, only_queue=False
    )
    try:
        deadline = time.monotonic() + 120
        while log.read_text(errors="replace").count("succeeded") < 41:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
    finally:
        worker_stop(worker)
    received = re.findall(r"Task config\.ping\[([0-9a-f-]+)\] received", log.read_text())
    assert sorted(received) == sorted([*backlog, upkeep])
    assert received.index(upkeep) < 5, received.index(upkeep)
    assert {
        settings.CELERY_TASK_ROUTES[entry["task"]]["queue"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    } == {settings.MAINTENANCE_QUEUE}
